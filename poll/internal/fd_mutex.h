#ifndef SYSPORT_POLL_INTERNAL_FD_MUTEX_H_
#define SYSPORT_POLL_INTERNAL_FD_MUTEX_H_

#include <atomic>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sysport::poll {
class FD;
}  // namespace sysport::poll

namespace sysport::poll::internal {

// A clang thread-safety capability with no state of its own: it names one of
// FdMutex's locks (or its reference count) so the analysis can check callers.
class ABSL_LOCKABLE Capability {};

// A counting semaphore for FdMutex's waiters only: an uncontended lock never
// touches it.
class WaiterSemaphore {
 public:
  void Release();
  void Acquire();

 private:
  bool Available() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return count_ > 0; }

  absl::Mutex mu_;
  int64_t count_ ABSL_GUARDED_BY(mu_) = 0;
};

// Go's fdMutex (internal/poll/fd_mutex.go): the state machine that guards one
// file descriptor, in one atomic 64-bit word.
//
//  - A read lock serializes readers and a write lock serializes writers; one
//    reader and one writer may hold their locks at the same time.
//  - Every lock holder, and every operation that takes only a reference
//    (lseek, fstat), counts as an operation in flight.
//  - IncrefAndClose() marks the mutex closed: every later lock or reference
//    attempt fails, and lock waiters wake up and fail too.
//  - The unlock or Decref that drops the last reference of a closed mutex
//    returns true: its caller must now close(2) the descriptor. That happens
//    exactly once, and never while another operation still uses the number.
//
// Every transition is one compare-and-swap on the word; a thread sleeps (on a
// WaiterSemaphore) only while another holds the lock it wants.
class FdMutex {
 public:
  FdMutex() = default;
  ~FdMutex() = default;
  FdMutex(const FdMutex&) = delete;
  FdMutex& operator=(const FdMutex&) = delete;

  // Adds a reference. False if the mutex is closed.
  [[nodiscard]] bool Incref() ABSL_SHARED_TRYLOCK_FUNCTION(true, ref_);
  // Drops a reference. True if the mutex is closed and that was the last one.
  [[nodiscard]] bool Decref() ABSL_UNLOCK_FUNCTION(ref_);

  // Adds a reference and marks the mutex closed. False if it already was.
  [[nodiscard]] bool IncrefAndClose() ABSL_SHARED_TRYLOCK_FUNCTION(true, ref_);

  // Waits for the read (write) lock, then takes it with a reference. False if
  // the mutex is closed, before or while waiting.
  [[nodiscard]] bool ReadLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true, read_)
      ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return LockSide<kReadSide>();
  }
  [[nodiscard]] bool WriteLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true, write_)
      ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return LockSide<kWriteSide>();
  }
  // Releases the lock and its reference. True if the mutex is closed and that
  // was the last reference.
  [[nodiscard]] bool ReadUnlock() ABSL_UNLOCK_FUNCTION(read_) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return UnlockSide<kReadSide>();
  }
  [[nodiscard]] bool WriteUnlock() ABSL_UNLOCK_FUNCTION(write_) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return UnlockSide<kWriteSide>();
  }

  bool closed() const;

 private:
  friend class ::sysport::poll::FD;  // names the capabilities in its annotations

  // One of the two locks: its bit in the state word, and the unit and mask
  // of its waiter count there.
  struct Side {
    uint64_t bit;
    uint64_t wait_unit;
    uint64_t wait_mask;
    const char* misuse;  // what an unlock without the lock is called
  };
  // The lock and unlock are defined below, once for both sides and compiled
  // for each with its constants, so that the compiler may inline them into
  // FD's read and write calls (it does the unlocks): the uncontended case is
  // one load and one compare-and-swap.
  template <const Side& kSide>
  bool LockSide();
  template <const Side& kSide>
  bool UnlockSide();
  template <const Side& kSide>
  WaiterSemaphore& SemaphoreOf() {
    return &kSide == &kReadSide ? read_sema_ : write_sema_;
  }
  // Reports an inconsistent state (a bug in the caller) and aborts.
  [[noreturn]] static void Fatal(const char* what);
  static constexpr const char* kTooManyOperations =
      "too many operations in flight on one descriptor (the limit is 2^20 - 1)";

  // The state word, as Go's: bit 0 closed, bit 1 read-locked, bit 2
  // write-locked, then three 20-bit counts: references (bits 3-22), read
  // waiters (23-42) and write waiters (43-62). A count that would overflow
  // (more than 2^20 - 1 operations on one descriptor) is a fatal error.
  static constexpr uint64_t kClosed = uint64_t{1} << 0;
  static constexpr uint64_t kReadLocked = uint64_t{1} << 1;
  static constexpr uint64_t kWriteLocked = uint64_t{1} << 2;
  static constexpr uint64_t kCountMask = (uint64_t{1} << 20) - 1;
  static constexpr uint64_t kRef = uint64_t{1} << 3;
  static constexpr uint64_t kRefMask = kCountMask << 3;
  static constexpr uint64_t kReadWaiter = uint64_t{1} << 23;
  static constexpr uint64_t kReadWaiterMask = kCountMask << 23;
  static constexpr uint64_t kWriteWaiter = uint64_t{1} << 43;
  static constexpr uint64_t kWriteWaiterMask = kCountMask << 43;

  static constexpr Side kReadSide = {kReadLocked, kReadWaiter, kReadWaiterMask,
                                     "read unlock without the read lock"};
  static constexpr Side kWriteSide = {kWriteLocked, kWriteWaiter, kWriteWaiterMask,
                                      "write unlock without the write lock"};

  // The capabilities model the states for callers; the word holds them.
  Capability ref_;
  Capability read_;
  Capability write_;

  std::atomic<uint64_t> state_{0};
  WaiterSemaphore read_sema_;
  WaiterSemaphore write_sema_;
};

// Every transition below is one compare-and-swap on state_ (sequentially
// consistent, so a lock's acquire and an unlock's release order the
// descriptor's use). The analysis cannot see through it: the callers above
// are exempt.

template <const FdMutex::Side& kSide>
bool FdMutex::LockSide() {
  uint64_t old = state_.load();
  while (true) {
    if ((old & kClosed) != 0) return false;
    const bool free = (old & kSide.bit) == 0;
    uint64_t next = 0;
    if (free) {
      next = (old | kSide.bit) + kRef;
      if ((next & kRefMask) == 0) Fatal(kTooManyOperations);
    } else {
      next = old + kSide.wait_unit;
      if ((next & kSide.wait_mask) == 0) Fatal(kTooManyOperations);
    }
    if (!state_.compare_exchange_weak(old, next)) continue;
    if (free) return true;
    // Registered as a waiter: sleep until an unlock (which removes us from
    // the count) or a close (which removes every waiter) wakes us, then try
    // again from the current state.
    SemaphoreOf<kSide>().Acquire();
    old = state_.load();
  }
}

template <const FdMutex::Side& kSide>
bool FdMutex::UnlockSide() {
  uint64_t old = state_.load();
  while (true) {
    if ((old & kSide.bit) == 0 || (old & kRefMask) == 0) Fatal(kSide.misuse);
    uint64_t next = (old & ~kSide.bit) - kRef;
    const bool wake = (old & kSide.wait_mask) != 0;
    if (wake) next -= kSide.wait_unit;
    if (state_.compare_exchange_weak(old, next)) {
      if (wake) SemaphoreOf<kSide>().Release();
      return (next & (kClosed | kRefMask)) == kClosed;
    }
  }
}

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_FD_MUTEX_H_
