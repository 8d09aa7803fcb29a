#include "tools/copy_progress.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "os/stats.h"

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

namespace {

std::string Rate(int64_t bytes, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  if (seconds <= 0) return "-";
  return absl::StrCat(HumanBytes(static_cast<int64_t>(static_cast<double>(bytes) / seconds)), "/s");
}

}  // namespace

std::string ProgressLine(int64_t done, std::optional<int64_t> total, absl::Duration elapsed) {
  std::string line = absl::StrCat("copy: ", HumanBytes(done));
  if (total.has_value() && *total > 0) {
    const int64_t percent = done >= *total ? 100 : done * 100 / *total;
    absl::StrAppend(&line, " of ", HumanBytes(*total), " (", percent, "%)");
  }
  absl::StrAppend(&line, ", ", Rate(done, elapsed));
  return line;
}

std::string StatsReport(int64_t bytes, absl::Duration elapsed, const os::CopyStats& stats) {
  std::string report =
      absl::StrFormat("copied %d bytes (%s) in %.3f s, %s\n", bytes, HumanBytes(bytes),
                      absl::ToDoubleSeconds(elapsed), Rate(bytes, elapsed));
  const int64_t carried = stats.fast_bytes + stats.generic_bytes;
  std::string path;
  if (carried == 0) {
    path = stats.read_from_calls == 0 && bytes != 0 ? "not through os::File::ReadFrom"
                                                    : "no bytes moved";
  } else if (stats.generic_bytes == 0) {
    path = "copy_file_range 100%";
  } else if (stats.fast_bytes == 0) {
    path = "read/write 100%";
  } else {
    const int64_t fast_percent = stats.fast_bytes * 100 / carried;
    path =
        absl::StrCat("copy_file_range ", fast_percent, "%, read/write ", 100 - fast_percent, "%");
  }
  absl::StrAppend(&report, "path: ", path, "\n", stats.ToString(), "\n");
  return report;
}

}  // namespace sysport::tools
