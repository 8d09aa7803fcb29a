#ifndef SYSPORT_POLL_INTERNAL_EINTR_H_
#define SYSPORT_POLL_INTERNAL_EINTR_H_

#include <poll.h>

#include <array>
#include <cerrno>

#include "absl/base/attributes.h"
#include "absl/types/span.h"
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
// close(2) must never go through this (see FD::Destroy). Always inlined, as
// WaitingWhileNotReady: the system call then returns straight into its
// caller's frame (see syscall::Read).
template <typename Call>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline auto IgnoringEintr(const Call& call) {
  while (true) {
    auto result = call();
    if (ErrorOf(result) != syscall::Errno(EINTR)) return result;
  }
}

static_assert(EWOULDBLOCK == EAGAIN, "Linux defines EWOULDBLOCK as EAGAIN; one check covers both");

// The type of poll(2)'s events: POLLIN, POLLOUT (struct pollfd's own).
using PollEvents = decltype(pollfd::events);

// Waits with poll(2), made by `poll_call` (a function of a span of pollfd),
// until `fd` is ready for `events` (POLLIN or POLLOUT). Ready includes
// POLLERR, POLLHUP and POLLNVAL: the next call on the descriptor reports what
// happened. Returns poll's own error otherwise (EINTR is retried).
template <typename PollCall>
syscall::Errno WaitReady(int fd, PollEvents events, const PollCall& poll_call) {
  std::array<struct pollfd, 1> fds = {{{fd, events, 0}}};
  return ErrorOf(IgnoringEintr([&] { return poll_call(absl::MakeSpan(fds), -1); }));
}

// IgnoringEintr, and on EAGAIN (a descriptor in non-blocking mode that is not
// ready) waits with `wait` (returning poll's Errno) and repeats: what Go does
// for its pollable descriptors, with poll(2) instead of a network poller, so
// the calling thread blocks as it would on a blocking descriptor. A wait that
// fails ends the call with the wait's error.
template <typename Call, typename Wait>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline auto WaitingWhileNotReady(const Call& call, const Wait& wait) {
  while (true) {
    auto result = IgnoringEintr(call);
    if (ErrorOf(result) != syscall::Errno(EAGAIN)) return result;
    const syscall::Errno waited = wait();
    if (!waited.ok()) return decltype(result)::Error(waited);
  }
}

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_EINTR_H_
