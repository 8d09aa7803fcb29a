#include "tools/copy_files.h"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "os/error.h"
#include "os/file.h"
#include "syscall/errno.h"
#include "tools/copy_options.h"

namespace sysport::tools {
namespace {

// The names of `-` in messages: Go's names for os.Stdin and os.Stdout.
constexpr const char* kStdinName = "/dev/stdin";
constexpr const char* kStdoutName = "/dev/stdout";

// DST's mode when copy creates it, as os::File::Create and cp: read and write
// for everyone, less the umask.
constexpr mode_t kCreatePerm = 0666;

std::string SourceName(const CopyOptions& o) { return o.src_is_stdin() ? kStdinName : o.src; }
std::string DestinationName(const CopyOptions& o) {
  return o.dst_is_stdout() ? kStdoutName : o.dst;
}

// Refuses a copy of a file onto itself, which either empties it first (DST
// is truncated) or never ends (what is written is read back, until the
// filesystem is full), except where neither can happen:
//   - a terminal, socket or other character device reads and writes separate
//     streams: `copy - -` at a terminal, a service on an inetd socket;
//   - a bounded copy (--count) within a regular file or block device that is
//     not emptied first, as dd's conv=notrunc allows (moving a header).
// A FIFO or pipe always reads back what is written.
absl::Status CheckNotSelfCopy(const os::FileInfo& src, const os::FileInfo& dst,
                              const CopyOptions& o) {
  if (!os::SameFile(src, dst)) return absl::OkStatus();
  const char* why = "";
  switch (src.type()) {
    case os::FileType::kCharDevice:
    case os::FileType::kSocket:
      return absl::OkStatus();
    case os::FileType::kRegular:
    case os::FileType::kBlockDevice:
      if (o.truncates_dst()) break;
      if (o.count.has_value()) return absl::OkStatus();
      why = " (give --count to copy a bounded range within it)";
      break;
    default:
      break;
  }
  return os::SameFileError(SourceName(o), DestinationName(o), why);
}

absl::StatusOr<std::unique_ptr<os::File>> OpenSource(const CopyOptions& o,
                                                     const os::ClosedStandardDescriptors& closed) {
  if (o.src_is_stdin()) {
    // Closed when the tool started, /dev/null now: reading that would copy
    // nothing and call it success (cat: "-: Bad file descriptor").
    if (closed.stdin_closed) return os::PathError("read", kStdinName, syscall::Errno(EBADF));
    return os::File::NewFile(STDIN_FILENO, kStdinName);
  }
  if (!o.dst_is_stdout()) {
    // Two names of one file are refused before either is opened, as cp does:
    // opening a FIFO for reading waits for a writer, which `copy fifo fifo`
    // would never get. The descriptors are compared again in step 2.
    absl::StatusOr<os::FileInfo> src_named = os::Stat(o.src);
    absl::StatusOr<os::FileInfo> dst_named = os::Stat(o.dst);
    if (src_named.ok() && dst_named.ok()) {
      if (absl::Status self = CheckNotSelfCopy(*src_named, *dst_named, o); !self.ok()) return self;
    }
  }
  return os::File::Open(o.src);
}

absl::StatusOr<std::unique_ptr<os::File>> OpenDestination(
    const CopyOptions& o, const os::ClosedStandardDescriptors& closed) {
  if (o.dst_is_stdout()) {
    // As for standard input: writing to /dev/null would lose the data.
    if (closed.stdout_closed) return os::PathError("write", kStdoutName, syscall::Errno(EBADF));
    return os::File::NewFile(STDOUT_FILENO, kStdoutName);
  }
  // Never O_TRUNC: DST is emptied in step 3, once nothing can refuse the copy.
  const int flags = O_WRONLY | O_CREAT | (o.append ? O_APPEND : 0);
  return os::File::OpenFile(o.dst, flags, kCreatePerm);
}

// A Writer that drops what it is given, for --skip on a source that cannot seek.
class Discard final : public io::Writer {
 public:
  io::Result Write(absl::Span<const char> buf) override {
    return {static_cast<int64_t>(buf.size()), absl::OkStatus()};
  }
};

absl::Status SkipSource(os::File& src, int64_t skip) {
  absl::StatusOr<int64_t> sought = src.Seek(skip, SEEK_CUR);
  // ESPIPE: a pipe, FIFO, socket or terminal, which cannot seek.
  if (sought.ok() || os::ErrnoOf(sought.status()) != ESPIPE) return sought.status();
  // Read and drop. Reaching the end first is not an error (dd behaves the
  // same); there is simply nothing left to copy.
  Discard discard;
  io::LimitedReader skipped(src, skip);
  return io::Copy(discard, skipped).status;
}

// Takes an end of the copy as `open` gave it, with what fstat(2) says of it,
// once it is known to be usable for reading (SRC) or writing (DST).
absl::Status Inspect(absl::StatusOr<std::unique_ptr<os::File>> opened, bool for_write,
                     std::unique_ptr<os::File>& file, os::FileInfo& info) {
  if (!opened.ok()) return opened.status();
  file = *std::move(opened);
  absl::StatusOr<os::FileInfo> stat = file->Stat();
  if (!stat.ok()) return stat.status();
  info = *stat;
  return for_write ? file->CheckWritable() : file->CheckReadable();
}

}  // namespace

absl::StatusOr<CopyFiles> OpenCopyFiles(const CopyOptions& options,
                                        const os::ClosedStandardDescriptors& closed) {
  CopyFiles files;
  // 1. SRC.
  if (absl::Status src =
          Inspect(OpenSource(options, closed), /*for_write=*/false, files.src, files.src_info);
      !src.ok()) {
    return src;
  }
  // 2. DST, not truncated.
  if (absl::Status dst =
          Inspect(OpenDestination(options, closed), /*for_write=*/true, files.dst, files.dst_info);
      !dst.ok()) {
    return dst;
  }
  if (absl::Status self = CheckNotSelfCopy(files.src_info, files.dst_info, options); !self.ok()) {
    return self;
  }

  // 3. Positions, then truncation: O_TRUNC empties only regular files, and so
  // does this.
  if (options.skip.has_value() && *options.skip > 0) {
    if (absl::Status skipped = SkipSource(*files.src, *options.skip); !skipped.ok()) return skipped;
  }
  if (options.seek.has_value()) {
    absl::StatusOr<int64_t> sought = files.dst->Seek(*options.seek, SEEK_SET);
    if (!sought.ok()) return sought.status();
  }
  if (options.truncates_dst() && files.dst_info.IsRegular()) {
    if (absl::Status emptied = files.dst->Truncate(0); !emptied.ok()) return emptied;
  }
  return files;
}

}  // namespace sysport::tools
