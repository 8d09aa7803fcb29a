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

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

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
  absl::Time access_time;
  absl::Time modification_time;

  FileType type() const;
  // The permission bits (rwx for user, group and others, setuid, setgid, sticky).
  static constexpr uint32_t kPermissionBits = 07777;
  uint32_t permissions() const { return mode & kPermissionBits; }
  bool IsRegular() const { return type() == FileType::kRegular; }
  bool IsDirectory() const { return type() == FileType::kDirectory; }
};

class File final : public io::Reader, public io::Writer, public io::ReaderFrom {
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
  // Go's os.NewFile: takes ownership of an open descriptor (e.g. 0 as
  // "/dev/stdin"). nullptr if fd < 0.
  static std::unique_ptr<File> NewFile(int fd, std::string name);

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
  // Closes the file; a second Close reports "file already closed".
  absl::Status Close();

  const std::string& Name() const { return name_; }
  // The descriptor number; -1 once closed. Valid only until Close().
  int Fd() const;

  // io::ReaderFrom: copies from r until its end (or a LimitedReader's limit)
  // into this file, with copy_file_range(2) when r is an open os::File (or a
  // LimitedReader of one) and this file was not opened with O_APPEND, else (or
  // for whatever the kernel did not copy) with an ordinary read/write loop.
  // The count is exact on every path, including a switch midway; a
  // LimitedReader's remaining() drops by exactly that count.
  io::Result ReadFrom(io::Reader& r) override;

  // Where this file's copies report which path carried the bytes (see
  // os/copy_observer.h): ReadFrom reports each of its decisions to the
  // destination's observer. Not owned; nullptr (the default) for none.
  void SetCopyObserver(CopyObserver* observer) { observer_ = observer; }
  CopyObserver* copy_observer() const { return observer_; }

  // The io type queries (io/io.h).
  ReaderFrom* AsReaderFrom() override { return this; }
  File* AsFile() override { return this; }

 private:
  friend struct internal::FileAccess;

  File(int fd, std::string name, bool append_mode);

  std::unique_ptr<poll::FD> pfd_;
  const std::string name_;
  // Opened with O_APPEND (Go's File.appendMode). A flag set later with fcntl
  // is caught by poll::CopyFileRange's EBADF fallback instead.
  const bool append_mode_;
  CopyObserver* observer_ = nullptr;
};

}  // namespace sysport::os

#endif  // SYSPORT_OS_FILE_H_
