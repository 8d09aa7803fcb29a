#ifndef SYSPORT_OS_INTERNAL_OPEN_AT_H_
#define SYSPORT_OS_INTERNAL_OPEN_AT_H_

// The one open(2) of package os: openat(2), retried while a signal
// interrupts it (a FIFO waiting for its other end, a slow network
// filesystem), as Go's os.OpenFile does. File::OpenFile (AT_FDCWD), Root's
// walk and its calls on single names all open through it.

#include <sys/types.h>

#include "poll/internal/eintr.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::os::internal {

inline syscall::Result<int> OpenAt(int dir_fd, const char* path, int flags, mode_t perm) {
  return poll::internal::IgnoringEintr([&] { return syscall::Openat(dir_fd, path, flags, perm); });
}

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_OPEN_AT_H_
