#include "os/testing/root_testing.h"

#include <string>

#include "os/internal/root_resolve.h"

namespace sysport::os::testing {

std::string CurrentResolution() {
  switch (internal::CurrentResolution()) {
    case internal::Resolution::kOpenat2:
      return "openat2";
    case internal::Resolution::kWalk:
      return "walk";
    case internal::Resolution::kUnknown:
      break;
  }
  return "unknown";
}

ScopedForceWalk::ScopedForceWalk() {
  internal::SetResolutionForTesting(internal::Resolution::kWalk);
}

ScopedForceWalk::~ScopedForceWalk() {
  internal::SetResolutionForTesting(internal::Resolution::kUnknown);
}

}  // namespace sysport::os::testing
