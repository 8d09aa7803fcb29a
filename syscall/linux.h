#ifndef SYSPORT_SYSCALL_LINUX_H_
#define SYSPORT_SYSCALL_LINUX_H_

// Linux-only system calls, trapped by number (syscall/sysnum.h): Go's
// internal/syscall/unix copy_file_range_linux.go, and sendfile(2) and
// splice(2), which Go's syscall package has per architecture. Typed, one call
// each, no retry and no policy, like the wrappers in syscall/unix.h.

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"
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

// The kernel's struct open_how (<linux/openat2.h>): open(2)'s flags and mode,
// and how the path may be resolved (RESOLVE_* flags). Its layout is checked
// against the header in linux.cc. `mode` must be 0 unless `flags` has O_CREAT
// or O_TMPFILE (openat2 answers EINVAL otherwise, where openat ignores it).
struct OpenHow {
  uint64_t flags = 0;
  uint64_t mode = 0;
  uint64_t resolve = 0;
};

// RESOLVE_* values of <linux/openat2.h> (Linux 5.6), the same on every
// architecture; linux.cc checks them against the header.
inline constexpr uint64_t kResolveNoXdev = 0x01;
inline constexpr uint64_t kResolveNoMagiclinks = 0x02;
inline constexpr uint64_t kResolveNoSymlinks = 0x04;
inline constexpr uint64_t kResolveBeneath = 0x08;

// openat2(2) (Linux 5.6), trapped by number: glibc has no wrapper. Unlike
// openat(2), it refuses flags it does not know (EINVAL) rather than ignoring
// them, so a resolve flag given to it is never silently dropped. The caller
// adds O_CLOEXEC, and O_LARGEFILE: glibc's open(2) adds it on 32-bit ABIs, the
// kernel's openat2 does not, and without it a file over 2 GiB fails there with
// EOVERFLOW.
Result<int> Openat2(int dir_fd, const char* path, const OpenHow& how);

// renameat2(2) (Linux 3.15), trapped by number (glibc has a wrapper only
// since 2.28). `flags`: 0, RENAME_NOREPLACE or RENAME_EXCHANGE (<linux/fs.h>).
Errno Renameat2(int old_dir_fd, const char* old_path, int new_dir_fd, const char* new_path,
                unsigned flags);

// getdents64(2), trapped by number (glibc's wrapper is 2.30's): fills `buf`
// with struct linux_dirent64 records from the directory's offset on. Returns
// the bytes filled, 0 at the end of the directory.
Result<size_t> Getdents64(int dir_fd, absl::Span<char> buf);

}  // namespace sysport::syscall

#endif  // SYSPORT_SYSCALL_LINUX_H_
