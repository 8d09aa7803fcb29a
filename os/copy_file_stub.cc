// os::CopyFile's platform part where there is no in-kernel copy and no
// unnamed temporary file: the data extents go through the read/write loop and
// an atomic copy uses a unique name. Also built on Linux with
// --//os:readfrom_stub, to test those paths alone.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "os/file.h"
#include "os/internal/kernel_copy_file.h"
#include "poll/copy_result.h"

namespace sysport::os::internal {

poll::CopyResult KernelClone(File& /*dst*/, File& /*src*/) {
  return poll::CopyResult::NotTried(poll::CopyMethod::kClone, poll::Fallback::kNoKernelCopy);
}

bool KernelCopyClones() { return false; }

poll::CopyResult KernelCopyRange(File& /*dst*/, int64_t /*dst_offset*/, File& /*src*/,
                                 int64_t /*src_offset*/, int64_t /*len*/) {
  return poll::CopyResult::NotTried(poll::CopyMethod::kCopyFileRange,
                                    poll::Fallback::kNoKernelCopy);
}

absl::StatusOr<std::unique_ptr<File>> OpenUnnamed(const std::string& /*dir*/,
                                                  const std::string& /*name*/, mode_t /*perm*/) {
  return absl::UnimplementedError("no unnamed temporary files on this platform");
}

absl::Status LinkUnnamed(File& /*file*/, const std::string& /*path*/) {
  return absl::UnimplementedError("no unnamed temporary files on this platform");
}

}  // namespace sysport::os::internal
