#ifndef SYSPORT_SYSCALL_LINUX_H_
#define SYSPORT_SYSCALL_LINUX_H_

// Linux-only system calls, trapped by number (syscall/sysnum.h): Go's
// internal/syscall/unix copy_file_range_linux.go. Typed, one call each, no
// retry and no policy, like the wrappers in syscall/unix.h.

#include <cstddef>
#include <cstdint>

#include "syscall/errno.h"
#include "syscall/result.h"

namespace sysport::syscall {

// copy_file_range(2), trapped by number (syscall/sysnum.h) rather than through
// libc's wrapper: it works with any libc, with none that lacks the wrapper
// (glibc < 2.27, older musl) and with no wrapper that misreports counts above
// INT_MAX. A null offset pointer means "use and advance the file offset"; a
// non-null one is read and advanced instead, leaving the file offset alone.
// Returns the number of bytes copied (0 at the end of the source).
Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off, size_t len,
                             unsigned flags);

// ioctl(dst_fd, FICLONE, src_fd): makes dst's contents share src's extents
// (a reflink), replacing what dst held, in one call whatever the size. The
// request number comes from the target's table (syscall/sysnum.h), not from
// <linux/fs.h>, so it is the one sysnum_test checks.
Errno Ficlone(int dst_fd, int src_fd);

}  // namespace sysport::syscall

#endif  // SYSPORT_SYSCALL_LINUX_H_
