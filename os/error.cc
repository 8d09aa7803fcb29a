#include "os/error.h"

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "os/quote.h"

namespace sysport::os {
namespace {

// Status payloads: machine-readable facts beside the message.
constexpr std::string_view kErrnoPayload = "type.sysport.dev/os.errno";
constexpr std::string_view kClosedPayload = "type.sysport.dev/os.closed";

}  // namespace

// Go's PathError{Op, Path, Err}, in that order.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
absl::Status PathError(std::string_view op, std::string_view path, syscall::Errno err,
                       std::string_view syscall_name) {
  const std::string name = QuoteName(path);
  std::string message = syscall_name.empty()
                            ? absl::StrCat(op, " ", name, ": ", err.Message())
                            : absl::StrCat(op, " ", name, ": ", syscall_name, ": ", err.Message());
  absl::Status status(absl::ErrnoToStatusCode(err.value()), message);
  status.SetPayload(kErrnoPayload, absl::Cord(absl::StrCat(err.value())));
  return status;
}

absl::Status ClosedError(std::string_view op, std::string_view path) {
  absl::Status status = absl::FailedPreconditionError(
      absl::StrCat(op, " ", QuoteName(path), ": file already closed"));
  status.SetPayload(kClosedPayload, absl::Cord("1"));
  return status;
}

absl::Status SameFileError(std::string_view src, std::string_view dst, std::string_view hint) {
  return absl::InvalidArgumentError(absl::StrCat(QuoteNameAlways(src), " and ",
                                                 QuoteNameAlways(dst), " are the same file", hint));
}

std::optional<int> ErrnoOf(const absl::Status& status) {
  std::optional<absl::Cord> payload = status.GetPayload(kErrnoPayload);
  int value = 0;
  if (!payload.has_value()) return std::nullopt;
  // A copy, not Cord::Flatten(): at -O2 gcc 12 sees a null dereference in
  // Flatten's inlined tree walk (-Wnull-dereference), which a string copy of
  // a few digits avoids.
  std::string digits;
  absl::CopyCordToString(*payload, &digits);
  if (!absl::SimpleAtoi(digits, &value)) return std::nullopt;
  return value;
}

bool IsClosed(const absl::Status& status) { return status.GetPayload(kClosedPayload).has_value(); }

}  // namespace sysport::os
