// poll::SendFile and poll::Splice through the seam: the fault-injection matrix
// of copy_file_range_test.cc, run for each route (sendfile from a file,
// splice from a pipe, splice from a socket through the intermediate pipe),
// then what only one route has. Every copy checks the invariant the callers
// build on: the destination holds exactly the first n bytes, and the source
// still has exactly the rest (at its file offset, or in the pipe or socket).

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "poll/copy_result.h"
#include "poll/fd.h"
#include "poll/sendfile.h"
#include "poll/splice.h"
#include "poll/testing/fake_syscalls.h"
#include "syscall/errno.h"
#include "syscall/unix.h"
#include "testutil/testutil.h"

namespace sysport::poll {
namespace {

using syscall::Errno;
using testing::FakeSyscalls;
using testing::ScriptedCall;
using testutil::MakeFile;
using testutil::Pattern;
using Outcome = CopyResult::Outcome;

enum class Route {
  kSendfileFileToFile,  // sendfile(2) between two regular files
  kSpliceFromPipe,      // splice(2) from a pipe to a regular file
  kSpliceFromSocket,    // splice(2) from a Unix stream socket to a file, through a pipe
};

std::string RouteName(const ::testing::TestParamInfo<Route>& info) {
  switch (info.param) {
    case Route::kSendfileFileToFile:
      return "SendfileFileToFile";
    case Route::kSpliceFromPipe:
      return "SpliceFromPipe";
    case Route::kSpliceFromSocket:
      return "SpliceFromSocket";
  }
  return "Unknown";
}

CopyMethod MethodOf(Route route) {
  return route == Route::kSendfileFileToFile ? CopyMethod::kSendfile : CopyMethod::kSplice;
}

// The script of the system call that moves the bytes of `route`, for the
// test to write to (hence no const, which cppcheck would suggest).
// cppcheck-suppress constParameter
ScriptedCall& ScriptOf(FakeSyscalls& fake, Route route) {
  return route == Route::kSendfileFileToFile ? fake.sendfile : fake.splice;
}

// System calls per round that moves bytes: one, or two through the pipe
// (into it, then out of it).
int CallsPerRound(Route route) { return route == Route::kSpliceFromSocket ? 2 : 1; }

// System calls before the first round: making the intermediate pipe and
// sizing it (pipe2, F_SETPIPE_SZ).
int SetupCalls(Route route) { return route == Route::kSpliceFromSocket ? 2 : 0; }

// The errnos each method's policy treats as "not for these files".
std::vector<int> FallbackErrnos(Route route) {
  if (route == Route::kSendfileFileToFile) return {EINVAL, EOPNOTSUPP, EOVERFLOW, EBADF};
  return {EINVAL, EBADF};
}

// A source holding `data` (a file, a pipe or a socket, per route; for the
// last two a thread writes the data and then closes its end) and an empty
// destination file.
class Ends {
 public:
  Ends(Route route, std::string data)
      : route_(route), data_(std::move(data)), dst_path_(MakeFile("")) {
    testutil::IgnoreSigpipe();  // a reader the test closed gives the feeder EPIPE
    dst_ = std::make_unique<FD>(testutil::MustOpen(dst_path_, O_RDWR));
    if (route == Route::kSendfileFileToFile) {
      src_ = std::make_unique<FD>(testutil::MustOpen(MakeFile(data_), O_RDONLY));
      return;
    }
    std::array<int, 2> fds = {-1, -1};
    if (route == Route::kSpliceFromPipe) {
      auto p = syscall::Pipe(O_CLOEXEC);
      if (!p.ok()) std::abort();
      fds = p.value();
    } else if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) != 0) {
      std::abort();
    }
    src_ = std::make_unique<FD>(fds[0]);
    // The writer may find the reader closed by the test (EPIPE): what
    // arrived is checked on the reading side.
    feeder_ = std::thread([this, writer = fds[1]] {
      FD w(writer);
      (void)w.Write(data_);
    });
  }
  ~Ends() {
    (void)src_->Close();  // a feeder still blocked on a full pipe or socket ends with EPIPE
    if (feeder_.joinable()) feeder_.join();
  }
  Ends(const Ends&) = delete;
  Ends& operator=(const Ends&) = delete;

  // Waits until the whole source has been written into the pipe or socket
  // (data that fits in its buffer), so a test knows what one round takes.
  void WaitForFeeder() {
    if (feeder_.joinable()) feeder_.join();
  }

  FD& src() { return *src_; }
  FD& dst() { return *dst_; }
  const std::string& data() const { return data_; }
  const std::string& dst_path() const { return dst_path_; }

  // Copies at most `remain` bytes; by default, to the source's end.
  CopyResult Copy(int64_t remain = INT64_MAX) {
    switch (route_) {
      case Route::kSendfileFileToFile:
        return SendFile(*dst_, *src_, remain);
      case Route::kSpliceFromPipe:
        return Splice(*dst_, *src_, remain, SpliceVia::kDirect);
      case Route::kSpliceFromSocket:
        return Splice(*dst_, *src_, remain, SpliceVia::kIntermediatePipe);
    }
    return CopyResult::Ended(CopyMethod::kSplice, {});
  }

  // What is left in the source: from its file offset, or until its writer is done.
  std::string Rest() {
    std::string rest;
    std::array<char, 8192> buf = {};
    while (true) {
      IoResult r = src_->Read(absl::MakeSpan(buf));
      if (!r.ok() || r.n == 0) break;
      rest.append(buf.data(), static_cast<size_t>(r.n));
    }
    return rest;
  }

  // The exact-count invariant: dst holds the first n bytes (and its offset is
  // at n), the source still has the rest.
  void ExpectExact(const CopyResult& r) {
    const auto n = static_cast<size_t>(r.n());
    ASSERT_LE(n, data_.size());
    EXPECT_EQ(testutil::Contents(dst_path_), data_.substr(0, n));
    EXPECT_EQ(testutil::Offset(dst_->UnsafeSysfd()), r.n());
    EXPECT_EQ(Rest(), data_.substr(n));
  }

 private:
  Route route_;
  std::string data_;
  std::string dst_path_;
  std::unique_ptr<FD> src_;
  std::unique_ptr<FD> dst_;
  std::thread feeder_;
};

void ExpectFellBack(const CopyResult& r, CopyMethod method, Fallback reason, Errno err, int64_t n) {
  EXPECT_EQ(r.outcome(), Outcome::kFellBack);
  EXPECT_EQ(r.method(), method) << Name(r.method());
  EXPECT_EQ(r.fallback(), reason) << Describe(r.fallback());
  EXPECT_EQ(r.fallback_errno(), err) << r.fallback_errno().Name();
  EXPECT_EQ(r.n(), n);
  EXPECT_TRUE(r.error().ok());
}

class KernelCopyTest : public ::testing::TestWithParam<Route> {
 protected:
  static Route route() { return GetParam(); }
  static CopyMethod method() { return MethodOf(GetParam()); }
  ScriptedCall& script() { return ScriptOf(fake_, GetParam()); }

  FakeSyscalls fake_;
};

TEST_P(KernelCopyTest, NothingToCopyMakesNoSystemCall) {
  Ends e(route(), Pattern(10));
  for (int64_t remain : {int64_t{0}, int64_t{-1}, INT64_MIN}) {
    CopyResult r = e.Copy(remain);
    EXPECT_EQ(r.outcome(), Outcome::kEnded);
    EXPECT_EQ(r.n(), 0);
    EXPECT_EQ(r.syscalls(), 0);
  }
  EXPECT_TRUE(fake_.sendfile_calls().empty());
  EXPECT_TRUE(fake_.splice_calls().empty());
  EXPECT_EQ(fake_.pipes_made(), 0);
}

TEST_P(KernelCopyTest, CopiesEverything) {
  Ends e(route(), Pattern(50000));
  CopyResult r = e.Copy();
  EXPECT_EQ(r.outcome(), Outcome::kEnded) << r.error().Message();
  EXPECT_EQ(r.method(), method());
  EXPECT_EQ(r.n(), 50000);
  EXPECT_GE(r.syscalls(), 2);  // at least the copy and the 0 at the end
  e.ExpectExact(r);
}

TEST_P(KernelCopyTest, LimitStopsTheCopy) {
  Ends e(route(), Pattern(1000));
  CopyResult r = e.Copy(300);
  EXPECT_EQ(r.outcome(), Outcome::kEnded);
  EXPECT_EQ(r.n(), 300);
  EXPECT_EQ(r.syscalls(),
            SetupCalls(route()) + CallsPerRound(route()));  // no round after the limit
  e.ExpectExact(r);
}

// Each errno that means "not for these files": fell back, nothing moved, the
// errno reported, no probe, and the next copy tries the system call again.
TEST_P(KernelCopyTest, FallbackErrnosBeforeAnyByte) {
  for (int err : FallbackErrnos(route())) {
    SCOPED_TRACE(Errno(err).Name());
    FakeSyscalls fake;
    ScriptOf(fake, route()).FailRound(1, Errno(err));
    Ends e(route(), Pattern(3000));
    CopyResult r = e.Copy();
    ExpectFellBack(r, method(), Fallback::kRefused, Errno(err), 0);
    EXPECT_EQ(ScriptOf(fake, route()).probes(), 0);
    CopyResult again = e.Copy();
    EXPECT_EQ(again.outcome(), Outcome::kEnded);
    EXPECT_EQ(again.n(), 3000);
    e.ExpectExact(again);
  }
}

// ... and after bytes moved: the exact count, and the rest still in the source.
TEST_P(KernelCopyTest, FallbackErrnosAfterBytesMovedKeepTheExactCount) {
  for (int err : FallbackErrnos(route())) {
    SCOPED_TRACE(Errno(err).Name());
    FakeSyscalls fake;
    ScriptOf(fake, route()).ShortRound(1, 1000);
    ScriptOf(fake, route()).FailRound(CallsPerRound(route()) + 1, Errno(err));
    Ends e(route(), Pattern(4000));
    CopyResult r = e.Copy();
    ExpectFellBack(r, method(), Fallback::kRefused, Errno(err), 1000);
    e.ExpectExact(r);
  }
}

TEST_P(KernelCopyTest, EnosysAndSeccompEpermConfirmedByTheProbeDisableTheMethod) {
  for (int err : {ENOSYS, EPERM}) {
    SCOPED_TRACE(Errno(err).Name());
    FakeSyscalls fake;
    ScriptOf(fake, route()).FailRound(1, Errno(err));
    ScriptOf(fake, route()).SetProbeResult(Errno(err));
    Ends e(route(), Pattern(100));
    CopyResult r = e.Copy();
    ExpectFellBack(r, method(), Fallback::kUnavailable, Errno(err), 0);
    EXPECT_EQ(r.syscalls(), SetupCalls(route()) + 2);  // the round and the probe
    EXPECT_EQ(ScriptOf(fake, route()).probes(), 1);
    // Later copies do not try at all.
    CopyResult later = e.Copy();
    ExpectFellBack(later, method(), Fallback::kUnavailable, Errno(), 0);
    EXPECT_EQ(later.syscalls(), 0);
    EXPECT_EQ(fake.sendfile_calls().size() + fake.splice_calls().size(), 1U);
    e.ExpectExact(later);
  }
}

TEST_P(KernelCopyTest, EpermThatTheProbeDoesNotConfirmFallsBackAndKeepsTrying) {
  script().FailRound(1, Errno(EPERM));
  Ends e(route(), Pattern(100));
  // The real kernel answers the probe: EBADF, the system call works.
  ExpectFellBack(e.Copy(), method(), Fallback::kRefused, Errno(EPERM), 0);
  EXPECT_EQ(script().probes(), 1);
  CopyResult ok = e.Copy();
  EXPECT_EQ(ok.outcome(), Outcome::kEnded);
  EXPECT_EQ(ok.n(), 100);
  e.ExpectExact(ok);
}

TEST_P(KernelCopyTest, OtherErrorsFailWithTheExactCount) {
  for (int err : {ENOSPC, EIO, EPIPE}) {
    SCOPED_TRACE(Errno(err).Name());
    FakeSyscalls fake;
    ScriptOf(fake, route()).ShortRound(1, 123);
    ScriptOf(fake, route()).FailRound(CallsPerRound(route()) + 1, Errno(err));
    Ends e(route(), Pattern(1000));
    CopyResult r = e.Copy();
    EXPECT_EQ(r.outcome(), Outcome::kFailed);
    EXPECT_EQ(r.n(), 123);
    EXPECT_EQ(r.error(), Error(Errno(err)));
    e.ExpectExact(r);
  }
}

TEST_P(KernelCopyTest, EintrIsRetriedAndEachTryCounts) {
  script().FailRound(1, Errno(EINTR));
  script().FailRound(2, Errno(EINTR));
  Ends e(route(), Pattern(100));
  CopyResult r = e.Copy();
  EXPECT_EQ(r.outcome(), Outcome::kEnded);
  EXPECT_EQ(r.n(), 100);
  // EINTR, EINTR, the round, and the 0 at the end (plus, through the pipe,
  // the round's second half and making the pipe).
  EXPECT_EQ(r.syscalls(), SetupCalls(route()) + (route() == Route::kSpliceFromSocket ? 5 : 4));
  e.ExpectExact(r);
}

// EAGAIN (a descriptor in non-blocking mode that is not ready) waits with
// poll(2) for the side that can be blocked, then tries again.
TEST_P(KernelCopyTest, EagainWaitsWithPoll) {
  script().FailRound(1, Errno(EAGAIN));
  Ends e(route(), Pattern(100));
  CopyResult r = e.Copy();
  EXPECT_EQ(r.outcome(), Outcome::kEnded);
  EXPECT_EQ(r.n(), 100);
  e.ExpectExact(r);
  const auto polls = fake_.poll_calls();
  switch (route()) {
    case Route::kSendfileFileToFile:  // a file source never waits; the destination may
      ASSERT_EQ(polls.size(), 1U);
      EXPECT_EQ(polls[0].events, POLLOUT);
      EXPECT_EQ(polls[0].fd, e.dst().UnsafeSysfd());
      break;
    case Route::kSpliceFromPipe:  // either side may: both, the ready one at once
      ASSERT_EQ(polls.size(), 2U);
      EXPECT_EQ(polls[0].fd, e.src().UnsafeSysfd());
      EXPECT_EQ(polls[0].events, POLLIN);
      EXPECT_EQ(polls[1].fd, e.dst().UnsafeSysfd());
      EXPECT_EQ(polls[1].events, POLLOUT);
      break;
    case Route::kSpliceFromSocket:  // into the empty pipe: only the source can be not ready
      ASSERT_EQ(polls.size(), 1U);
      EXPECT_EQ(polls[0].fd, e.src().UnsafeSysfd());
      EXPECT_EQ(polls[0].events, POLLIN);
      break;
  }
}

TEST_P(KernelCopyTest, PollThatFailsFailsTheCopy) {
  script().FailRound(1, Errno(EAGAIN));
  fake_.poll.FailRound(1, Errno(ENOMEM));
  Ends e(route(), Pattern(100));
  CopyResult r = e.Copy();
  EXPECT_EQ(r.outcome(), Outcome::kFailed);
  EXPECT_EQ(r.error(), Error(Errno(ENOMEM)));
  EXPECT_EQ(r.n(), 0);
  e.ExpectExact(r);
}

TEST_P(KernelCopyTest, ClosedEndsFailWithTheClosingError) {
  {
    Ends e(route(), Pattern(10));
    ASSERT_TRUE(e.src().Close().ok());
    CopyResult r = e.Copy();
    EXPECT_EQ(r.outcome(), Outcome::kFailed);
    EXPECT_EQ(r.error(), Error::Closing());
  }
  Ends e(route(), Pattern(10));
  ASSERT_TRUE(e.dst().Close().ok());
  EXPECT_EQ(e.Copy().error(), Error::Closing());
  EXPECT_TRUE(fake_.sendfile_calls().empty());
  EXPECT_TRUE(fake_.splice_calls().empty());
}

// A Close of the source while a round is in the kernel waits for it: the
// round holds the source's read lock, so close(2) runs after it returns.
TEST_P(KernelCopyTest, CloseWaitsForTheRoundInFlight) {
  Ends e(route(), Pattern(4096));
  const int src_fd = e.src().UnsafeSysfd();
  std::thread closer;
  Error close_err = Error::Closing();
  bool fd_open_during_round = false;
  script().BeforeRound(1, [&] {
    closer = std::thread([&] { close_err = e.src().Close(); });
    while (e.src().UnsafeSysfd() != -1) std::this_thread::yield();
    fd_open_during_round = ::fcntl(src_fd, F_GETFD) != -1;
  });
  CopyResult r = e.Copy();
  closer.join();
  EXPECT_TRUE(fd_open_during_round);
  EXPECT_TRUE(close_err.ok());
  EXPECT_EQ(r.outcome(), Outcome::kFailed);
  EXPECT_EQ(r.error(), Error::Closing());
  EXPECT_EQ(r.n(), 4096);  // the round in flight finished
  EXPECT_EQ(testutil::Contents(e.dst_path()), e.data());
}

INSTANTIATE_TEST_SUITE_P(Routes, KernelCopyTest,
                         ::testing::Values(Route::kSendfileFileToFile, Route::kSpliceFromPipe,
                                           Route::kSpliceFromSocket),
                         RouteName);

// --- sendfile only ---

TEST(SendFileTest, RoundsAreCappedAndCountTheRemainder) {
  FakeSyscalls fake;
  Ends e(Route::kSendfileFileToFile, Pattern(100));
  fake.sendfile.ReturnWithoutCopying(1, static_cast<size_t>(kMaxSendfileRound));
  CopyResult r = e.Copy(kMaxSendfileRound + 7);
  EXPECT_EQ(r.outcome(), Outcome::kEnded);
  EXPECT_EQ(r.n(), kMaxSendfileRound + 7);
  const auto calls = fake.sendfile_calls();
  ASSERT_EQ(calls.size(), 2U);
  EXPECT_EQ(calls[0].count, static_cast<size_t>(kMaxSendfileRound));
  EXPECT_EQ(calls[1].count, 7U);
  EXPECT_TRUE(calls[0].offset_null);  // the source's own file offset
  EXPECT_EQ(calls[0].in_fd, e.src().UnsafeSysfd());
  EXPECT_EQ(calls[0].out_fd, e.dst().UnsafeSysfd());
}

TEST(SendFileTest, ZeroOnTheFirstRoundFallsBack) {
  FakeSyscalls fake;
  fake.sendfile.ReturnWithoutCopying(1, 0);  // what some procfs and sysfs files do
  Ends e(Route::kSendfileFileToFile, Pattern(100));
  CopyResult r = e.Copy();
  ExpectFellBack(r, CopyMethod::kSendfile, Fallback::kNothingCopied, Errno(), 0);
  e.ExpectExact(r);
}

TEST(SendFileTest, ProcfsIsCopiedOrLeftToTheCaller) {
  FakeSyscalls fake;
  FD src(testutil::MustOpen("/proc/self/cmdline", O_RDONLY));
  const std::string path = MakeFile("");
  FD dst(testutil::MustOpen(path, O_WRONLY));
  CopyResult r = SendFile(dst, src, INT64_MAX);
  if (r.outcome() == Outcome::kEnded) {
    EXPECT_EQ(testutil::Contents(path), testutil::Contents("/proc/self/cmdline"));
  } else {
    ExpectFellBack(r, CopyMethod::kSendfile, r.fallback(), r.fallback_errno(), 0);
    EXPECT_TRUE(r.fallback() == Fallback::kNothingCopied || r.fallback() == Fallback::kRefused);
  }
}

// sendfile into a pipe in non-blocking mode whose reader is slow: EAGAIN
// (for real, from the kernel), poll(2), and every byte arrives.
TEST(SendFileTest, NonBlockingPipeDestination) {
  FakeSyscalls fake;
  const std::string data = Pattern(1 << 20);
  FD src(testutil::MustOpen(MakeFile(data), O_RDONLY));
  auto p = syscall::Pipe(O_CLOEXEC | O_NONBLOCK);
  ASSERT_TRUE(p.ok());
  FD reader(p.value()[0]);
  FD writer(p.value()[1]);
  std::string got;
  std::thread drain([&] {
    std::array<char, 4096> buf = {};
    while (true) {
      IoResult r = reader.Read(absl::MakeSpan(buf));  // FD::Read waits on EAGAIN too
      if (!r.ok() || r.n == 0) break;
      got.append(buf.data(), static_cast<size_t>(r.n));
      std::this_thread::yield();
    }
  });
  CopyResult r = SendFile(writer, src, INT64_MAX);
  EXPECT_TRUE(writer.Close().ok());
  drain.join();
  EXPECT_EQ(r.outcome(), Outcome::kEnded) << r.error().Message();
  EXPECT_EQ(r.n(), 1 << 20);
  EXPECT_EQ(got, data);
  EXPECT_FALSE(fake.poll_calls().empty());  // a 64 KiB pipe cannot take 1 MiB at once
}

// --- splice through the intermediate pipe only ---

TEST(SpliceThroughPipeTest, ThePipeIsSizedAndReused) {
  FakeSyscalls fake;
  for (int i = 0; i < 3; ++i) {
    Ends e(Route::kSpliceFromSocket, Pattern(3000));
    CopyResult r = e.Copy();
    EXPECT_EQ(r.outcome(), Outcome::kEnded);
    e.ExpectExact(r);
  }
  EXPECT_EQ(fake.pipes_made(), 1);
  EXPECT_EQ(fake.idle_pipes.size(), 1U);
  // Every splice into the pipe asks for no more than it holds (1 MiB).
  for (const auto& call : fake.splice_calls()) EXPECT_LE(call.len, size_t{1} << 20);
}

TEST(SpliceThroughPipeTest, NoPipeFallsBack) {
  FakeSyscalls fake;
  fake.pipe.FailRound(1, Errno(EMFILE));
  Ends e(Route::kSpliceFromSocket, Pattern(3000));
  CopyResult r = e.Copy();
  ExpectFellBack(r, CopyMethod::kSplice, Fallback::kNoPipe, Errno(EMFILE), 0);
  EXPECT_EQ(r.syscalls(), 1);
  EXPECT_TRUE(fake.splice_calls().empty());
  e.ExpectExact(r);
}

// Past /proc/sys/fs/pipe-user-pages-soft, F_SETPIPE_SZ fails: the pipe keeps
// the size it has, and no splice asks it for more.
TEST(SpliceThroughPipeTest, UnresizablePipeKeepsItsSize) {
  FakeSyscalls fake;
  fake.set_pipe_size.FailRound(1, Errno(EPERM));
  Ends e(Route::kSpliceFromSocket, Pattern(200000));
  CopyResult r = e.Copy();
  EXPECT_EQ(r.outcome(), Outcome::kEnded);
  e.ExpectExact(r);
  std::array<int, 2> probe_pipe = {-1, -1};
  ASSERT_EQ(::pipe2(probe_pipe.data(), O_CLOEXEC), 0);
  const auto default_size = static_cast<size_t>(::fcntl(probe_pipe[0], F_GETPIPE_SZ));
  ::close(probe_pipe[0]);
  ::close(probe_pipe[1]);
  for (const auto& call : fake.splice_calls()) EXPECT_LE(call.len, default_size);
}

// The second splice of a round fails with an errno that hands the copy to
// another method after the first took bytes from the source: they are written
// to the destination first, so the fallback continues with nothing lost.
TEST(SpliceThroughPipeTest, BytesInThePipeAreWrittenBeforeFallingBack) {
  FakeSyscalls fake;
  fake.splice.ShortRound(2, 700);           // 700 of the round's bytes reach dst by splice
  fake.splice.FailRound(3, Errno(EINVAL));  // then the rest of them cannot
  Ends e(Route::kSpliceFromSocket, Pattern(5000));
  e.WaitForFeeder();  // so the first round takes all 5000
  CopyResult r = e.Copy();
  ExpectFellBack(r, CopyMethod::kSplice, Fallback::kRefused, Errno(EINVAL), 5000);
  e.ExpectExact(r);
  EXPECT_EQ(fake.idle_pipes.size(), 1U);  // emptied, so pooled
}

// ... with an errno that fails the copy: the count is what reached dst, and
// the pipe (still holding the rest of the round) is closed, not pooled.
TEST(SpliceThroughPipeTest, FailureWithBytesInThePipeCountsWhatArrived) {
  FakeSyscalls fake;
  fake.splice.ShortRound(2, 700);
  fake.splice.FailRound(3, Errno(ENOSPC));
  Ends e(Route::kSpliceFromSocket, Pattern(5000));
  e.WaitForFeeder();
  CopyResult r = e.Copy();
  EXPECT_EQ(r.outcome(), Outcome::kFailed);
  EXPECT_EQ(r.error(), Error(Errno(ENOSPC)));
  EXPECT_EQ(r.n(), 700);
  EXPECT_EQ(testutil::Contents(e.dst_path()), e.data().substr(0, 700));
  EXPECT_EQ(fake.idle_pipes.size(), 0U);
  // The source gave up the whole round: the rest starts after it.
  EXPECT_EQ(e.Rest(), e.data().substr(5000));
}

// ... and if writing them fails as well, the copy fails (whatever the errno)
// with exactly what reached dst.
TEST(SpliceThroughPipeTest, FailedRescueFailsTheCopy) {
  FakeSyscalls fake;
  fake.splice.FailRound(2, Errno(EINVAL));  // out of the pipe
  std::array<int, 2> sock = {-1, -1};
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock.data()), 0);
  FD src(sock[0]);
  ASSERT_EQ(::write(sock[1], "hello", 5), 5);
  ::close(sock[1]);
  const std::string path = MakeFile("");
  FD dst(testutil::MustOpen(path, O_RDONLY));  // write(2) will say EBADF
  CopyResult r = Splice(dst, src, INT64_MAX, SpliceVia::kIntermediatePipe);
  EXPECT_EQ(r.outcome(), Outcome::kFailed);
  EXPECT_EQ(r.error(), Error(Errno(EBADF)));
  EXPECT_EQ(r.n(), 0);
  EXPECT_EQ(fake.idle_pipes.size(), 0U);
}

// --- splice from a pipe only ---

TEST(SpliceDirectTest, EmptyPipeIsTheEnd) {
  FakeSyscalls fake;
  Ends e(Route::kSpliceFromPipe, "");
  CopyResult r = e.Copy();
  EXPECT_EQ(r.outcome(), Outcome::kEnded);
  EXPECT_EQ(r.n(), 0);
  EXPECT_EQ(r.syscalls(), 1);
}

// A source pipe in non-blocking mode whose writer is slow: EAGAIN for real,
// poll(2) until it is readable, and every byte arrives.
TEST(SpliceDirectTest, NonBlockingSourcePipeWaits) {
  FakeSyscalls fake;
  auto p = syscall::Pipe(O_CLOEXEC | O_NONBLOCK);
  ASSERT_TRUE(p.ok());
  FD src(p.value()[0]);
  const std::string path = MakeFile("");
  FD dst(testutil::MustOpen(path, O_WRONLY));
  const std::string data = Pattern(300000);
  std::thread feeder([&, writer = p.value()[1]] {
    FD w(writer);
    for (size_t done = 0; done < data.size(); done += 1000) {
      EXPECT_TRUE(w.Write(std::string_view(data).substr(done, 1000)).ok());
      if (done % 50000 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  CopyResult r = Splice(dst, src, INT64_MAX, SpliceVia::kDirect);
  feeder.join();
  EXPECT_EQ(r.outcome(), Outcome::kEnded) << r.error().Message();
  EXPECT_EQ(r.n(), 300000);
  EXPECT_EQ(testutil::Contents(path), data);
  EXPECT_FALSE(fake.poll_calls().empty());
}

}  // namespace
}  // namespace sysport::poll
