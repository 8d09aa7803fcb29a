// MUST NOT COMPILE under clang (see //poll:thread_safety_test): ReadLock()
// fails on a closed FD; ignoring its result and using the descriptor anyway is
// exactly the use-after-close the lock exists to prevent.

#include "poll/fd.h"

namespace sysport::poll::thread_safety {

int UncheckedLock(FD& fd);

int UncheckedLock(FD& fd) {
  (void)fd.ReadLock();
  return fd.SysfdForRead();  // no read lock held
}

}  // namespace sysport::poll::thread_safety
