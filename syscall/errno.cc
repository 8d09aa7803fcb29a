#include "syscall/errno.h"

#include <cctype>
#include <cstring>  // strerrordesc_np, strerrorname_np (glibc >= 2.32)
#include <string>

#include "absl/strings/str_cat.h"

namespace sysport::syscall {

// strerrordesc_np and strerrorname_np, unlike strerror, are thread-safe and
// locale-independent, so messages are the same in every process.
std::string Errno::Name() const {
  const char* name = ::strerrorname_np(value_);
  if (name == nullptr) return absl::StrCat("errno ", value_);
  return name;
}

std::string Errno::Message() const {
  const char* desc = ::strerrordesc_np(value_);
  if (desc == nullptr) return absl::StrCat("errno ", value_);
  std::string message(desc);
  // Lower-case the first letter unless the message starts with an acronym
  // ("RPC struct is bad" stays as it is).
  if (message.size() >= 2 && std::isupper(static_cast<unsigned char>(message[0])) != 0 &&
      std::isupper(static_cast<unsigned char>(message[1])) == 0) {
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
  }
  return message;
}

}  // namespace sysport::syscall
