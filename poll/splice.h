#ifndef SYSPORT_POLL_SPLICE_H_
#define SYSPORT_POLL_SPLICE_H_

#include <cstdint>

#include "poll/copy_result.h"
#include "poll/fd.h"

namespace sysport::poll {

// The most one splice(2) round asks for, and the size splice's intermediate
// pipes are given (F_SETPIPE_SZ): Go's maxSpliceSize, 1 MiB, the default
// /proc/sys/fs/pipe-max-size, so an unprivileged process gets it too.
inline constexpr int64_t kMaxSpliceRound = int64_t{1} << 20;

// How the bytes get from src to dst: splice(2) needs a pipe at one end.
enum class SpliceVia : uint8_t {
  kDirect,            // src or dst is a pipe: one splice(2) per round
  kIntermediatePipe,  // neither is (a socket to a file or socket): two per round, through a pipe
};

// Copies at most `remain` bytes from src to dst with splice(2), in rounds of
// at most kMaxSpliceRound bytes (and no more than the intermediate pipe
// holds). Each round holds dst's write lock and src's read lock; EINTR is
// retried; EAGAIN (a descriptor in non-blocking mode) waits with poll(2) for
// the side that was not ready. A file end's offset advances by exactly what
// reached it; a pipe end keeps what was not taken.
//
// kIntermediatePipe takes an empty pipe from the installed system's pool (or
// makes one, sized to kMaxSpliceRound) and gives it back empty. If the second
// splice of a round fails after the first filled the pipe, those bytes have
// already left the source: for an errno that would fall back they are written
// to dst with read(2) and write(2) first, so the fallback loses nothing; for
// one that fails the copy (or if that write fails), the result's n counts
// exactly the bytes that reached dst, the rest are lost with the pipe (which
// is closed, not pooled), as a read/write loop loses the buffer whose write
// failed. Go's internal/poll.Splice, with exact counts and no busy loop.
//
// remain <= 0 ends at once, with no system call.
CopyResult Splice(FD& dst, FD& src, int64_t remain, SpliceVia via);

}  // namespace sysport::poll

#endif  // SYSPORT_POLL_SPLICE_H_
