#include "poll/fd.h"

#include <poll.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "poll/internal/eintr.h"
#include "syscall/unix.h"

namespace sysport::poll {

FD::~FD() {
  // Closing a closed FD fails harmlessly with Error::Closing().
  (void)Close();
}

Error FD::Close() {
  if (!mu_.IncrefAndClose()) return Error::Closing();
  // Drop Close's own reference: if no operation is in flight, we destroy now.
  if (mu_.Decref()) Destroy();
  absl::MutexLock lock(&close_mu_);
  close_mu_.Await(absl::Condition(&destroyed_));
  return close_errno_;
}

void FD::Destroy() {
  // close(2) is never retried: on Linux the descriptor is released even when
  // it reports EINTR, and a retry could close a number another thread reused.
  syscall::Errno err = syscall::Close(sysfd_);
  absl::MutexLock lock(&close_mu_);
  close_errno_ = err;
  destroyed_ = true;
}

bool FD::Incref() { return mu_.Incref(); }
void FD::Decref() {
  if (mu_.Decref()) Destroy();
}

int FD::UnsafeSysfd() const { return mu_.closed() ? -1 : sysfd_; }

// A descriptor in non-blocking mode answers EAGAIN when it is not ready: wait
// for it with poll(2) and try again, as Go's pollable descriptors do.
syscall::Errno FD::WaitReady(int fd, internal::PollEvents events) {
  return internal::WaitReady(fd, events, [](absl::Span<struct pollfd> fds, int timeout_ms) {
    return syscall::Poll(fds, timeout_ms);
  });
}

IoResult FD::Seek(int64_t offset, int whence) {
  if (!Incref()) return {0, Error::Closing()};
  IoResult result;
  auto r = syscall::Seek(SysfdForRef(), offset, whence);
  if (r.ok()) {
    result.n = r.value();
  } else {
    result.err = r.error();
  }
  Decref();
  return result;
}

template <typename Call>
auto FD::ResultWithRef(const Call& call) -> decltype(call(0)) {
  if (!Incref()) return decltype(call(0))::Error(syscall::Errno(EBADF));
  const int fd = SysfdForRef();
  auto r = internal::IgnoringEintr([&] { return call(fd); });
  Decref();
  return r;
}

syscall::Result<struct stat> FD::Fstat() {
  return ResultWithRef([](int fd) { return syscall::Fstat(fd); });
}

// One metadata call `call(fd)` (returning an Errno) under a reference,
// retried on EINTR.
template <typename Call>
Error FD::WithRef(const Call& call) {
  if (!Incref()) return Error::Closing();
  const int fd = SysfdForRef();
  const syscall::Errno err = internal::IgnoringEintr([&] { return call(fd); });
  Decref();
  return err;
}

Error FD::Fsync() {
  return WithRef([](int fd) { return syscall::Fsync(fd); });
}

Error FD::Truncate(int64_t size) {
  return WithRef([size](int fd) { return syscall::Ftruncate(fd, size); });
}

Error FD::Chmod(mode_t mode) {
  return WithRef([mode](int fd) { return syscall::Fchmod(fd, mode); });
}

Error FD::Chown(uid_t uid, gid_t gid) {
  return WithRef([uid, gid](int fd) { return syscall::Fchown(fd, uid, gid); });
}

Error FD::SetTimes(const struct timespec& access, const struct timespec& modification) {
  const std::array<struct timespec, 2> times = {access, modification};
  return WithRef([&times](int fd) { return syscall::Futimens(fd, times); });
}

syscall::Result<int> FD::StatusFlags() {
  return ResultWithRef([](int fd) { return syscall::GetStatusFlags(fd); });
}

syscall::Result<size_t> FD::ListXattr(absl::Span<char> buf) {
  return ResultWithRef([buf](int fd) { return syscall::Flistxattr(fd, buf); });
}

syscall::Result<size_t> FD::GetXattr(const char* name, absl::Span<char> buf) {
  return ResultWithRef([name, buf](int fd) { return syscall::Fgetxattr(fd, name, buf); });
}

Error FD::SetXattr(const char* name, absl::Span<const char> value, int flags) {
  return WithRef([&](int fd) { return syscall::Fsetxattr(fd, name, value, flags); });
}

}  // namespace sysport::poll
