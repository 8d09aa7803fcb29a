#include "syscall/errno.h"

#include <cctype>
#include <cstring>  // strerrordesc_np, strerrorname_np (glibc >= 2.32)
#include <string>

#include "absl/strings/str_cat.h"

namespace sysport::syscall {

namespace {

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
// glibc >= 2.32: strerrordesc_np and strerrorname_np, unlike strerror, are
// thread-safe and locale-independent, so messages are the same everywhere.
const char* Description(int value) { return ::strerrordesc_np(value); }
const char* SymbolicName(int value) { return ::strerrorname_np(value); }
#else
// Other C libraries (the stub targets): strerror's message, no symbolic name.
const char* Description(int value) { return ::strerror(value); }  // NOLINT(concurrency-mt-unsafe)
const char* SymbolicName(int) { return nullptr; }
#endif

}  // namespace

std::string Errno::Name() const {
  const char* name = SymbolicName(value_);
  if (name == nullptr) return absl::StrCat("errno ", value_);
  return name;
}

std::string Errno::Message() const {
  const char* desc = Description(value_);
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
