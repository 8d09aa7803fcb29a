// One real copy of more than a round (kMaxCopyFileRangeRound bytes) on tmpfs,
// so the loop's second round, its count and the offsets are exercised by the
// kernel itself. The source is sparse; the destination takes about 2 GiB of
// tmpfs pages while the test runs.

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "poll/copy_file_range.h"
#include "poll/fd.h"
#include "poll/internal/test_util.h"
#include "poll/testing/copy_file_range_fake.h"
#include "syscall/unix.h"

namespace sysport::poll {
namespace {

TEST(CopyFileRangeLargeTest, MoreThanOneRound) {
  const std::string dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : testutil::TempDir();
  const int64_t size = kMaxCopyFileRangeRound + 5000;
  const std::string src_path = testutil::WriteTempFile(dir, "");
  const std::string dst_path = testutil::WriteTempFile(dir, "");
  {
    auto src = testutil::OpenFD(src_path, O_RDWR);
    // Sparse, with marks at the start, around the round boundary and the end.
    ASSERT_EQ(src->Pwrite(std::string("head"), 0).n, 4);
    ASSERT_EQ(src->Pwrite(std::string("edge"), kMaxCopyFileRangeRound - 2).n, 4);
    ASSERT_EQ(src->Pwrite(std::string("tail"), size - 4).n, 4);
    auto dst = testutil::OpenFD(dst_path, O_RDWR);

    testing::FakeCopyFileRange fake;  // real kernel; records the rounds
    CopyFileRangeResult r = CopyFileRange(*dst, *src, INT64_MAX);
    EXPECT_TRUE(r.handled);
    EXPECT_TRUE(r.err.ok()) << r.err.Message();
    EXPECT_EQ(r.written, size);
    EXPECT_EQ(testutil::Offset(*src), size);
    EXPECT_EQ(testutil::Offset(*dst), size);
    EXPECT_GE(fake.calls().size(), 3U);  // at least two rounds with data, then 0

    EXPECT_EQ(dst->Fstat().value().st_size, size);
    std::string buf(4, '\0');
    auto check = [&](int64_t off, const char* want) {
      ASSERT_EQ(dst->Pread(absl::MakeSpan(buf), off).n, 4);
      EXPECT_EQ(buf, want) << "at " << off;
    };
    check(0, "head");
    check(kMaxCopyFileRangeRound - 2, "edge");
    check(size - 4, "tail");
  }
  ::unlink(src_path.c_str());
  ::unlink(dst_path.c_str());
}

}  // namespace
}  // namespace sysport::poll
