#ifndef SYSPORT_OS_INTERNAL_PATH_H_
#define SYSPORT_OS_INTERNAL_PATH_H_

#include <string>
#include <string_view>
#include <utility>

namespace sysport::os::internal {

// {directory, last name} of a path, lexically, as the directory to open and
// the name to act on in it: "a/b" -> {"a", "b"}, "b" -> {".", "b"},
// "/b" -> {"/", "b"}; slashes at the end are dropped first ("a/b/" -> {"a",
// "b"}, but "/" stays {"/", "."}).
inline std::pair<std::string, std::string> SplitPath(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path == "/") return {"/", "."};
  const size_t slash = path.find_last_of('/');
  if (slash == std::string_view::npos) return {".", std::string(path)};
  if (slash == 0) return {"/", std::string(path.substr(1))};
  return {std::string(path.substr(0, slash)), std::string(path.substr(slash + 1))};
}

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_PATH_H_
