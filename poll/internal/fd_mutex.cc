#include "poll/internal/fd_mutex.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "absl/synchronization/mutex.h"
#include "syscall/unix.h"

namespace sysport::poll::internal {
namespace {

// An inconsistent state is a bug in the caller (an unlock without a lock) or
// here; carrying on could close a descriptor still in use, so stop.
[[noreturn]] void Fatal(const char* what) {
  // One write(2), so that the line is not interleaved with other output.
  const std::string line = std::string("sysport: poll::FD: ") + what + "\n";
  (void)syscall::Write(STDERR_FILENO, line);  // about to abort: a failed write changes nothing
  std::abort();
}

}  // namespace

// The capabilities ref_, read_ and write_ model FdMutex's states for callers;
// inside these methods the state lives in the guarded fields, which the
// analysis checks against mu_. The capability side is acquired or released
// by the contract on each declaration, which the analysis cannot see through
// a bool-returning state machine: hence the annotations below are exempt.

void FdMutex::AddRefLocked() {
  if (refs_ >= kMaxRefs) {
    Fatal("reference count overflow (too many operations in flight)");
  }
  ++refs_;
}

bool FdMutex::DropRefLocked() {
  if (refs_ <= 0) {
    Fatal("reference count underflow (a release without an acquire)");
  }
  --refs_;
  return closed_ && refs_ == 0;
}

bool FdMutex::Incref() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  AddRefLocked();
  return true;
}

bool FdMutex::Decref() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  absl::MutexLock lock(&mu_);
  return DropRefLocked();
}

bool FdMutex::IncrefAndClose() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  closed_ = true;
  AddRefLocked();
  // Waiters in ReadLock/WriteLock re-check their condition on every change
  // of the guarded state: closed_ changed, so they wake up and fail.
  return true;
}

bool FdMutex::LockLocked(bool& locked) {
  auto can_proceed = [this, &locked]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return closed_ || !locked;
  };
  mu_.Await(absl::Condition(&can_proceed));
  if (closed_) return false;
  locked = true;
  AddRefLocked();
  return true;
}

bool FdMutex::UnlockLocked(bool& locked, const char* misuse) {
  if (!locked) Fatal(misuse);
  locked = false;
  return DropRefLocked();
}

bool FdMutex::ReadLock() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  absl::MutexLock lock(&mu_);
  return LockLocked(read_locked_);
}

bool FdMutex::WriteLock() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  absl::MutexLock lock(&mu_);
  return LockLocked(write_locked_);
}

bool FdMutex::ReadUnlock() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  absl::MutexLock lock(&mu_);
  return UnlockLocked(read_locked_, "read unlock without the read lock");
}

bool FdMutex::WriteUnlock() ABSL_NO_THREAD_SAFETY_ANALYSIS {
  absl::MutexLock lock(&mu_);
  return UnlockLocked(write_locked_, "write unlock without the write lock");
}

bool FdMutex::closed() const {
  absl::MutexLock lock(&mu_);
  return closed_;
}

}  // namespace sysport::poll::internal
