#ifndef SYSPORT_POLL_INTERNAL_COPY_SYSCALLS_H_
#define SYSPORT_POLL_INTERNAL_COPY_SYSCALLS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "syscall/errno.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::poll::internal {

// What this process has learned about copy_file_range(2) on this system,
// decided once per CopySyscalls.
enum class CopyFileRangeSupport : uint8_t {
  kUnknown,       // nobody has copied yet
  kKernelOk,      // kernel >= 5.3; the probe has not run
  kProbedOk,      // the probe answered EBADF: the system call works
  kKernelTooOld,  // kernel < 5.3: never try
  kUnavailable,   // the probe answered ENOSYS or EPERM: never try again
};

// The system the in-kernel copy loops talk to: the raw system calls they
// make, and what the process has learned about them. The learned state lives
// here, with the system it describes, so installing another CopySyscalls (a
// test's fake, //poll:testing) starts from nothing and restoring the real one
// restores what was learned about the real system. Production code uses the
// real system (Installed() without any Install()).
class CopySyscalls {
 public:
  CopySyscalls() = default;
  virtual ~CopySyscalls() = default;
  CopySyscalls(const CopySyscalls&) = delete;
  CopySyscalls& operator=(const CopySyscalls&) = delete;

  virtual syscall::Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd,
                                                int64_t* out_off, size_t len, unsigned flags) = 0;
  // ioctl(dst_fd, FICLONE, src_fd).
  virtual syscall::Errno Ficlone(int dst_fd, int src_fd) = 0;
  virtual syscall::KernelVersion KernelVersion() = 0;

  std::atomic<CopyFileRangeSupport> copy_file_range_support{CopyFileRangeSupport::kUnknown};
};

// The CopySyscalls in use: the real system unless a test installed another.
CopySyscalls& Installed();
// Installs `syscalls` (nullptr: the real system); returns the previous one.
CopySyscalls* Install(CopySyscalls* syscalls);

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_COPY_SYSCALLS_H_
