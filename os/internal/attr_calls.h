#ifndef SYSPORT_OS_INTERNAL_ATTR_CALLS_H_
#define SYSPORT_OS_INTERNAL_ATTR_CALLS_H_

// What File's and Root's metadata calls share: the sized calls of extended
// attributes, their list of names, and times as futimens(2) takes them.

#include <sys/stat.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "absl/types/span.h"
#include "syscall/errno.h"
#include "syscall/result.h"

namespace sysport::os::internal {

// A call that fills a buffer and returns its length, or with an empty buffer
// the length it needs (flistxattr, fgetxattr, ...), made until the value
// fits: it may grow between the two calls (ERANGE).
template <typename Call>
syscall::Result<std::string> FillGrowing(const Call& call) {
  std::string value;
  while (true) {
    const syscall::Result<size_t> need = call(absl::Span<char>());
    if (!need.ok()) return syscall::Result<std::string>::Error(need.error());
    if (need.value() == 0) return syscall::Result<std::string>::Ok(std::move(value));
    value.resize(need.value());
    const syscall::Result<size_t> got = call(absl::MakeSpan(value));
    if (got.ok()) {
      value.resize(got.value());
      return syscall::Result<std::string>::Ok(std::move(value));
    }
    if (got.error() != syscall::Errno(ERANGE)) {
      return syscall::Result<std::string>::Error(got.error());
    }
  }
}

// listxattr's answer, NUL-terminated names one after another, as a list.
inline std::vector<std::string> XattrNames(std::string_view list) {
  std::vector<std::string> names;
  while (!list.empty()) {
    const size_t end = list.find('\0');
    if (end != 0) names.emplace_back(list.substr(0, end));
    if (end == std::string_view::npos) break;
    list.remove_prefix(end + 1);
  }
  return names;
}

// {access, modification} for futimens(2) and utimensat(2); InfinitePast()
// leaves that time as it is (UTIME_OMIT).
inline std::array<struct timespec, 2> Timespecs(absl::Time access, absl::Time modification) {
  auto spec = [](absl::Time t) {
    if (t == absl::InfinitePast()) {
      struct timespec omit = {};
      omit.tv_nsec = UTIME_OMIT;
      return omit;
    }
    return absl::ToTimespec(t);
  };
  return {spec(access), spec(modification)};
}

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_ATTR_CALLS_H_
