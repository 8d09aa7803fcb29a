#ifndef SYSPORT_POLL_INTERNAL_COPY_SYSCALLS_H_
#define SYSPORT_POLL_INTERNAL_COPY_SYSCALLS_H_

#include <poll.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "syscall/errno.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::poll::internal {

// Whether copy_file_range(2) may be trusted on this kernel, decided once per
// CopySyscalls from its version (see poll/copy_file_range_linux.cc).
enum class KernelCheck : uint8_t {
  kUnknown,  // nobody has copied yet
  kOk,       // kernel >= 5.3
  kTooOld,   // kernel < 5.3: never try
};

// Whether a system call works in this process at all, as a probe that cannot
// succeed tells (poll/internal/copy_rounds.h): the call exists on every kernel
// sysport supports, but something between the process and the kernel can
// remove it (qemu-user or gVisor without it, a seccomp profile answering EPERM).
enum class Availability : uint8_t {
  kUnknown,      // not probed yet
  kAvailable,    // the probe answered EBADF: the system call works
  kUnavailable,  // the probe answered ENOSYS or EPERM: never try again
};

// A pipe that splice(2) moves bytes through when neither end of a copy is a
// pipe (Go's splicePipe), and how much it holds.
struct SplicePipe {
  int read_fd = -1;
  int write_fd = -1;
  int capacity = 0;  // bytes, as F_SETPIPE_SZ or F_GETPIPE_SZ said
};

// Closes both ends (with close(2), never retried).
void ClosePipe(const SplicePipe& pipe);

// splice's pool of empty intermediate pipes (Go keeps a sync.Pool of them),
// so a server splicing many connections makes a pipe once, not per copy.
// Take hands one out if any; Return keeps an empty pipe for the next copy, up
// to kMaxIdle (16 descriptors), and closes the others. Destroying the pool
// closes what it holds.
class PipePool {
 public:
  static constexpr size_t kMaxIdle = 8;

  PipePool() = default;
  ~PipePool();
  PipePool(const PipePool&) = delete;
  PipePool& operator=(const PipePool&) = delete;

  std::optional<SplicePipe> Take();
  void Return(SplicePipe pipe);
  size_t size() const;

 private:
  mutable absl::Mutex mu_;
  std::vector<SplicePipe> idle_ ABSL_GUARDED_BY(mu_);
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
  virtual syscall::Result<size_t> SendFile(int out_fd, int in_fd, int64_t* offset,
                                           size_t count) = 0;
  virtual syscall::Result<size_t> Splice(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                         size_t len, unsigned flags) = 0;
  virtual syscall::Result<std::array<int, 2>> Pipe(int flags) = 0;
  virtual syscall::Result<int> SetPipeSize(int fd, int size) = 0;
  virtual syscall::Result<int> GetPipeSize(int fd) = 0;
  virtual syscall::Result<int> Poll(absl::Span<struct pollfd> fds, int timeout_ms) = 0;
  // ioctl(dst_fd, FICLONE, src_fd).
  virtual syscall::Errno Ficlone(int dst_fd, int src_fd) = 0;
  virtual syscall::KernelVersion KernelVersion() = 0;

  std::atomic<KernelCheck> copy_file_range_kernel{KernelCheck::kUnknown};
  std::atomic<Availability> copy_file_range_availability{Availability::kUnknown};
  std::atomic<Availability> sendfile_availability{Availability::kUnknown};
  std::atomic<Availability> splice_availability{Availability::kUnknown};
  // Pipes made on this system; the real system's live as long as the process.
  PipePool idle_pipes;
};

// The CopySyscalls in use: the real system unless a test installed another.
CopySyscalls& Installed();
// Installs `syscalls` (nullptr: the real system); returns the previous one.
CopySyscalls* Install(CopySyscalls* syscalls);

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_COPY_SYSCALLS_H_
