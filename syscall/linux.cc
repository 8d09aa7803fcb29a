#include "syscall/linux.h"

#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
#include "syscall/errno.h"
#include "syscall/internal/from_return.h"
#include "syscall/sysnum.h"

namespace sysport::syscall {
namespace {

// The kernel's copy_file_range, sendfile64 and splice take loff_t*; sysport's
// API says int64_t*.
static_assert(sizeof(loff_t) == sizeof(int64_t), "loff_t must be 64 bits");

long RawSyscall(SyscallNumber number, auto... args) {  // NOLINT(google-runtime-int)
  // The only varargs syscall(2) call in sysport, which takes the number as a long.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg,google-runtime-int)
  return ::syscall(static_cast<long>(number), args...);
}

// OpenHow is the kernel's struct open_how, field for field.
static_assert(sizeof(OpenHow) == sizeof(struct open_how));
static_assert(offsetof(OpenHow, flags) == offsetof(struct open_how, flags));
static_assert(offsetof(OpenHow, mode) == offsetof(struct open_how, mode));
static_assert(offsetof(OpenHow, resolve) == offsetof(struct open_how, resolve));
static_assert(kResolveNoXdev == RESOLVE_NO_XDEV);
static_assert(kResolveNoMagiclinks == RESOLVE_NO_MAGICLINKS);
static_assert(kResolveNoSymlinks == RESOLVE_NO_SYMLINKS);
static_assert(kResolveBeneath == RESOLVE_BENEATH);

}  // namespace

Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off, size_t len,
                             unsigned flags) {
  return internal::FromReturn<size_t>(
      RawSyscall(sysnum::kCopyFileRange, in_fd, in_off, out_fd, out_off, len, flags));
}

Result<size_t> SendFile(int out_fd, int in_fd, int64_t* offset, size_t count) {
  return internal::FromReturn<size_t>(RawSyscall(sysnum::kSendfile, out_fd, in_fd, offset, count));
}

Result<size_t> Splice(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off, size_t len,
                      unsigned flags) {
  return internal::FromReturn<size_t>(
      RawSyscall(sysnum::kSplice, in_fd, in_off, out_fd, out_off, len, flags));
}

Errno Ficlone(int dst_fd, int src_fd) {
  // ioctl(2) is variadic; this is the one place sysport calls it.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg,google-runtime-int)
  if (::ioctl(dst_fd, static_cast<unsigned long>(sysnum::kFiclone), src_fd) < 0) {
    return Errno(errno);
  }
  return Errno();
}

Result<int> Openat2(int dir_fd, const char* path, const OpenHow& how) {
  return internal::FromReturn<int>(
      RawSyscall(sysnum::kOpenat2, dir_fd, path, &how, sizeof(struct open_how)));
}

Errno Renameat2(int old_dir_fd, const char* old_path, int new_dir_fd, const char* new_path,
                unsigned flags) {
  if (RawSyscall(sysnum::kRenameat2, old_dir_fd, old_path, new_dir_fd, new_path, flags) < 0) {
    return Errno(errno);
  }
  return Errno();
}

Result<size_t> Getdents64(int dir_fd, absl::Span<char> buf) {
  return internal::FromReturn<size_t>(
      RawSyscall(sysnum::kGetdents64, dir_fd, buf.data(), buf.size()));
}

}  // namespace sysport::syscall
