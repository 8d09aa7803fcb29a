#ifndef SYSPORT_SYSCALL_LINUX_H_
#define SYSPORT_SYSCALL_LINUX_H_

// Linux-only system calls, trapped by number (syscall/sysnum.h): Go's
// internal/syscall/unix copy_file_range_linux.go, and sendfile(2) and
// splice(2), which Go's syscall package has per architecture. Typed, one call
// each, no retry and no policy, like the wrappers in syscall/unix.h.

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

// sendfile(2) with a 64-bit offset: sendfile64 on 32-bit ABIs (whose plain
// sendfile takes a 32-bit off_t and fails with EOVERFLOW past 2 GiB), sendfile
// on 64-bit ones. Copies at most `count` bytes from `in_fd` (a file the kernel
// can read pages from: a regular file or a block device) to `out_fd` (any file
// since Linux 2.6.33). A null `offset` means "use and advance in_fd's file
// offset"; out_fd's offset (if it has one) always advances. Returns the bytes
// copied (0 at the end of in_fd).
Result<size_t> SendFile(int out_fd, int in_fd, int64_t* offset, size_t count);

// splice(2): moves at most `len` bytes between two descriptors, one of which
// must be a pipe. Offsets as CopyFileRange's (null for a pipe). Returns the
// bytes moved; 0 means the input ended (a pipe with no writer left, a socket
// shut down, the end of a file).
Result<size_t> Splice(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off, size_t len,
                      unsigned flags);
// ioctl(dst_fd, FICLONE, src_fd): makes dst's contents share src's extents
// (a reflink), replacing what dst held, in one call whatever the size. The
// request number comes from the target's table (syscall/sysnum.h), not from
// <linux/fs.h>, so it is the one sysnum_test checks.
Errno Ficlone(int dst_fd, int src_fd);

}  // namespace sysport::syscall

#endif  // SYSPORT_SYSCALL_LINUX_H_
