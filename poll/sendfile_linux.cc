// poll::SendFile: the sendfile(2) loop and its errno policy. Go's
// internal/poll sendfile_linux.go; the loop is shared with copy_file_range
// and splice (poll/internal/copy_rounds.h).

#include <poll.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "poll/copy_result.h"
#include "poll/fd.h"
#include "poll/internal/copy_rounds.h"
#include "poll/internal/copy_syscalls.h"
#include "poll/sendfile.h"
#include "syscall/errno.h"

namespace sysport::poll {
namespace {

using syscall::Errno;

// Whether an errno from sendfile(2) means "the kernel cannot do this copy, do
// it another way" rather than "the copy failed". Go falls back on ENOSYS,
// EINVAL and EOPNOTSUPP before any byte (sendfile_unix.go) and Rust on ENOSYS,
// EPERM and EINVAL before any byte and EOVERFLOW at any time (kernel_copy.rs);
// sysport falls back on all of them at any time, with the exact count.
//
// ENOSYS (no sendfile where the process runs) and EPERM (a seccomp profile
// that forbids it; nothing about the files themselves gives EPERM) are probed
// by the shared loop.
bool MeansFallBack(Errno err) {
  switch (err.value()) {
    case EINVAL:
      // The pair cannot be sent: a source without pages to send (a pipe, a
      // socket, some procfs and device files), a destination opened with
      // O_APPEND or on a filesystem without splice_write (sendfile(2),
      // ERRORS); the read/write loop copies them.
    case EOPNOTSUPP:
      // (== ENOTSUP) Go's sendfile_unix.go falls back here "just in case",
      // for network filesystems whose copy paths answer it (its issue 40731).
    case EOVERFLOW:
      // offset + count past the largest file either side allows; the
      // read/write loop reports the real limit when it reaches it.
    case EBADF:
      // A descriptor not open for reading (source) or writing (destination):
      // the read/write loop fails with the same errno and names the right file.
      return true;
    default:
      // EPIPE, ECONNRESET (the reader went away), ENOSPC, EDQUOT, EFBIG, EIO:
      // the read/write loop would fail the same way.
      return false;
  }
}

}  // namespace

CopyResult SendFile(FD& dst, FD& src, int64_t remain) {
  internal::CopySyscalls& sys = internal::Installed();
  const internal::Method method = {
      .method = CopyMethod::kSendfile,
      .max_round = kMaxSendfileRound,
      .availability = &sys.sendfile_availability,
      // procfs and sysfs files report size 0 and may send nothing (Rust's std
      // does not even try a source of size 0).
      .zero_first_round_falls_back = true,
      .means_fall_back = MeansFallBack,
  };
  // One round from the source's file offset (a null offset pointer: the
  // kernel uses and advances it, as read(2) would). The source is a file,
  // which never answers EAGAIN; the destination may.
  const auto round = [&sys](int in_fd, int out_fd, size_t len, int64_t& syscalls) {
    return internal::FromCall(internal::CallWaiting(
        sys, [&] { return sys.SendFile(out_fd, in_fd, nullptr, len); }, {{out_fd, POLLOUT}},
        syscalls));
  };
  const auto probe = [&sys] {
    return sys.SendFile(-1, -1, nullptr, 1).error();
  };
  return internal::CopyInRounds(dst, src, remain, method, round, probe);
}

}  // namespace sysport::poll
