#include "os/file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "io/io.h"
#include "os/error.h"
#include "os/internal/readfrom.h"
#include "os/internal/stats_recorder.h"
#include "poll/error.h"
#include "poll/fd.h"
#include "syscall/errno.h"
#include "syscall/unix.h"

namespace sysport::os {
namespace {

// Go's os.Create: read and write for everyone, less the umask.
constexpr mode_t kCreatePerm = 0666;

}  // namespace

absl::StatusOr<std::unique_ptr<File>> File::Open(std::string name) {
  return OpenFile(std::move(name), O_RDONLY, 0);
}

absl::StatusOr<std::unique_ptr<File>> File::Create(std::string name) {
  return OpenFile(std::move(name), O_RDWR | O_CREAT | O_TRUNC, kCreatePerm);
}

absl::StatusOr<std::unique_ptr<File>> File::OpenFile(std::string name, int flags, mode_t perm) {
  // open(2) can be interrupted by a signal while waiting on a FIFO or a slow
  // network filesystem; retry as Go does.
  syscall::Result<int> fd = syscall::Open(name.c_str(), flags | O_CLOEXEC, perm);
  while (fd.error() == syscall::Errno(EINTR)) {
    fd = syscall::Open(name.c_str(), flags | O_CLOEXEC, perm);
  }
  if (!fd.ok()) return PathError("open", name, fd.error());
  return std::unique_ptr<File>(new File(fd.value(), std::move(name), (flags & O_APPEND) != 0));
}

absl::StatusOr<std::pair<std::unique_ptr<File>, std::unique_ptr<File>>> File::Pipe() {
  syscall::Result<std::array<int, 2>> fds = syscall::Pipe(O_CLOEXEC);
  if (!fds.ok()) return PathError("pipe", "", fds.error());
  // Go names the ends "|0" and "|1".
  return std::make_pair(std::unique_ptr<File>(new File(fds.value()[0], "|0", false)),
                        std::unique_ptr<File>(new File(fds.value()[1], "|1", false)));
}

std::unique_ptr<File> File::NewFile(int fd, std::string name) {
  if (fd < 0) return nullptr;
  syscall::Result<int> flags = syscall::GetStatusFlags(fd);
  const bool append = flags.ok() && (flags.value() & O_APPEND) != 0;
  return std::unique_ptr<File>(new File(fd, std::move(name), append));
}

absl::Status File::WrapError(std::string_view op, const poll::Error& err) const {
  if (err.ok()) return absl::OkStatus();
  if (err.closing()) return ClosedError(op, name_);
  return PathError(op, name_, err.errno_value());
}

absl::StatusOr<size_t> File::Read(absl::Span<char> buf) {
  poll::IoResult r = pfd_.Read(buf);
  if (!r.ok()) return WrapError("read", r.err);
  return static_cast<size_t>(r.n);
}

io::Result File::Write(absl::Span<const char> buf) {
  poll::IoResult r = pfd_.Write(buf);
  return {r.n, WrapError("write", r.err)};
}

absl::StatusOr<int64_t> File::Seek(int64_t offset, int whence) {
  poll::IoResult r = pfd_.Seek(offset, whence);
  if (!r.ok()) return WrapError("seek", r.err);
  return r.n;
}

absl::StatusOr<struct stat> File::Stat() {
  if (pfd_.UnsafeSysfd() < 0) return ClosedError("stat", name_);
  syscall::Result<struct stat> st = pfd_.Fstat();
  if (!st.ok()) return PathError("stat", name_, st.error());
  return st.value();
}

absl::Status File::Close() {
  poll::Error err = pfd_.Close();
  return WrapError("close", err);
}

namespace {

// The generic copy's view of the destination: a Writer and nothing else, so
// io::Copy cannot call File::ReadFrom again (Go's fileWithoutReadFrom).
class WriterOnly final : public io::Writer {
 public:
  explicit WriterOnly(File& file) : file_(&file) {}
  io::Result Write(absl::Span<const char> buf) override { return file_->Write(buf); }

 private:
  File* file_;
};

}  // namespace

io::Result File::ReadFrom(io::Reader& r) {
  // Go's checkValid("write").
  if (pfd_.UnsafeSysfd() < 0) return {0, ClosedError("write", name_)};
  internal::RecordReadFrom();
  internal::PlatformReadFromResult fast = internal::PlatformReadFrom(*this, r);
  if (fast.handled) return {fast.written, fast.status};
  // The generic copy carries on from the current offsets, which the fast path
  // advanced by exactly fast.written; a LimitedReader has been decremented by
  // as much, so it stops at the right place.
  WriterOnly dst(*this);
  io::Result rest = io::Copy(dst, r);
  internal::RecordGeneric(rest.n);
  return {fast.written + rest.n, rest.status};
}

}  // namespace sysport::os
