#ifndef SYSPORT_SYSCALL_ERRNO_H_
#define SYSPORT_SYSCALL_ERRNO_H_

#include <string>
#include <string_view>

namespace sysport::syscall {

// An errno value as its own type, so it cannot be mixed up with a byte count
// or a descriptor. A default-constructed Errno means "no error".
class Errno {
 public:
  constexpr Errno() = default;
  constexpr explicit Errno(int value) : value_(value) {}

  constexpr int value() const { return value_; }
  constexpr bool ok() const { return value_ == 0; }

  friend constexpr bool operator==(Errno, Errno) = default;

  // The symbolic name, e.g. "EXDEV"; "errno 1234" for a value glibc does not name.
  std::string Name() const;

  // Go's wording: the C library's message with a lower-case first letter,
  // e.g. "no space left on device".
  std::string Message() const;

 private:
  int value_ = 0;
};

}  // namespace sysport::syscall

#endif  // SYSPORT_SYSCALL_ERRNO_H_
