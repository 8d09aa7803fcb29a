#include <atomic>
#include <cstddef>
#include <cstdint>

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
  syscall::Errno Ficlone(int dst_fd, int src_fd) override {
    return syscall::Ficlone(dst_fd, src_fd);
  }
  syscall::KernelVersion KernelVersion() override { return syscall::GetKernelVersion(); }
};

RealSyscalls& Real() {
  // Never destroyed: copies may run while the process exits.
  static RealSyscalls* const real = new RealSyscalls;
  return *real;
}

std::atomic<CopySyscalls*> g_installed{nullptr};

}  // namespace

CopySyscalls& Installed() {
  CopySyscalls* installed = g_installed.load(std::memory_order_acquire);
  return installed != nullptr ? *installed : Real();
}

CopySyscalls* Install(CopySyscalls* syscalls) {
  CopySyscalls* previous = g_installed.exchange(syscalls, std::memory_order_acq_rel);
  return previous;
}

}  // namespace sysport::poll::internal
