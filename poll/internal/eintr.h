#ifndef SYSPORT_POLL_INTERNAL_EINTR_H_
#define SYSPORT_POLL_INTERNAL_EINTR_H_

#include <cerrno>

#include "syscall/errno.h"
#include "syscall/result.h"

namespace sysport::poll::internal {

inline syscall::Errno ErrorOf(syscall::Errno err) { return err; }
template <typename T>
syscall::Errno ErrorOf(const syscall::Result<T>& result) {
  return result.error();
}

// Repeats `call` while it fails with EINTR (a signal arrived before the system
// call did anything). A typed template, as LLVM's RetryAfterSignal, not a
// macro. The syscall layer never retries; every retry in sysport is here.
// close(2) must never go through this (see FD::Destroy).
template <typename Call>
auto IgnoringEintr(const Call& call) {
  while (true) {
    auto result = call();
    if (ErrorOf(result) != syscall::Errno(EINTR)) return result;
  }
}

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_EINTR_H_
