#include <poll.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "poll/internal/copy_syscalls.h"
#include "syscall/errno.h"
#include "syscall/linux.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::poll::internal {
namespace {

class RealSyscalls final : public CopySyscalls {
 public:
  syscall::Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                        size_t len, unsigned flags) override {
    return syscall::CopyFileRange(in_fd, in_off, out_fd, out_off, len, flags);
  }
  syscall::Result<size_t> SendFile(int out_fd, int in_fd, int64_t* offset, size_t count) override {
    return syscall::SendFile(out_fd, in_fd, offset, count);
  }
  syscall::Result<size_t> Splice(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                 size_t len, unsigned flags) override {
    return syscall::Splice(in_fd, in_off, out_fd, out_off, len, flags);
  }
  syscall::Result<std::array<int, 2>> Pipe(int flags) override { return syscall::Pipe(flags); }
  syscall::Result<int> SetPipeSize(int fd, int size) override {
    return syscall::SetPipeSize(fd, size);
  }
  syscall::Result<int> GetPipeSize(int fd) override { return syscall::GetPipeSize(fd); }
  syscall::Result<int> Poll(absl::Span<struct pollfd> fds, int timeout_ms) override {
    return syscall::Poll(fds, timeout_ms);
  }
  syscall::Errno Ficlone(int dst_fd, int src_fd) override {
    return syscall::Ficlone(dst_fd, src_fd);
  }
  syscall::KernelVersion KernelVersion() override { return syscall::GetKernelVersion(); }
};

RealSyscalls& Real() {
  // Never destroyed: copies may run while the process exits.
  static auto* const real = new RealSyscalls;  // NOLINT(cppcoreguidelines-owning-memory)
  return *real;
}

std::atomic<CopySyscalls*> g_installed{nullptr};

}  // namespace

void ClosePipe(const SplicePipe& pipe) {
  // close(2) is never retried (see FD::Destroy).
  (void)syscall::Close(pipe.read_fd);
  (void)syscall::Close(pipe.write_fd);
}

PipePool::~PipePool() {
  absl::MutexLock lock(&mu_);
  for (const SplicePipe& pipe : idle_) ClosePipe(pipe);
}

std::optional<SplicePipe> PipePool::Take() {
  absl::MutexLock lock(&mu_);
  if (idle_.empty()) return std::nullopt;
  const SplicePipe pipe = idle_.back();
  idle_.pop_back();
  return pipe;
}

void PipePool::Return(SplicePipe pipe) {
  {
    absl::MutexLock lock(&mu_);
    if (idle_.size() < kMaxIdle) {
      idle_.push_back(pipe);
      return;
    }
  }
  ClosePipe(pipe);
}

size_t PipePool::size() const {
  absl::MutexLock lock(&mu_);
  return idle_.size();
}

CopySyscalls& Installed() {
  CopySyscalls* const installed = g_installed.load(std::memory_order_acquire);
  return *(installed != nullptr ? installed : &Real());
}

CopySyscalls* Install(CopySyscalls* syscalls) {
  CopySyscalls* previous = g_installed.exchange(syscalls, std::memory_order_acq_rel);
  return previous;
}

}  // namespace sysport::poll::internal
