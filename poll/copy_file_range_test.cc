#include "poll/copy_file_range.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"
#include "poll/fd.h"
#include "poll/internal/copy_file_range_env.h"
#include "poll/internal/test_util.h"
#include "poll/testing/copy_file_range_fake.h"
#include "syscall/linux.h"
#include "syscall/unix.h"

namespace sysport::poll {
namespace {

using internal::CopyFileRangeSupport;
using syscall::Errno;
using testing::FakeCopyFileRange;
using testutil::Offset;
using testutil::OpenFD;
using testutil::Pattern;
using testutil::ReadFile;
using testutil::TempDir;
using testutil::WriteTempFile;

constexpr int64_t kNoLimit = INT64_MAX;

// A source file with `size` pattern bytes and an empty destination, both on
// the test's temporary directory (one filesystem).
struct Files {
  explicit Files(size_t size)
      : data(Pattern(size)),
        src_path(WriteTempFile(TempDir(), data)),
        dst_path(WriteTempFile(TempDir(), "")),
        src(OpenFD(src_path, O_RDONLY)),
        dst(OpenFD(dst_path, O_WRONLY)) {}
  std::string data;
  std::string src_path;
  std::string dst_path;
  std::unique_ptr<FD> src;
  std::unique_ptr<FD> dst;
};

TEST(CopyFileRangeTest, NothingToCopyMakesNoSystemCall) {
  FakeCopyFileRange fake;
  Files f(10);
  for (int64_t remain : {int64_t{0}, int64_t{-1}, INT64_MIN}) {
    CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, remain);
    EXPECT_TRUE(r.handled);
    EXPECT_EQ(r.written, 0);
    EXPECT_TRUE(r.err.ok());
  }
  EXPECT_TRUE(fake.calls().empty());
  EXPECT_EQ(fake.kernel_version_queries(), 0);
}

TEST(CopyFileRangeTest, CopiesWithKernelOwnedOffsetsAndRecordsArguments) {
  FakeCopyFileRange fake;
  Files f(5000);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_TRUE(r.handled);
  EXPECT_TRUE(r.err.ok());
  EXPECT_EQ(r.written, 5000);
  EXPECT_EQ(r.fallback, CopyFileRangeFallback::kNone);
  EXPECT_EQ(ReadFile(f.dst_path), f.data);
  EXPECT_EQ(Offset(*f.src), 5000);
  EXPECT_EQ(Offset(*f.dst), 5000);
  auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 2U);  // the copy, then 0 at the end of the source
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
  FakeCopyFileRange fake;
  Files f(100);
  // Round 1 claims a full round without copying, so round 2 asks for the
  // remaining 7 bytes only.
  fake.ReturnWithoutCopying(1, static_cast<size_t>(kMaxCopyFileRangeRound));
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kMaxCopyFileRangeRound + 7);
  EXPECT_TRUE(r.handled);
  EXPECT_EQ(r.written, kMaxCopyFileRangeRound + 7);
  auto calls = fake.calls();
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_EQ(calls[0].len, static_cast<size_t>(kMaxCopyFileRangeRound));
  EXPECT_EQ(calls[1].len, 7U);
  EXPECT_EQ(ReadFile(f.dst_path), f.data.substr(0, 7));
}

TEST(CopyFileRangeTest, LimitStopsTheCopy) {
  FakeCopyFileRange fake;
  Files f(1000);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, 300);
  EXPECT_TRUE(r.handled);
  EXPECT_EQ(r.written, 300);
  EXPECT_EQ(fake.calls().size(), 1U);  // no round after the limit is reached
  EXPECT_EQ(Offset(*f.src), 300);
  EXPECT_EQ(ReadFile(f.dst_path), f.data.substr(0, 300));
}

TEST(CopyFileRangeTest, OldKernelIsNeverTriedAndDecidedOnce) {
  FakeCopyFileRange fake;
  fake.SetKernelVersion({5, 2});
  Files f(10);
  for (int i = 0; i < 3; ++i) {
    CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    EXPECT_FALSE(r.handled);
    EXPECT_EQ(r.written, 0);
    EXPECT_EQ(r.fallback, CopyFileRangeFallback::kKernelTooOld);
  }
  EXPECT_TRUE(fake.calls().empty());
  EXPECT_EQ(fake.kernel_version_queries(), 1);
  EXPECT_EQ(internal::GetCopyFileRangeSupport(), CopyFileRangeSupport::kKernelTooOld);
}

TEST(CopyFileRangeTest, Kernel53IsTriedAndDecidedOnce) {
  FakeCopyFileRange fake;
  fake.SetKernelVersion({5, 3});
  Files f(10);
  for (int i = 0; i < 3; ++i) {
    (void)f.src->Seek(0, SEEK_SET);
    CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, 10);
    EXPECT_TRUE(r.handled);
    EXPECT_EQ(r.written, 10);
  }
  EXPECT_EQ(fake.kernel_version_queries(), 1);
  EXPECT_EQ(internal::GetCopyFileRangeSupport(), CopyFileRangeSupport::kKernelOk);
}

// Each errno that means "not for these files": not handled, nothing written,
// the errno reported, and the next copy tries the system call again.
TEST(CopyFileRangeTest, FallbackErrnosBeforeAnyByte) {
  for (int e : {EXDEV, EINVAL, EIO, EOPNOTSUPP, ENOTSUP, EBADF, EFBIG, EOVERFLOW, EACCES, ENOENT,
                ETXTBSY}) {
    SCOPED_TRACE(Errno(e).Name());
    FakeCopyFileRange fake;
    fake.FailRound(1, Errno(e));
    Files f(100);
    CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    EXPECT_FALSE(r.handled);
    EXPECT_EQ(r.written, 0);
    EXPECT_TRUE(r.err.ok());
    EXPECT_EQ(r.fallback, CopyFileRangeFallback::kErrno);
    EXPECT_EQ(r.fallback_errno, Errno(e));
    EXPECT_EQ(fake.probes(), 0);  // only ENOSYS and EPERM probe
    EXPECT_EQ(Offset(*f.src), 0);
    // Not process-wide: the next copy tries again, and works.
    CopyFileRangeResult again = CopyFileRange(*f.dst, *f.src, kNoLimit);
    EXPECT_TRUE(again.handled);
    EXPECT_EQ(again.written, 100);
  }
}

TEST(CopyFileRangeTest, EnosysConfirmedByProbeDisablesForTheProcess) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(ENOSYS));
  fake.SetProbeResult(Errno(ENOSYS));
  Files f(100);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_FALSE(r.handled);
  EXPECT_EQ(r.fallback, CopyFileRangeFallback::kSyscallUnavailable);
  EXPECT_EQ(r.fallback_errno, Errno(ENOSYS));
  EXPECT_EQ(fake.probes(), 1);
  EXPECT_EQ(internal::GetCopyFileRangeSupport(), CopyFileRangeSupport::kUnavailable);
  // Later copies do not try at all.
  CopyFileRangeResult later = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_FALSE(later.handled);
  EXPECT_EQ(later.fallback, CopyFileRangeFallback::kSyscallUnavailable);
  EXPECT_EQ(fake.calls().size(), 1U);
  EXPECT_EQ(fake.probes(), 1);
}

TEST(CopyFileRangeTest, SeccompEpermConfirmedByProbeDisablesForTheProcess) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(EPERM));
  fake.SetProbeResult(Errno(EPERM));
  Files f(100);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_FALSE(r.handled);
  EXPECT_EQ(r.fallback, CopyFileRangeFallback::kSyscallUnavailable);
  EXPECT_EQ(r.fallback_errno, Errno(EPERM));
  EXPECT_EQ(CopyFileRange(*f.dst, *f.src, kNoLimit).fallback,
            CopyFileRangeFallback::kSyscallUnavailable);
  EXPECT_EQ(fake.calls().size(), 1U);
}

TEST(CopyFileRangeTest, LegitimateEpermFallsBackOnceAndKeepsTrying) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(EPERM));  // an immutable destination, say
  fake.FailRound(2, Errno(EPERM));
  Files f(100);
  // The real kernel answers the probe: EBADF, the system call works.
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_FALSE(r.handled);
  EXPECT_EQ(r.fallback, CopyFileRangeFallback::kErrno);
  EXPECT_EQ(r.fallback_errno, Errno(EPERM));
  EXPECT_EQ(fake.probes(), 1);
  EXPECT_EQ(internal::GetCopyFileRangeSupport(), CopyFileRangeSupport::kProbedOk);
  // A second EPERM does not probe again; a third copy succeeds.
  EXPECT_EQ(CopyFileRange(*f.dst, *f.src, kNoLimit).fallback, CopyFileRangeFallback::kErrno);
  EXPECT_EQ(fake.probes(), 1);
  CopyFileRangeResult ok = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_TRUE(ok.handled);
  EXPECT_EQ(ok.written, 100);
}

TEST(CopyFileRangeTest, RealProbeSaysTheSystemCallWorks) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(ENOSYS));  // as a FUSE filesystem might, per file
  Files f(10);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_FALSE(r.handled);
  EXPECT_EQ(r.fallback, CopyFileRangeFallback::kErrno);
  EXPECT_EQ(internal::GetCopyFileRangeSupport(), CopyFileRangeSupport::kProbedOk);
}

TEST(CopyFileRangeTest, FallbackErrnoAfterBytesMovedKeepsTheExactCount) {
  FakeCopyFileRange fake;
  fake.ShortRound(1, 1000);
  fake.FailRound(2, Errno(EXDEV));
  Files f(4000);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_FALSE(r.handled);
  EXPECT_EQ(r.written, 1000);
  EXPECT_EQ(r.fallback, CopyFileRangeFallback::kErrno);
  EXPECT_EQ(r.fallback_errno, Errno(EXDEV));
  // The caller continues from here: both offsets advanced by exactly 1000.
  EXPECT_EQ(Offset(*f.src), 1000);
  EXPECT_EQ(Offset(*f.dst), 1000);
  EXPECT_EQ(ReadFile(f.dst_path), f.data.substr(0, 1000));
}

TEST(CopyFileRangeTest, EnosysAfterBytesMovedFallsBackWithCount) {
  FakeCopyFileRange fake;
  fake.ShortRound(1, 10);
  fake.FailRound(2, Errno(ENOSYS));
  Files f(50);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_FALSE(r.handled);
  EXPECT_EQ(r.written, 10);
  EXPECT_EQ(r.fallback_errno, Errno(ENOSYS));
}

TEST(CopyFileRangeTest, OtherErrorBeforeAnyByteIsHandled) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(ENOSPC));
  Files f(100);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_TRUE(r.handled);
  EXPECT_EQ(r.written, 0);
  EXPECT_EQ(r.err, Error(Errno(ENOSPC)));
  EXPECT_EQ(r.fallback, CopyFileRangeFallback::kNone);
}

TEST(CopyFileRangeTest, OtherErrorAfterBytesMovedIsHandledWithCount) {
  FakeCopyFileRange fake;
  fake.ShortRound(1, 123);
  fake.FailRound(2, Errno(ENOSPC));
  Files f(1000);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_TRUE(r.handled);
  EXPECT_EQ(r.written, 123);
  EXPECT_EQ(r.err, Error(Errno(ENOSPC)));
  EXPECT_EQ(ReadFile(f.dst_path).size(), 123U);
}

TEST(CopyFileRangeTest, EintrIsRetried) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(EINTR));
  fake.FailRound(2, Errno(EINTR));
  Files f(100);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_TRUE(r.handled);
  EXPECT_EQ(r.written, 100);
  EXPECT_EQ(fake.calls().size(), 4U);  // EINTR, EINTR, 100 bytes, 0
}

TEST(CopyFileRangeTest, ZeroOnTheFirstRoundIsNotHandled) {
  FakeCopyFileRange fake;
  fake.ReturnWithoutCopying(1, 0);  // what procfs and sysfs files do
  Files f(100);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_FALSE(r.handled);
  EXPECT_EQ(r.written, 0);
  EXPECT_EQ(r.fallback, CopyFileRangeFallback::kNothingCopied);
}

TEST(CopyFileRangeTest, ZeroAfterBytesMovedIsTheEnd) {
  FakeCopyFileRange fake;
  fake.ShortRound(1, 30);
  fake.ShortRound(2, 30);
  Files f(60);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_TRUE(r.handled);
  EXPECT_EQ(r.written, 60);
  EXPECT_EQ(fake.calls().size(), 3U);
  EXPECT_EQ(ReadFile(f.dst_path), f.data);
}

TEST(CopyFileRangeTest, ProcfsCopiesNothing) {
  FakeCopyFileRange fake;
  auto src = OpenFD("/proc/self/cmdline", O_RDONLY);
  Files f(0);
  CopyFileRangeResult r = CopyFileRange(*f.dst, *src, kNoLimit);
  EXPECT_FALSE(r.handled);
  EXPECT_EQ(r.written, 0);
  // Kernels answer 0 (most) or EINVAL/EXDEV (some): either way, the caller copies.
  EXPECT_TRUE(r.fallback == CopyFileRangeFallback::kNothingCopied ||
              r.fallback == CopyFileRangeFallback::kErrno);
}

TEST(CopyFileRangeTest, ClosedFilesAreHandledWithTheClosingError) {
  FakeCopyFileRange fake;
  Files f(10);
  ASSERT_TRUE(f.src->Close().ok());
  CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
  EXPECT_TRUE(r.handled);
  EXPECT_EQ(r.err, Error::Closing());
  Files g(10);
  ASSERT_TRUE(g.dst->Close().ok());
  EXPECT_EQ(CopyFileRange(*g.dst, *g.src, kNoLimit).err, Error::Closing());
  EXPECT_TRUE(fake.calls().empty());
}

// A Close of the source while a round is in the kernel must wait for it: the
// round holds the source's read lock, so close(2) runs after it returns.
class CloseDuringRound final : public internal::CopyFileRangeEnv {
 public:
  explicit CloseDuringRound(FD* src) : src_(src), previous_(internal::SetCopyFileRangeEnv(this)) {}
  ~CloseDuringRound() override { internal::SetCopyFileRangeEnv(previous_); }
  CloseDuringRound(const CloseDuringRound&) = delete;
  CloseDuringRound& operator=(const CloseDuringRound&) = delete;

  syscall::Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                        size_t len, unsigned flags) override {
    ++rounds;
    if (!closer_.joinable()) {
      closer_ = std::thread([this] { close_err = src_->Close(); });
      while (src_->UnsafeSysfd() != -1) std::this_thread::yield();
      fd_open_during_round = ::fcntl(in_fd, F_GETFD) != -1;
    }
    return syscall::CopyFileRange(in_fd, in_off, out_fd, out_off, len, flags);
  }
  syscall::KernelVersion GetKernelVersion() override { return {6, 0}; }
  void Join() { closer_.join(); }

  int rounds = 0;
  bool fd_open_during_round = false;
  Error close_err = Error::Closing();

 private:
  FD* src_;
  internal::CopyFileRangeEnv* previous_;
  std::thread closer_;
};

TEST(CopyFileRangeTest, CloseWaitsForTheRoundInFlight) {
  Files f(4096);
  const auto saved = internal::GetCopyFileRangeSupport();
  CopyFileRangeResult r;
  {
    CloseDuringRound env(f.src.get());
    r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    env.Join();
    EXPECT_TRUE(env.fd_open_during_round);
    EXPECT_TRUE(env.close_err.ok());
    EXPECT_EQ(env.rounds, 1);  // the next round found the source closed
  }
  internal::SetCopyFileRangeSupport(saved);
  EXPECT_TRUE(r.handled);
  EXPECT_EQ(r.written, 4096);
  EXPECT_EQ(r.err, Error::Closing());
  EXPECT_EQ(ReadFile(f.dst_path), f.data);
}

// Real copies through the real kernel, no fake: counts and both offsets.
TEST(CopyFileRangeTest, RealCopies) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{4097}}) {
    SCOPED_TRACE(size);
    Files f(size);
    CopyFileRangeResult r = CopyFileRange(*f.dst, *f.src, kNoLimit);
    EXPECT_EQ(r.written, static_cast<int64_t>(size));
    EXPECT_TRUE(r.err.ok());
    if (size == 0) {
      EXPECT_FALSE(r.handled);  // nothing copied: the caller's read finds EOF
      EXPECT_EQ(r.fallback, CopyFileRangeFallback::kNothingCopied);
    } else {
      EXPECT_TRUE(r.handled);
    }
    EXPECT_EQ(Offset(*f.src), static_cast<int64_t>(size));
    EXPECT_EQ(Offset(*f.dst), static_cast<int64_t>(size));
    EXPECT_EQ(ReadFile(f.dst_path), f.data);
  }
}

TEST(CopyFileRangeTest, FallbackNames) {
  EXPECT_EQ(FallbackName(CopyFileRangeFallback::kNone), "none");
  EXPECT_EQ(FallbackName(CopyFileRangeFallback::kKernelTooOld), "kernel too old");
  EXPECT_EQ(FallbackName(CopyFileRangeFallback::kSyscallUnavailable), "syscall unavailable");
  EXPECT_EQ(FallbackName(CopyFileRangeFallback::kErrno), "errno");
  EXPECT_EQ(FallbackName(CopyFileRangeFallback::kNothingCopied), "nothing copied");
}

}  // namespace
}  // namespace sysport::poll
