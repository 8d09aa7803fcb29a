#ifndef SYSPORT_TOOLS_COPY_PROGRESS_H_
#define SYSPORT_TOOLS_COPY_PROGRESS_H_

// Formatting for the copy tool's --stats and --progress lines.

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "os/copy_observer.h"
#include "os/copy_tree.h"

namespace sysport::tools {

// "copy: 512.0 MiB of 2.0 GiB (25%), 480.2 MiB/s" (without a total when the
// size is unknown, e.g. from a pipe).
std::string ProgressLine(int64_t done, std::optional<int64_t> total, absl::Duration elapsed);

// The --stats lines, e.g.
//   copied 1048576 bytes (1.0 MiB) in 0.003 s, 338.3 MiB/s
//   path: copy_file_range 100%
//   copy_file_range: 1 attempt, 2 system calls, 1048576 bytes
//   read/write: 0 reads, 0 writes, 0 bytes
// where the last lines are the copy's CopyCounters, with each fallback's reason.
std::string StatsReport(int64_t bytes, absl::Duration elapsed,
                        const os::CopyCounters::Totals& totals);

// A tree copy's progress: "copy: 1200 files, 512.0 MiB, 480.2 MiB/s".
std::string TreeProgressLine(int64_t files, int64_t bytes, absl::Duration elapsed);

// A tree copy's --stats lines, e.g.
//   copied 100 directories, 10000 files, 3 symbolic links, 0 hard links, 0 special files
//     in 0.152 s: 39.1 MiB, 257.0 MiB/s         (one line, broken here to fit)
//   data: 40960000 bytes copied, 0 cloned, 0 left as holes
//   copy_file_range: 10000 attempts, 10000 system calls, 40960000 bytes
//   ...
//   skipped: 1, errors: 0
std::string TreeStatsReport(const os::CopyTreeStats& stats, absl::Duration elapsed,
                            const os::CopyCounters::Totals& totals);

}  // namespace sysport::tools

#endif  // SYSPORT_TOOLS_COPY_PROGRESS_H_
