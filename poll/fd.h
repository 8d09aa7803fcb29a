#ifndef SYSPORT_POLL_FD_H_
#define SYSPORT_POLL_FD_H_

#include <poll.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <ctime>

#include "absl/base/attributes.h"
#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "poll/error.h"
#include "poll/internal/eintr.h"
#include "poll/internal/fd_mutex.h"
#include "syscall/errno.h"
#include "syscall/result.h"
#include "syscall/unix.h"  // struct stat, whose layout it checks

namespace sysport::poll {

// One open file descriptor, with Go's locking and close semantics
// (internal/poll/fd_unix.go): reads take the read lock, writes the write lock,
// seeks and metadata calls take a reference only.
// Close() makes every later operation fail with Error::Closing() and the
// descriptor is closed exactly once, when the last operation in flight ends.
//
// Unlike Go, which has a network poller to interrupt blocked calls, sysport
// blocks the calling thread: a descriptor in non-blocking mode that answers
// EAGAIN is waited for with poll(2) (no timeout) and the call repeated, so it
// behaves as a blocking one. Close() waits until operations in flight have
// finished, then reports close(2)'s own error (Go loses it when another
// operation makes the final release).
class FD {
 public:
  // Takes ownership of `sysfd`.
  explicit FD(int sysfd) : sysfd_(sysfd) {}
  // Closes the descriptor if Close() was not called. No operation may be in
  // flight (another thread using an FD while it is destroyed is a bug anyway).
  ~FD();
  FD(const FD&) = delete;
  FD& operator=(const FD&) = delete;

  // Closes the FD: later operations fail with Error::Closing(), lock waiters
  // wake up and fail, and close(2) runs when the last operation in flight ends.
  // Returns close(2)'s error, or Error::Closing() if already closed.
  Error Close();

  // Read and Write, and the locks they take, are defined below, in this
  // header, so that os::File's calls inline them and no return stands between
  // read(2) or write(2) and File's caller (see syscall::Read).
  IoResult Read(absl::Span<char> buf);
  // Writes all of buf unless an error stops it: the count and error together.
  IoResult Write(absl::Span<const char> buf);
  // lseek(2). IoResult::n is the resulting offset.
  IoResult Seek(int64_t offset, int whence);
  // fstat(2); Error::Closing() maps to EBADF.
  syscall::Result<struct stat> Fstat();
  // fsync(2).
  Error Fsync();
  // ftruncate(2), fchmod(2), fchown(2), futimens(2) ({access, modification}):
  // metadata calls, under a reference like Fstat. EINTR is retried.
  Error Truncate(int64_t size);
  Error Chmod(mode_t mode);
  Error Chown(uid_t uid, gid_t gid);
  Error SetTimes(const struct timespec& access, const struct timespec& modification);
  // fcntl(2) F_GETFL: the access mode and status flags; Error::Closing()
  // maps to EBADF, as for Fstat.
  syscall::Result<int> StatusFlags();
  // flistxattr(2), fgetxattr(2) (sizes, as syscall/unix.h's; Error::Closing()
  // maps to EBADF) and fsetxattr(2), under a reference.
  syscall::Result<size_t> ListXattr(absl::Span<char> buf);
  syscall::Result<size_t> GetXattr(const char* name, absl::Span<char> buf);
  Error SetXattr(const char* name, absl::Span<const char> value, int flags);

  // The locks, for operations built outside this class (poll::CopyFileRange).
  // Each returns false if the FD is closed. Clang's -Wthread-safety checks that
  // the descriptor number is used only while one is held.
  [[nodiscard]] bool ReadLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true, mu_.read_);
  void ReadUnlock() ABSL_UNLOCK_FUNCTION(mu_.read_);
  [[nodiscard]] bool WriteLock() ABSL_EXCLUSIVE_TRYLOCK_FUNCTION(true, mu_.write_);
  void WriteUnlock() ABSL_UNLOCK_FUNCTION(mu_.write_);
  [[nodiscard]] bool Incref() ABSL_SHARED_TRYLOCK_FUNCTION(true, mu_.ref_);
  void Decref() ABSL_UNLOCK_FUNCTION(mu_.ref_);

  // The descriptor number, for a holder of the matching lock or reference.
  int SysfdForRead() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_.read_) { return sysfd_; }
  int SysfdForWrite() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_.write_) { return sysfd_; }
  int SysfdForRef() const ABSL_SHARED_LOCKS_REQUIRED(mu_.ref_) { return sysfd_; }

  // The descriptor number with no lock: valid only until Close() is called
  // (Go's File.Fd). -1 once closed.
  int UnsafeSysfd() const;

 private:
  // Linux moves at most MAX_RW_COUNT (INT_MAX rounded down to a page) per
  // read/write; Go caps each call at 1 GiB so counts stay well inside an int
  // on every architecture. Longer buffers take several calls.
  static constexpr size_t kMaxRW = size_t{1} << 30;
  template <typename Span>
  static Span Capped(Span buf) {
    return buf.size() > kMaxRW ? buf.first(kMaxRW) : buf;
  }
  // Waits with poll(2) until `fd` is ready for `events`: a descriptor in
  // non-blocking mode (a socket or pipe a server handed over, or whose
  // O_NONBLOCK someone else set) answered EAGAIN.
  static syscall::Errno WaitReady(int fd, internal::PollEvents events);

  // Runs close(2) once the last reference is gone.
  void Destroy();
  // Runs call(fd) -> syscall::Errno under a reference, retrying EINTR.
  template <typename Call>
  Error WithRef(const Call& call);
  // The same for call(fd) -> syscall::Result<T>; EBADF if closed.
  template <typename Call>
  auto ResultWithRef(const Call& call) -> decltype(call(0));

  internal::FdMutex mu_;
  const int sysfd_;

  // Close() waits on this for Destroy(), and takes close(2)'s result from it.
  mutable absl::Mutex close_mu_;
  bool destroyed_ ABSL_GUARDED_BY(close_mu_) = false;
  syscall::Errno close_errno_ ABSL_GUARDED_BY(close_mu_);
};

inline bool FD::ReadLock() { return mu_.ReadLock(); }
inline void FD::ReadUnlock() {
  if (mu_.ReadUnlock()) Destroy();
}
inline bool FD::WriteLock() { return mu_.WriteLock(); }
inline void FD::WriteUnlock() {
  if (mu_.WriteUnlock()) Destroy();
}

ABSL_ATTRIBUTE_ALWAYS_INLINE inline IoResult FD::Read(absl::Span<char> buf) {
  if (!ReadLock()) return {0, Error::Closing()};
  IoResult result;
  if (!buf.empty()) {  // an empty read is 0 without a system call, as in Go
    const int fd = SysfdForRead();
    const syscall::Result<size_t> r = internal::WaitingWhileNotReady(
        [&] { return syscall::Read(fd, Capped(buf)); }, [fd] { return WaitReady(fd, POLLIN); });
    if (r.ok()) {
      result.n = static_cast<int64_t>(r.value());
    } else {
      result.err = r.error();
    }
  }
  ReadUnlock();
  return result;
}

// Go's FD.Write loop: short writes continue, EINTR is retried, EAGAIN waits,
// and the count is exact when an error stops it.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline IoResult FD::Write(absl::Span<const char> buf) {
  if (!WriteLock()) return {0, Error::Closing()};
  const int fd = SysfdForWrite();
  IoResult result;
  size_t done = 0;
  while (done < buf.size()) {
    const syscall::Result<size_t> r = internal::WaitingWhileNotReady(
        [&] { return syscall::Write(fd, Capped(buf.subspan(done))); },
        [fd] { return WaitReady(fd, POLLOUT); });
    if (!r.ok()) {
      result.err = r.error();
      break;
    }
    if (r.value() == 0) {
      // write(2) returning 0 for a non-empty buffer: Go's io.ErrUnexpectedEOF
      // case. Report it rather than loop forever.
      result.err = syscall::Errno(EIO);
      break;
    }
    done += r.value();
  }
  result.n = static_cast<int64_t>(done);
  WriteUnlock();
  return result;
}

}  // namespace sysport::poll

#endif  // SYSPORT_POLL_FD_H_
