#ifndef SYSPORT_SYSCALL_UNIX_H_
#define SYSPORT_SYSCALL_UNIX_H_

// Typed raw wrappers, one per system call sysport makes: the C++ counterpart
// of Go's internal/syscall/unix. Each wrapper is one system call with typed
// arguments and no policy: no retry on EINTR (retries belong to //poll), no
// interpretation of the errno. Every result is a value (syscall::Result); no
// caller reads the global errno.

#include <sys/stat.h>
#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

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

// getrandom(2), trapped by number. Returns how many bytes were written to buf.
Result<size_t> GetRandom(absl::Span<char> buf, unsigned flags);

// open(2). `flags` are passed as given: callers add O_CLOEXEC.
Result<int> Open(const char* path, int flags, mode_t mode);

// close(2). Never retried: on Linux the descriptor is gone even when close
// reports EINTR, and retrying could close a descriptor another thread just got.
Errno Close(int fd);

Result<size_t> Read(int fd, absl::Span<char> buf);
Result<size_t> Write(int fd, absl::Span<const char> buf);
Result<size_t> Pread(int fd, absl::Span<char> buf, int64_t offset);
Result<size_t> Pwrite(int fd, absl::Span<const char> buf, int64_t offset);

// lseek(2). Returns the resulting offset.
Result<int64_t> Seek(int fd, int64_t offset, int whence);

// fstat(2).
Result<struct stat> Fstat(int fd);

// fcntl(2) F_GETFL and F_SETFL: the file status flags (O_APPEND, O_NONBLOCK, ...).
Result<int> GetStatusFlags(int fd);
Errno SetStatusFlags(int fd, int flags);

// pipe2(2). Returns {read end, write end}.
Result<std::array<int, 2>> Pipe(int flags);

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
