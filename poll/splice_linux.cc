// poll::Splice: splice(2) between a pipe and anything, or through a pooled
// intermediate pipe between two non-pipes, and its errno policy. Go's
// internal/poll/splice_linux.go; the loop is shared with copy_file_range and
// sendfile (poll/internal/copy_rounds.h).

#include <fcntl.h>
#include <poll.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "poll/copy_result.h"
#include "poll/fd.h"
#include "poll/internal/copy_rounds.h"
#include "poll/internal/copy_syscalls.h"
#include "poll/internal/eintr.h"
#include "poll/splice.h"
#include "syscall/errno.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::poll {
namespace {

using internal::CopySyscalls;
using internal::RoundResult;
using internal::SplicePipe;
using syscall::Errno;

// Whether an errno from splice(2) means "the kernel cannot do this copy, do it
// another way" rather than "the copy failed". Go falls back on EINVAL only,
// before any byte; Rust on ENOSYS, EPERM and EINVAL before any byte.
//
// ENOSYS (no splice where the process runs) and EPERM (a seccomp profile that
// forbids it) are probed by the shared loop.
bool MeansFallBack(Errno err) {
  switch (err.value()) {
    case EINVAL:
      // Not for this pair (splice(2), ERRORS): a socket type without
      // splice_read (Go's splice_linux.go: UDP and others on older kernels),
      // a filesystem without splice_write, a destination opened with
      // O_APPEND, or neither end a pipe. Nothing has moved.
    case EBADF:
      // A descriptor not open for reading (source) or writing (destination):
      // the read/write loop fails with the same errno and names the right file.
      return true;
    default:
      // EPIPE, ECONNRESET, ENOSPC, EDQUOT, EIO, ENOMEM: the read/write loop
      // would fail the same way.
      return false;
  }
}

// An empty intermediate pipe: one from the system's pool, or a new one sized
// to kMaxSpliceRound (Go's newPipe). Blocking, unlike Go's: a round never
// asks it for more room or more bytes than it has, so it never blocks, and
// whether a round waits is up to the copy's own two descriptors.
syscall::Result<SplicePipe> GetPipe(CopySyscalls& sys, int64_t& syscalls) {
  if (std::optional<SplicePipe> idle = sys.idle_pipes.Take()) {
    return syscall::Result<SplicePipe>::Ok(*idle);
  }
  ++syscalls;
  const syscall::Result<std::array<int, 2>> fds = sys.Pipe(O_CLOEXEC);
  if (!fds.ok()) return syscall::Result<SplicePipe>::Error(fds.error());
  SplicePipe pipe{fds.value()[0], fds.value()[1], 0};
  ++syscalls;
  const syscall::Result<int> set = sys.SetPipeSize(pipe.write_fd, kMaxSpliceRound);
  if (set.ok()) {
    pipe.capacity = set.value();
  } else {
    // EPERM: this user's pipes already hold /proc/sys/fs/pipe-user-pages-soft
    // pages, so the pipe keeps its default size, or a single page past the
    // hard limit. Ask how much that is.
    ++syscalls;
    const syscall::Result<int> get = sys.GetPipeSize(pipe.read_fd);
    // Every pipe holds at least PIPE_BUF bytes (POSIX), one page on Linux.
    pipe.capacity = get.ok() ? get.value() : PIPE_BUF;
  }
  return syscall::Result<SplicePipe>::Ok(pipe);
}

// The second splice of a round failed with `err` while `in_pipe` bytes, which
// have already left the source, wait in the pipe; `moved` bytes of the round
// reached out_fd. If `err` would hand the copy to another method, that method
// starts from the source, so write the pipe's bytes to out_fd first with
// read(2) and write(2): nothing is lost. Otherwise the copy fails here and
// they go with the pipe.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): counts named at every call
RoundResult AfterSecondSpliceFailed(CopySyscalls& sys, const SplicePipe& pipe, int out_fd,
                                    size_t moved, size_t in_pipe, Errno err, int64_t& syscalls) {
  if (!MeansFallBack(err)) return {moved, err, /*stranded=*/true};
  std::vector<char> buf(in_pipe);  // at most the pipe's capacity
  while (in_pipe > 0) {
    const syscall::Result<size_t> got = internal::IgnoringEintr([&] {
      ++syscalls;
      return syscall::Read(pipe.read_fd, absl::MakeSpan(buf.data(), in_pipe));
    });
    if (!got.ok() || got.value() == 0) {
      // Cannot happen (this process holds both ends and knows what is in the
      // pipe); if it does, the bytes are stuck.
      return {moved, got.ok() ? Errno(EIO) : got.error(), /*stranded=*/true};
    }
    for (size_t done = 0; done < got.value();) {
      const syscall::Result<size_t> put = internal::CallWaiting(
          sys,
          [&] {
            return syscall::Write(out_fd,
                                  absl::MakeConstSpan(buf).subspan(done, got.value() - done));
          },
          {{out_fd, POLLOUT}}, syscalls);
      if (!put.ok()) return {moved, put.error(), /*stranded=*/true};
      done += put.value();
      moved += put.value();
    }
    in_pipe -= got.value();
  }
  return {moved, err};
}

// One round through the pipe: from in_fd into the (empty) pipe, then all of
// it out to out_fd, as Go's spliceDrain and splicePump.
// in_fd, out_fd: splice(2)'s order.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
RoundResult ThroughPipe(CopySyscalls& sys, const SplicePipe& pipe, int in_fd, int out_fd,
                        size_t len, int64_t& syscalls) {
  // The pipe is empty and len <= its capacity: EAGAIN can only mean that the
  // source has nothing yet.
  const syscall::Result<size_t> in = internal::CallWaiting(
      sys, [&] { return sys.Splice(in_fd, nullptr, pipe.write_fd, nullptr, len, 0); },
      {{in_fd, POLLIN}}, syscalls);
  if (!in.ok()) return {0, in.error()};  // nothing left the source
  size_t in_pipe = in.value();           // 0: the end of the source
  size_t moved = 0;
  while (in_pipe > 0) {
    // The pipe holds in_pipe bytes: EAGAIN can only mean that the destination
    // has no room yet.
    const syscall::Result<size_t> out = internal::CallWaiting(
        sys, [&] { return sys.Splice(pipe.read_fd, nullptr, out_fd, nullptr, in_pipe, 0); },
        {{out_fd, POLLOUT}}, syscalls);
    if (!out.ok() || out.value() == 0) {
      // 0 cannot happen either (the pipe is not at its end while this
      // process holds its write end); treated as an I/O error, not a loop.
      return AfterSecondSpliceFailed(sys, pipe, out_fd, moved, in_pipe,
                                     out.ok() ? Errno(EIO) : out.error(), syscalls);
    }
    moved += out.value();
    in_pipe -= out.value();
  }
  return {moved, Errno()};
}

}  // namespace

CopyResult Splice(FD& dst, FD& src, int64_t remain, SpliceVia via) {
  CopySyscalls& sys = internal::Installed();
  internal::Method method = {
      .method = CopyMethod::kSplice,
      .max_round = kMaxSpliceRound,
      .availability = &sys.splice_availability,
      .zero_first_round_falls_back = false,  // 0 from a pipe or socket is its end
      .means_fall_back = MeansFallBack,
  };
  const auto probe = [&sys] {
    return sys.Splice(-1, nullptr, -1, nullptr, 1, 0).error();
  };
  if (via == SpliceVia::kDirect) {
    // A pipe at one end or both: EAGAIN means that the source had nothing or
    // the destination no room, and the call does not say which, so wait for
    // each in turn (the one that is ready returns at once).
    const auto round = [&sys](int in_fd, int out_fd, size_t len, int64_t& syscalls) {
      return internal::FromCall(internal::CallWaiting(
          sys, [&] { return sys.Splice(in_fd, nullptr, out_fd, nullptr, len, 0); },
          {{in_fd, POLLIN}, {out_fd, POLLOUT}}, syscalls));
    };
    return internal::CopyInRounds(dst, src, remain, method, round, probe);
  }

  if (remain <= 0) return CopyResult::Ended(CopyMethod::kSplice, {});
  if (sys.splice_availability.load() == internal::Availability::kUnavailable) {
    return CopyResult::NotTried(CopyMethod::kSplice, Fallback::kUnavailable);
  }
  int64_t pipe_syscalls = 0;
  const syscall::Result<SplicePipe> pipe = GetPipe(sys, pipe_syscalls);
  if (!pipe.ok()) {
    // EMFILE, ENFILE (out of descriptors), ENOMEM: the read/write loop needs
    // neither a descriptor nor pipe memory.
    return CopyResult::FellBack(CopyMethod::kSplice, {.bytes = 0, .syscalls = pipe_syscalls},
                                Fallback::kNoPipe, pipe.error());
  }
  method.max_round = std::min<int64_t>(kMaxSpliceRound, pipe.value().capacity);
  bool pipe_empty = true;
  const auto round = [&](int in_fd, int out_fd, size_t len, int64_t& syscalls) {
    const RoundResult r = ThroughPipe(sys, pipe.value(), in_fd, out_fd, len, syscalls);
    if (r.stranded) pipe_empty = false;
    return r;
  };
  const CopyResult result =
      internal::CopyInRounds(dst, src, remain, method, round, probe, pipe_syscalls);
  // Go's putPipe: only an empty pipe goes back to the pool.
  if (pipe_empty) {
    sys.idle_pipes.Return(pipe.value());
  } else {
    internal::ClosePipe(pipe.value());
  }
  return result;
}

}  // namespace sysport::poll
