#ifndef SYSPORT_POLL_SENDFILE_H_
#define SYSPORT_POLL_SENDFILE_H_

#include <cstdint>

#include "poll/copy_result.h"
#include "poll/fd.h"

namespace sysport::poll {

// The most one sendfile(2) round asks for: Go's maxSendfileSize (4 MiB), so
// each round releases the locks (and a Close() waiting on them) after a few
// milliseconds even on a slow socket. Measured no slower than asking for
// MAX_RW_COUNT at once (docs/kernel-copies.md).
inline constexpr int64_t kMaxSendfileRound = int64_t{4} << 20;

// Copies at most `remain` bytes from src, whose pages the kernel can send (a
// regular file or a block device), to dst (anything: a socket, a pipe, a
// regular file on another filesystem) with sendfile(2), from src's file
// offset, in rounds of at most kMaxSendfileRound bytes. Each round holds dst's
// write lock and src's read lock; EINTR is retried; EAGAIN from a dst in
// non-blocking mode waits with poll(2) for it to be writable (Go waits on its
// poller the same way). On a fallback both offsets have advanced by exactly
// the result's n, so the caller's read/write loop carries on from there.
// Go's internal/poll.SendFile (sendfile_linux.go; sendfile_unix.go in newer
// Go) with Rust's fallbacks, a probe, and exact counts.
//
// remain <= 0 ends at once, with no system call.
CopyResult SendFile(FD& dst, FD& src, int64_t remain);

}  // namespace sysport::poll

#endif  // SYSPORT_POLL_SENDFILE_H_
