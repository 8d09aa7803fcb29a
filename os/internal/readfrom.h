#ifndef SYSPORT_OS_INTERNAL_READFROM_H_
#define SYSPORT_OS_INTERNAL_READFROM_H_

// The platform hook of File::ReadFrom (Go's File.readFrom): readfrom_linux.cc
// or readfrom_stub.cc, chosen by the build (see os/BUILD).

#include <cstdint>

#include "absl/status/status.h"
#include "io/io.h"

namespace sysport::os {
class File;
}  // namespace sysport::os

namespace sysport::os::internal {

struct [[nodiscard]] PlatformReadFromResult {
  int64_t written = 0;   // bytes the fast path moved, whatever `handled` says
  bool handled = false;  // false: the generic copy must do (the rest of) the job
  absl::Status status;   // set only if handled
};

// Whether this build has a fast path at all (false in the stub).
extern const bool kHasFastPath;

PlatformReadFromResult PlatformReadFrom(File& dst, io::Reader& r);

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_READFROM_H_
