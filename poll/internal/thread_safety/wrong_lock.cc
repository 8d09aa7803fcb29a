// MUST NOT COMPILE under clang (see //poll:thread_safety_test): the read lock
// does not license a write.

#include "poll/fd.h"

namespace sysport::poll::thread_safety {

int WrongLock(FD& fd);

int WrongLock(FD& fd) {
  if (!fd.ReadLock()) return -1;
  const int sysfd = fd.SysfdForWrite();  // holds the read lock, not the write lock
  fd.ReadUnlock();
  return sysfd;
}

}  // namespace sysport::poll::thread_safety
