#ifndef SYSPORT_OS_FILE_H_
#define SYSPORT_OS_FILE_H_

// Go's os.File for sysport: an open file descriptor with a name, whose
// ReadFrom moves bytes inside the kernel with copy_file_range(2) when it can
// and falls back to an ordinary copy when it cannot.
//
// Every type in this header has the same layout whatever the user's
// compiler flags (no off_t, no struct stat): a 32-bit program built without
// _FILE_OFFSET_BITS=64 links with sysport as it is.

#include <sys/types.h>  // mode_t: unsigned int on every Linux target

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "io/io.h"

namespace sysport::poll {
class FD;
}  // namespace sysport::poll

namespace sysport::os {

class CopyObserver;

namespace internal {
struct FileAccess;
}  // namespace internal

// What kind of file a FileInfo describes (the S_IFMT bits of st_mode).
enum class FileType : uint8_t {
  kRegular,
  kDirectory,
  kSymlink,
  kFifo,
  kSocket,
  kCharDevice,
  kBlockDevice,
  kUnknown,
};

// What fstat(2) says about an open file, as Chromium's base::File::Info:
// sysport's own fixed-width fields, never the C library's struct stat.
struct FileInfo {
  int64_t size = 0;
  uint32_t mode = 0;  // st_mode: the type bits and the permission bits
  uint64_t device = 0;
  uint64_t inode = 0;
  uint64_t links = 0;
  uint32_t uid = 0;
  uint32_t gid = 0;
  int64_t blocks = 0;  // allocated, in 512-byte units (st_blocks)
  uint64_t rdev = 0;   // a device file's device number (st_rdev); 0 for others
  absl::Time access_time;
  absl::Time modification_time;

  FileType type() const;
  // The permission bits (rwx for user, group and others, setuid, setgid, sticky).
  static constexpr uint32_t kPermissionBits = 07777;
  uint32_t permissions() const { return mode & kPermissionBits; }
  bool IsRegular() const { return type() == FileType::kRegular; }
  bool IsDirectory() const { return type() == FileType::kDirectory; }
};

// Go's os.SameFile: whether two FileInfos describe the same file (the same
// device and inode), whatever names, links or descriptors led to them. Both
// ends of one pipe are the same file.
bool SameFile(const FileInfo& a, const FileInfo& b);

// Go's os.Stat: stat(2) of a name, following symbolic links as open(2) does.
absl::StatusOr<FileInfo> Stat(const std::string& name);

class File;

// Go's os.SameFile on two open files: their device and inode, from fstat(2).
absl::StatusOr<bool> SameFile(File& a, File& b);

class File final : public io::Reader,
                   public io::Writer,
                   public io::ReaderFrom,
                   public io::WriterTo {
 public:
  // Go's os.Open: read-only.
  static absl::StatusOr<std::unique_ptr<File>> Open(std::string name);
  // Go's os.Create: read-write, created with mode 0666 (before umask) if it
  // does not exist, truncated if it does.
  static absl::StatusOr<std::unique_ptr<File>> Create(std::string name);
  // Go's os.OpenFile: open(2) flags (O_CLOEXEC is always added) and mode.
  static absl::StatusOr<std::unique_ptr<File>> OpenFile(std::string name, int flags, mode_t perm);
  // Go's os.Pipe: {read end, write end}.
  static absl::StatusOr<std::pair<std::unique_ptr<File>, std::unique_ptr<File>>> Pipe();
  // Go's os.NewFile: takes ownership of an open descriptor of any kind (a
  // file, a pipe, a connected socket a server accepted; e.g. 0 as
  // "/dev/stdin"), so io::Copy can move its bytes inside the kernel. nullptr
  // if fd < 0. A descriptor in non-blocking mode works as a blocking one:
  // every call waits with poll(2) where it would answer EAGAIN.
  static std::unique_ptr<File> NewFile(int fd, std::string name);
  // The same, named as /proc/self/fd shows the descriptor: "socket:[INODE]",
  // "pipe:[INODE]", or "/dev/fd/N" for anything else.
  static std::unique_ptr<File> NewFile(int fd);

  ~File() override;  // closes the descriptor if Close() was not called
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // io::Reader: the bytes read, 0 at the end of the file, or an error.
  absl::StatusOr<int64_t> Read(absl::Span<char> buf) override;
  // io::Writer: writes all of buf unless an error stops it.
  io::Result Write(absl::Span<const char> buf) override;
  // lseek(2): the new offset.
  absl::StatusOr<int64_t> Seek(int64_t offset, int whence);
  // fstat(2).
  absl::StatusOr<FileInfo> Stat();
  // fsync(2): the file's data and metadata reach the storage device.
  absl::Status Sync();
  // Go's File.Truncate: ftruncate(2) to `size` bytes.
  absl::Status Truncate(int64_t size);
  // Go's File.Chmod: fchmod(2), setuid, setgid and sticky bits included.
  absl::Status Chmod(mode_t mode);
  // Go's File.Chown: fchown(2); uid_t(-1) or gid_t(-1) leaves that one as it is.
  absl::Status Chown(uid_t uid, gid_t gid);
  // futimens(2): the access and modification times, to the nanosecond;
  // absl::InfinitePast() leaves that one as it is.
  absl::Status Chtimes(absl::Time access, absl::Time modification);
  // Extended attributes: flistxattr(2), fgetxattr(2), fsetxattr(2) (`flags`:
  // 0, XATTR_CREATE or XATTR_REPLACE). On a filesystem without them, the
  // error's errno is EOPNOTSUPP.
  absl::StatusOr<std::vector<std::string>> ListXattr();
  absl::StatusOr<std::string> GetXattr(const std::string& name);
  absl::Status SetXattr(const std::string& name, std::string_view value, int flags = 0);

  // The error a read would certainly fail with, found without reading, so a
  // copy can refuse before it creates or truncates its destination: "read
  // NAME: is a directory" (EISDIR, what read(2) says of a directory), "read
  // NAME: bad file descriptor" (EBADF: not open for reading, or O_PATH).
  // OK when a read may succeed.
  absl::Status CheckReadable();
  // The same for writing: "write NAME: bad file descriptor" for a descriptor
  // not open for writing, "write NAME: is a directory".
  absl::Status CheckWritable();
  // Closes the file; a second Close reports "file already closed".
  absl::Status Close();

  const std::string& Name() const { return name_; }
  // The descriptor number; -1 once closed. Valid only until Close().
  int Fd() const;

  // io::ReaderFrom: copies from r until its end (or a LimitedReader's limit)
  // into this file. When r is an open os::File (or a LimitedReader of one)
  // and this file was not opened with O_APPEND, the bytes move inside the
  // kernel by the method measured best for the two file types (docs/behaviour.md,
  // docs/kernel-copies.md): copy_file_range(2) between regular files, then sendfile(2)
  // where the filesystems refuse it; sendfile(2) from a regular file to
  // anything else; splice(2) from a pipe or socket. Whatever the kernel did
  // not copy, an ordinary read/write loop does. The count is exact on every
  // path, including a switch midway; a LimitedReader's remaining() drops by
  // exactly that count.
  io::Result ReadFrom(io::Reader& r) override;

  // io::WriterTo (Go 1.22's File.WriteTo): copies this file, from its offset
  // to its end, into w. Into a socket, pipe or device (an os::File), from a
  // regular file or block device, it does the copy itself with sendfile(2)
  // (then the read/write loop for any rest); any other pair it hands to w's
  // ReadFrom (Go's genericWriteTo), so io::Copy(file, file) is always the
  // destination's ReadFrom. Errors of an in-kernel copy name the destination,
  // as ReadFrom's do: "write DST: sendfile: broken pipe".
  io::Result WriteTo(io::Writer& w) override;

  // Where this file's copies report which path carried the bytes (see
  // os/copy_observer.h). A copy reports each of its decisions once, to the
  // observer of the File that made them: ReadFrom to the destination's,
  // WriteTo (when it copies itself, into a socket, pipe or device) to the
  // source's. Set the same observer on both files to see every copy between
  // them. Not owned; nullptr (the default) for none.
  void SetCopyObserver(CopyObserver* observer) { observer_ = observer; }
  CopyObserver* copy_observer() const { return observer_; }

  // The io type queries (io/io.h).
  ReaderFrom* AsReaderFrom() override { return this; }
  WriterTo* AsWriterTo() override { return this; }
  File* AsFile() override { return this; }

 private:
  friend struct internal::FileAccess;

  File(int fd, std::string name, bool append_mode);

  // CheckReadable and CheckWritable: `op` is "read" or "write".
  absl::Status CheckAccess(const char* op, bool for_write);

  // The type of the open file, from fstat(2) once (see FileAccess::Type).
  FileType TypeOnce();
  // The type if TypeOnce or RememberType has learned it, without asking.
  std::optional<FileType> KnownType() const;
  // Records the type where it is known without asking (a pipe, a file that
  // O_CREAT|O_EXCL made, any fstat(2) made for another reason): a
  // descriptor's file type never changes.
  void RememberType(FileType type);

  std::unique_ptr<poll::FD> pfd_;
  const std::string name_;
  // Opened with O_APPEND (Go's File.appendMode). A flag set later with fcntl
  // is caught by poll::CopyFileRange's EBADF fallback instead.
  const bool append_mode_;
  CopyObserver* observer_ = nullptr;
  // The type as a FileType value; kTypeNotKnownYet until TypeOnce or
  // RememberType.
  static constexpr uint8_t kTypeNotKnownYet = 0xff;
  std::atomic<uint8_t> type_{kTypeNotKnownYet};
};

// Which of the standard descriptors 0, 1 and 2 were closed when
// OpenClosedStandardDescriptors ran (and are now open on /dev/null).
struct ClosedStandardDescriptors {
  bool stdin_closed = false;
  bool stdout_closed = false;
  bool stderr_closed = false;
  bool any() const { return stdin_closed || stdout_closed || stderr_closed; }
};

// For a program's main(), before it opens anything: opens /dev/null on each of
// descriptors 0, 1 and 2 that is closed, as Go's runtime does (checkfds, since
// Go 1.22). A program started with
// `>&- 2>&-` (cron jobs, daemons, some CI runners) would otherwise give the
// first files it opens the numbers 1 and 2, and its own messages would be
// written into them. Returns which were closed, so that the program can still
// refuse to use them as data ("write /dev/stdout: bad file descriptor", as
// cat does) rather than read or write /dev/null silently. An error if
// /dev/null cannot be opened (a chroot without /dev): then nothing is safe to
// open.
absl::StatusOr<ClosedStandardDescriptors> OpenClosedStandardDescriptors();

}  // namespace sysport::os

#endif  // SYSPORT_OS_FILE_H_
