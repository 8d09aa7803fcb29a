#ifndef SYSPORT_POLL_INTERNAL_COPY_ROUNDS_H_
#define SYSPORT_POLL_INTERNAL_COPY_ROUNDS_H_

// The loop every in-kernel copy shares (copy_file_range, sendfile, splice):
// rounds of at most a method's maximum, each holding the destination's write
// lock and the source's read lock; EINTR retried, EAGAIN waited for; every
// errno classified by the method's own list; the exact count on every
// outcome. What differs per method is one round's system call(s), its errno
// list and its round size.

#include <poll.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "absl/types/span.h"
#include "poll/copy_result.h"
#include "poll/error.h"
#include "poll/fd.h"
#include "poll/internal/copy_syscalls.h"
#include "poll/internal/eintr.h"
#include "syscall/errno.h"
#include "syscall/result.h"

namespace sysport::poll::internal {

// A descriptor and what to wait for when a call on it answers EAGAIN.
struct WaitFor {
  int fd;
  PollEvents events;  // POLLIN or POLLOUT
};

// One system call of a round through WaitingWhileNotReady: EINTR retried; on
// EAGAIN, waits with the system's poll(2) for each of `waits` in turn (a side
// that is ready returns at once) and calls again. Counts every call made,
// polls included, in `syscalls`.
template <typename Call>
syscall::Result<size_t> CallWaiting(CopySyscalls& sys, const Call& call,
                                    std::initializer_list<WaitFor> waits, int64_t& syscalls) {
  return WaitingWhileNotReady(
      [&] {
        ++syscalls;
        return call();
      },
      [&] {
        for (const WaitFor& w : waits) {
          const syscall::Errno err =
              WaitReady(w.fd, w.events, [&](absl::Span<struct pollfd> fds, int timeout_ms) {
                ++syscalls;
                return sys.Poll(fds, timeout_ms);
              });
          if (!err.ok()) return err;
        }
        return syscall::Errno();
      });
}

// What one round did: `n` bytes reached the destination, then `err` (Errno()
// if none). A single system call moves bytes or fails, never both; splice
// through a pipe can do both. `stranded`: bytes the source gave up are stuck
// between the two (in splice's pipe), so no other method may continue the
// copy: whatever `err` is, the copy fails with the exact count.
struct RoundResult {
  size_t n = 0;
  syscall::Errno err;
  bool stranded = false;
};

inline RoundResult FromCall(const syscall::Result<size_t>& r) {
  if (!r.ok()) return {0, r.error()};
  return {r.value(), syscall::Errno()};
}

// Rust's probe for ENOSYS and EPERM, which can mean the system call is
// unusable in this process (a kernel or qemu-user without it, a container
// whose seccomp profile answers EPERM, as Docker's did for copy_file_range
// before 20.10) or something about these files only. A call that cannot
// succeed tells them apart: with the system call working, two invalid
// descriptors give EBADF. The answer is kept in `state`, so the probe runs at
// most once per CopySyscalls and system call.
struct ProbeAnswer {
  bool unavailable = false;
  int64_t syscalls = 0;  // 1 if the probe ran now, 0 if the answer was known
};

template <typename ProbeCall>
ProbeAnswer ProbeOnce(std::atomic<Availability>& state, const ProbeCall& probe) {
  const Availability known = state.load();
  if (known == Availability::kAvailable) return {false, 0};
  if (known == Availability::kUnavailable) return {true, 0};
  const syscall::Errno answer = probe();
  const bool unavailable = answer == syscall::Errno(ENOSYS) || answer == syscall::Errno(EPERM);
  state.store(unavailable ? Availability::kUnavailable : Availability::kAvailable);
  return {unavailable, 1};
}

// One in-kernel method, as CopyInRounds needs it.
struct Method {
  CopyMethod method;
  int64_t max_round;
  // Where the probe's answer is kept (a member of the CopySyscalls).
  std::atomic<Availability>* availability;
  // Whether a first round that moves nothing means "try another way":
  // copy_file_range and sendfile from procfs and sysfs files, which report
  // size 0 and copy nothing although reading them gives data. For splice
  // from a pipe or socket, 0 is the end of the input.
  bool zero_first_round_falls_back;
  // The method's errnos that mean "not for these files" (each commented
  // where the list is written). ENOSYS and EPERM need not be listed: for
  // every method they are probed, then fall back (unavailable, or refused).
  // The probe's comment above says where they come from.
  bool (*means_fall_back)(syscall::Errno);
};

// What a round's error means by the method's policy, after `done`: the copy
// failed, or the method falls back (for ENOSYS and EPERM, as the probe says).
template <typename Probe>
CopyResult AfterError(const Method& m, const Probe& probe, CopyProgress done,
                      const RoundResult& r) {
  const syscall::Errno err = r.err;
  const bool maybe_unavailable = err == syscall::Errno(ENOSYS) || err == syscall::Errno(EPERM);
  if (r.stranded || !(maybe_unavailable || m.means_fall_back(err))) {
    // A real failure (ENOSPC, EPIPE, ...), or bytes that no other method can
    // recover: the exact count so far and the error.
    return CopyResult::Failed(m.method, done, err);
  }
  if (maybe_unavailable) {
    const ProbeAnswer answer = ProbeOnce(*m.availability, probe);
    done.syscalls += answer.syscalls;
    if (answer.unavailable) {
      return CopyResult::FellBack(m.method, done, Fallback::kUnavailable, err);
    }
  }
  // Not for these files: the caller's next method or read/write loop carries
  // on from the offsets (or the pipe's data), which have moved by exactly
  // done.bytes.
  return CopyResult::FellBack(m.method, done, Fallback::kRefused, err);
}

// Copies at most `remain` bytes from src to dst in rounds of at most
// m.max_round bytes. `round(in_fd, out_fd, len, syscalls)` makes one round's
// system calls with the descriptors of the locked FDs and returns a
// RoundResult; `probe()` makes the probe call and returns its errno.
// `syscalls_before`: calls the method made before its rounds (splice's pipe).
template <typename Round, typename Probe>
CopyResult CopyInRounds(FD& dst, FD& src, int64_t remain, const Method& m, const Round& round,
                        const Probe& probe, int64_t syscalls_before = 0) {
  CopyProgress done{.bytes = 0, .syscalls = syscalls_before};
  if (remain <= 0) return CopyResult::Ended(m.method, done);
  if (m.availability->load() == Availability::kUnavailable) {
    return CopyResult::FellBack(m.method, done, Fallback::kUnavailable);
  }
  while (remain > 0) {
    const auto len = static_cast<size_t>(std::min(remain, m.max_round));
    if (!dst.WriteLock()) return CopyResult::Failed(m.method, done, Error::Closing());
    if (!src.ReadLock()) {
      dst.WriteUnlock();
      return CopyResult::Failed(m.method, done, Error::Closing());
    }
    const RoundResult r = round(src.SysfdForRead(), dst.SysfdForWrite(), len, done.syscalls);
    src.ReadUnlock();
    dst.WriteUnlock();

    done.bytes += static_cast<int64_t>(r.n);
    remain -= static_cast<int64_t>(r.n);
    if (!r.err.ok()) return AfterError(m, probe, done, r);
    if (r.n == 0) {
      if (done.bytes == 0 && m.zero_first_round_falls_back) {
        // Nothing at all: an empty source, or a file whose size the kernel
        // reports as 0 although reading it gives data. An ordinary read
        // tells the two apart at the cost of one read(2).
        return CopyResult::FellBack(m.method, done, Fallback::kNothingCopied);
      }
      break;  // the end of the source
    }
  }
  return CopyResult::Ended(m.method, done);
}

}  // namespace sysport::poll::internal

#endif  // SYSPORT_POLL_INTERNAL_COPY_ROUNDS_H_
