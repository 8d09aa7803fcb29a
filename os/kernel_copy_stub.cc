// File::ReadFrom's and File::WriteTo's platform part where there is no
// in-kernel copy (Go's os/readfrom_stub.go): always the read/write loop. Also
// built on Linux with --//os:readfrom_stub, to test that path alone.

#include <cstdint>

#include "os/file.h"
#include "os/internal/kernel_copy.h"
#include "poll/copy_result.h"

namespace sysport::os::internal {

KernelCopies KernelCopy(File& /*dst*/, File& /*src*/, int64_t /*remain*/) {
  return {
      poll::CopyResult::NotTried(poll::CopyMethod::kCopyFileRange, poll::Fallback::kNoKernelCopy)};
}

bool SourcePushes(const File& /*dst*/, File& /*src*/) { return false; }

}  // namespace sysport::os::internal
