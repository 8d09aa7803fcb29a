#include "poll/internal/fd_mutex.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/synchronization/mutex.h"
#include "syscall/unix.h"

namespace sysport::poll::internal {

// An inconsistent state is a bug in the caller (an unlock without a lock, or
// more than 2^20 - 1 operations in flight on one descriptor); carrying on
// could close a descriptor still in use, so stop.
void FdMutex::Fatal(const char* what) {
  // One write(2), so that the line is not interleaved with other output.
  const std::string line = std::string("sysport: poll::FD: ") + what + "\n";
  (void)syscall::Write(STDERR_FILENO, line);  // about to abort: a failed write changes nothing
  std::abort();
}

void WaiterSemaphore::Release() {
  absl::MutexLock lock(&mu_);
  ++count_;
}

void WaiterSemaphore::Acquire() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &WaiterSemaphore::Available));
  --count_;
}

// The capabilities ref_, read_ and write_ model FdMutex's states for callers;
// the word state_ holds them, and the analysis cannot see through a
// bool-returning compare-and-swap loop: hence the exemptions below (and on
// the lock functions in the header). Every operation is one compare-and-swap
// on state_ (sequentially consistent, so a lock's acquire and an unlock's
// release order the descriptor's use).

bool FdMutex::Incref() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  uint64_t old = state_.load();
  while (true) {
    if ((old & kClosed) != 0) return false;
    const uint64_t next = old + kRef;
    if ((next & kRefMask) == 0) Fatal(kTooManyOperations);
    if (state_.compare_exchange_weak(old, next)) return true;
  }
}

bool FdMutex::Decref() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  uint64_t old = state_.load();
  while (true) {
    if ((old & kRefMask) == 0) Fatal("reference count underflow (a release without an acquire)");
    const uint64_t next = old - kRef;
    if (state_.compare_exchange_weak(old, next)) return (next & (kClosed | kRefMask)) == kClosed;
  }
}

bool FdMutex::IncrefAndClose() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  uint64_t old = state_.load();
  while (true) {
    if ((old & kClosed) != 0) return false;
    uint64_t next = (old | kClosed) + kRef;
    if ((next & kRefMask) == 0) Fatal(kTooManyOperations);
    // Every waiter is woken below and sees the closed bit.
    next &= ~(kReadWaiterMask | kWriteWaiterMask);
    if (state_.compare_exchange_weak(old, next)) {
      for (uint64_t n = (old & kReadWaiterMask) / kReadWaiter; n > 0; --n) read_sema_.Release();
      for (uint64_t n = (old & kWriteWaiterMask) / kWriteWaiter; n > 0; --n) write_sema_.Release();
      return true;
    }
  }
}

bool FdMutex::closed() const { return (state_.load() & kClosed) != 0; }

}  // namespace sysport::poll::internal
