#ifndef SYSPORT_POLL_COPY_FILE_RANGE_H_
#define SYSPORT_POLL_COPY_FILE_RANGE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "poll/error.h"
#include "poll/fd.h"
#include "syscall/errno.h"

namespace sysport::poll {

// The most one copy_file_range(2) call moves: the kernel's MAX_RW_COUNT
// (INT_MAX rounded down to a 4 KiB page). Asking for more is allowed but
// returns at most this, so each round asks for no more.
inline constexpr int64_t kMaxCopyFileRangeRound = 0x7ffff000;

// Why poll::CopyFileRange left (the rest of) a copy to the caller.
enum class CopyFileRangeFallback : unsigned char {
  kNone,                // handled: the kernel did the copy (or failed it)
  kKernelTooOld,        // kernel older than 5.3: never tried in this process
  kSyscallUnavailable,  // ENOSYS or seccomp's EPERM, confirmed by the probe
  kErrno,               // an errno meaning "not for these files"; see fallback_errno
  kNothingCopied,       // the first round returned 0 (procfs, sysfs, tracefs)
};

// "kernel too old", "syscall unavailable", "errno", "nothing copied", "none".
std::string_view FallbackName(CopyFileRangeFallback fallback);

struct [[nodiscard]] CopyFileRangeResult {
  // Bytes the kernel moved, exactly, on every path.
  int64_t written = 0;
  // False: the caller must copy the rest (from the current file offsets, which
  // have advanced by `written`) with an ordinary read/write loop.
  bool handled = false;
  // Set only if handled: the error that stopped the copy.
  Error err;
  CopyFileRangeFallback fallback = CopyFileRangeFallback::kNone;
  // The errno behind kErrno and kSyscallUnavailable.
  syscall::Errno fallback_errno;
};

// Copies at most `remain` bytes from src to dst at their file offsets with
// copy_file_range(2), in rounds of at most kMaxCopyFileRangeRound bytes; each
// round holds dst's write lock and src's read lock, and is retried on EINTR.
// Go's internal/poll.CopyFileRange, with exact counts when it falls back
// midway (Go drops them) and a fallback where Rust would fail the copy.
//
// remain <= 0 is handled at once, with no system call.
CopyFileRangeResult CopyFileRange(FD& dst, FD& src, int64_t remain);

}  // namespace sysport::poll

#endif  // SYSPORT_POLL_COPY_FILE_RANGE_H_
