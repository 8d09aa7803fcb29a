// MUST NOT COMPILE under clang (see //poll:thread_safety_test): a lock taken
// and never released would make a later Close() wait forever.

#include "poll/fd.h"

namespace sysport::poll::thread_safety {

int LeakedLock(FD& fd);

int LeakedLock(FD& fd) {
  if (!fd.ReadLock()) return -1;
  return fd.SysfdForRead();  // returns with the read lock held
}

}  // namespace sysport::poll::thread_safety
