// File::ReadFrom's fast path on Linux: Go's os/readfrom_linux.go (2020), with
// exact counts when the kernel stops midway.

#include <cstdint>
#include <limits>

#include "absl/status/status.h"
#include "io/io.h"
#include "os/error.h"
#include "os/file.h"
#include "os/internal/readfrom.h"
#include "os/internal/stats_recorder.h"
#include "poll/copy_file_range.h"

namespace sysport::os::internal {

const bool kHasFastPath = true;

namespace {

Fallback ToOsFallback(poll::CopyFileRangeFallback fallback) {
  switch (fallback) {
    case poll::CopyFileRangeFallback::kKernelTooOld:
      return Fallback::kKernelTooOld;
    case poll::CopyFileRangeFallback::kSyscallUnavailable:
      return Fallback::kSyscallUnavailable;
    case poll::CopyFileRangeFallback::kNothingCopied:
      return Fallback::kNothingCopied;
    case poll::CopyFileRangeFallback::kErrno:
    case poll::CopyFileRangeFallback::kNone:
      break;
  }
  return Fallback::kErrno;
}

}  // namespace

PlatformReadFromResult PlatformReadFrom(File& dst, io::Reader& r) {
  // copy_file_range(2) refuses destinations opened with O_APPEND (EBADF):
  // do not even try.
  if (dst.append_mode()) {
    RecordFallback(Fallback::kAppendMode, 0);
    return {};
  }
  // Go's 1<<62: more than any file, and no overflow when offsets are added.
  int64_t remain = std::numeric_limits<int64_t>::max() / 2;
  io::Reader* src_reader = &r;
  auto* limited = dynamic_cast<io::LimitedReader*>(&r);
  if (limited != nullptr) {
    remain = limited->remaining();
    src_reader = &limited->reader();
    if (remain <= 0) return {0, true, absl::OkStatus()};
  }
  auto* src = dynamic_cast<File*>(src_reader);
  if (src == nullptr) {
    RecordFallback(Fallback::kSourceNotFile, 0);
    return {};
  }
  if (src->Fd() < 0) {
    // The generic copy will report the source's own "file already closed".
    RecordFallback(Fallback::kSourceClosed, 0);
    return {};
  }

  poll::CopyFileRangeResult copied = poll::CopyFileRange(dst.pfd(), src->pfd(), remain);
  if (limited != nullptr) limited->set_remaining(limited->remaining() - copied.written);
  RecordFast(copied.written);
  if (!copied.handled) {
    const int err = copied.fallback_errno.value();
    RecordFallback(ToOsFallback(copied.fallback), err);
    return {copied.written, false, absl::OkStatus()};
  }
  absl::Status status;
  if (copied.err.closing()) {
    // Either file may have been closed meanwhile; Go reports it on the
    // destination ("write NAME: file already closed").
    status = ClosedError("write", dst.Name());
  } else if (!copied.err.ok()) {
    status = PathError("write", dst.Name(), copied.err.errno_value(), "copy_file_range");
  }
  return {copied.written, true, status};
}

}  // namespace sysport::os::internal
