// File::ReadFrom's platform hook where there is no copy_file_range (Go's
// os/readfrom_stub.go): never handled, so the generic copy does the work.
// Also built on Linux with --//os:readfrom_stub, to test that path alone.

#include "io/io.h"
#include "os/file.h"
#include "os/internal/readfrom.h"
#include "os/internal/stats_recorder.h"

namespace sysport::os::internal {

const bool kHasFastPath = false;

PlatformReadFromResult PlatformReadFrom(File& /*dst*/, io::Reader& r) {
  // A LimitedReader with nothing left copies nothing, as on Linux.
  if (auto* limited = dynamic_cast<io::LimitedReader*>(&r);
      limited != nullptr && limited->remaining() <= 0) {
    return {0, true, {}};
  }
  RecordFallback(Fallback::kStub, 0);
  return {};
}

}  // namespace sysport::os::internal
