#include "os/copy_observer.h"

#include <cerrno>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "poll/copy_result.h"
#include "poll/error.h"
#include "syscall/errno.h"

namespace sysport::os {
namespace {

using poll::CopyMethod;
using poll::CopyResult;
using poll::Fallback;
using syscall::Errno;

constexpr CopyMethod kCfr = CopyMethod::kCopyFileRange;

TEST(CopyCountersTest, AttemptsAreDecisionsThatMadeASystemCall) {
  CopyCounters c;
  c.OnKernelCopy(CopyResult::Ended(kCfr, {.bytes = 1000, .syscalls = 2}));
  c.OnKernelCopy(CopyResult::NotTried(kCfr, Fallback::kKernelTooOld));
  c.OnKernelCopy(
      CopyResult::FellBack(kCfr, {.bytes = 300, .syscalls = 3}, Fallback::kRefused, Errno(EXDEV)));
  c.OnKernelCopy(CopyResult::Failed(kCfr, {.bytes = 7, .syscalls = 1}, poll::Error(Errno(ENOSPC))));
  c.OnReadWrite({5000, 3, 2});
  const CopyCounters::Totals t = c.totals();
  EXPECT_EQ(t.of(kCfr).attempts, 3);
  EXPECT_EQ(t.of(kCfr).syscalls, 6);
  EXPECT_EQ(t.of(kCfr).bytes, 1307);
  EXPECT_EQ(t.of(kCfr).failures, 1);
  EXPECT_EQ(t.kernel_bytes(), 1307);
  EXPECT_EQ(t.read_write.bytes, 5000);
  EXPECT_EQ(t.read_write.reads, 3);
  EXPECT_EQ(t.read_write.writes, 2);
  EXPECT_EQ(t.fallbacks.size(), 2U);
  EXPECT_EQ(t.ToString(),
            "copy_file_range: 3 attempts, 6 system calls, 1307 bytes, 1 failure; fell back: EXDEV "
            "(invalid cross-device link) 1x; not tried: kernel older than 5.3 1x\n"
            "read/write: 3 reads, 2 writes, 5000 bytes");
}

TEST(CopyCountersTest, OneOfEachSaysSo) {
  CopyCounters c;
  c.OnKernelCopy(CopyResult::Ended(kCfr, {.bytes = 1, .syscalls = 1}));
  c.OnReadWrite({1, 1, 1});
  EXPECT_EQ(c.totals().ToString(),
            "copy_file_range: 1 attempt, 1 system call, 1 byte\n"
            "read/write: 1 read, 1 write, 1 byte");
}

TEST(CopyCountersTest, UnavailableKeepsTheErrnoThatShowedIt) {
  CopyCounters c;
  c.OnKernelCopy(CopyResult::FellBack(kCfr, {.bytes = 0, .syscalls = 2}, Fallback::kUnavailable,
                                      Errno(ENOSYS)));
  c.OnKernelCopy(CopyResult::NotTried(kCfr, Fallback::kUnavailable));
  EXPECT_EQ(c.totals().ToString(),
            "copy_file_range: 1 attempt, 2 system calls, 0 bytes; fell back: unavailable in this "
            "process, ENOSYS 1x; not tried: unavailable in this process 1x\n"
            "read/write: 0 reads, 0 writes, 0 bytes");
}

// Each method the copies decided about has its line, in CopyMethod's order;
// a method nobody considered has none.
TEST(CopyCountersTest, EachMethodDecidedAboutHasItsLine) {
  CopyCounters c;
  c.OnKernelCopy(
      CopyResult::FellBack(kCfr, {.bytes = 0, .syscalls = 1}, Fallback::kRefused, Errno(EXDEV)));
  c.OnKernelCopy(CopyResult::Ended(CopyMethod::kSendfile, {.bytes = 4096, .syscalls = 2}));
  EXPECT_EQ(c.totals().ToString(),
            "copy_file_range: 1 attempt, 1 system call, 0 bytes; fell back: EXDEV (invalid "
            "cross-device link) 1x\n"
            "sendfile: 1 attempt, 2 system calls, 4096 bytes\n"
            "read/write: 0 reads, 0 writes, 0 bytes");
  CopyCounters d;
  d.OnKernelCopy(CopyResult::NotTried(CopyMethod::kSplice, Fallback::kReadWriteFaster));
  d.OnReadWrite({10, 2, 1});
  EXPECT_EQ(d.totals().ToString(),
            "splice: 0 attempts, 0 system calls, 0 bytes; not tried: read/write measured faster "
            "for these file types 1x\n"
            "read/write: 2 reads, 1 write, 10 bytes");
}

TEST(CopyCountersTest, WholeFileCopyLinesAppearWhenReported) {
  CopyCounters c;
  EXPECT_EQ(c.totals().ToString(), "read/write: 0 reads, 0 writes, 0 bytes");
  c.OnKernelCopy(CopyResult::FellBack(CopyMethod::kClone, {.bytes = 0, .syscalls = 1},
                                      Fallback::kRefused, Errno(EOPNOTSUPP)));
  c.OnKernelCopy(CopyResult::Ended(kCfr, {.bytes = 1 << 20, .syscalls = 3}));
  c.OnHoles(0);
  c.OnHoles(3 << 20);
  const CopyCounters::Totals t = c.totals();
  EXPECT_EQ(t.whole_file_copies, 2);
  EXPECT_EQ(t.hole_bytes, 3 << 20);
  EXPECT_EQ(t.ToString(),
            "copy_file_range: 1 attempt, 3 system calls, 1048576 bytes\n"
            "FICLONE: 1 attempt, 1 system call, 0 bytes; fell back: EOPNOTSUPP (operation not "
            "supported) 1x\n"
            "read/write: 0 reads, 0 writes, 0 bytes\n"
            "holes: 3145728 bytes skipped");
}

TEST(CopyCountersTest, ManyThreadsAddUp) {
  CopyCounters c;
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&c] {
      for (int j = 0; j < 1000; ++j) {
        c.OnKernelCopy(CopyResult::Ended(kCfr, {.bytes = 10, .syscalls = 2}));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(c.totals().of(kCfr).bytes, 40000);
  EXPECT_EQ(c.totals().of(kCfr).attempts, 4000);
}

}  // namespace
}  // namespace sysport::os
