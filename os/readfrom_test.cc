// File::ReadFrom and io::Copy into a File, end to end: Go's
// os/readfrom_linux_test.go scenarios, then what Go does not test. Every copy
// checks the count, both offsets, the destination's bytes, and which path
// carried the bytes (through the process-wide counters and the poll seam).
//
// The same tests run in the forced-stub build (--//os:readfrom_stub), where
// every byte must go through the generic path instead.

#include "os/internal/readfrom.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "io/io.h"
#include "os/error.h"
#include "os/file.h"
#include "os/internal/test_util.h"
#include "os/stats.h"
#include "poll/testing/copy_file_range_fake.h"
#include "syscall/errno.h"

namespace sysport::os {
namespace {

using poll::testing::FakeCopyFileRange;
using syscall::Errno;
using testutil::Contents;
using testutil::MakeFile;
using testutil::Offset;
using testutil::Pattern;
using testutil::TempDir;

// Whether this build has the fast path (a function: kHasFastPath lives in
// another translation unit, whose initialization order is not this one's).
bool Fast() { return internal::kHasFastPath; }

// A source file holding `size` pattern bytes and an empty destination.
struct Pair {
  explicit Pair(size_t size, const std::string& src_dir = TempDir(),
                const std::string& dst_dir = TempDir(), int dst_flags = O_RDWR)
      : data(Pattern(size)),
        src_path(MakeFile(src_dir, data)),
        dst_path(MakeFile(dst_dir, "")),
        src(testutil::MustOpenFile(src_path, O_RDONLY)),
        dst(testutil::MustOpenFile(dst_path, dst_flags)) {}
  std::string data;
  std::string src_path;
  std::string dst_path;
  std::unique_ptr<File> src;
  std::unique_ptr<File> dst;
};

// Checks that `bytes` went through the fast path (or, in the stub build, the
// generic one).
void ExpectFastPath(const CopyStats& d, int64_t bytes) {
  if (Fast()) {
    EXPECT_EQ(d.fast_bytes, bytes);
    EXPECT_EQ(d.generic_bytes, 0);
    EXPECT_EQ(d.fast_calls, 1);
  } else {
    EXPECT_EQ(d.fast_bytes, 0);
    EXPECT_EQ(d.generic_bytes, bytes);
    EXPECT_EQ(d.fallback(Fallback::kStub), 1);
  }
}

class ReadFromSizeTest : public ::testing::TestWithParam<size_t> {};

TEST_P(ReadFromSizeTest, CopyWholeFile) {
  const size_t size = GetParam();
  FakeCopyFileRange fake;  // the real kernel, with every call recorded
  Pair p(size);
  CopyStats before = ReadCopyStats();
  io::Result r = io::Copy(*p.dst, *p.src);
  CopyStats d = ReadCopyStats().Since(before);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, static_cast<int64_t>(size));
  EXPECT_EQ(Offset(*p.src), static_cast<int64_t>(size));
  EXPECT_EQ(Offset(*p.dst), static_cast<int64_t>(size));
  EXPECT_EQ(Contents(p.dst_path), p.data);
  ExpectFastPath(d, static_cast<int64_t>(size));
  if (Fast()) {
    // The copy and the end-of-file round: Go's two calls, no more.
    ASSERT_EQ(fake.calls().size(), 2U);
    EXPECT_EQ(fake.calls()[0].in_fd, p.src->Fd());
    EXPECT_EQ(fake.calls()[0].out_fd, p.dst->Fd());
  } else {
    EXPECT_TRUE(fake.calls().empty());
  }
}

TEST_P(ReadFromSizeTest, CopyLimited) {
  const size_t size = GetParam();
  const auto s = static_cast<int64_t>(size);
  for (int64_t limit : {s - 1, s / 2, s + 7}) {
    SCOPED_TRACE(absl::StrCat("limit ", limit));
    FakeCopyFileRange fake;
    Pair p(size);
    io::LimitedReader lr(*p.src, limit);
    CopyStats before = ReadCopyStats();
    io::Result r = p.dst->ReadFrom(lr);
    CopyStats d = ReadCopyStats().Since(before);
    const int64_t want = std::min(limit, s);
    ASSERT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(r.n, want);
    EXPECT_EQ(lr.remaining(), limit - want);
    EXPECT_EQ(Offset(*p.src), want);
    EXPECT_EQ(Offset(*p.dst), want);
    EXPECT_EQ(Contents(p.dst_path), p.data.substr(0, static_cast<size_t>(want)));
    if (want == 0) {
      EXPECT_TRUE(fake.calls().empty());  // N <= 0: nothing to do, no system call
    } else {
      ExpectFastPath(d, want);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(GoSizes, ReadFromSizeTest,
                         ::testing::Values(1, 42, 1025, static_cast<size_t>(::getpagesize()) + 1,
                                           32769));

TEST(ReadFromTest, LimitedReaderWithNothingLeftCopiesNothing) {
  for (int64_t n : {int64_t{0}, int64_t{-3}}) {
    FakeCopyFileRange fake;
    Pair p(100);
    io::LimitedReader lr(*p.src, n);
    io::Result r = p.dst->ReadFrom(lr);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.n, 0);
    EXPECT_EQ(lr.remaining(), n);
    EXPECT_EQ(Offset(*p.src), 0);
    EXPECT_TRUE(fake.calls().empty());
  }
}

TEST(ReadFromTest, AppendDestinationNeverTriesTheFastPath) {
  FakeCopyFileRange fake;
  Pair p(5000);
  const std::string prefix = "already here\n";
  ASSERT_EQ(::truncate(p.dst_path.c_str(), 0), 0);
  {
    auto w = testutil::MustOpenFile(p.dst_path, O_WRONLY);
    ASSERT_TRUE(w->Write(prefix).ok());
  }
  auto dst = testutil::MustOpenFile(p.dst_path, O_WRONLY | O_APPEND);
  CopyStats before = ReadCopyStats();
  io::Result r = io::Copy(*dst, *p.src);
  CopyStats d = ReadCopyStats().Since(before);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 5000);
  EXPECT_EQ(Contents(p.dst_path), prefix + p.data);
  EXPECT_TRUE(fake.calls().empty());
  EXPECT_EQ(d.fast_calls, 0);
  EXPECT_EQ(d.generic_bytes, 5000);
  if (Fast()) {
    EXPECT_EQ(d.fallback(Fallback::kAppendMode), 1);
  }
}

// O_APPEND set with fcntl after open: the File does not know, the kernel
// answers EBADF, and the poll layer falls back (Go fails this copy).
TEST(ReadFromTest, AppendGainedAfterOpenFallsBack) {
  FakeCopyFileRange fake;
  Pair p(3000);
  ASSERT_TRUE(p.dst->Write(std::string("xy")).ok());
  const int flags = ::fcntl(p.dst->Fd(), F_GETFL);
  ASSERT_EQ(::fcntl(p.dst->Fd(), F_SETFL, flags | O_APPEND), 0);
  CopyStats before = ReadCopyStats();
  io::Result r = io::Copy(*p.dst, *p.src);
  CopyStats d = ReadCopyStats().Since(before);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 3000);
  EXPECT_EQ(Contents(p.dst_path), "xy" + p.data);
  EXPECT_EQ(d.generic_bytes, 3000);
  if (Fast()) {
    EXPECT_EQ(fake.calls().size(), 1U);
    EXPECT_EQ(d.fallback_errnos[EBADF], 1);
  }
}

TEST(ReadFromTest, PipeToPipe) {
  auto in = File::Pipe();
  auto out = File::Pipe();
  ASSERT_TRUE(in.ok() && out.ok());
  const std::string data = Pattern(300000);
  std::thread feeder([&] {
    EXPECT_TRUE(in->second->Write(data).ok());
    EXPECT_TRUE(in->second->Close().ok());
  });
  std::string got;
  std::thread drain([&] {
    std::array<char, 8192> buf = {};
    while (true) {
      auto n = out->first->Read(absl::MakeSpan(buf));
      ASSERT_TRUE(n.ok());
      if (*n == 0) break;
      got.append(buf.data(), *n);
    }
  });
  io::Result r = io::Copy(*out->second, *in->first);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, static_cast<int64_t>(data.size()));
  EXPECT_TRUE(out->second->Close().ok());
  feeder.join();
  drain.join();
  EXPECT_EQ(got, data);
}

TEST(ReadFromTest, FileToPipe) {
  Pair p(200000);
  auto pipe = File::Pipe();
  ASSERT_TRUE(pipe.ok());
  std::string got;
  std::thread drain([&] {
    std::array<char, 8192> buf = {};
    while (true) {
      auto n = pipe->first->Read(absl::MakeSpan(buf));
      ASSERT_TRUE(n.ok());
      if (*n == 0) break;
      got.append(buf.data(), *n);
    }
  });
  io::Result r = io::Copy(*pipe->second, *p.src);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 200000);
  EXPECT_EQ(Offset(*p.src), 200000);
  EXPECT_TRUE(pipe->second->Close().ok());
  drain.join();
  EXPECT_EQ(got, p.data);
}

TEST(ReadFromTest, PipeToFile) {
  Pair p(0);
  auto pipe = File::Pipe();
  ASSERT_TRUE(pipe.ok());
  const std::string data = Pattern(150000, 7);
  std::thread feeder([&] {
    EXPECT_TRUE(pipe->second->Write(data).ok());
    EXPECT_TRUE(pipe->second->Close().ok());
  });
  io::Result r = io::Copy(*p.dst, *pipe->first);
  feeder.join();
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 150000);
  EXPECT_EQ(Offset(*p.dst), 150000);
  EXPECT_EQ(Contents(p.dst_path), data);
}

TEST(ReadFromTest, SourceThatIsNotAFileUsesTheGenericPath) {
  Pair p(0);
  testutil::StringReader src(Pattern(70000));
  CopyStats before = ReadCopyStats();
  io::Result r = p.dst->ReadFrom(src);
  CopyStats d = ReadCopyStats().Since(before);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, 70000);
  EXPECT_EQ(Contents(p.dst_path), Pattern(70000));
  EXPECT_EQ(d.generic_bytes, 70000);
  if (Fast()) {
    EXPECT_EQ(d.fallback(Fallback::kSourceNotFile), 1);
  }
}

TEST(ReadFromTest, ClosedDestination) {
  Pair p(100);
  ASSERT_TRUE(p.dst->Close().ok());
  io::Result r = p.dst->ReadFrom(*p.src);
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.status.message(), "write " + p.dst_path + ": file already closed");
  EXPECT_EQ(Offset(*p.src), 0);
}

TEST(ReadFromTest, ClosedSource) {
  FakeCopyFileRange fake;
  Pair p(100);
  ASSERT_TRUE(p.src->Close().ok());
  io::Result r = io::Copy(*p.dst, *p.src);
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.status.message(), "read " + p.src_path + ": file already closed");
  EXPECT_TRUE(IsClosed(r.status));
  EXPECT_EQ(Contents(p.dst_path), "");
  EXPECT_TRUE(fake.calls().empty());
}

TEST(ReadFromTest, SourceNotOpenForReading) {
  Pair p(100);
  auto src = testutil::MustOpenFile(p.src_path, O_WRONLY);
  io::Result r = io::Copy(*p.dst, *src);
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.status.message(), "read " + p.src_path + ": bad file descriptor");
  EXPECT_EQ(ErrnoOf(r.status), EBADF);
  EXPECT_EQ(Contents(p.dst_path), "");
}

TEST(ReadFromTest, DestinationNotOpenForWriting) {
  Pair p(100, TempDir(), TempDir(), O_RDONLY);
  io::Result r = io::Copy(*p.dst, *p.src);
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.status.message(), "write " + p.dst_path + ": bad file descriptor");
  EXPECT_EQ(ErrnoOf(r.status), EBADF);
}

TEST(ReadFromTest, ProcSelfCmdlineCopiedWhole) {
  Pair p(0);
  auto src = File::Open("/proc/self/cmdline");
  ASSERT_TRUE(src.ok());
  const std::string want = Contents("/proc/self/cmdline");
  ASSERT_FALSE(want.empty());
  io::Result r = io::Copy(*p.dst, **src);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, static_cast<int64_t>(want.size()));
  EXPECT_EQ(Contents(p.dst_path), want);
}

TEST(ReadFromTest, TmpfsToDiskThroughTheFallback) {
  if (::access("/dev/shm", W_OK) != 0) GTEST_SKIP() << "no writable /dev/shm";
  Pair p(1 << 20, "/dev/shm", TempDir());
  CopyStats before = ReadCopyStats();
  io::Result r = io::Copy(*p.dst, *p.src);
  CopyStats d = ReadCopyStats().Since(before);
  ::unlink(p.src_path.c_str());
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 1 << 20);
  EXPECT_EQ(Offset(*p.dst), 1 << 20);
  EXPECT_EQ(Contents(p.dst_path), p.data);
  EXPECT_EQ(d.fast_bytes + d.generic_bytes, 1 << 20);
  // On kernels since 5.18/5.19, tmpfs to another filesystem is EXDEV.
  std::cout << "tmpfs -> " << TempDir() << ": " << d.ToString() << "\n";
}

// --- Faults injected through the poll seam, end to end. ---

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Fast()) GTEST_SKIP() << "stub build: there is no fast path to inject faults into";
  }
};

TEST_F(FaultTest, EveryFallbackErrnoBeforeAnyByte) {
  for (int e : {ENOSYS, EXDEV, EINVAL, EIO, EOPNOTSUPP, EPERM, EBADF, EFBIG, EOVERFLOW, EACCES,
                ENOENT, ETXTBSY}) {
    SCOPED_TRACE(Errno(e).Name());
    FakeCopyFileRange fake;
    fake.FailRound(1, Errno(e));
    Pair p(10000);
    CopyStats before = ReadCopyStats();
    io::Result r = io::Copy(*p.dst, *p.src);
    CopyStats d = ReadCopyStats().Since(before);
    ASSERT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(r.n, 10000);
    EXPECT_EQ(Offset(*p.src), 10000);
    EXPECT_EQ(Offset(*p.dst), 10000);
    EXPECT_EQ(Contents(p.dst_path), p.data);
    EXPECT_EQ(d.fast_bytes, 0);
    EXPECT_EQ(d.generic_bytes, 10000);
    EXPECT_EQ(d.fallback_errnos[e], 1);
  }
}

TEST_F(FaultTest, EveryFallbackErrnoAfterBytesMovedCountsBothPaths) {
  for (int e : {ENOSYS, EXDEV, EINVAL, EIO, EOPNOTSUPP, EPERM, EBADF, EFBIG, EOVERFLOW, EACCES,
                ENOENT, ETXTBSY}) {
    SCOPED_TRACE(Errno(e).Name());
    FakeCopyFileRange fake;
    fake.ShortRound(1, 4000);
    fake.FailRound(2, Errno(e));
    Pair p(10000);
    CopyStats before = ReadCopyStats();
    io::Result r = io::Copy(*p.dst, *p.src);
    CopyStats d = ReadCopyStats().Since(before);
    ASSERT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(r.n, 10000);  // Go would report 6000 here
    EXPECT_EQ(Contents(p.dst_path), p.data);
    EXPECT_EQ(d.fast_bytes, 4000);
    EXPECT_EQ(d.generic_bytes, 6000);
  }
}

TEST_F(FaultTest, LimitedReaderStaysExactAcrossTheSwitch) {
  FakeCopyFileRange fake;
  fake.ShortRound(1, 1000);
  fake.FailRound(2, Errno(EXDEV));
  Pair p(10000);
  io::LimitedReader lr(*p.src, 7000);
  io::Result r = p.dst->ReadFrom(lr);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 7000);
  EXPECT_EQ(lr.remaining(), 0);
  EXPECT_EQ(Offset(*p.src), 7000);
  EXPECT_EQ(Contents(p.dst_path), p.data.substr(0, 7000));
}

TEST_F(FaultTest, NoSpaceAfterSomeBytes) {
  FakeCopyFileRange fake;
  fake.ShortRound(1, 2500);
  fake.FailRound(2, Errno(ENOSPC));
  Pair p(10000);
  io::Result r = io::Copy(*p.dst, *p.src);
  EXPECT_EQ(r.n, 2500);
  EXPECT_EQ(r.status.message(),
            "write " + p.dst_path + ": copy_file_range: no space left on device");
  EXPECT_EQ(ErrnoOf(r.status), ENOSPC);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(Contents(p.dst_path).size(), 2500U);  // the count is what the destination holds
}

TEST_F(FaultTest, NoSpaceBeforeAnyByte) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(ENOSPC));
  Pair p(100);
  io::Result r = io::Copy(*p.dst, *p.src);
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(ErrnoOf(r.status), ENOSPC);
  EXPECT_EQ(Contents(p.dst_path), "");
}

TEST_F(FaultTest, SeccompEpermDisablesTheFastPathForTheProcess) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(EPERM));
  fake.SetProbeResult(Errno(EPERM));
  for (int i = 0; i < 3; ++i) {
    Pair p(5000);
    CopyStats before = ReadCopyStats();
    io::Result r = io::Copy(*p.dst, *p.src);
    CopyStats d = ReadCopyStats().Since(before);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(Contents(p.dst_path), p.data);
    EXPECT_EQ(d.fallback(Fallback::kSyscallUnavailable), 1);
  }
  EXPECT_EQ(fake.calls().size(), 1U);
  EXPECT_EQ(fake.probes(), 1);
}

TEST_F(FaultTest, OldKernelUsesTheGenericPath) {
  FakeCopyFileRange fake;
  fake.SetKernelVersion({4, 19});
  Pair p(5000);
  CopyStats before = ReadCopyStats();
  io::Result r = io::Copy(*p.dst, *p.src);
  CopyStats d = ReadCopyStats().Since(before);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Contents(p.dst_path), p.data);
  EXPECT_EQ(d.fallback(Fallback::kKernelTooOld), 1);
  EXPECT_TRUE(fake.calls().empty());
}

TEST_F(FaultTest, ZeroOnTheFirstRoundFallsBack) {
  FakeCopyFileRange fake;
  fake.ReturnWithoutCopying(1, 0);
  Pair p(5000);
  CopyStats before = ReadCopyStats();
  io::Result r = io::Copy(*p.dst, *p.src);
  CopyStats d = ReadCopyStats().Since(before);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.n, 5000);
  EXPECT_EQ(Contents(p.dst_path), p.data);
  EXPECT_EQ(d.fallback(Fallback::kNothingCopied), 1);
}

TEST_F(FaultTest, EintrIsInvisible) {
  FakeCopyFileRange fake;
  fake.FailRound(1, Errno(EINTR));
  Pair p(5000);
  io::Result r = io::Copy(*p.dst, *p.src);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.n, 5000);
  EXPECT_EQ(Contents(p.dst_path), p.data);
}

TEST_F(FaultTest, OtherErrorAfterBytesIsReportedWithCount) {
  FakeCopyFileRange fake;
  fake.ShortRound(1, 100);
  fake.FailRound(2, Errno(EDQUOT));
  Pair p(1000);
  io::Result r = io::Copy(*p.dst, *p.src);
  EXPECT_EQ(r.n, 100);
  EXPECT_EQ(ErrnoOf(r.status), EDQUOT);
  EXPECT_EQ(r.status.message(), "write " + p.dst_path + ": copy_file_range: disk quota exceeded");
  EXPECT_EQ(Contents(p.dst_path).size(), 100U);
}

}  // namespace
}  // namespace sysport::os
