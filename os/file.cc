#include "os/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/internal/kernel_read_from.h"
#include "poll/copy_result.h"
#include "poll/error.h"
#include "poll/fd.h"
#include "syscall/errno.h"
#include "syscall/unix.h"

namespace sysport::os {
namespace {

// Go's os.Create: read and write for everyone, less the umask.
constexpr mode_t kCreatePerm = 0666;

constexpr const char* kDevNull = "/dev/null";

// Go's 1<<62 for "no limit": more than any file, and no overflow when
// offsets are added to it.
constexpr int64_t kNoLimit = std::numeric_limits<int64_t>::max() / 2;

absl::Time TimeOf(const struct timespec& ts) { return absl::TimeFromTimespec(ts); }

FileInfo InfoOf(const struct stat& st) {
  FileInfo info;
  info.size = st.st_size;
  info.mode = st.st_mode;
  info.device = st.st_dev;
  info.inode = st.st_ino;
  info.links = st.st_nlink;
  info.uid = st.st_uid;
  info.gid = st.st_gid;
  info.blocks = st.st_blocks;
  info.access_time = TimeOf(st.st_atim);
  info.modification_time = TimeOf(st.st_mtim);
  return info;
}

// Go's File.wrapErr: a poll error of operation `op` on `name`.
absl::Status WrapError(const char* op, const std::string& name, const poll::Error& err) {
  if (err.ok()) return absl::OkStatus();
  if (err.closing()) return ClosedError(op, name);
  return PathError(op, name, err.errno_value());
}

}  // namespace

FileType FileInfo::type() const {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return FileType::kRegular;
    case S_IFDIR:
      return FileType::kDirectory;
    case S_IFLNK:
      return FileType::kSymlink;
    case S_IFIFO:
      return FileType::kFifo;
    case S_IFSOCK:
      return FileType::kSocket;
    case S_IFCHR:
      return FileType::kCharDevice;
    case S_IFBLK:
      return FileType::kBlockDevice;
    default:
      return FileType::kUnknown;
  }
}

bool SameFile(const FileInfo& a, const FileInfo& b) {
  return a.device == b.device && a.inode == b.inode;
}

absl::StatusOr<FileInfo> Stat(const std::string& name) {
  syscall::Result<struct stat> st = syscall::Stat(name.c_str());
  if (!st.ok()) return PathError("stat", name, st.error());
  return InfoOf(st.value());
}

absl::StatusOr<bool> SameFile(File& a, File& b) {
  absl::StatusOr<FileInfo> a_info = a.Stat();
  if (!a_info.ok()) return a_info.status();
  absl::StatusOr<FileInfo> b_info = b.Stat();
  if (!b_info.ok()) return b_info.status();
  return SameFile(*a_info, *b_info);
}

namespace {

// Opens /dev/null on descriptor `fd` if it is closed; whether it was.
absl::StatusOr<bool> OpenDevNullIfClosed(int fd) {
  const syscall::Errno err = syscall::GetStatusFlags(fd).error();
  if (err.ok()) return false;
  // F_GETFL fails only with EBADF for a descriptor number in range.
  if (err != syscall::Errno(EBADF)) return PathError("fcntl", absl::StrCat("fd ", fd), err);
  // Not O_CLOEXEC: these are the standard descriptors children inherit.
  // O_RDWR, as Go: one file serves as input and as output.
  syscall::Result<int> null = syscall::Open(kDevNull, O_RDWR, 0);
  while (null.error() == syscall::Errno(EINTR)) null = syscall::Open(kDevNull, O_RDWR, 0);
  if (!null.ok()) return PathError("open", kDevNull, null.error());
  // open(2) returns the lowest free number, and every lower one is open by
  // now, unless another thread opened a file at the same moment.
  if (null.value() != fd) {
    (void)syscall::Close(null.value());
    return absl::InternalError(absl::StrCat("open ", kDevNull, ": got descriptor ", null.value(),
                                            " in place of closed descriptor ", fd));
  }
  return true;
}

}  // namespace

absl::StatusOr<ClosedStandardDescriptors> OpenClosedStandardDescriptors() {
  ClosedStandardDescriptors closed;
  for (const auto& [fd, was_closed] : {std::pair{STDIN_FILENO, &closed.stdin_closed},
                                       {STDOUT_FILENO, &closed.stdout_closed},
                                       {STDERR_FILENO, &closed.stderr_closed}}) {
    absl::StatusOr<bool> opened = OpenDevNullIfClosed(fd);
    if (!opened.ok()) return opened.status();
    *was_closed = *opened;
  }
  return closed;
}

File::File(int fd, std::string name, bool append_mode)
    : pfd_(std::make_unique<poll::FD>(fd)), name_(std::move(name)), append_mode_(append_mode) {}

File::~File() = default;

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

int File::Fd() const { return pfd_->UnsafeSysfd(); }

absl::StatusOr<int64_t> File::Read(absl::Span<char> buf) {
  poll::IoResult r = pfd_->Read(buf);
  if (!r.ok()) return WrapError("read", name_, r.err);
  return r.n;
}

io::Result File::Write(absl::Span<const char> buf) {
  poll::IoResult r = pfd_->Write(buf);
  return {r.n, WrapError("write", name_, r.err)};
}

absl::StatusOr<int64_t> File::Seek(int64_t offset, int whence) {
  poll::IoResult r = pfd_->Seek(offset, whence);
  if (!r.ok()) return WrapError("seek", name_, r.err);
  return r.n;
}

absl::StatusOr<FileInfo> File::Stat() {
  if (Fd() < 0) return ClosedError("stat", name_);
  syscall::Result<struct stat> st = pfd_->Fstat();
  if (!st.ok()) return PathError("stat", name_, st.error());
  return InfoOf(st.value());
}

absl::Status File::Sync() { return WrapError("sync", name_, pfd_->Fsync()); }

absl::Status File::Truncate(int64_t size) {
  return WrapError("truncate", name_, pfd_->Ftruncate(size));
}

namespace {

// What read(2) or write(2) would certainly fail with on a descriptor with
// these status flags and this type, without calling it.
syscall::Errno CertainIoError(int status_flags, const FileInfo& info, bool for_write) {
  // O_PATH descriptors (Linux 2.6.39) refuse read and write with EBADF.
  if ((status_flags & O_PATH) != 0) return syscall::Errno(EBADF);
  const int access = status_flags & O_ACCMODE;
  if (access != O_RDWR && access != (for_write ? O_WRONLY : O_RDONLY)) {
    return syscall::Errno(EBADF);
  }
  // A directory opens read-only; read(2) then fails with EISDIR.
  if (info.IsDirectory()) return syscall::Errno(EISDIR);
  return syscall::Errno();
}

}  // namespace

absl::Status File::CheckReadable() { return CheckAccess("read", /*for_write=*/false); }

absl::Status File::CheckWritable() { return CheckAccess("write", /*for_write=*/true); }

absl::Status File::Close() { return WrapError("close", name_, pfd_->Close()); }

absl::Status File::CheckAccess(const char* op, bool for_write) {
  if (Fd() < 0) return ClosedError(op, name_);
  syscall::Result<int> flags = pfd_->StatusFlags();
  if (!flags.ok()) return PathError(op, name_, flags.error());
  absl::StatusOr<FileInfo> info = Stat();
  if (!info.ok()) return info.status();
  const syscall::Errno err = CertainIoError(flags.value(), *info, for_write);
  return err.ok() ? absl::OkStatus() : PathError(op, name_, err);
}

namespace {

// The read/write loop's view of the destination: a Writer and nothing else,
// so io::Copy cannot call File::ReadFrom again (Go's fileWithoutReadFrom);
// it counts its writes for the observer.
class CountingWriter final : public io::Writer {
 public:
  explicit CountingWriter(File& file) : file_(&file) {}
  io::Result Write(absl::Span<const char> buf) override {
    ++writes_;
    return file_->Write(buf);
  }
  int64_t writes() const { return writes_; }

 private:
  File* file_;
  int64_t writes_ = 0;
};

// ... and of the source: its reads counted, and only its limit visible (so
// the loop's buffer is no larger than a LimitedReader can fill).
class CountingReader final : public io::Reader {
 public:
  explicit CountingReader(io::Reader& reader) : reader_(&reader) {}
  absl::StatusOr<int64_t> Read(absl::Span<char> buf) override {
    ++reads_;
    return reader_->Read(buf);
  }
  io::LimitedReader* AsLimitedReader() override { return reader_->AsLimitedReader(); }
  int64_t reads() const { return reads_; }

 private:
  io::Reader* reader_;
  int64_t reads_ = 0;
};

}  // namespace

io::Result File::ReadFrom(io::Reader& r) {
  // Go's checkValid("write").
  if (Fd() < 0) return {0, ClosedError("write", name_)};
  io::LimitedReader* limited = r.AsLimitedReader();
  io::Reader& source = limited != nullptr ? limited->reader() : r;
  const int64_t remain = limited != nullptr ? limited->remaining() : kNoLimit;
  if (remain <= 0) return {0, absl::OkStatus()};

  const poll::CopyResult kernel = internal::KernelReadFrom(*this, source.AsFile(), remain);
  if (observer_ != nullptr) observer_->OnKernelCopy(kernel);
  if (limited != nullptr) limited->set_remaining(remain - kernel.n());
  switch (kernel.outcome()) {
    case poll::CopyResult::Outcome::kEnded:
      return {kernel.n(), absl::OkStatus()};
    case poll::CopyResult::Outcome::kFailed:
      // Either file may have been closed meanwhile; Go reports it on the
      // destination ("write NAME: file already closed").
      if (kernel.error().closing()) return {kernel.n(), ClosedError("write", name_)};
      return {kernel.n(),
              PathError("write", name_, kernel.error().errno_value(), poll::Name(kernel.method()))};
    case poll::CopyResult::Outcome::kFellBack:
      break;
  }
  // The read/write loop carries on from the current offsets, which the
  // kernel advanced by exactly kernel.n(); a LimitedReader has been
  // decremented by as much, so it stops at the right place.
  CountingWriter dst(*this);
  CountingReader src(r);
  const io::Result rest = io::Copy(dst, src);
  if (observer_ != nullptr) observer_->OnReadWrite({rest.n, src.reads(), dst.writes()});
  return {kernel.n() + rest.n, rest.status};
}

}  // namespace sysport::os
