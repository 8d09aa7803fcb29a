// One real copy of more than a round (kMaxCopyFileRangeRound bytes) on tmpfs,
// so the loop's second round, its count and the offsets are exercised by the
// kernel itself. The source is sparse; the destination takes about 2 GiB of
// tmpfs pages while the test runs.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "gtest/gtest.h"
#include "poll/copy_file_range.h"
#include "poll/copy_result.h"
#include "poll/fd.h"
#include "poll/testing/fake_syscalls.h"
#include "testutil/testutil.h"

namespace sysport::poll {
namespace {

void Put(int fd, const std::string& mark, int64_t offset) {
  ASSERT_EQ(::pwrite(fd, mark.data(), mark.size(), offset), static_cast<ssize_t>(mark.size()));
}

std::string Get(int fd, int64_t offset) {
  std::string buf(4, '\0');
  const ssize_t n = ::pread(fd, buf.data(), buf.size(), offset);
  buf.resize(n < 0 ? 0 : static_cast<size_t>(n));
  return buf;
}

TEST(CopyFileRangeLargeTest, MoreThanOneRound) {
  const std::string dir = ::access("/dev/shm", W_OK) == 0 ? "/dev/shm" : testutil::TempDir();
  const int64_t size = kMaxCopyFileRangeRound + 5000;
  const std::string src_path = testutil::MakeFile("", dir);
  const std::string dst_path = testutil::MakeFile("", dir);
  {
    FD src(testutil::MustOpen(src_path, O_RDWR));
    const int raw_src = src.UnsafeSysfd();
    // Sparse, with marks at the start, around the round boundary and the end.
    Put(raw_src, "head", 0);
    Put(raw_src, "edge", kMaxCopyFileRangeRound - 2);
    Put(raw_src, "tail", size - 4);
    FD dst(testutil::MustOpen(dst_path, O_RDWR));

    testing::FakeSyscalls fake;  // the real kernel; records the rounds
    CopyResult r = CopyFileRange(dst, src, INT64_MAX);
    EXPECT_EQ(r.outcome(), CopyResult::Outcome::kEnded) << r.error().Message();
    EXPECT_EQ(r.n(), size);
    EXPECT_EQ(testutil::Offset(raw_src), size);
    EXPECT_EQ(testutil::Offset(dst.UnsafeSysfd()), size);
    EXPECT_GE(fake.copy_file_range_calls().size(), 3U);  // two rounds with data, then 0

    const int raw_dst = dst.UnsafeSysfd();
    struct stat st = {};
    ASSERT_EQ(::fstat(raw_dst, &st), 0);
    EXPECT_EQ(st.st_size, size);
    EXPECT_EQ(Get(raw_dst, 0), "head");
    EXPECT_EQ(Get(raw_dst, kMaxCopyFileRangeRound - 2), "edge");
    EXPECT_EQ(Get(raw_dst, size - 4), "tail");
  }
  ::unlink(src_path.c_str());
  ::unlink(dst_path.c_str());
}

}  // namespace
}  // namespace sysport::poll
