#include "poll/internal/fd_mutex.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/synchronization/mutex.h"
#include "syscall/unix.h"

namespace sysport::poll::internal {
namespace {

// An inconsistent state is a bug in the caller (an unlock without a lock, or
// more than 2^20 - 1 operations in flight on one descriptor); carrying on
// could close a descriptor still in use, so stop.
[[noreturn]] void Fatal(const char* what) {
  // One write(2), so that the line is not interleaved with other output.
  const std::string line = std::string("sysport: poll::FD: ") + what + "\n";
  (void)syscall::Write(STDERR_FILENO, line);  // about to abort: a failed write changes nothing
  std::abort();
}

constexpr const char* kTooManyOperations =
    "too many operations in flight on one descriptor (the limit is 2^20 - 1)";

}  // namespace

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
// bool-returning compare-and-swap loop: hence the exemptions below. Every
// operation is one compare-and-swap on state_ (sequentially consistent, so a
// lock's acquire and an unlock's release order the descriptor's use).

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

bool FdMutex::LockSide(const Lock& lock) {
  uint64_t old = state_.load();
  while (true) {
    if ((old & kClosed) != 0) return false;
    const bool free = (old & lock.bit) == 0;
    uint64_t next = 0;
    if (free) {
      next = (old | lock.bit) + kRef;
      if ((next & kRefMask) == 0) Fatal(kTooManyOperations);
    } else {
      next = old + lock.wait_unit;
      if ((next & lock.wait_mask) == 0) Fatal(kTooManyOperations);
    }
    if (!state_.compare_exchange_weak(old, next)) continue;
    if (free) return true;
    // Registered as a waiter: sleep until an unlock (which removes us from
    // the count) or a close (which removes every waiter) wakes us, then try
    // again from the current state.
    lock.sema->Acquire();
    old = state_.load();
  }
}

bool FdMutex::UnlockSide(const Lock& lock, const char* misuse) {
  uint64_t old = state_.load();
  while (true) {
    if ((old & lock.bit) == 0 || (old & kRefMask) == 0) Fatal(misuse);
    uint64_t next = (old & ~lock.bit) - kRef;
    const bool wake = (old & lock.wait_mask) != 0;
    if (wake) next -= lock.wait_unit;
    if (state_.compare_exchange_weak(old, next)) {
      if (wake) lock.sema->Release();
      return (next & (kClosed | kRefMask)) == kClosed;
    }
  }
}

bool FdMutex::ReadLock() ABSL_NO_THREAD_SAFETY_ANALYSIS { return LockSide(ReadSide()); }
bool FdMutex::WriteLock() ABSL_NO_THREAD_SAFETY_ANALYSIS { return LockSide(WriteSide()); }

bool FdMutex::ReadUnlock() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return UnlockSide(ReadSide(), "read unlock without the read lock");
}

bool FdMutex::WriteUnlock() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return UnlockSide(WriteSide(), "write unlock without the write lock");
}

bool FdMutex::closed() const { return (state_.load() & kClosed) != 0; }

}  // namespace sysport::poll::internal
