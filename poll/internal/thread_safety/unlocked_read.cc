// MUST NOT COMPILE under clang (see //poll:thread_safety_test): the
// descriptor number is read without the read lock that guards it, so a
// concurrent Close() could close(2) it, and the number be reused, meanwhile.

#include "poll/fd.h"

namespace sysport::poll::thread_safety {

int UnlockedRead(FD& fd);

int UnlockedRead(FD& fd) {
  return fd.SysfdForRead();  // no read lock held
}

}  // namespace sysport::poll::thread_safety
