#ifndef SYSPORT_POLL_INTERNAL_FD_MUTEX_H_
#define SYSPORT_POLL_INTERNAL_FD_MUTEX_H_

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

// Go's fdMutex (internal/poll/fd_mutex.go): the state machine that guards one
// file descriptor.
//
//  - A read lock serializes readers and a write lock serializes writers; one
//    reader and one writer may hold their locks at the same time.
//  - Every lock holder, and every operation that takes only a reference
//    (pread, pwrite, fstat), counts as an operation in flight.
//  - IncrefAndClose() marks the mutex closed: every later lock or reference
//    attempt fails, and lock waiters wake up and fail too.
//  - The unlock or Decref that drops the last reference of a closed mutex
//    returns true: its caller must now close(2) the descriptor. That happens
//    exactly once, and never while another operation still uses the number.
//
// Go packs this state into one atomic word with semaphores; here an absl::Mutex
// guards it, which is as cheap next to a system call and lets the analysis
// check the implementation as well as the callers.
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
  [[nodiscard]] bool ReadLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true, read_);
  [[nodiscard]] bool WriteLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true, write_);
  // Releases the lock and its reference. True if the mutex is closed and that
  // was the last reference.
  [[nodiscard]] bool ReadUnlock() ABSL_UNLOCK_FUNCTION(read_);
  [[nodiscard]] bool WriteUnlock() ABSL_UNLOCK_FUNCTION(write_);

  bool closed() const;

 private:
  friend class ::sysport::poll::FD;  // names the capabilities in its annotations

  // Go allows 2^20 - 1 references; an int64 never overflows in practice,
  // but the check keeps a double-release from going unnoticed.
  static constexpr int64_t kMaxRefs = int64_t{1} << 40;

  void AddRefLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Returns true if the mutex is closed and no reference is left.
  bool DropRefLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The read and write locks share these, with `locked` naming which one:
  // wait for it (or for Close) and take it with a reference; release it.
  bool LockLocked(bool& locked) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool UnlockLocked(bool& locked, const char* misuse) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Capability ref_;
  Capability read_;
  Capability write_;

  mutable absl::Mutex mu_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
  bool read_locked_ ABSL_GUARDED_BY(mu_) = false;
  bool write_locked_ ABSL_GUARDED_BY(mu_) = false;
  int64_t refs_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_FD_MUTEX_H_
