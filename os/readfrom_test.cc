// File::ReadFrom and io::Copy into a File, end to end: Go's
// os/readfrom_linux_test.go scenarios, then what Go does not test. Every copy
// checks the count, both offsets, the destination's bytes, and which path
// carried the bytes (through the destination's copy observer and the poll
// seam's record of system calls).
//
// The same tests run in the forced-stub build (--//os:readfrom_stub), where
// every byte must go through the read/write loop instead.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/file.h"
#include "poll/copy_result.h"
#include "poll/testing/fake_syscalls.h"
#include "syscall/errno.h"
#include "testutil/testutil.h"

namespace sysport::os {
namespace {

using poll::Fallback;
using poll::testing::FakeSyscalls;
using syscall::Errno;
using testutil::Contents;
using testutil::MakeFile;
using testutil::Pattern;
using testutil::TempDir;

// Whether this build has the in-kernel copy (false in the stub build).
constexpr bool kKernelCopy = SYSPORT_TEST_KERNEL_COPY != 0;

int64_t Offset(const File& f) { return testutil::Offset(f.Fd()); }

std::unique_ptr<File> MustOpen(const std::string& path, int flags) {
  auto f = File::OpenFile(path, flags, 0);
  if (!f.ok()) {
    ADD_FAILURE() << f.status();
    std::abort();
  }
  return *std::move(f);
}

// A source file holding `size` pattern bytes and an empty destination, whose
// copies report to `counters`.
struct Pair {
  explicit Pair(size_t size, const std::string& src_dir = TempDir(),
                const std::string& dst_dir = TempDir(), int dst_flags = O_RDWR)
      : data(Pattern(size)),
        src_path(MakeFile(data, src_dir)),
        dst_path(MakeFile("", dst_dir)),
        src(MustOpen(src_path, O_RDONLY)),
        dst(MustOpen(dst_path, dst_flags)) {
    dst->SetCopyObserver(&counters);
  }
  CopyCounters::Totals totals() const { return counters.totals(); }

  std::string data;
  std::string src_path;
  std::string dst_path;
  std::unique_ptr<File> src;
  std::unique_ptr<File> dst;
  CopyCounters counters;
};

const CopyCounters::MethodCounts& CopyFileRangeCounts(const CopyCounters::Totals& t) {
  return t.of(poll::CopyMethod::kCopyFileRange);
}

const CopyCounters::MethodCounts& SendfileCounts(const CopyCounters::Totals& t) {
  return t.of(poll::CopyMethod::kSendfile);
}

// Whether a copy_file_range refusal with this errno (the probe, if any,
// finding the system call working) is about the filesystems, so that
// sendfile copies the rest (poll::PageCacheCopyMayWork).
bool SendfileFollows(int err) {
  constexpr std::array<int, 6> kAboutTheFilesystems = {EXDEV,  EOPNOTSUPP, EIO,
                                                       ENOENT, EACCES,     ENOSYS};
  return std::ranges::find(kAboutTheFilesystems, err) != kAboutTheFilesystems.end();
}

// How many fallbacks for `reason` (and, if given, that errno) were reported.
int64_t Fallbacks(const CopyCounters::Totals& t, Fallback reason, int err = 0) {
  int64_t n = 0;
  for (const auto& [key, count] : t.fallbacks) {
    if (key.reason == reason && (err == 0 || key.err == Errno(err))) n += count;
  }
  return n;
}

// Checks that `bytes` went through copy_file_range in one attempt (or, in
// the stub build, through the read/write loop).
void ExpectKernelCopied(const CopyCounters::Totals& t, int64_t bytes) {
  if (kKernelCopy) {
    EXPECT_EQ(CopyFileRangeCounts(t).bytes, bytes);
    EXPECT_EQ(CopyFileRangeCounts(t).attempts, 1);
    EXPECT_EQ(t.read_write.bytes, 0);
    EXPECT_TRUE(t.fallbacks.empty());
  } else {
    EXPECT_EQ(CopyFileRangeCounts(t).bytes, 0);
    EXPECT_EQ(t.read_write.bytes, bytes);
    EXPECT_EQ(Fallbacks(t, Fallback::kNoKernelCopy), 1);
  }
}

// io::Copy of the whole pair, which must succeed with every byte in place
// and both offsets at the end; returns what the destination's observer was
// told.
CopyCounters::Totals CopyAllAndCheck(Pair& p) {
  const auto size = static_cast<int64_t>(p.data.size());
  io::Result r = io::Copy(*p.dst, *p.src);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, size);
  EXPECT_EQ(Offset(*p.src), size);
  EXPECT_EQ(Offset(*p.dst), size);
  EXPECT_EQ(Contents(p.dst_path), p.data);
  return p.totals();
}

class ReadFromSizeTest : public ::testing::TestWithParam<size_t> {};

TEST_P(ReadFromSizeTest, CopyWholeFile) {
  const size_t size = GetParam();
  FakeSyscalls fake;  // the real kernel, with every call recorded
  Pair p(size);
  ExpectKernelCopied(CopyAllAndCheck(p), static_cast<int64_t>(size));
  if (kKernelCopy) {
    // The copy and the end-of-file round: Go's two calls, no more.
    const auto calls = fake.copy_file_range_calls();
    ASSERT_EQ(calls.size(), 2U);
    EXPECT_EQ(CopyFileRangeCounts(p.totals()).syscalls, 2);
    EXPECT_EQ(calls[0].in_fd, p.src->Fd());
    EXPECT_EQ(calls[0].out_fd, p.dst->Fd());
  } else {
    EXPECT_TRUE(fake.copy_file_range_calls().empty());
  }
}

TEST_P(ReadFromSizeTest, CopyLimited) {
  const size_t size = GetParam();
  const auto s = static_cast<int64_t>(size);
  for (int64_t limit : {s - 1, s / 2, s + 7}) {
    SCOPED_TRACE(absl::StrCat("limit ", limit));
    FakeSyscalls fake;
    Pair p(size);
    io::LimitedReader lr(*p.src, limit);
    io::Result r = p.dst->ReadFrom(lr);
    const int64_t want = std::min(limit, s);
    ASSERT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(r.n, want);
    EXPECT_EQ(lr.remaining(), limit - want);
    EXPECT_EQ(Offset(*p.src), want);
    EXPECT_EQ(Offset(*p.dst), want);
    EXPECT_EQ(Contents(p.dst_path), p.data.substr(0, static_cast<size_t>(want)));
    if (want == 0) {
      EXPECT_TRUE(fake.copy_file_range_calls().empty());  // N <= 0: nothing to do
    } else {
      ExpectKernelCopied(p.totals(), want);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(GoSizes, ReadFromSizeTest,
                         ::testing::Values(1, 42, 1025, static_cast<size_t>(::getpagesize()) + 1,
                                           32769));

TEST(ReadFromTest, LimitedReaderWithNothingLeftCopiesNothing) {
  for (int64_t n : {int64_t{0}, int64_t{-3}}) {
    FakeSyscalls fake;
    Pair p(100);
    io::LimitedReader lr(*p.src, n);
    io::Result r = p.dst->ReadFrom(lr);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.n, 0);
    EXPECT_EQ(lr.remaining(), n);
    EXPECT_EQ(Offset(*p.src), 0);
    EXPECT_TRUE(fake.copy_file_range_calls().empty());
    EXPECT_TRUE(p.totals().fallbacks.empty());  // nothing to decide
  }
}

// io::CopyN with a negative count between two real files: nothing copied,
// no system call, and OK (Go's (0, nil)), not the end of the input.
TEST(ReadFromTest, CopyNWithANegativeCountCopiesNothing) {
  FakeSyscalls fake;
  Pair p(100);
  io::Result r = io::CopyN(*p.dst, *p.src, -1);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_FALSE(io::IsEndOfInput(r.status));
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(Offset(*p.src), 0);
  EXPECT_EQ(Contents(p.dst_path), "");
  EXPECT_TRUE(fake.copy_file_range_calls().empty());
}

TEST(ReadFromTest, AppendDestinationNeverTriesTheFastPath) {
  FakeSyscalls fake;
  Pair p(5000);
  const std::string prefix = "already here\n";
  ASSERT_TRUE(p.dst->Write(prefix).ok());
  auto dst = MustOpen(p.dst_path, O_WRONLY | O_APPEND);
  dst->SetCopyObserver(&p.counters);
  io::Result r = io::Copy(*dst, *p.src);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 5000);
  EXPECT_EQ(Contents(p.dst_path), prefix + p.data);
  EXPECT_TRUE(fake.copy_file_range_calls().empty());
  const CopyCounters::Totals t = p.totals();
  EXPECT_EQ(CopyFileRangeCounts(t).attempts, 0);
  EXPECT_EQ(CopyFileRangeCounts(t).syscalls, 0);
  EXPECT_EQ(t.read_write.bytes, 5000);
  EXPECT_EQ(Fallbacks(t, kKernelCopy ? Fallback::kAppendMode : Fallback::kNoKernelCopy), 1);
}

// O_APPEND set with fcntl after open: the File does not know, the kernel
// answers EBADF, and the poll layer falls back (Go fails this copy).
TEST(ReadFromTest, AppendGainedAfterOpenFallsBack) {
  FakeSyscalls fake;
  Pair p(3000);
  ASSERT_TRUE(p.dst->Write(std::string("xy")).ok());
  const int flags = ::fcntl(p.dst->Fd(), F_GETFL);
  ASSERT_EQ(::fcntl(p.dst->Fd(), F_SETFL, flags | O_APPEND), 0);
  io::Result r = io::Copy(*p.dst, *p.src);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 3000);
  EXPECT_EQ(Contents(p.dst_path), "xy" + p.data);
  const CopyCounters::Totals t = p.totals();
  EXPECT_EQ(t.read_write.bytes, 3000);
  if (kKernelCopy) {
    EXPECT_EQ(fake.copy_file_range_calls().size(), 1U);
    EXPECT_EQ(Fallbacks(t, Fallback::kRefused, EBADF), 1);
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
  absl::StatusOr<std::string> got;
  std::thread drain([&] { got = testutil::ReadAll(*out->first); });
  io::Result r = io::Copy(*out->second, *in->first);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, static_cast<int64_t>(data.size()));
  EXPECT_TRUE(out->second->Close().ok());
  feeder.join();
  drain.join();
  EXPECT_EQ(got.value_or("(read failed)"), data);
}

TEST(ReadFromTest, FileToPipe) {
  Pair p(200000);
  auto pipe = File::Pipe();
  ASSERT_TRUE(pipe.ok());
  absl::StatusOr<std::string> got;
  std::thread drain([&] { got = testutil::ReadAll(*pipe->first); });
  io::Result r = io::Copy(*pipe->second, *p.src);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 200000);
  EXPECT_EQ(Offset(*p.src), 200000);
  EXPECT_TRUE(pipe->second->Close().ok());
  drain.join();
  EXPECT_EQ(got.value_or("(read failed)"), p.data);
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

TEST(ReadFromTest, SourceThatIsNotAFileUsesTheReadWriteLoop) {
  Pair p(0);
  testutil::StringReader src(Pattern(70000), 30000);
  io::Result r = p.dst->ReadFrom(src);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, 70000);
  EXPECT_EQ(Contents(p.dst_path), Pattern(70000));
  const CopyCounters::Totals t = p.totals();
  EXPECT_EQ(t.read_write.bytes, 70000);
  EXPECT_EQ(t.read_write.reads, 4);  // 30000, 30000, 10000, then the end
  EXPECT_EQ(t.read_write.writes, 3);
  EXPECT_EQ(Fallbacks(t, Fallback::kSourceNotFile), 1);
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
  FakeSyscalls fake;
  Pair p(100);
  ASSERT_TRUE(p.src->Close().ok());
  io::Result r = io::Copy(*p.dst, *p.src);
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(r.status.message(), "read " + p.src_path + ": file already closed");
  EXPECT_TRUE(IsClosed(r.status));
  EXPECT_EQ(Contents(p.dst_path), "");
  EXPECT_TRUE(fake.copy_file_range_calls().empty());
}

TEST(ReadFromTest, SourceNotOpenForReading) {
  Pair p(100);
  auto src = MustOpen(p.src_path, O_WRONLY);
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
  io::Result r = io::Copy(*p.dst, *p.src);
  ::unlink(p.src_path.c_str());
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 1 << 20);
  EXPECT_EQ(Offset(*p.dst), 1 << 20);
  EXPECT_EQ(Contents(p.dst_path), p.data);
  const CopyCounters::Totals t = p.totals();
  EXPECT_EQ(t.kernel_bytes() + t.read_write.bytes, 1 << 20);
  // On kernels since 5.18/5.19, tmpfs to another filesystem is EXDEV.
  std::cout << "tmpfs -> " << TempDir() << ":\n" << t.ToString() << "\n";
}

// --- Faults injected through the poll seam, end to end. ---

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kKernelCopy) GTEST_SKIP() << "stub build: there is no in-kernel copy to fault";
  }
};

TEST_F(FaultTest, EveryFallbackErrnoBeforeAnyByte) {
  for (int e : {ENOSYS, EXDEV, EINVAL, EISDIR, EIO, EOPNOTSUPP, EPERM, EBADF, EFBIG, EOVERFLOW,
                EACCES, ENOENT, ETXTBSY}) {
    SCOPED_TRACE(Errno(e).Name());
    FakeSyscalls fake;
    fake.copy_file_range.FailRound(1, Errno(e));
    Pair p(10000);
    const CopyCounters::Totals t = CopyAllAndCheck(p);
    EXPECT_EQ(CopyFileRangeCounts(t).bytes, 0);
    // A refusal about the filesystems hands the copy to sendfile, any other
    // to the read/write loop.
    EXPECT_EQ(SendfileCounts(t).bytes, SendfileFollows(e) ? 10000 : 0);
    EXPECT_EQ(t.read_write.bytes, SendfileFollows(e) ? 0 : 10000);
    EXPECT_EQ(Fallbacks(t, Fallback::kRefused, e), 1);
  }
}

TEST_F(FaultTest, EveryFallbackErrnoAfterBytesMovedCountsBothPaths) {
  for (int e : {ENOSYS, EXDEV, EINVAL, EISDIR, EIO, EOPNOTSUPP, EPERM, EBADF, EFBIG, EOVERFLOW,
                EACCES, ENOENT, ETXTBSY}) {
    SCOPED_TRACE(Errno(e).Name());
    FakeSyscalls fake;
    fake.copy_file_range.ShortRound(1, 4000);
    fake.copy_file_range.FailRound(2, Errno(e));
    Pair p(10000);
    const CopyCounters::Totals t = CopyAllAndCheck(p);  // 10000 bytes: Go would report 6000
    EXPECT_EQ(CopyFileRangeCounts(t).bytes, 4000);
    // Two rounds, and for ENOSYS and EPERM the probe that tells a disabled
    // system call from a refusal for these files.
    EXPECT_EQ(CopyFileRangeCounts(t).syscalls, e == ENOSYS || e == EPERM ? 3 : 2);
    EXPECT_EQ(SendfileCounts(t).bytes, SendfileFollows(e) ? 6000 : 0);
    EXPECT_EQ(t.read_write.bytes, SendfileFollows(e) ? 0 : 6000);
  }
}

TEST_F(FaultTest, LimitedReaderStaysExactAcrossTheSwitch) {
  FakeSyscalls fake;
  fake.copy_file_range.ShortRound(1, 1000);
  fake.copy_file_range.FailRound(2, Errno(EXDEV));
  Pair p(10000);
  io::LimitedReader lr(*p.src, 7000);
  io::Result r = p.dst->ReadFrom(lr);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 7000);
  EXPECT_EQ(lr.remaining(), 0);
  EXPECT_EQ(Offset(*p.src), 7000);
  EXPECT_EQ(Contents(p.dst_path), p.data.substr(0, 7000));
}

// Errors that are real failures, before any byte and after some: the copy
// stops with the exact count, which is what the destination holds, and Go's
// message shape.
TEST_F(FaultTest, FailureKeepsTheExactCount) {
  struct Case {
    int err;
    size_t before;
    const char* message;
    absl::StatusCode code;
  };
  for (const Case& c :
       {Case{ENOSPC, 0, "no space left on device", absl::StatusCode::kResourceExhausted},
        Case{ENOSPC, 2500, "no space left on device", absl::StatusCode::kResourceExhausted},
        Case{EDQUOT, 100, "disk quota exceeded", absl::StatusCode::kResourceExhausted}}) {
    SCOPED_TRACE(absl::StrCat(Errno(c.err).Name(), " after ", c.before));
    FakeSyscalls fake;
    if (c.before > 0) fake.copy_file_range.ShortRound(1, c.before);
    fake.copy_file_range.FailRound(c.before > 0 ? 2 : 1, Errno(c.err));
    Pair p(10000);
    io::Result r = io::Copy(*p.dst, *p.src);
    EXPECT_EQ(r.n, static_cast<int64_t>(c.before));
    EXPECT_EQ(r.status.message(), "write " + p.dst_path + ": copy_file_range: " + c.message);
    EXPECT_EQ(ErrnoOf(r.status), c.err);
    EXPECT_EQ(r.status.code(), c.code);
    EXPECT_EQ(Contents(p.dst_path), p.data.substr(0, c.before));
    EXPECT_EQ(CopyFileRangeCounts(p.totals()).failures, 1);
  }
}

TEST_F(FaultTest, SeccompEpermDisablesTheFastPathForTheProcess) {
  FakeSyscalls fake;
  fake.copy_file_range.FailRound(1, Errno(EPERM));
  fake.SetProbeResult(Errno(EPERM));
  for (int i = 0; i < 3; ++i) {
    Pair p(5000);
    const CopyCounters::Totals t = CopyAllAndCheck(p);
    EXPECT_EQ(Fallbacks(t, Fallback::kUnavailable), 1);
    // The first copy made the round and the probe; the others no call at all.
    EXPECT_EQ(CopyFileRangeCounts(t).syscalls, i == 0 ? 2 : 0);
    EXPECT_EQ(CopyFileRangeCounts(t).attempts, i == 0 ? 1 : 0);
  }
  EXPECT_EQ(fake.copy_file_range_calls().size(), 1U);
  EXPECT_EQ(fake.probes(), 1);
}

TEST_F(FaultTest, OldKernelUsesTheGenericPath) {
  FakeSyscalls fake;
  fake.SetKernelVersion({4, 19});
  Pair p(5000);
  const CopyCounters::Totals t = CopyAllAndCheck(p);
  EXPECT_EQ(Fallbacks(t, Fallback::kKernelTooOld), 1);
  // No system call, so no attempt: what --stats once miscounted.
  EXPECT_EQ(CopyFileRangeCounts(t).attempts, 0);
  EXPECT_EQ(CopyFileRangeCounts(t).syscalls, 0);
  EXPECT_TRUE(fake.copy_file_range_calls().empty());
}

// io::Copy(f, f), one open file as both ends (one File, or a dup(2) of its
// descriptor), where copy_file_range cannot be used (ENOSYS confirmed by the
// probe: a seccomp profile without it; a kernel older than 5.3): sendfile is
// not given it, since it would read and write at one offset and leave f as
// it was; the read/write loop appends f to itself, as it does where
// copy_file_range refuses the overlap (EINVAL), and as Go's io.Copy does.
TEST_F(FaultTest, OneFileAsBothEndsIsNeverSendfile) {
  enum class NoCopyFileRange { kAvailable, kEnosys, kOldKernel };
  for (const NoCopyFileRange why :
       {NoCopyFileRange::kAvailable, NoCopyFileRange::kEnosys, NoCopyFileRange::kOldKernel}) {
    for (const bool dup : {false, true}) {
      SCOPED_TRACE(::testing::Message() << "case " << static_cast<int>(why) << ", dup " << dup);
      FakeSyscalls fake;
      if (why == NoCopyFileRange::kEnosys) {
        fake.copy_file_range.FailFromRound(1, Errno(ENOSYS));
        fake.SetProbeResult(Errno(ENOSYS));
      } else if (why == NoCopyFileRange::kOldKernel) {
        fake.SetKernelVersion({5, 2});
      }
      const std::string path = MakeFile("hello world\n");
      std::unique_ptr<File> f = MustOpen(path, O_RDWR);
      std::unique_ptr<File> copy_of_f =
          dup ? File::NewFile(::fcntl(f->Fd(), F_DUPFD_CLOEXEC, 0), path) : nullptr;
      File& dst = dup ? *copy_of_f : *f;
      CopyCounters counters;
      dst.SetCopyObserver(&counters);
      io::Result r = io::Copy(dst, *f);
      ASSERT_TRUE(r.ok()) << r.status;
      EXPECT_EQ(r.n, 12);
      EXPECT_EQ(Contents(path), "hello world\nhello world\n");
      EXPECT_TRUE(fake.sendfile_calls().empty());
      const CopyCounters::Totals t = counters.totals();
      EXPECT_EQ(t.read_write.bytes, 12) << t.ToString();
      EXPECT_EQ(Fallbacks(t, Fallback::kSameFile), why == NoCopyFileRange::kAvailable ? 0 : 1)
          << t.ToString();
    }
  }
}

TEST_F(FaultTest, ZeroOnTheFirstRoundFallsBack) {
  FakeSyscalls fake;
  fake.copy_file_range.ReturnWithoutCopying(1, 0);
  Pair p(5000);
  EXPECT_EQ(Fallbacks(CopyAllAndCheck(p), Fallback::kNothingCopied), 1);
}

TEST_F(FaultTest, EintrIsInvisible) {
  FakeSyscalls fake;
  fake.copy_file_range.FailRound(1, Errno(EINTR));
  Pair p(5000);
  const CopyCounters::Totals t = CopyAllAndCheck(p);
  EXPECT_EQ(CopyFileRangeCounts(t).bytes, 5000);
  EXPECT_EQ(CopyFileRangeCounts(t).syscalls, 3);  // EINTR, the copy, the end
  EXPECT_TRUE(t.fallbacks.empty());
}

}  // namespace
}  // namespace sysport::os
