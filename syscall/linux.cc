#include "syscall/linux.h"

#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

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

}  // namespace sysport::syscall
