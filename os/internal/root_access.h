#ifndef SYSPORT_OS_INTERNAL_ROOT_ACCESS_H_
#define SYSPORT_OS_INTERNAL_ROOT_ACCESS_H_

// What os's own code (the tree copy) needs of a Root that its public API
// does not show: following a link wherever it points, when the user asked
// for exactly that (cp -L), and a Root over such a directory.

#include <memory>
#include <string>

#include "os/root.h"
#include "syscall/result.h"

namespace sysport::os::internal {

struct RootAccess {
  // openat(2) of the single name `name` in the root's directory with
  // `flags` (O_CLOEXEC added), following a final symbolic link as the
  // kernel does: outside the root too. Only for a caller that follows links
  // on purpose.
  static syscall::Result<int> OpenFollowing(Root& root, const char* name, int flags);
  // A Root over an open directory descriptor (taken over).
  static std::unique_ptr<Root> Adopt(int fd, std::string name);
};

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_ROOT_ACCESS_H_
