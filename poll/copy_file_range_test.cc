#include "poll/copy_file_range.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "poll/copy_result.h"
#include "poll/fd.h"
#include "poll/testing/fake_syscalls.h"
#include "syscall/linux.h"
#include "syscall/unix.h"
#include "testutil/testutil.h"

namespace sysport::poll {
namespace {

using syscall::Errno;
using testing::FakeSyscalls;
using testutil::Contents;
using Outcome = CopyResult::Outcome;

constexpr int64_t kNoLimit = INT64_MAX;

int64_t Offset(const FD& fd) { return testutil::Offset(fd.UnsafeSysfd()); }

// A source file with `size` pattern bytes and an empty destination, both in
// the test's temporary directory (one filesystem).
struct Files {
  explicit Files(size_t size)
      : data(testutil::Pattern(size)),
        src_path(testutil::MakeFile(data)),
        dst_path(testutil::MakeFile("")),
        src(std::make_unique<FD>(testutil::MustOpen(src_path, O_RDONLY))),
        dst(std::make_unique<FD>(testutil::MustOpen(dst_path, O_WRONLY))) {}
  std::string data;
  std::string src_path;
  std::string dst_path;
  std::unique_ptr<FD> src;
  std::unique_ptr<FD> dst;
};

void ExpectEnded(const CopyResult& r, int64_t n) {
  EXPECT_EQ(r.outcome(), Outcome::kEnded);
  EXPECT_EQ(r.n(), n);
  EXPECT_EQ(r.method(), CopyMethod::kCopyFileRange);
  EXPECT_TRUE(r.error().ok());
}

void ExpectFellBack(const CopyResult& r, Fallback reason, Errno err, int64_t n) {
  EXPECT_EQ(r.outcome(), Outcome::kFellBack);
  EXPECT_EQ(r.fallback(), reason) << Describe(r.fallback());
  EXPECT_EQ(r.fallback_errno(), err) << r.fallback_errno().Name();
  EXPECT_EQ(r.n(), n);
  EXPECT_EQ(r.method(), CopyMethod::kCopyFileRange);
  EXPECT_TRUE(r.error().ok());
}

TEST(CopyFileRangeTest, NothingToCopyMakesNoSystemCall) {
  FakeSyscalls fake;
  Files f(10);
  for (int64_t remain : {int64_t{0}, int64_t{-1}, INT64_MIN}) {
    CopyResult r = CopyFileRange(*f.dst, *f.src, remain);
    ExpectEnded(r, 0);
    EXPECT_EQ(r.syscalls(), 0);
  }
  EXPECT_TRUE(fake.copy_file_range_calls().empty());
  EXPECT_EQ(fake.kernel_version_queries(), 0);
}

TEST(CopyFileRangeTest, CopiesWithKernelOwnedOffsetsAndCountsItsCalls) {
  FakeSyscalls fake;
  Files f(5000);
  CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  ExpectEnded(r, 5000);
  EXPECT_EQ(Contents(f.dst_path), f.data);
  EXPECT_EQ(Offset(*f.src), 5000);
  EXPECT_EQ(Offset(*f.dst), 5000);
  auto calls = fake.copy_file_range_calls();
  ASSERT_EQ(calls.size(), 2U);  // the copy, then 0 at the end of the source
  EXPECT_EQ(r.syscalls(), 2);
  for (const auto& c : calls) {
    EXPECT_EQ(c.in_fd, f.src->UnsafeSysfd());
    EXPECT_EQ(c.out_fd, f.dst->UnsafeSysfd());
    EXPECT_TRUE(c.in_off_null);
    EXPECT_TRUE(c.out_off_null);
    EXPECT_EQ(c.flags, 0U);
    EXPECT_EQ(c.len, static_cast<size_t>(kMaxCopyFileRangeRound));
  }
}

TEST(CopyFileRangeTest, RoundsAreCappedAndCountTheRemainder) {
  FakeSyscalls fake;
  Files f(100);
  // Round 1 claims a full round without copying, so round 2 asks for the
  // remaining 7 bytes only.
  fake.copy_file_range.ReturnWithoutCopying(1, static_cast<size_t>(kMaxCopyFileRangeRound));
  CopyResult r = CopyFileRange(*f.dst, *f.src, kMaxCopyFileRangeRound + 7);
  ExpectEnded(r, kMaxCopyFileRangeRound + 7);
  auto calls = fake.copy_file_range_calls();
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_EQ(calls[0].len, static_cast<size_t>(kMaxCopyFileRangeRound));
  EXPECT_EQ(calls[1].len, 7U);
  EXPECT_EQ(Contents(f.dst_path), f.data.substr(0, 7));
}

TEST(CopyFileRangeTest, LimitStopsTheCopy) {
  FakeSyscalls fake;
  Files f(1000);
  CopyResult r = CopyFileRange(*f.dst, *f.src, 300);
  ExpectEnded(r, 300);
  EXPECT_EQ(r.syscalls(), 1);  // no round after the limit is reached
  EXPECT_EQ(fake.copy_file_range_calls().size(), 1U);
  EXPECT_EQ(Offset(*f.src), 300);
  EXPECT_EQ(Contents(f.dst_path), f.data.substr(0, 300));
}

TEST(CopyFileRangeTest, OldKernelIsNeverTriedAndDecidedOnce) {
  FakeSyscalls fake;
  fake.SetKernelVersion({5, 2});
  Files f(10);
  for (int i = 0; i < 3; ++i) {
    CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    ExpectFellBack(r, Fallback::kKernelTooOld, Errno(), 0);
    EXPECT_EQ(r.syscalls(), 0);
  }
  EXPECT_TRUE(fake.copy_file_range_calls().empty());
  EXPECT_EQ(fake.probes(), 0);
  EXPECT_EQ(fake.kernel_version_queries(), 1);
}

TEST(CopyFileRangeTest, Kernel53IsTriedAndDecidedOnce) {
  FakeSyscalls fake;
  fake.SetKernelVersion({5, 3});
  Files f(10);
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(f.src->Seek(0, SEEK_SET).n, 0);
    CopyResult r = CopyFileRange(*f.dst, *f.src, 10);
    ExpectEnded(r, 10);
  }
  EXPECT_EQ(fake.kernel_version_queries(), 1);
}

// What was learned lives with the system it describes: a new system (here,
// the next fake) starts from nothing.
TEST(CopyFileRangeTest, AnotherSystemStartsFromNothing) {
  Files f(10);
  {
    FakeSyscalls old_kernel;
    old_kernel.SetKernelVersion({4, 19});
    ExpectFellBack(CopyFileRange(*f.dst, *f.src, kNoLimit), Fallback::kKernelTooOld, Errno(), 0);
  }
  FakeSyscalls fake;
  CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  ExpectEnded(r, 10);
  EXPECT_EQ(fake.kernel_version_queries(), 1);
}

// Each errno that means "not for these files": fell back, nothing written,
// the errno reported, no probe, and the next copy tries the system call again.
TEST(CopyFileRangeTest, FallbackErrnosBeforeAnyByte) {
  for (int e : {EXDEV, EINVAL, EISDIR, EIO, EOPNOTSUPP, ENOTSUP, EBADF, EFBIG, EOVERFLOW, EACCES,
                ENOENT, ETXTBSY}) {
    SCOPED_TRACE(Errno(e).Name());
    FakeSyscalls fake;
    fake.copy_file_range.FailRound(1, Errno(e));
    Files f(100);
    CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    ExpectFellBack(r, Fallback::kRefused, Errno(e), 0);
    EXPECT_EQ(r.syscalls(), 1);
    EXPECT_EQ(fake.probes(), 0);  // only ENOSYS and EPERM probe
    EXPECT_EQ(Offset(*f.src), 0);
    CopyResult again = CopyFileRange(*f.dst, *f.src, kNoLimit);
    ExpectEnded(again, 100);
  }
}

// ENOSYS (no such system call: an old kernel, qemu-user, gVisor) and EPERM
// (a seccomp profile) that the probe confirms disable the call for this system.
TEST(CopyFileRangeTest, ProbeConfirmedRefusalDisablesItForThisSystem) {
  for (int e : {ENOSYS, EPERM}) {
    SCOPED_TRACE(Errno(e).Name());
    FakeSyscalls fake;
    fake.copy_file_range.FailRound(1, Errno(e));
    fake.SetProbeResult(Errno(e));
    Files f(100);
    CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    ExpectFellBack(r, Fallback::kUnavailable, Errno(e), 0);
    EXPECT_EQ(r.syscalls(), 2);  // the round and the probe
    EXPECT_EQ(fake.probes(), 1);
    // Later copies do not try at all.
    CopyResult later = CopyFileRange(*f.dst, *f.src, kNoLimit);
    ExpectFellBack(later, Fallback::kUnavailable, Errno(), 0);
    EXPECT_EQ(later.syscalls(), 0);
    EXPECT_EQ(fake.copy_file_range_calls().size(), 1U);
    EXPECT_EQ(fake.probes(), 1);
  }
}

TEST(CopyFileRangeTest, LegitimateEpermFallsBackOnceAndKeepsTrying) {
  FakeSyscalls fake;
  fake.copy_file_range.FailRound(1, Errno(EPERM));  // an immutable destination, say
  fake.copy_file_range.FailRound(2, Errno(EPERM));
  Files f(100);
  // The real kernel answers the probe: EBADF, the system call works.
  ExpectFellBack(CopyFileRange(*f.dst, *f.src, kNoLimit), Fallback::kRefused, Errno(EPERM), 0);
  EXPECT_EQ(fake.probes(), 1);
  // A second EPERM does not probe again; a third copy succeeds.
  CopyResult second = CopyFileRange(*f.dst, *f.src, kNoLimit);
  ExpectFellBack(second, Fallback::kRefused, Errno(EPERM), 0);
  EXPECT_EQ(second.syscalls(), 1);
  EXPECT_EQ(fake.probes(), 1);
  CopyResult ok = CopyFileRange(*f.dst, *f.src, kNoLimit);
  ExpectEnded(ok, 100);
}

TEST(CopyFileRangeTest, RealProbeSaysTheSystemCallWorks) {
  FakeSyscalls fake;
  fake.copy_file_range.FailRound(1, Errno(ENOSYS));  // as a FUSE filesystem might, per file
  fake.copy_file_range.FailRound(2, Errno(ENOSYS));
  Files f(10);
  ExpectFellBack(CopyFileRange(*f.dst, *f.src, kNoLimit), Fallback::kRefused, Errno(ENOSYS), 0);
  ExpectFellBack(CopyFileRange(*f.dst, *f.src, kNoLimit), Fallback::kRefused, Errno(ENOSYS), 0);
  EXPECT_EQ(fake.probes(), 1);  // the answer was kept
}

// A refusal after some rounds copied bytes: fell back with the exact count,
// and both offsets advanced by exactly that much, where the caller continues.
TEST(CopyFileRangeTest, RefusalAfterBytesMovedKeepsTheExactCount) {
  for (int e : {EXDEV, ENOSYS}) {
    SCOPED_TRACE(Errno(e).Name());
    FakeSyscalls fake;
    fake.copy_file_range.ShortRound(1, 1000);
    fake.copy_file_range.FailRound(2, Errno(e));
    Files f(4000);
    CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    ExpectFellBack(r, Fallback::kRefused, Errno(e), 1000);
    // Two rounds; for ENOSYS also the probe, which the real kernel answers
    // with EBADF: the system call works, these files are refused.
    EXPECT_EQ(r.syscalls(), e == ENOSYS ? 3 : 2);
    EXPECT_EQ(Offset(*f.src), 1000);
    EXPECT_EQ(Offset(*f.dst), 1000);
    EXPECT_EQ(Contents(f.dst_path), f.data.substr(0, 1000));
  }
}

// An errno that is a real failure, before any byte and after some: failed,
// with the exact count, which is what the destination holds.
TEST(CopyFileRangeTest, OtherErrorsFailWithTheExactCount) {
  for (size_t before : {size_t{0}, size_t{123}}) {
    SCOPED_TRACE(before);
    FakeSyscalls fake;
    if (before > 0) fake.copy_file_range.ShortRound(1, before);
    fake.copy_file_range.FailRound(before > 0 ? 2 : 1, Errno(ENOSPC));
    Files f(1000);
    CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    EXPECT_EQ(r.outcome(), Outcome::kFailed);
    EXPECT_EQ(r.n(), static_cast<int64_t>(before));
    EXPECT_EQ(r.error(), Error(Errno(ENOSPC)));
    EXPECT_EQ(r.syscalls(), before > 0 ? 2 : 1);
    EXPECT_EQ(Contents(f.dst_path).size(), before);
  }
}

TEST(CopyFileRangeTest, EintrIsRetriedAndEachTryCounts) {
  FakeSyscalls fake;
  fake.copy_file_range.FailRound(1, Errno(EINTR));
  fake.copy_file_range.FailRound(2, Errno(EINTR));
  Files f(100);
  CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  ExpectEnded(r, 100);
  EXPECT_EQ(fake.copy_file_range_calls().size(), 4U);  // EINTR, EINTR, 100 bytes, 0
  EXPECT_EQ(r.syscalls(), 4);
}

TEST(CopyFileRangeTest, ZeroOnTheFirstRoundFallsBack) {
  FakeSyscalls fake;
  fake.copy_file_range.ReturnWithoutCopying(1, 0);  // what procfs and sysfs files do
  Files f(100);
  CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  ExpectFellBack(r, Fallback::kNothingCopied, Errno(), 0);
  EXPECT_EQ(r.syscalls(), 1);
}

TEST(CopyFileRangeTest, ZeroAfterBytesMovedIsTheEnd) {
  FakeSyscalls fake;
  fake.copy_file_range.ShortRound(1, 30);
  fake.copy_file_range.ShortRound(2, 30);
  Files f(60);
  CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  ExpectEnded(r, 60);
  EXPECT_EQ(r.syscalls(), 3);
  EXPECT_EQ(Contents(f.dst_path), f.data);
}

TEST(CopyFileRangeTest, ProcfsCopiesNothing) {
  FakeSyscalls fake;
  FD src(testutil::MustOpen("/proc/self/cmdline", O_RDONLY));
  Files f(0);
  CopyResult r = CopyFileRange(*f.dst, src, kNoLimit);
  EXPECT_EQ(r.outcome(), Outcome::kFellBack);
  EXPECT_EQ(r.n(), 0);
  // Kernels answer 0 (most) or EINVAL/EXDEV (some): either way, the caller copies.
  EXPECT_TRUE(r.fallback() == Fallback::kNothingCopied || r.fallback() == Fallback::kRefused)
      << Describe(r.fallback());
}

TEST(CopyFileRangeTest, ClosedFilesFailWithTheClosingError) {
  FakeSyscalls fake;
  Files f(10);
  ASSERT_TRUE(f.src->Close().ok());
  CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_EQ(r.outcome(), Outcome::kFailed);
  EXPECT_EQ(r.error(), Error::Closing());
  EXPECT_EQ(r.syscalls(), 0);
  Files g(10);
  ASSERT_TRUE(g.dst->Close().ok());
  EXPECT_EQ(CopyFileRange(*g.dst, *g.src, kNoLimit).error(), Error::Closing());
  EXPECT_TRUE(fake.copy_file_range_calls().empty());
}

// A Close of the source while a round is in the kernel must wait for it: the
// round holds the source's read lock, so close(2) runs after it returns.
TEST(CopyFileRangeTest, CloseWaitsForTheRoundInFlight) {
  Files f(4096);
  FakeSyscalls fake;
  const int src_fd = f.src->UnsafeSysfd();
  std::thread closer;
  Error close_err = Error::Closing();
  bool fd_open_during_round = false;
  fake.copy_file_range.BeforeRound(1, [&] {
    closer = std::thread([&] { close_err = f.src->Close(); });
    while (f.src->UnsafeSysfd() != -1) std::this_thread::yield();
    fd_open_during_round = ::fcntl(src_fd, F_GETFD) != -1;
  });
  CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  closer.join();
  EXPECT_TRUE(fd_open_during_round);
  EXPECT_TRUE(close_err.ok());
  EXPECT_EQ(fake.copy_file_range_calls().size(), 1U);  // the next round found the source closed
  EXPECT_EQ(r.outcome(), Outcome::kFailed);
  EXPECT_EQ(r.n(), 4096);
  EXPECT_EQ(r.error(), Error::Closing());
  EXPECT_EQ(Contents(f.dst_path), f.data);
}

// Real copies through the real kernel, no fake: counts and both offsets.
TEST(CopyFileRangeTest, RealCopies) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{4097}}) {
    SCOPED_TRACE(size);
    Files f(size);
    CopyResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    EXPECT_EQ(r.n(), static_cast<int64_t>(size));
    if (size == 0) {
      // Nothing copied: the caller's read finds the end.
      ExpectFellBack(r, Fallback::kNothingCopied, Errno(), 0);
    } else {
      EXPECT_EQ(r.outcome(), Outcome::kEnded);
    }
    EXPECT_EQ(Offset(*f.src), static_cast<int64_t>(size));
    EXPECT_EQ(Offset(*f.dst), static_cast<int64_t>(size));
    EXPECT_EQ(Contents(f.dst_path), f.data);
  }
}

TEST(CopyFileRangeTest, MethodName) {
  EXPECT_EQ(Name(CopyMethod::kCopyFileRange), "copy_file_range");
  EXPECT_EQ(Name(CopyMethod::kClone), "FICLONE");
}

// --- CopyFileRangeAt: explicit offsets, the same policy ---

TEST(CopyFileRangeAtTest, CopiesARangeAndLeavesFileOffsetsAlone) {
  FakeSyscalls fake;
  Files f(10000);
  CopyResult r = CopyFileRangeAt(*f.dst, 5000, *f.src, 3000, 2000);
  ExpectEnded(r, 2000);
  EXPECT_EQ(r.syscalls(), 1);  // no round after the length is reached
  EXPECT_EQ(Offset(*f.src), 0);
  EXPECT_EQ(Offset(*f.dst), 0);
  const std::string got = Contents(f.dst_path);
  ASSERT_EQ(got.size(), 7000U);
  EXPECT_EQ(got.substr(0, 5000), std::string(5000, '\0'));
  EXPECT_EQ(got.substr(5000), f.data.substr(3000, 2000));
  auto calls = fake.copy_file_range_calls();
  ASSERT_EQ(calls.size(), 1U);
  EXPECT_FALSE(calls[0].in_off_null);
  EXPECT_FALSE(calls[0].out_off_null);
}

// The source ends before the range does (it shrank after its size was
// read): the count is what was there, and the end is not a fallback.
TEST(CopyFileRangeAtTest, SourceEndingEarlyEndsWithTheExactCount) {
  FakeSyscalls fake;
  Files f(3000);
  CopyResult r = CopyFileRangeAt(*f.dst, 1000, *f.src, 1000, 5000);
  ExpectEnded(r, 2000);
  EXPECT_EQ(r.syscalls(), 2);
  EXPECT_EQ(Contents(f.dst_path).substr(1000), f.data.substr(1000));
}

// Short rounds continue at the advanced offsets. What stops the loop midway
// keeps the exact count, as in the file-offset loop: a refusal (EXDEV) falls
// back, a real error (ENOSPC) fails.
TEST(CopyFileRangeAtTest, ShortRoundThenRefusalOrErrorKeepsTheExactCount) {
  for (const int err : {EXDEV, ENOSPC}) {
    SCOPED_TRACE(Errno(err).Name());
    FakeSyscalls fake;
    Files f(10000);
    fake.copy_file_range.ShortRound(1, 1000);
    fake.copy_file_range.FailRound(2, Errno(err));
    CopyResult r = CopyFileRangeAt(*f.dst, 100, *f.src, 200, 5000);
    if (err == EXDEV) {
      ExpectFellBack(r, Fallback::kRefused, Errno(EXDEV), 1000);
    } else {
      EXPECT_EQ(r.outcome(), Outcome::kFailed);
      EXPECT_EQ(r.n(), 1000);
      EXPECT_EQ(r.error(), Error(Errno(ENOSPC)));
    }
    EXPECT_EQ(Contents(f.dst_path).substr(100), f.data.substr(200, 1000));
  }
}

TEST(CopyFileRangeAtTest, UnavailableAfterTheFileOffsetLoopLearnedIt) {
  FakeSyscalls fake;
  Files f(100);
  fake.copy_file_range.FailRound(1, Errno(ENOSYS));
  fake.SetProbeResult(Errno(ENOSYS));
  ExpectFellBack(CopyFileRange(*f.dst, *f.src, kNoLimit), Fallback::kUnavailable, Errno(ENOSYS), 0);
  // What one loop learned, the other knows: no further call.
  ExpectFellBack(CopyFileRangeAt(*f.dst, 0, *f.src, 0, 100), Fallback::kUnavailable, Errno(), 0);
  EXPECT_EQ(fake.copy_file_range_calls().size(), 1U);
}

// --- Clone: FICLONE, all or nothing ---

void ExpectCloneFellBack(const CopyResult& r, Fallback reason, Errno err) {
  EXPECT_EQ(r.method(), CopyMethod::kClone);
  EXPECT_EQ(r.outcome(), Outcome::kFellBack);
  EXPECT_EQ(r.fallback(), reason) << Describe(r.fallback());
  EXPECT_EQ(r.fallback_errno(), err) << r.fallback_errno().Name();
  EXPECT_EQ(r.n(), 0);
  EXPECT_EQ(r.syscalls(), 1);
}

TEST(CloneTest, RefusalsFallBackWithTheErrno) {
  for (int e : {EXDEV, EOPNOTSUPP, ENOTTY, EINVAL, EISDIR, EBADF, EPERM, ETXTBSY}) {
    FakeSyscalls fake;
    Files f(100);
    fake.ficlone.FailRound(1, Errno(e));
    ExpectCloneFellBack(Clone(*f.dst, *f.src), Fallback::kRefused, Errno(e));
    EXPECT_EQ(Contents(f.dst_path), "");
  }
}

TEST(CloneTest, EnosysMeansUnavailable) {
  FakeSyscalls fake;
  Files f(100);
  fake.ficlone.FailRound(1, Errno(ENOSYS));
  ExpectCloneFellBack(Clone(*f.dst, *f.src), Fallback::kUnavailable, Errno(ENOSYS));
}

TEST(CloneTest, OtherErrorsFail) {
  for (int e : {ENOSPC, EDQUOT, EIO}) {
    FakeSyscalls fake;
    Files f(100);
    fake.ficlone.FailRound(1, Errno(e));
    CopyResult r = Clone(*f.dst, *f.src);
    EXPECT_EQ(r.outcome(), Outcome::kFailed);
    EXPECT_EQ(r.error(), Error(Errno(e)));
    EXPECT_EQ(r.n(), 0);
  }
}

TEST(CloneTest, EintrIsRetried) {
  FakeSyscalls fake;
  Files f(100);
  fake.ficlone.FailRound(1, Errno(EINTR));
  fake.ficlone.FailRound(2, Errno(EXDEV));
  CopyResult r = Clone(*f.dst, *f.src);
  EXPECT_EQ(r.fallback_errno(), Errno(EXDEV));
  EXPECT_EQ(r.syscalls(), 2);
  EXPECT_EQ(fake.ficlone_calls(), 2);
}

TEST(CloneTest, ClosedFilesFailWithTheClosingError) {
  FakeSyscalls fake;
  Files f(10);
  ASSERT_TRUE(f.src->Close().ok());
  EXPECT_EQ(Clone(*f.dst, *f.src).error(), Error::Closing());
  EXPECT_EQ(fake.ficlone_calls(), 0);
}

// The real kernel: the test directory clones (XFS, btrfs) or refuses (ext4,
// tmpfs); either way the answer is a decided outcome, never ENOSYS.
TEST(CloneTest, RealKernelAnswers) {
  Files f(10000);
  CopyResult r = Clone(*f.dst, *f.src);
  if (r.outcome() == Outcome::kEnded) {
    EXPECT_EQ(r.n(), 10000);
    EXPECT_EQ(r.syscalls(), 2);  // the ioctl and the fstat
    EXPECT_EQ(Contents(f.dst_path), f.data);
  } else {
    ExpectCloneFellBack(r, Fallback::kRefused, r.fallback_errno());
    EXPECT_TRUE(r.fallback_errno() == Errno(EOPNOTSUPP) || r.fallback_errno() == Errno(EXDEV))
        << r.fallback_errno().Name();
  }
}

}  // namespace
}  // namespace sysport::poll
