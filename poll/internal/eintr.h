#ifndef SYSPORT_POLL_INTERNAL_EINTR_H_
#define SYSPORT_POLL_INTERNAL_EINTR_H_

#include <cerrno>

#include "syscall/errno.h"

namespace sysport::poll::internal {

// Repeats `call` while it fails with EINTR (a signal arrived before the system
// call did anything). A typed template, as LLVM's RetryAfterSignal, not a
// macro. The syscall layer never retries; every retry in sysport is here.
// close(2) must never go through this (see FD::Destroy).
template <typename Call>
auto IgnoringEintr(const Call& call) {
  while (true) {
    auto result = call();
    if (result.error() != syscall::Errno(EINTR)) return result;
  }
}

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_EINTR_H_
