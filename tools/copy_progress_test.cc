#include "tools/copy_progress.h"

#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "os/copy_observer.h"
#include "poll/copy_result.h"
#include "syscall/errno.h"
#include "tools/human_bytes.h"

namespace sysport::tools {
namespace {

using poll::CopyMethod;
using poll::CopyResult;

TEST(HumanBytesTest, Units) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1024), "1.0 KiB");
  EXPECT_EQ(HumanBytes(512 << 20), "512.0 MiB");
  EXPECT_EQ(HumanBytes(int64_t{3} << 30), "3.0 GiB");
}

TEST(ProgressLineTest, WithAndWithoutTotal) {
  EXPECT_EQ(ProgressLine(int64_t{512} << 20, int64_t{2} << 30, absl::Seconds(2)),
            "copy: 512.0 MiB of 2.0 GiB (25%), 256.0 MiB/s");
  EXPECT_EQ(ProgressLine(1 << 20, std::nullopt, absl::Seconds(1)), "copy: 1.0 MiB, 1.0 MiB/s");
  EXPECT_EQ(ProgressLine(10, 5, absl::Seconds(1)), "copy: 10 B of 5 B (100%), 10 B/s");
}

TEST(StatsReportTest, NamesThePath) {
  os::CopyCounters kernel_only;
  kernel_only.OnKernelCopy(
      CopyResult::Ended(CopyMethod::kCopyFileRange, {.bytes = 1 << 20, .syscalls = 2}));
  EXPECT_EQ(StatsReport(1 << 20, absl::Milliseconds(500), kernel_only.totals()),
            "copied 1048576 bytes (1.0 MiB) in 0.500 s, 2.0 MiB/s\n"
            "path: copy_file_range 100%\n"
            "copy_file_range: 1 attempt, 2 system calls, 1048576 bytes\n"
            "read/write: 0 reads, 0 writes, 0 bytes\n");

  os::CopyCounters both;
  both.OnKernelCopy(CopyResult::FellBack(CopyMethod::kCopyFileRange,
                                         {.bytes = 1 << 20, .syscalls = 2},
                                         poll::Fallback::kRefused, syscall::Errno(EXDEV)));
  both.OnReadWrite({3 << 20, 13, 12});
  EXPECT_NE(StatsReport(4 << 20, absl::Seconds(1), both.totals())
                .find("path: copy_file_range 25%, read/write 75%\n"),
            std::string::npos);

  // Shares are whole percentages that add up to 100.
  os::CopyCounters thirds;
  thirds.OnKernelCopy(CopyResult::FellBack(CopyMethod::kCopyFileRange, {.bytes = 1, .syscalls = 1},
                                           poll::Fallback::kRefused, syscall::Errno(EXDEV)));
  thirds.OnReadWrite({2, 2, 1});
  EXPECT_NE(StatsReport(3, absl::Seconds(1), thirds.totals())
                .find("path: copy_file_range 33%, read/write 67%\n"),
            std::string::npos);

  os::CopyCounters none;
  EXPECT_NE(StatsReport(0, absl::Seconds(1), none.totals()).find("path: no bytes moved"),
            std::string::npos);
}

}  // namespace
}  // namespace sysport::tools
