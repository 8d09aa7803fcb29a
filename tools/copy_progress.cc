#include "tools/copy_progress.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "os/copy_observer.h"
#include "poll/copy_result.h"
#include "tools/human_bytes.h"

namespace sysport::tools {
namespace {

std::string Rate(int64_t bytes, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  if (seconds <= 0) return "-";
  return absl::StrCat(HumanBytes(static_cast<int64_t>(static_cast<double>(bytes) / seconds)), "/s");
}

// "copy_file_range 100%", "copy_file_range 42%, read/write 58%", "FICLONE
// 100%", ...: each path's share of the bytes the copy moved (holes, which
// nothing moved, are on the counters' own "holes:" line).
std::string PathLine(int64_t bytes, const os::CopyCounters::Totals& totals) {
  const int64_t carried = totals.kernel_bytes() + totals.read_write.bytes;
  if (carried == 0) {
    if (bytes == 0) return "no bytes moved";
    return totals.hole_bytes == bytes ? "holes only" : "not through os::File::ReadFrom";
  }
  std::vector<std::pair<std::string, int64_t>> shares;
  for (int i = 0; i < poll::kNumCopyMethods; ++i) {
    const auto method = static_cast<poll::CopyMethod>(i);
    if (totals.of(method).bytes > 0) {
      shares.emplace_back(poll::Name(method), totals.of(method).bytes);
    }
  }
  if (totals.read_write.bytes > 0) shares.emplace_back("read/write", totals.read_write.bytes);
  // Whole percentages that add up to 100: the last share takes the rounding.
  std::vector<std::string> parts;
  int64_t given = 0;
  for (size_t i = 0; i < shares.size(); ++i) {
    const int64_t percent = i + 1 == shares.size() ? 100 - given : shares[i].second * 100 / carried;
    given += percent;
    parts.push_back(absl::StrCat(shares[i].first, " ", percent, "%"));
  }
  return absl::StrJoin(parts, ", ");
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

std::string StatsReport(int64_t bytes, absl::Duration elapsed,
                        const os::CopyCounters::Totals& totals) {
  return absl::StrFormat("copied %d bytes (%s) in %.3f s, %s\npath: %s\n%s\n", bytes,
                         HumanBytes(bytes), absl::ToDoubleSeconds(elapsed), Rate(bytes, elapsed),
                         PathLine(bytes, totals), totals.ToString());
}

std::string TreeProgressLine(int64_t files, int64_t bytes, absl::Duration elapsed) {
  return absl::StrCat("copy: ", files, files == 1 ? " file, " : " files, ", HumanBytes(bytes), ", ",
                      Rate(bytes, elapsed));
}

std::string TreeStatsReport(const os::CopyTreeStats& stats, absl::Duration elapsed,
                            const os::CopyCounters::Totals& totals) {
  const int64_t bytes = stats.bytes_copied + stats.bytes_cloned + stats.bytes_holes;
  return absl::StrFormat(
      "copied %d directories, %d files, %d symbolic links, %d hard links, %d special files in "
      "%.3f s: %s, %s\n"
      "data: %d bytes copied, %d cloned, %d left as holes\n"
      "%s\n"
      "skipped: %d, errors: %d\n",
      stats.directories, stats.files, stats.symlinks, stats.hard_links, stats.special_files,
      absl::ToDoubleSeconds(elapsed), HumanBytes(bytes), Rate(bytes, elapsed), stats.bytes_copied,
      stats.bytes_cloned, stats.bytes_holes, totals.ToString(), stats.skipped, stats.errors);
}

}  // namespace sysport::tools
