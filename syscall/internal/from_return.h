#ifndef SYSPORT_SYSCALL_INTERNAL_FROM_RETURN_H_
#define SYSPORT_SYSCALL_INTERNAL_FROM_RETURN_H_

#include <cerrno>

#include "syscall/errno.h"
#include "syscall/result.h"

namespace sysport::syscall::internal {

// Turns a libc return value into a Result, reading errno right after the call.
template <typename T, typename Raw>
inline Result<T> FromReturn(Raw ret) {
  if (ret < 0) return Result<T>::Error(Errno(errno));
  return Result<T>::Ok(static_cast<T>(ret));
}

}  // namespace sysport::syscall::internal

#endif  // SYSPORT_SYSCALL_INTERNAL_FROM_RETURN_H_
