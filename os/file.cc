#include "os/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "io/internal/read_write_copy.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/internal/attr_calls.h"
#include "os/internal/file_access.h"
#include "os/internal/kernel_copy.h"
#include "os/internal/open_at.h"
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
  info.rdev = st.st_rdev;
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

FileInfo internal::FileAccess::Info(const struct stat& st) { return InfoOf(st); }

syscall::Result<int> internal::FileAccess::Open(const char* path, int flags, mode_t perm) {
  return internal::OpenAt(AT_FDCWD, path, flags, perm);
}

std::unique_ptr<File> internal::FileAccess::Adopt(int fd, std::string name, int flags) {
  std::unique_ptr<File> file(new File(fd, std::move(name), (flags & O_APPEND) != 0));
  // O_CREAT|O_EXCL succeeds only by making a new regular file.
  if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL)) file->RememberType(FileType::kRegular);
  if ((flags & O_DIRECTORY) != 0) file->RememberType(FileType::kDirectory);
  return file;
}

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
  syscall::Result<int> null = internal::FileAccess::Open(kDevNull, O_RDWR, 0);
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
  syscall::Result<int> fd = internal::FileAccess::Open(name.c_str(), flags | O_CLOEXEC, perm);
  if (!fd.ok()) return PathError("open", name, fd.error());
  return internal::FileAccess::Adopt(fd.value(), std::move(name), flags);
}

absl::StatusOr<std::pair<std::unique_ptr<File>, std::unique_ptr<File>>> File::Pipe() {
  syscall::Result<std::array<int, 2>> fds = syscall::Pipe(O_CLOEXEC);
  if (!fds.ok()) return PathError("pipe", "", fds.error());
  // Go names the ends "|0" and "|1".
  auto ends = std::make_pair(std::unique_ptr<File>(new File(fds.value()[0], "|0", false)),
                             std::unique_ptr<File>(new File(fds.value()[1], "|1", false)));
  ends.first->RememberType(FileType::kFifo);
  ends.second->RememberType(FileType::kFifo);
  return ends;
}

std::unique_ptr<File> File::NewFile(int fd, std::string name) {
  if (fd < 0) return nullptr;
  syscall::Result<int> flags = syscall::GetStatusFlags(fd);
  const bool append = flags.ok() && (flags.value() & O_APPEND) != 0;
  return std::unique_ptr<File>(new File(fd, std::move(name), append));
}

std::unique_ptr<File> File::NewFile(int fd) {
  if (fd < 0) return nullptr;
  std::string name = absl::StrCat("/dev/fd/", fd);
  const syscall::Result<struct stat> st = syscall::Fstat(fd);
  if (!st.ok()) return NewFile(fd, std::move(name));
  const FileInfo info = InfoOf(st.value());
  // The names Linux gives them in /proc/self/fd.
  if (info.type() == FileType::kSocket) name = absl::StrCat("socket:[", info.inode, "]");
  if (info.type() == FileType::kFifo) name = absl::StrCat("pipe:[", info.inode, "]");
  std::unique_ptr<File> file = NewFile(fd, std::move(name));
  file->RememberType(info.type());
  return file;
}

FileType File::TypeOnce() {
  if (const std::optional<FileType> known = KnownType()) return *known;
  const syscall::Result<struct stat> st = pfd_->Fstat();
  if (!st.ok()) return FileType::kUnknown;  // closed: nothing to remember
  const FileType type = InfoOf(st.value()).type();
  RememberType(type);
  return type;
}

std::optional<FileType> File::KnownType() const {
  const uint8_t known = type_.load(std::memory_order_relaxed);
  if (known == kTypeNotKnownYet) return std::nullopt;
  return static_cast<FileType>(known);
}

// Racing callers store the same answer.
void File::RememberType(FileType type) {
  type_.store(static_cast<uint8_t>(type), std::memory_order_relaxed);
}

int File::Fd() const { return pfd_->UnsafeSysfd(); }

absl::StatusOr<int64_t> File::Read(absl::Span<char> buf) {
  poll::IoResult r = pfd_->Read(buf);
  if (!r.ok()) return WrapError("read", name_, r.err);
  return r.n;
}

io::Result File::Write(absl::Span<const char> buf) {
  poll::IoResult r = pfd_->Write(buf);
  if (!r.ok()) return {r.n, WrapError("write", name_, r.err)};
  return {r.n, absl::OkStatus()};
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
  const FileInfo info = InfoOf(st.value());
  RememberType(info.type());
  return info;
}

absl::Status File::Sync() { return WrapError("sync", name_, pfd_->Fsync()); }

absl::Status File::Truncate(int64_t size) {
  return WrapError("truncate", name_, pfd_->Truncate(size));
}

absl::Status File::Chmod(mode_t mode) { return WrapError("chmod", name_, pfd_->Chmod(mode)); }

absl::Status File::Chown(uid_t uid, gid_t gid) {
  return WrapError("chown", name_, pfd_->Chown(uid, gid));
}

absl::Status File::Chtimes(absl::Time access, absl::Time modification) {
  const std::array<struct timespec, 2> times = internal::Timespecs(access, modification);
  return WrapError("chtimes", name_, pfd_->SetTimes(times[0], times[1]));
}

absl::StatusOr<std::vector<std::string>> File::ListXattr() {
  const syscall::Result<std::string> list =
      internal::FillGrowing([&](absl::Span<char> buf) { return pfd_->ListXattr(buf); });
  if (!list.ok()) return PathError("listxattr", name_, list.error());
  return internal::XattrNames(list.value());
}

absl::StatusOr<std::string> File::GetXattr(const std::string& name) {
  syscall::Result<std::string> value = internal::FillGrowing(
      [&](absl::Span<char> buf) { return pfd_->GetXattr(name.c_str(), buf); });
  if (!value.ok()) return PathError("getxattr", name_, value.error());
  return value.value();
}

absl::Status File::SetXattr(const std::string& name, std::string_view value, int flags) {
  return WrapError("setxattr", name_, pfd_->SetXattr(name.c_str(), value, flags));
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

// A Reader over a File that does not show it is a WriterTo (Go's
// fileWithoutWriteTo), so the io::Copy in File::WriteTo cannot call WriteTo
// again; it still shows the File, so the destination's ReadFrom can copy
// from it inside the kernel.
class FileWithoutWriteTo final : public io::Reader {
 public:
  explicit FileWithoutWriteTo(File& file) : file_(&file) {}
  absl::StatusOr<int64_t> Read(absl::Span<char> buf) override { return file_->Read(buf); }
  File* AsFile() override { return file_; }

 private:
  File* file_;
};

// What the platform's in-kernel steps of one copy did.
struct KernelPart {
  io::Result done;         // the bytes they moved, and the copy's error if they failed
  bool fell_back = false;  // the read/write loop carries on from there
};

// The in-kernel steps of a copy from `src` into `dst`, each reported to `observer`.
KernelPart KernelSteps(File& dst, File& src, int64_t remain, CopyObserver* observer) {
  const internal::KernelCopies steps = internal::KernelCopy(dst, src, remain);
  KernelPart part;
  for (const poll::CopyResult& step : steps) {
    if (observer != nullptr) observer->OnKernelCopy(step);
    part.done.n += step.n();
  }
  const poll::CopyResult& last = steps.back();
  switch (last.outcome()) {
    case poll::CopyResult::Outcome::kEnded:
      break;
    case poll::CopyResult::Outcome::kFailed:
      // Either file may have been closed meanwhile; Go reports it on the
      // destination ("write NAME: file already closed").
      part.done.status = last.error().closing()
                             ? ClosedError("write", dst.Name())
                             : PathError("write", dst.Name(), last.error().errno_value(),
                                         poll::Name(last.method()));
      break;
    case poll::CopyResult::Outcome::kFellBack:
      part.fell_back = true;
      break;
  }
  return part;
}

// The copy behind ReadFrom and WriteTo: the in-kernel steps when the source
// is a File (`src`), then the read/write loop from `r` (the reader the caller
// was given) for whatever they left. `limited` (if any) wraps r and is
// decremented by the kernel's bytes, so the loop stops at the limit. Inlined
// into both: a frame fewer to return through after the last system call (see
// syscall::Read).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline io::Result CopyInKernelThenLoop(File& dst, io::Reader& r,
                                                                    File* src,
                                                                    io::LimitedReader* limited,
                                                                    int64_t remain,
                                                                    CopyObserver* observer) {
  int64_t kernel_bytes = 0;
  if (src == nullptr) {
    // Go's readFrom: `r.(*File)` fails, so there is no descriptor to give the kernel.
    if (observer != nullptr) {
      observer->OnKernelCopy(poll::CopyResult::NotTried(poll::CopyMethod::kCopyFileRange,
                                                        poll::Fallback::kSourceNotFile));
    }
  } else {
    KernelPart kernel = KernelSteps(dst, *src, remain, observer);
    kernel_bytes = kernel.done.n;
    if (limited != nullptr) limited->set_remaining(remain - kernel_bytes);
    if (!kernel.fell_back) return std::move(kernel.done);
  }
  // The read/write loop carries on from the current offsets (or what is left
  // in a pipe or socket), which the kernel moved by exactly kernel_bytes; a
  // LimitedReader has been decremented by as much, so it stops at the right
  // place.
  io::internal::LoopCalls calls;
  io::Result rest = io::internal::ReadWriteCopy(dst, r, calls);
  if (observer != nullptr) observer->OnReadWrite({rest.n, calls.reads, calls.writes});
  return {kernel_bytes + rest.n, std::move(rest.status)};
}

}  // namespace

io::Result File::ReadFrom(io::Reader& r) {
  // Go's checkValid("write").
  if (Fd() < 0) return {0, ClosedError("write", name_)};
  io::LimitedReader* limited = r.AsLimitedReader();
  io::Reader& source = limited != nullptr ? limited->reader() : r;
  const int64_t remain = limited != nullptr ? limited->remaining() : kNoLimit;
  if (remain <= 0) return {0, absl::OkStatus()};
  return CopyInKernelThenLoop(*this, r, source.AsFile(), limited, remain, observer_);
}

io::Result File::WriteTo(io::Writer& w) {
  // Go's checkValid("read").
  if (Fd() < 0) return {0, ClosedError("read", name_)};
  File* dst = w.AsFile();
  if (dst == nullptr || !internal::SourcePushes(*dst, *this)) {
    // Go's genericWriteTo: w's ReadFrom if it has one (an os::File's copies
    // inside the kernel from this file, and reports to its own observer),
    // else the read/write loop.
    FileWithoutWriteTo self(*this);
    // w is that File itself (io::Copy(file, file)): its ReadFrom, called
    // directly, is what io::Copy would find after two queries and a frame.
    if (dst != nullptr && static_cast<io::Writer*>(dst) == &w) return dst->ReadFrom(self);
    return io::Copy(w, self);
  }
  return CopyInKernelThenLoop(*dst, *this, this, nullptr, kNoLimit, observer_);
}

}  // namespace sysport::os
