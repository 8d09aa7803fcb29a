#include <atomic>
#include <cstddef>
#include <cstdint>

#include "poll/internal/copy_syscalls.h"
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
  syscall::KernelVersion KernelVersion() override { return syscall::GetKernelVersion(); }
};

// Never destroyed: copies may still run in other threads while the process
// exits, after static destructors have run.
RealSyscalls& Real() {
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory): never freed, on purpose
  static auto* const real = new RealSyscalls;
  return *real;
}

std::atomic<CopySyscalls*> g_installed{nullptr};

}  // namespace

CopySyscalls& Installed() {
  CopySyscalls* const installed = g_installed.load(std::memory_order_acquire);
  return *(installed != nullptr ? installed : &Real());
}

CopySyscalls* Install(CopySyscalls* syscalls) {
  CopySyscalls* previous = g_installed.exchange(syscalls, std::memory_order_acq_rel);
  return previous;
}

}  // namespace sysport::poll::internal
