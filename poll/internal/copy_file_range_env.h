#ifndef SYSPORT_POLL_INTERNAL_COPY_FILE_RANGE_ENV_H_
#define SYSPORT_POLL_INTERNAL_COPY_FILE_RANGE_ENV_H_

#include <cstddef>
#include <cstdint>

#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::poll::internal {

// What poll::CopyFileRange asks of the system: the raw system call (also used
// for the probe) and the kernel version. Production code uses the real ones;
// tests swap in a fake through //poll:testing (Go's export_linux_test.go).
class CopyFileRangeEnv {
 public:
  virtual ~CopyFileRangeEnv() = default;
  virtual syscall::Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd,
                                                int64_t* out_off, size_t len, unsigned flags) = 0;
  virtual syscall::KernelVersion GetKernelVersion() = 0;
};

// Installs `env` (nullptr: the real system) and returns the previous one.
CopyFileRangeEnv* SetCopyFileRangeEnv(CopyFileRangeEnv* env);

// What the process knows about copy_file_range, decided once and kept in one
// atomic. kUnknown until the first copy asks.
enum class CopyFileRangeSupport : unsigned char {
  kUnknown,
  kKernelOk,      // kernel >= 5.3; the probe has not run
  kProbedOk,      // the probe answered EBADF: the system call works
  kKernelTooOld,  // kernel < 5.3: never try
  kUnavailable,   // the probe answered ENOSYS or EPERM: never try again
};

CopyFileRangeSupport GetCopyFileRangeSupport();
void SetCopyFileRangeSupport(CopyFileRangeSupport support);

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_COPY_FILE_RANGE_ENV_H_
