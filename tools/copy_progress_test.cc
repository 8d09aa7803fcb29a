#include "tools/copy_progress.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "os/stats.h"

namespace sysport::tools {
namespace {

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
  os::CopyStats s;
  s.fast_calls = 1;
  s.fast_bytes = 1 << 20;
  EXPECT_EQ(StatsReport(1 << 20, absl::Milliseconds(500), s),
            "copied 1048576 bytes (1.0 MiB) in 0.500 s, 2.0 MiB/s\n"
            "path: copy_file_range 100%\n"
            "copy_file_range: 1 call, 1048576 bytes; read/write: 0 calls, 0 bytes\n");
  s.generic_bytes = 3 << 20;
  s.generic_calls = 1;
  EXPECT_NE(
      StatsReport(4 << 20, absl::Seconds(1), s).find("path: copy_file_range 25%, read/write 75%"),
      std::string::npos);
  os::CopyStats none;
  EXPECT_NE(StatsReport(0, absl::Seconds(1), none).find("path: no bytes moved"), std::string::npos);
}

}  // namespace
}  // namespace sysport::tools
