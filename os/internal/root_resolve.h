#ifndef SYSPORT_OS_INTERNAL_ROOT_RESOLVE_H_
#define SYSPORT_OS_INTERNAL_ROOT_RESOLVE_H_

// How os::Root resolves a name beneath its directory: the platform part
// (root_resolve_linux.cc, or root_resolve_stub.cc), which os/root.cc's
// methods stand on. Go's root_openat.go (doInRoot) and root_unix.go.
//
// Every function takes the descriptor of the root directory and a name
// relative to it, and returns what happened as a Refusal: nothing (done), a
// system call's errno, or "the name leaves the root". Nothing here makes an
// absl::Status; root.cc names the operation and the path.

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/functional/function_ref.h"
#include "absl/types/span.h"
#include "syscall/errno.h"
#include "syscall/result.h"

namespace sysport::os::internal {

// Why an operation on a name did not happen; ok() if it did.
struct Refusal {
  syscall::Errno err;    // a system call failed with it
  bool escapes = false;  // the name's resolution leaves the root
  bool ok() const { return err.ok() && !escapes; }
  static Refusal Escape() { return {syscall::Errno(), true}; }
};

// What an operation made at the last component of a name did.
struct FinalStep {
  syscall::Errno err;
  // The component is a symbolic link the operation follows (it saw the
  // link, with AT_SYMLINK_NOFOLLOW or O_NOFOLLOW, and did nothing): resolve
  // its target in its place and call the operation again.
  bool follow_link = false;
};

// The operation at the last component: `dir_fd` is the directory holding
// it, `last` a single name (never empty, never ".."; "." when the name
// names a directory itself, as "a/.." or "." do), and `must_be_dir` says the
// name ended in "/".
using FinalOp = absl::FunctionRef<FinalStep(int dir_fd, const char* last, bool must_be_dir)>;

// Resolves every component of `name` but the last beneath `root_fd`
// (following symbolic links that stay beneath it) and calls `op` there. When
// op asks for a link to be followed, its target, relative to the link's
// directory, is resolved in its place; after 40 such links, ELOOP. A name
// that starts with "/", climbs above the root with "..", or goes through an
// absolute link or a relative one that climbs out is refused before `op` is
// called (Refusal::Escape()). An empty name is ENOENT, one holding a NUL
// byte EINVAL.
Refusal AtFinal(int root_fd, std::string_view name, FinalOp op);

// openat(2) of `name` beneath `root_fd` with `flags` (O_CLOEXEC added) and
// `perm`, the new descriptor in *fd: one openat2(2) call with
// RESOLVE_BENEATH where the kernel has it, else AtFinal with openat(2) and
// O_NOFOLLOW at the last component, following a final link unless `flags`
// has O_NOFOLLOW.
Refusal OpenBeneath(int root_fd, std::string_view name, int flags, mode_t perm, int* fd);

// Every directory on the way to `name` beneath `root_fd`, and `name`
// itself, made with `perm` where missing; fine where they exist (or are
// links to directories beneath the root).
Refusal MkdirAllBeneath(int root_fd, std::string_view name, mode_t perm);

// readlinkat(2) of `name` in `dir_fd`, whatever the target's length; EINVAL
// if it is no link.
syscall::Result<std::string> ReadLinkAt(int dir_fd, const char* name);

// getdents64(2) on the open directory `dir_fd`.
syscall::Result<size_t> ReadDirEntries(int dir_fd, absl::Span<char> buf);

// renameat2(2) with RENAME_NOREPLACE or RENAME_EXCHANGE.
syscall::Errno RenameWithFlags(int old_dir_fd, const char* old_name, int new_dir_fd,
                               const char* new_name, unsigned flags);

// Whether os::Root works on this platform (the stub build: no).
bool RootSupported();

// How names are resolved, learned once per process (openat2 answered
// ENOSYS or a seccomp EPERM: never again), and what tests force.
enum class Resolution : unsigned char {
  kUnknown,  // openat2 not tried yet
  kOpenat2,  // openat2 works
  kWalk,     // openat2 is unavailable: walk component by component
};
Resolution CurrentResolution();
// For tests (//os:root_testing): force the walk, or forget what was learned.
void SetResolutionForTesting(Resolution resolution);

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_ROOT_RESOLVE_H_
