#ifndef SYSPORT_POLL_COPY_FILE_RANGE_H_
#define SYSPORT_POLL_COPY_FILE_RANGE_H_

// The in-kernel file-to-file copies: copy_file_range(2) loops and FICLONE.

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

// The same loop at explicit offsets: copies at most `len` bytes of src from
// `src_offset` to dst at `dst_offset` (pread/pwrite-like; neither file offset
// moves), with the same errno policy and the same outcomes. A whole-file copy
// calls it once per data extent. Ends early, with the exact count, where the
// source ends (it may have shrunk since its size was read); never copies
// past src_offset + len, even when the source has grown.
CopyResult CopyFileRangeAt(FD& dst, int64_t dst_offset, FD& src, int64_t src_offset, int64_t len);

// ioctl(FICLONE): makes dst's whole contents share src's extents (a reflink on
// XFS, btrfs, bcachefs, OCFS2, NFS 4.2), in one call whatever the size. All or
// nothing: ended with n = dst's size afterwards (an fstat(2), counted in
// syscalls), or fell back with nothing changed and the errno: kRefused where
// the filesystems or files cannot share extents, kUnavailable where the
// ioctl itself is unknown (ENOSYS). Other errnos (ENOSPC, EDQUOT, EIO) fail.
CopyResult Clone(FD& dst, FD& src);

// Whether CopyFileRange may still reach the kernel in this process: false
// once the kernel was found older than 5.3 or the system call unavailable
// (ENOSYS, a seccomp EPERM), which the first call that meets them learns.
// copy_file_range(2) asks the filesystem to share extents before it copies
// (remap_file_range, what FICLONE does, for two files on one superblock:
// vfs_copy_file_range in fs/read_write.c since 4.5), so while this holds a
// copy that would clone where it can needs no FICLONE of its own.
bool CopyFileRangeMayReachKernel();

// Whether CopyFileRange's result shows that the kernel took both files for
// regular files: it moved bytes or reached the end, or refused for a reason
// it checks only after the file types (generic_file_rw_checks, the first
// check of every copy_file_range since 5.3). A caller that did not know the
// types learns them without fstat(2). Also true for a failed copy, which
// ends there whatever the types (a closed file included).
bool ShowsRegularFiles(const CopyResult& result);

// Whether a CopyFileRange that fell back leaves two regular files that an
// in-kernel copy through the page cache (poll::SendFile) can still move:
// true for the refusals that are about the filesystems (EXDEV, no
// copy_file_range on this filesystem, ...) or this process (an old kernel, a
// sandbox without the system call), false for those about the files or the
// copy itself (overlapping ranges, O_APPEND, limits, procfs's empty reads).
bool PageCacheCopyMayWork(const CopyResult& result);

}  // namespace sysport::poll

#endif  // SYSPORT_POLL_COPY_FILE_RANGE_H_
