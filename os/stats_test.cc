#include "os/stats.h"

#include <cerrno>

#include "gtest/gtest.h"

namespace sysport::os {
namespace {

TEST(CopyStatsTest, SinceAndToString) {
  CopyStats before;
  CopyStats after;
  after.read_from_calls = 3;
  after.fast_calls = 2;
  after.fast_bytes = 4096;
  after.generic_calls = 1;
  after.generic_bytes = 42;
  after.fallbacks[static_cast<size_t>(Fallback::kErrno)] = 1;
  after.fallback_errnos[EXDEV] = 1;
  before.fast_calls = 1;
  before.fast_bytes = 96;
  CopyStats d = after.Since(before);
  EXPECT_EQ(d.fast_calls, 1);
  EXPECT_EQ(d.fast_bytes, 4000);
  EXPECT_EQ(d.fallback(Fallback::kErrno), 1);
  EXPECT_EQ(d.ToString(),
            "copy_file_range: 1 call, 4000 bytes; read/write: 1 call, 42 bytes; fallbacks: "
            "copy_file_range refused these files (1), EXDEV: invalid cross-device link (1)");
  CopyStats none = after.Since(after);
  EXPECT_TRUE(none.fallback_errnos.empty());
  EXPECT_EQ(none.ToString(), "copy_file_range: 0 calls, 0 bytes; read/write: 0 calls, 0 bytes");
}

TEST(CopyStatsTest, DescriptionsAreDistinct) {
  for (int i = 0; i < kNumFallbacks; ++i) {
    for (int j = i + 1; j < kNumFallbacks; ++j) {
      EXPECT_NE(FallbackDescription(static_cast<Fallback>(i)),
                FallbackDescription(static_cast<Fallback>(j)));
    }
  }
}

}  // namespace
}  // namespace sysport::os
