// File::ReadFrom's in-kernel copy on Linux: Go's os/readfrom_linux.go (2020),
// with exact counts when the kernel stops midway.

#include <cstdint>

#include "os/file.h"
#include "os/internal/file_access.h"
#include "os/internal/kernel_read_from.h"
#include "poll/copy_file_range.h"
#include "poll/copy_result.h"

namespace sysport::os::internal {

poll::CopyResult KernelReadFrom(File& dst, File* src, int64_t remain) {
  using poll::CopyResult;
  using poll::Fallback;
  constexpr poll::CopyMethod kMethod = poll::CopyMethod::kCopyFileRange;
  // copy_file_range(2) refuses destinations opened with O_APPEND (EBADF):
  // do not even try.
  if (FileAccess::AppendMode(dst)) return CopyResult::NotTried(kMethod, Fallback::kAppendMode);
  if (src == nullptr) return CopyResult::NotTried(kMethod, Fallback::kSourceNotFile);
  // The read/write loop reports the source's own "file already closed".
  if (src->Fd() < 0) return CopyResult::NotTried(kMethod, Fallback::kSourceClosed);
  return poll::CopyFileRange(FileAccess::Fd(dst), FileAccess::Fd(*src), remain);
}

}  // namespace sysport::os::internal
