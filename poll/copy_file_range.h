#ifndef SYSPORT_POLL_COPY_FILE_RANGE_H_
#define SYSPORT_POLL_COPY_FILE_RANGE_H_

#include <cstdint>

#include "poll/copy_result.h"
#include "poll/fd.h"

namespace sysport::poll {

// The most one copy_file_range(2) call moves: the kernel's MAX_RW_COUNT
// (INT_MAX rounded down to a 4 KiB page). Asking for more is allowed but
// returns at most this, so each round asks for no more.
inline constexpr int64_t kMaxCopyFileRangeRound = 0x7ffff000;

// Copies at most `remain` bytes from src to dst at their file offsets with
// copy_file_range(2), in rounds of at most kMaxCopyFileRangeRound bytes; each
// round holds dst's write lock and src's read lock, and is retried on EINTR.
// Go's internal/poll.CopyFileRange, with exact counts when it falls back
// midway (Go drops them) and a fallback where Rust would fail the copy. On a
// fallback the file offsets have advanced by exactly the result's n, so the
// caller's read/write loop carries on from there.
//
// remain <= 0 ends at once, with no system call.
CopyResult CopyFileRange(FD& dst, FD& src, int64_t remain);

// Whether a CopyFileRange that fell back leaves two regular files that an
// in-kernel copy through the page cache (poll::SendFile) can still move:
// true for the refusals that are about the filesystems (EXDEV, no
// copy_file_range on this filesystem, ...) or this process (an old kernel, a
// sandbox without the system call), false for those about the files or the
// copy itself (overlapping ranges, O_APPEND, limits, procfs's empty reads).
bool PageCacheCopyMayWork(const CopyResult& result);

}  // namespace sysport::poll

#endif  // SYSPORT_POLL_COPY_FILE_RANGE_H_
