#ifndef SYSPORT_SYSCALL_UNIX_H_
#define SYSPORT_SYSCALL_UNIX_H_

// Typed raw wrappers, one per POSIX system call sysport makes: the C++
// counterpart of Go's internal/syscall/unix. The Linux-only calls, trapped by
// number, are in syscall/linux.h. Each wrapper is one system call with typed
// arguments and no policy: no retry on EINTR (retries belong to //poll), no
// interpretation of the errno. Every result is a value (syscall::Result); no
// caller reads the global errno.

#include <poll.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string_view>

#include "absl/types/span.h"
#include "syscall/errno.h"
#include "syscall/internal/from_return.h"
#include "syscall/result.h"

// This header's meaning depends on large-file support: `struct stat` and
// `off_t` change size with _FILE_OFFSET_BITS on 32-bit targets. Every sysport
// target compiles with _FILE_OFFSET_BITS=64 (SYSPORT_LOCAL_DEFINES in
// tools/build/copts.bzl); a translation unit that includes this header
// without it fails here instead of disagreeing with unix.cc about a layout.
// Public headers (os/, io/) use no such type, so users need no macro.
static_assert(sizeof(off_t) == 8, "syscall/unix.h needs 64-bit off_t: define _FILE_OFFSET_BITS=64");

namespace sysport::syscall {

// open(2). `flags` are passed as given: callers add O_CLOEXEC.
Result<int> Open(const char* path, int flags, mode_t mode);

// openat(2): `path` relative to the directory `dir_fd` (AT_FDCWD: the
// working directory). Unknown flags are ignored by the kernel, which is why
// os::Root never relies on flags for confinement here (syscall/linux.h's
// Openat2 refuses them).
Result<int> Openat(int dir_fd, const char* path, int flags, mode_t mode);

// close(2). Never retried: on Linux the descriptor is gone even when close
// reports EINTR, and retrying could close a descriptor another thread just got.
Errno Close(int fd);

// read(2) and write(2), defined here so that the callers that make them once
// per loop turn (poll::FD, inlined into os::File) inline them too: after a
// system call, a return into a frame that was live across it costs more than
// an ordinary one (the kernel's own calls displace the CPU's return
// predictions), so the layers between a copy loop and read(2) are kept out of
// the call chain (docs/benchmarks.md, "The targets, in words").
inline Result<size_t> Read(int fd, absl::Span<char> buf) {
  return internal::FromReturn<size_t>(::read(fd, buf.data(), buf.size()));
}
inline Result<size_t> Write(int fd, absl::Span<const char> buf) {
  return internal::FromReturn<size_t>(::write(fd, buf.data(), buf.size()));
}

// lseek(2). Returns the resulting offset.
Result<int64_t> Seek(int fd, int64_t offset, int whence);

// fstat(2).
Result<struct stat> Fstat(int fd);

// stat(2): follows symbolic links, as open(2) does.
Result<struct stat> Stat(const char* path);

// fstatat(2): `flags` 0 follows a final symbolic link, AT_SYMLINK_NOFOLLOW
// describes the link itself.
Result<struct stat> Fstatat(int dir_fd, const char* path, int flags);

// fsync(2).
Errno Fsync(int fd);

// ftruncate(2): sets the file's size; a longer file gains a hole.
Errno Ftruncate(int fd, int64_t length);

// fchmod(2), fchown(2), futimens(2): the metadata of an open file. futimens
// takes {access time, modification time}.
Errno Fchmod(int fd, mode_t mode);
Errno Fchown(int fd, uid_t uid, gid_t gid);
Errno Futimens(int fd, const std::array<struct timespec, 2>& times);

// The *at(2) calls on names in a directory (os::Root makes each on a single
// name in a directory it holds open). fchmodat with AT_SYMLINK_NOFOLLOW is
// glibc's (2.32 and later), which acts on the file a name holds through an
// O_PATH descriptor and refuses a symbolic link with EOPNOTSUPP, never
// following it; the kernel's own fchmodat takes no flags.
Errno Mkdirat(int dir_fd, const char* path, mode_t mode);
Errno Symlinkat(const char* target, int dir_fd, const char* path);
// readlinkat(2): the bytes of the link's target put in `buf` (not
// NUL-terminated); a result of buf.size() may mean the target was longer.
Result<size_t> Readlinkat(int dir_fd, const char* path, absl::Span<char> buf);
Errno Fchmodat(int dir_fd, const char* path, mode_t mode, int flags);
Errno Fchownat(int dir_fd, const char* path, uid_t uid, gid_t gid, int flags);
Errno Utimensat(int dir_fd, const char* path, const std::array<struct timespec, 2>& times,
                int flags);
Errno Mknodat(int dir_fd, const char* path, mode_t mode, dev_t dev);

// Extended attributes (Linux's, through the C library's <sys/xattr.h>). The
// f* calls act on an open descriptor, the others on a path, following
// symbolic links. List fills `buf` with NUL-terminated names, Get with the
// value; with an empty buf both return the size needed. ERANGE: buf too small.
Result<size_t> Flistxattr(int fd, absl::Span<char> buf);
Result<size_t> Fgetxattr(int fd, const char* name, absl::Span<char> buf);
Errno Fsetxattr(int fd, const char* name, absl::Span<const char> value, int flags);
Result<size_t> Listxattr(const char* path, absl::Span<char> buf);
Result<size_t> Getxattr(const char* path, const char* name, absl::Span<char> buf);
Errno Setxattr(const char* path, const char* name, absl::Span<const char> value, int flags);

// linkat(2), renameat(2), unlinkat(2): names in directories (AT_FDCWD for the
// working directory). linkat with AT_EMPTY_PATH, or of "/proc/self/fd/N" with
// AT_SYMLINK_FOLLOW, gives an O_TMPFILE file its first name.
Errno Linkat(int old_dir_fd, const char* old_path, int new_dir_fd, const char* new_path, int flags);
Errno Renameat(int old_dir_fd, const char* old_path, int new_dir_fd, const char* new_path);
Errno Unlinkat(int dir_fd, const char* path, int flags);

// fcntl(2) F_GETFL: the file status flags (O_APPEND, O_NONBLOCK, ...).
Result<int> GetStatusFlags(int fd);

// getrlimit(2) and setrlimit(2) of RLIMIT_NOFILE: how many descriptors the
// process may have open.
struct Limit {
  uint64_t soft = 0;
  uint64_t hard = 0;
};
Result<Limit> GetOpenFileLimit();
Errno SetOpenFileLimit(const Limit& limit);

// pipe2(2). Returns {read end, write end}.
Result<std::array<int, 2>> Pipe(int flags);

// fcntl(2) F_GETPIPE_SZ (Linux 2.6.35): a pipe's capacity in bytes.
Result<int> GetPipeSize(int fd);
// fcntl(2) F_SETPIPE_SZ: asks for a capacity of at least `size` bytes and
// returns the capacity the kernel set (a power-of-two number of pages). EPERM
// above /proc/sys/fs/pipe-max-size without CAP_SYS_RESOURCE, or past the
// user's pipe-user-pages limits; EBUSY if the pipe holds more than that.
Result<int> SetPipeSize(int fd, int size);

// poll(2): waits until one of `fds` is ready or `timeout_ms` passes (-1: no
// limit). Returns how many entries have a non-zero revents.
Result<int> Poll(absl::Span<struct pollfd> fds, int timeout_ms);

// The running kernel's version, as Go's unix.KernelVersion: the first two
// numbers of uname(2)'s release ("6.1.0-18-amd64" -> {6, 1}). {0, 0} if the
// release does not start with two numbers.
struct KernelVersion {
  int major = 0;
  int minor = 0;
  friend constexpr bool operator==(KernelVersion, KernelVersion) = default;
  constexpr bool AtLeast(int want_major, int want_minor) const {
    return major > want_major || (major == want_major && minor >= want_minor);
  }
};
KernelVersion GetKernelVersion();
KernelVersion ParseKernelRelease(std::string_view release);

}  // namespace sysport::syscall

#endif  // SYSPORT_SYSCALL_UNIX_H_
