// os::Root's resolution where it is not supported (other platforms, or
// --//os:readfrom_stub): OpenRoot refuses, so no Root exists to call the rest.

#include <sys/types.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "os/internal/root_resolve.h"
#include "syscall/errno.h"
#include "syscall/result.h"

namespace sysport::os::internal {

namespace {
constexpr syscall::Errno kNotSupported(ENOSYS);
}  // namespace

Refusal AtFinal(int, std::string_view, FinalOp) { return {kNotSupported}; }

Refusal OpenBeneath(int, std::string_view, int, mode_t, int* fd) {
  *fd = -1;
  return {kNotSupported};
}

Refusal MkdirAllBeneath(int, std::string_view, mode_t) { return {kNotSupported}; }

syscall::Result<std::string> ReadLinkAt(int, const char*) {
  return syscall::Result<std::string>::Error(kNotSupported);
}

syscall::Result<size_t> ReadDirEntries(int, absl::Span<char>) {
  return syscall::Result<size_t>::Error(kNotSupported);
}

syscall::Errno RenameWithFlags(int, const char*, int, const char*, unsigned) {
  return kNotSupported;
}

bool RootSupported() { return false; }

Resolution CurrentResolution() { return Resolution::kUnknown; }

void SetResolutionForTesting(Resolution) {}

}  // namespace sysport::os::internal
