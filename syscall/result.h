#ifndef SYSPORT_SYSCALL_RESULT_H_
#define SYSPORT_SYSCALL_RESULT_H_

#include <utility>

#include "absl/base/attributes.h"
#include "syscall/errno.h"

namespace sysport::syscall {

// What one system call returned: a value on success, or the errno it failed
// with. Callers never read the global errno; the wrappers in this package read
// it once, right after the call, and put it here.
template <typename T>
class [[nodiscard]] Result {
 public:
  static constexpr Result Ok(T value) { return Result(std::move(value), Errno()); }
  static constexpr Result Error(Errno error) { return Result(T{}, error); }

  constexpr bool ok() const { return error_.ok(); }
  // The value; meaningful only if ok().
  constexpr const T& value() const { return value_; }
  // The errno; Errno() if ok().
  constexpr Errno error() const { return error_; }

 private:
  constexpr Result(T value, Errno error) : value_(std::move(value)), error_(error) {}

  T value_;
  Errno error_;
};

}  // namespace sysport::syscall

#endif  // SYSPORT_SYSCALL_RESULT_H_
