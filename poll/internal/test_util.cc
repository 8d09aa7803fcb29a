#include "poll/internal/test_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "syscall/unix.h"

namespace sysport::poll::testutil {

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i % 251);
  return s;
}

std::string WriteTempFile(const std::string& dir, const std::string& content) {
  std::string path = dir + "/sysport-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0) std::abort();
  size_t done = 0;
  while (done < content.size()) {
    const std::string_view rest = std::string_view{content}.substr(done);
    ssize_t n = ::write(fd, rest.data(), rest.size());
    if (n <= 0) std::abort();
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  return path;
}

std::unique_ptr<FD> OpenFD(const std::string& path, int flags) {
  auto fd = syscall::Open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (!fd.ok()) std::abort();
  return std::make_unique<FD>(fd.value());
}

std::string ReadFile(const std::string& path) {
  auto fd = syscall::Open(path.c_str(), O_RDONLY | O_CLOEXEC, 0);
  if (!fd.ok()) std::abort();
  std::string out;
  std::array<char, 65536> buf = {};
  while (true) {
    auto r = syscall::Read(fd.value(), absl::MakeSpan(buf));
    if (!r.ok()) std::abort();
    if (r.value() == 0) break;
    out.append(buf.data(), r.value());
  }
  (void)syscall::Close(fd.value());
  return out;
}

int64_t Offset(FD& fd) { return fd.Seek(0, SEEK_CUR).n; }

}  // namespace sysport::poll::testutil
