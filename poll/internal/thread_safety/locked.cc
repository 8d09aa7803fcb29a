// The control of //poll:thread_safety_test: the same uses as the cases that
// must not compile, written correctly. It must compile, so that each case
// fails because of its misuse and not because of its includes or flags.

#include "poll/fd.h"

namespace sysport::poll::thread_safety {

int LockedRead(FD& fd);
int LockedWrite(FD& fd);
int Referenced(FD& fd);

int LockedRead(FD& fd) {
  if (!fd.ReadLock()) return -1;
  const int sysfd = fd.SysfdForRead();
  fd.ReadUnlock();
  return sysfd;
}

int LockedWrite(FD& fd) {
  if (!fd.WriteLock()) return -1;
  const int sysfd = fd.SysfdForWrite();
  fd.WriteUnlock();
  return sysfd;
}

int Referenced(FD& fd) {
  if (!fd.Incref()) return -1;
  const int sysfd = fd.SysfdForRef();
  fd.Decref();
  return sysfd;
}

}  // namespace sysport::poll::thread_safety
