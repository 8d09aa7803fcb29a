#include "tools/human_bytes.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sysport::tools {
namespace {

// The units, by the prefix letter's power: K = 1, M = 2, ... E = 6.
constexpr std::string_view kPrefixes = "KMGTPE";
constexpr int64_t kBinaryBase = 1024;   // K, KiB, M, MiB, ...
constexpr int64_t kDecimalBase = 1000;  // KB, MB, ...

// What `unit` multiplies by, or 0 if it is not a unit.
int64_t Multiplier(std::string_view unit) {
  if (unit.empty()) return 1;
  // coreutils also takes a lower-case k (and only k) for kilo.
  const char prefix = unit[0] == 'k' ? 'K' : unit[0];
  const size_t power = kPrefixes.find(prefix);
  if (power == std::string_view::npos) return 0;
  const std::string_view rest = unit.substr(1);
  int64_t base = 0;
  if (rest.empty() || rest == "iB") {
    base = kBinaryBase;
  } else if (rest == "B") {
    base = kDecimalBase;
  } else {
    return 0;
  }
  int64_t multiplier = 1;
  for (size_t i = 0; i <= power; ++i) multiplier *= base;  // at most 1024^6 = 2^60
  return multiplier;
}

}  // namespace

std::string HumanBytes(int64_t bytes) {
  constexpr int64_t kUnit = 1024;
  if (bytes < kUnit) return absl::StrCat(bytes, " B");
  static constexpr std::array<const char*, 6> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / kUnit;
  size_t unit = 0;
  while (value >= kUnit && unit + 1 < kUnits.size()) {
    value /= kUnit;
    ++unit;
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

absl::StatusOr<int64_t> ParseByteSize(std::string_view text) {
  if (text.empty()) return absl::InvalidArgumentError("empty");
  if (text[0] == '-') return absl::InvalidArgumentError("must not be negative");
  if (!absl::ascii_isdigit(static_cast<unsigned char>(text[0]))) {
    return absl::InvalidArgumentError("not a decimal number");
  }
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (text[0] == '0' && digits > 1) {
    return absl::InvalidArgumentError("leading zero (octal to C and bash, decimal to dd)");
  }
  const std::string_view unit = text.substr(digits);
  if (text[0] == '0' && (unit.starts_with('x') || unit.starts_with('X'))) {
    return absl::InvalidArgumentError("not a decimal number");
  }
  if (unit.starts_with('.') || unit.starts_with(',')) {
    return absl::InvalidArgumentError("not a whole number of bytes");
  }
  const int64_t multiplier = Multiplier(unit);
  if (multiplier == 0) {
    return absl::InvalidArgumentError(
        "unknown unit (want K, M, G, T, P, E for powers of 1024; KB, MB, ... for powers of 1000)");
  }
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  const std::string too_large = absl::StrCat("too large (at most ", kMax, " bytes)");
  int64_t value = 0;
  for (const char c : text.substr(0, digits)) {
    const int digit = c - '0';
    if (value > (kMax - digit) / 10) return absl::InvalidArgumentError(too_large);
    value = value * 10 + digit;
  }
  if (value > kMax / multiplier) return absl::InvalidArgumentError(too_large);
  return value * multiplier;
}

}  // namespace sysport::tools
