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
constexpr std::string_view kEscapePayload = "type.sysport.dev/os.path_escape";

constexpr std::string_view kEscapes = "path escapes from the root";

absl::Status ErrnoStatus(syscall::Errno err, std::string_view message) {
  absl::Status status(absl::ErrnoToStatusCode(err.value()), message);
  status.SetPayload(kErrnoPayload, absl::Cord(absl::StrCat(err.value())));
  return status;
}

absl::Status EscapeStatus(std::string_view message) {
  absl::Status status = absl::PermissionDeniedError(message);
  status.SetPayload(kEscapePayload, absl::Cord("1"));
  return status;
}

}  // namespace

// Go's PathError{Op, Path, Err}, in that order.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
absl::Status PathError(std::string_view op, std::string_view path, syscall::Errno err,
                       std::string_view syscall_name) {
  const std::string name = QuoteName(path);
  return ErrnoStatus(err, syscall_name.empty() ? absl::StrCat(op, " ", name, ": ", err.Message())
                                               : absl::StrCat(op, " ", name, ": ", syscall_name,
                                                              ": ", err.Message()));
}

// Go's LinkError{Op, Old, New, Err}, in that order.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
absl::Status LinkError(std::string_view op, std::string_view old_path, std::string_view new_path,
                       syscall::Errno err) {
  return ErrnoStatus(err, absl::StrCat(op, " ", QuoteName(old_path), " ", QuoteName(new_path), ": ",
                                       err.Message()));
}

absl::Status PathEscapeError(std::string_view op, std::string_view path) {
  return EscapeStatus(absl::StrCat(op, " ", QuoteName(path), ": ", kEscapes));
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
absl::Status LinkEscapeError(std::string_view op, std::string_view old_path,
                             std::string_view new_path) {
  return EscapeStatus(
      absl::StrCat(op, " ", QuoteName(old_path), " ", QuoteName(new_path), ": ", kEscapes));
}

bool IsPathEscape(const absl::Status& status) {
  return status.GetPayload(kEscapePayload).has_value();
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
