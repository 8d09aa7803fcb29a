#include "syscall/unix.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <optional>
#include <string_view>

#include "syscall/internal/from_return.h"

namespace sysport::syscall {

// open(2) and fcntl(2) are variadic C functions, hence the NOLINTs below: this
// file is the one place sysport calls them, each with typed arguments.
Result<int> Open(const char* path, int flags, mode_t mode) {
  return internal::FromReturn<int>(
      ::open(path, flags, mode));  // NOLINT(cppcoreguidelines-pro-type-vararg)
}

Result<int> Openat(int dir_fd, const char* path, int flags, mode_t mode) {
  return internal::FromReturn<int>(
      ::openat(dir_fd, path, flags, mode));  // NOLINT(cppcoreguidelines-pro-type-vararg)
}

Errno Close(int fd) {
  if (::close(fd) < 0) return Errno(errno);
  return Errno();
}

Result<int64_t> Seek(int fd, int64_t offset, int whence) {
  return internal::FromReturn<int64_t>(::lseek(fd, offset, whence));
}

Result<struct stat> Fstat(int fd) {
  struct stat st = {};
  if (::fstat(fd, &st) < 0) return Result<struct stat>::Error(Errno(errno));
  return Result<struct stat>::Ok(st);
}

Result<struct stat> Stat(const char* path) {
  struct stat st = {};
  if (::stat(path, &st) < 0) return Result<struct stat>::Error(Errno(errno));
  return Result<struct stat>::Ok(st);
}

Result<struct stat> Fstatat(int dir_fd, const char* path, int flags) {
  struct stat st = {};
  if (::fstatat(dir_fd, path, &st, flags) < 0) return Result<struct stat>::Error(Errno(errno));
  return Result<struct stat>::Ok(st);
}

Errno Fsync(int fd) {
  if (::fsync(fd) < 0) return Errno(errno);
  return Errno();
}

namespace {

Errno ErrnoOf(int ret) { return ret < 0 ? Errno(errno) : Errno(); }

}  // namespace

Errno Ftruncate(int fd, int64_t length) { return ErrnoOf(::ftruncate(fd, length)); }

Errno Fchmod(int fd, mode_t mode) { return ErrnoOf(::fchmod(fd, mode)); }

Errno Fchown(int fd, uid_t uid, gid_t gid) { return ErrnoOf(::fchown(fd, uid, gid)); }

Errno Futimens(int fd, const std::array<struct timespec, 2>& times) {
  return ErrnoOf(::futimens(fd, times.data()));
}

Errno Mkdirat(int dir_fd, const char* path, mode_t mode) {
  return ErrnoOf(::mkdirat(dir_fd, path, mode));
}

Errno Symlinkat(const char* target, int dir_fd, const char* path) {
  return ErrnoOf(::symlinkat(target, dir_fd, path));
}

Result<size_t> Readlinkat(int dir_fd, const char* path, absl::Span<char> buf) {
  return internal::FromReturn<size_t>(::readlinkat(dir_fd, path, buf.data(), buf.size()));
}

Errno Fchmodat(int dir_fd, const char* path, mode_t mode, int flags) {
  return ErrnoOf(::fchmodat(dir_fd, path, mode, flags));
}

Errno Fchownat(int dir_fd, const char* path, uid_t uid, gid_t gid, int flags) {
  return ErrnoOf(::fchownat(dir_fd, path, uid, gid, flags));
}

Errno Utimensat(int dir_fd, const char* path, const std::array<struct timespec, 2>& times,
                int flags) {
  return ErrnoOf(::utimensat(dir_fd, path, times.data(), flags));
}

Errno Mknodat(int dir_fd, const char* path, mode_t mode, dev_t dev) {
  return ErrnoOf(::mknodat(dir_fd, path, mode, dev));
}

Result<size_t> Flistxattr(int fd, absl::Span<char> buf) {
  return internal::FromReturn<size_t>(::flistxattr(fd, buf.data(), buf.size()));
}

Result<size_t> Fgetxattr(int fd, const char* name, absl::Span<char> buf) {
  return internal::FromReturn<size_t>(::fgetxattr(fd, name, buf.data(), buf.size()));
}

Errno Fsetxattr(int fd, const char* name, absl::Span<const char> value, int flags) {
  return ErrnoOf(::fsetxattr(fd, name, value.data(), value.size(), flags));
}

Result<size_t> Listxattr(const char* path, absl::Span<char> buf) {
  return internal::FromReturn<size_t>(::listxattr(path, buf.data(), buf.size()));
}

Result<size_t> Getxattr(const char* path, const char* name, absl::Span<char> buf) {
  return internal::FromReturn<size_t>(::getxattr(path, name, buf.data(), buf.size()));
}

Errno Setxattr(const char* path, const char* name, absl::Span<const char> value, int flags) {
  return ErrnoOf(::setxattr(path, name, value.data(), value.size(), flags));
}

Errno Linkat(int old_dir_fd, const char* old_path, int new_dir_fd, const char* new_path,
             int flags) {
  return ErrnoOf(::linkat(old_dir_fd, old_path, new_dir_fd, new_path, flags));
}

Errno Renameat(int old_dir_fd, const char* old_path, int new_dir_fd, const char* new_path) {
  return ErrnoOf(::renameat(old_dir_fd, old_path, new_dir_fd, new_path));
}

Errno Unlinkat(int dir_fd, const char* path, int flags) {
  return ErrnoOf(::unlinkat(dir_fd, path, flags));
}

Result<int> GetStatusFlags(int fd) {
  return internal::FromReturn<int>(
      ::fcntl(fd, F_GETFL));  // NOLINT(cppcoreguidelines-pro-type-vararg)
}

Result<Limit> GetOpenFileLimit() {
  struct rlimit rl = {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) < 0) return Result<Limit>::Error(Errno(errno));
  return Result<Limit>::Ok({rl.rlim_cur, rl.rlim_max});
}

Errno SetOpenFileLimit(const Limit& limit) {
  struct rlimit rl = {};
  rl.rlim_cur = static_cast<rlim_t>(limit.soft);
  rl.rlim_max = static_cast<rlim_t>(limit.hard);
  return ErrnoOf(::setrlimit(RLIMIT_NOFILE, &rl));
}

Result<std::array<int, 2>> Pipe(int flags) {
  std::array<int, 2> fds = {-1, -1};
  if (::pipe2(fds.data(), flags) < 0) return Result<std::array<int, 2>>::Error(Errno(errno));
  return Result<std::array<int, 2>>::Ok(fds);
}

Result<int> GetPipeSize(int fd) {
  return internal::FromReturn<int>(
      ::fcntl(fd, F_GETPIPE_SZ));  // NOLINT(cppcoreguidelines-pro-type-vararg)
}

Result<int> SetPipeSize(int fd, int size) {
  return internal::FromReturn<int>(
      ::fcntl(fd, F_SETPIPE_SZ, size));  // NOLINT(cppcoreguidelines-pro-type-vararg)
}

Result<int> Poll(absl::Span<struct pollfd> fds, int timeout_ms) {
  return internal::FromReturn<int>(::poll(fds.data(), fds.size(), timeout_ms));
}

KernelVersion ParseKernelRelease(std::string_view release) {
  // Larger than any kernel version part anyone ships, and far from INT_MAX.
  constexpr int kMaxPart = 100000;
  size_t pos = 0;
  // The decimal number at `pos`, moving `pos` past it; nullopt if none is there.
  auto number = [&]() -> std::optional<int> {
    int value = 0;
    size_t digits = 0;
    while (pos < release.size() && release[pos] >= '0' && release[pos] <= '9') {
      if (value > kMaxPart) return std::nullopt;
      value = value * 10 + (release[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    return value;
  };
  const std::optional<int> major = number();
  if (!major.has_value() || pos >= release.size() || release[pos] != '.') return {};
  ++pos;
  const std::optional<int> minor = number();
  if (!minor.has_value()) return {};
  return {*major, *minor};
}

KernelVersion GetKernelVersion() {
  struct utsname uts = {};
  if (::uname(&uts) < 0) return {};
  // NUL-terminated by the kernel; bounded by the array all the same.
  const char* release = std::data(uts.release);
  return ParseKernelRelease(std::string_view(release, ::strnlen(release, std::size(uts.release))));
}

}  // namespace sysport::syscall
