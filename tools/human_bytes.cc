#include "tools/human_bytes.h"

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace sysport::tools {

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

}  // namespace sysport::tools
