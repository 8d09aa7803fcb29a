#ifndef SYSPORT_OS_FILE_H_
#define SYSPORT_OS_FILE_H_

// Go's os.File for sysport: an open file descriptor with a name, whose
// ReadFrom moves bytes inside the kernel with copy_file_range(2) when it can
// and falls back to an ordinary copy when it cannot.

#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "poll/fd.h"

namespace sysport::os {

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

  ~File() override = default;  // closes the descriptor if Close() was not called
  File(const File&) = delete;
  File& operator=(const File&) = delete;

  // io::Reader: the bytes read, 0 at the end of the file, or an error.
  absl::StatusOr<size_t> Read(absl::Span<char> buf) override;
  // io::Writer: writes all of buf unless an error stops it.
  io::Result Write(absl::Span<const char> buf) override;
  // lseek(2): the new offset.
  absl::StatusOr<int64_t> Seek(int64_t offset, int whence);
  absl::StatusOr<struct stat> Stat();
  // Closes the file; a second Close reports "file already closed".
  absl::Status Close();

  const std::string& Name() const { return name_; }
  // The descriptor number; -1 once closed. Valid only until Close().
  int Fd() const { return pfd_.UnsafeSysfd(); }

  // io::ReaderFrom: copies from r until its end (or a LimitedReader's limit)
  // into this file, with copy_file_range(2) when r is an open os::File (or a
  // LimitedReader of one) and this file was not opened with O_APPEND, else (or
  // for whatever the kernel did not copy) with an ordinary read/write loop.
  // The count is exact on every path, including a switch midway; a
  // LimitedReader's remaining() drops by exactly that count.
  io::Result ReadFrom(io::Reader& r) override;

  // For os internals: the poll layer's descriptor.
  poll::FD& pfd() { return pfd_; }
  bool append_mode() const { return append_mode_; }

 private:
  File(int fd, std::string name, bool append_mode)
      : pfd_(fd), name_(std::move(name)), append_mode_(append_mode) {}

  // Go's File.wrapErr: a poll error as a PathError for `op`.
  absl::Status WrapError(std::string_view op, const poll::Error& err) const;

  poll::FD pfd_;
  const std::string name_;
  // Opened with O_APPEND (Go's File.appendMode). A flag set later with fcntl
  // is caught by poll::CopyFileRange's EBADF fallback instead.
  const bool append_mode_;
};

}  // namespace sysport::os

#endif  // SYSPORT_OS_FILE_H_
