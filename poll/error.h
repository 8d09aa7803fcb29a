#ifndef SYSPORT_POLL_ERROR_H_
#define SYSPORT_POLL_ERROR_H_

#include <cstdint>
#include <string>

#include "syscall/errno.h"

namespace sysport::poll {

// What a poll operation reports on failure: the errno of a system call, or
// that the FD is closed or closing (Go's poll.ErrFileClosing, "use of closed
// file"), which no errno describes. The os layer turns this into a status.
class Error {
 public:
  constexpr Error() = default;
  // Any errno is an error; Errno() is "no error". Implicit, so that a
  // syscall::Result's error() can be returned or assigned as it is.
  // cppcheck-suppress noExplicitConstructor
  constexpr Error(syscall::Errno e) : errno_(e) {}  // NOLINT(google-explicit-constructor)

  static constexpr Error Closing() {
    Error e;
    e.closing_ = true;
    return e;
  }

  constexpr bool ok() const { return !closing_ && errno_.ok(); }
  constexpr bool closing() const { return closing_; }
  constexpr syscall::Errno errno_value() const { return errno_; }

  friend constexpr bool operator==(Error, Error) = default;

  // "use of closed file", or the errno's Go-style message.
  std::string Message() const {
    return closing_ ? std::string("use of closed file") : errno_.Message();
  }

 private:
  syscall::Errno errno_;
  bool closing_ = false;
};

// A count and an error together: an operation can move some bytes and then
// fail, and both facts matter to the caller.
struct [[nodiscard]] IoResult {
  int64_t n = 0;
  Error err;
  bool ok() const { return err.ok(); }
};

}  // namespace sysport::poll

#endif  // SYSPORT_POLL_ERROR_H_
