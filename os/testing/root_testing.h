#ifndef SYSPORT_OS_TESTING_ROOT_TESTING_H_
#define SYSPORT_OS_TESTING_ROOT_TESTING_H_

// os::Root's test seam: which way names are resolved, so that every test of
// Root runs on both (openat2 where the kernel has it, and the walk).

#include <string>

namespace sysport::os::testing {

// How the process resolves names now: "openat2", "walk", or "unknown" before
// the first resolution.
std::string CurrentResolution();

// While it lives, names are resolved by the walk, component by component, as
// on a kernel without openat2; then the process learns again.
class ScopedForceWalk {
 public:
  ScopedForceWalk();
  ~ScopedForceWalk();
  ScopedForceWalk(const ScopedForceWalk&) = delete;
  ScopedForceWalk& operator=(const ScopedForceWalk&) = delete;
};

}  // namespace sysport::os::testing

#endif  // SYSPORT_OS_TESTING_ROOT_TESTING_H_
