// io::Copy between files, pipes and sockets, end to end: Go's tests of its
// sendfile and splice paths, ported (os/writeto_linux_test.go's TestSendFile,
// os/readfrom_linux_test.go's TestSpliceFile, os/copy_test.go's
// TestCopyFileToFile and TestLargeCopyViaNetwork), then which method each
// pair of file types gets, who hears about it, descriptors in non-blocking
// mode, and every errno of the sendfile and splice policies injected.
//
// The same tests run in the forced-stub build (--//os:readfrom_stub), where
// every byte must go through the read/write loop instead.

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/file.h"
#include "os/quote.h"
#include "poll/copy_result.h"
#include "poll/testing/fake_syscalls.h"
#include "syscall/errno.h"
#include "testutil/testutil.h"

namespace sysport::os {
namespace {

using poll::CopyMethod;
using poll::Fallback;
using poll::testing::FakeSyscalls;
using syscall::Errno;
using testutil::MakeFile;
using testutil::Network;
using testutil::Pattern;

// Whether this build has the in-kernel copies (false in the stub build).
constexpr bool kKernelCopy = SYSPORT_TEST_KERNEL_COPY != 0;

// Go's test sizes: 1, 42, 1025, a page and one, 32769.
std::vector<int64_t> GoSizes() {
  return {1, 42, 1025, static_cast<int64_t>(::getpagesize()) + 1, 32769};
}

std::string NetworkName(Network network) { return network == Network::kTcp ? "Tcp" : "Unix"; }

// The file at `path`, open with `flags`; a test that cannot open it ends there.
std::unique_ptr<File> Open(const std::string& path, int flags) {
  return std::move(File::OpenFile(path, flags, 0)).value();
}

// Both ends of a connection as Files, named by File::NewFile.
struct Sockets {
  explicit Sockets(Network network) {
    testutil::IgnoreSigpipe();
    const std::array<int, 2> fds = testutil::ConnectedSockets(network);
    client = File::NewFile(fds[0]);
    server = File::NewFile(fds[1]);
  }
  std::unique_ptr<File> client;
  std::unique_ptr<File> server;
};

// An empty regular file in the test directory, open for reading and writing,
// whose copies report to `counters`.
struct Destination {
  Destination() : path(MakeFile("")), file(Open(path, O_RDWR)) { file->SetCopyObserver(&counters); }
  std::string Contents() const { return testutil::Contents(path); }
  std::string path;
  std::unique_ptr<File> file;
  CopyCounters counters;
};

// A connection whose client end a thread fills with `data` and then closes.
struct FedSocket {
  FedSocket(Network network, std::string bytes) : sockets(network), data(std::move(bytes)) {
    sender = std::thread([this] {
      EXPECT_TRUE(sockets.client->Write(data).ok());
      EXPECT_TRUE(sockets.client->Close().ok());
    });
  }
  ~FedSocket() { Join(); }
  FedSocket(const FedSocket&) = delete;
  FedSocket& operator=(const FedSocket&) = delete;
  void Join() {
    if (sender.joinable()) sender.join();
  }
  File& server() const { return *sockets.server; }
  Sockets sockets;
  std::string data;
  std::thread sender;
};

// Everything `f` gives until its end (testutil::ReadAll, which must not fail).
std::string ReadAll(File& f) {
  absl::StatusOr<std::string> all = testutil::ReadAll(f);
  EXPECT_TRUE(all.ok()) << all.status();
  return all.value_or("");
}

int64_t Offset(const File& f) { return testutil::Offset(f.Fd()); }

// The bytes each method and the read/write loop carried.
struct Carried {
  int64_t copy_file_range = 0;
  int64_t sendfile = 0;
  int64_t splice = 0;
  int64_t read_write = 0;
  friend bool operator==(const Carried&, const Carried&) = default;
  friend std::ostream& operator<<(std::ostream& os, const Carried& c) {
    return os << "{copy_file_range " << c.copy_file_range << ", sendfile " << c.sendfile
              << ", splice " << c.splice << ", read/write " << c.read_write << "}";
  }
};

Carried CarriedBy(const CopyCounters& counters) {
  const CopyCounters::Totals t = counters.totals();
  return {t.of(CopyMethod::kCopyFileRange).bytes, t.of(CopyMethod::kSendfile).bytes,
          t.of(CopyMethod::kSplice).bytes, t.read_write.bytes};
}

// All of `bytes` by `method`, or by the read/write loop in the stub build.
Carried All(int64_t bytes, CopyMethod method) {
  Carried c;
  if (!kKernelCopy) {
    c.read_write = bytes;
  } else if (method == CopyMethod::kCopyFileRange) {
    c.copy_file_range = bytes;
  } else if (method == CopyMethod::kSendfile) {
    c.sendfile = bytes;
  } else {
    c.splice = bytes;
  }
  return c;
}

// How many fallbacks for `reason` (and, if given, that errno and method) were reported.
int64_t Fallbacks(const CopyCounters& counters, Fallback reason, int err = 0,
                  std::optional<CopyMethod> method = std::nullopt) {
  int64_t n = 0;
  for (const auto& [key, count] : counters.totals().fallbacks) {
    if (key.reason == reason && (err == 0 || key.err == Errno(err)) &&
        (!method.has_value() || key.method == *method)) {
      n += count;
    }
  }
  return n;
}

// --- Go's TestSendFile: io::Copy(socket, file) is the file's WriteTo, with
// sendfile from the file's descriptor to the socket's. ---

class SendFileTest : public ::testing::TestWithParam<std::tuple<Network, int64_t>> {};

TEST_P(SendFileTest, FileToSocket) {
  const auto [network, size] = GetParam();
  FakeSyscalls fake;  // the real kernel, every call recorded
  Sockets s(network);
  const std::string data = Pattern(static_cast<size_t>(size), 3);
  auto src = Open(MakeFile(data), O_RDONLY);
  CopyCounters counters;
  // WriteTo reports to the source's observer; the stub's WriteTo hands the
  // copy to the destination's ReadFrom, which reports to its own.
  src->SetCopyObserver(&counters);
  s.client->SetCopyObserver(&counters);
  io::Result r = io::Copy(*s.client, *src);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, size);
  ASSERT_TRUE(s.client->Close().ok());
  EXPECT_EQ(ReadAll(*s.server), data);
  EXPECT_EQ(CarriedBy(counters), All(size, CopyMethod::kSendfile));
  if (kKernelCopy) {
    const auto calls = fake.sendfile_calls();
    ASSERT_FALSE(calls.empty());
    EXPECT_EQ(calls[0].in_fd, src->Fd());
    EXPECT_TRUE(calls[0].offset_null);
  }
  EXPECT_EQ(Offset(*src), size);
}

std::string SendFileName(const ::testing::TestParamInfo<SendFileTest::ParamType>& info) {
  return absl::StrCat(NetworkName(std::get<0>(info.param)), "_", std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Go, SendFileTest,
                         ::testing::Combine(::testing::Values(Network::kUnix, Network::kTcp),
                                            ::testing::ValuesIn(GoSizes())),
                         SendFileName);

// --- Go's TestSpliceFile: io::Copy(file, socket) (or a LimitedReader of the
// socket) is the file's ReadFrom, with splice through a pipe. ---

enum class Limit : uint8_t { kNone, kOneLess, kHalf, kMore };

class SpliceFileTest : public ::testing::TestWithParam<std::tuple<Network, int64_t, Limit>> {};

TEST_P(SpliceFileTest, SocketToFile) {
  const auto [network, size, limit_kind] = GetParam();
  FakeSyscalls fake;
  FedSocket src(network, Pattern(static_cast<size_t>(size), 5));
  const std::string& data = src.data;
  Destination dst;
  int64_t limit = -1;
  if (limit_kind == Limit::kOneLess) limit = size - 1;
  if (limit_kind == Limit::kHalf) limit = size / 2;
  if (limit_kind == Limit::kMore) limit = size + 1;
  const int64_t want = limit < 0 ? size : std::min(limit, size);
  io::LimitedReader limited(src.server(), limit);
  io::Result r = limit < 0 ? io::Copy(*dst.file, src.server()) : io::Copy(*dst.file, limited);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, want);
  EXPECT_EQ(Offset(*dst.file), want);
  EXPECT_EQ(dst.Contents(), data.substr(0, static_cast<size_t>(want)));
  if (limit >= 0) {
    EXPECT_EQ(limited.remaining(), limit - want);
  }
  // What the copy did not take is still in the socket.
  EXPECT_EQ(ReadAll(src.server()), data.substr(static_cast<size_t>(want)));
  if (want > 0) {
    EXPECT_EQ(CarriedBy(dst.counters), All(want, CopyMethod::kSplice));
  }
  if (kKernelCopy && want > 0) {
    const auto calls = fake.splice_calls();
    ASSERT_GE(calls.size(), 2U);
    EXPECT_EQ(calls[0].in_fd, src.server().Fd());  // into the pipe from the socket
    EXPECT_EQ(calls[1].out_fd, dst.file->Fd());    // out of it into the file
  }
}

std::string SpliceFileName(const ::testing::TestParamInfo<SpliceFileTest::ParamType>& info) {
  static constexpr std::array<const char*, 4> kLimits = {"Basic", "OneLess", "Half", "More"};
  return absl::StrCat(kLimits[static_cast<size_t>(std::get<2>(info.param))], "_",
                      NetworkName(std::get<0>(info.param)), "_", std::get<1>(info.param));
}

INSTANTIATE_TEST_SUITE_P(Go, SpliceFileTest,
                         ::testing::Combine(::testing::Values(Network::kTcp, Network::kUnix),
                                            ::testing::ValuesIn(GoSizes()),
                                            ::testing::Values(Limit::kNone, Limit::kOneLess,
                                                              Limit::kHalf, Limit::kMore)),
                         SpliceFileName);

// --- Go's TestCopyFileToFile: offsets and limits between two regular files,
// on one filesystem (copy_file_range) and from tmpfs to the test directory's
// (copy_file_range refuses with EXDEV on current kernels, sendfile copies). ---

class CopyFileToFileTest : public ::testing::TestWithParam<bool> {};

// One of Go's cases: src at src_start, dst holding dst_start zero bytes and
// positioned at its end, and io::Copy (limit 0: the file's WriteTo, handing
// over to dst's ReadFrom) or io::CopyN (dst's ReadFrom of a LimitedReader).
void CopyOneCase(File& src, const std::string& data, bool cross_filesystem, int64_t src_start,
                 int64_t dst_start, int64_t limit) {
  SCOPED_TRACE(absl::StrCat("srcStart=", src_start, " dstStart=", dst_start, " limit=", limit));
  const auto size = static_cast<int64_t>(data.size());
  const int64_t remaining = size - src_start;
  const std::string dst_path = MakeFile(std::string(static_cast<size_t>(dst_start), '\0'));
  auto dst = Open(dst_path, O_RDWR);
  ASSERT_EQ(dst->Seek(0, SEEK_END).value_or(-1), dst_start);
  ASSERT_EQ(src.Seek(src_start, SEEK_SET).value_or(-1), src_start);
  CopyCounters counters;
  dst->SetCopyObserver(&counters);
  io::Result r = limit == 0 ? io::Copy(*dst, src) : io::CopyN(*dst, src, limit);
  const int64_t want = limit == 0 ? remaining : std::min(limit, remaining);
  // Go: io.EOF when the limit is past the end, nil otherwise.
  EXPECT_EQ(io::IsEndOfInput(r.status), limit > remaining) << r.status;
  EXPECT_EQ(r.ok(), limit <= remaining) << r.status;
  EXPECT_EQ(r.n, want);
  EXPECT_EQ(Offset(src), src_start + want);
  EXPECT_EQ(Offset(*dst), dst_start + want);
  EXPECT_EQ(testutil::Contents(dst_path),
            std::string(static_cast<size_t>(dst_start), '\0') +
                data.substr(static_cast<size_t>(src_start), static_cast<size_t>(want)));
  const Carried carried = CarriedBy(counters);
  EXPECT_EQ(carried.copy_file_range + carried.sendfile + carried.read_write, want);
  if (kKernelCopy && cross_filesystem && Fallbacks(counters, Fallback::kRefused, EXDEV) == 1) {
    EXPECT_EQ(carried.sendfile, want) << "copy_file_range said EXDEV: sendfile's turn";
  }
  ::unlink(dst_path.c_str());
}

TEST_P(CopyFileToFileTest, OffsetsAndLimits) {
  const bool cross_filesystem = GetParam();
  if (cross_filesystem && ::access("/dev/shm", W_OK) != 0) GTEST_SKIP() << "no writable /dev/shm";
  constexpr int64_t kSize = 1 << 20;
  const std::string data = Pattern(kSize, 11);
  const std::string src_path = MakeFile(data, cross_filesystem ? "/dev/shm" : testutil::TempDir());
  auto src = Open(src_path, O_RDONLY);
  for (const int64_t src_start : {int64_t{0}, int64_t{100}, kSize}) {
    const int64_t remaining = kSize - src_start;
    for (const int64_t dst_start : {int64_t{0}, int64_t{200}}) {
      for (const int64_t limit : {remaining, remaining - 100, kSize * 2, int64_t{0}}) {
        if (limit >= 0) CopyOneCase(*src, data, cross_filesystem, src_start, dst_start, limit);
      }
    }
  }
  ::unlink(src_path.c_str());
}

std::string CopyFileToFileName(const ::testing::TestParamInfo<bool>& info) {
  return info.param ? "TmpfsToTestDirectory" : "OneFilesystem";
}

INSTANTIATE_TEST_SUITE_P(Go, CopyFileToFileTest, ::testing::Values(false, true),
                         CopyFileToFileName);

// --- Go's TestLargeCopyViaNetwork: 10 MiB from a file into a socket
// (sendfile) and from the other end into a file (splice), at once. ---

class LargeCopyViaNetworkTest : public ::testing::TestWithParam<Network> {};

TEST_P(LargeCopyViaNetworkTest, FileToSocketToFile) {
  constexpr int64_t kSize = 10 << 20;
  const std::string data = Pattern(kSize, 13);
  auto src = Open(MakeFile(data), O_RDONLY);
  Destination dst;
  Sockets s(GetParam());
  CopyCounters sent;
  src->SetCopyObserver(&sent);
  s.client->SetCopyObserver(&sent);  // for the stub's WriteTo, as in SendFileTest
  std::thread receiver([&] {
    io::Result r = io::Copy(*dst.file, *s.server);
    EXPECT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(r.n, kSize);
  });
  io::Result r = io::Copy(*s.client, *src);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, kSize);
  EXPECT_TRUE(s.client->Close().ok());
  receiver.join();
  EXPECT_EQ(dst.Contents(), data);
  EXPECT_EQ(CarriedBy(sent), All(kSize, CopyMethod::kSendfile));
  EXPECT_EQ(CarriedBy(dst.counters), All(kSize, CopyMethod::kSplice));
}

std::string NetworkParamName(const ::testing::TestParamInfo<Network>& info) {
  return NetworkName(info.param);
}

INSTANTIATE_TEST_SUITE_P(Go, LargeCopyViaNetworkTest,
                         ::testing::Values(Network::kTcp, Network::kUnix), NetworkParamName);

// --- Which method each pair gets, and who hears about it. ---

// A pipe as two Files, with a thread that writes `data` into it and closes
// its end (a source), or that reads it to the end (a destination).
struct PipeSource {
  explicit PipeSource(std::string bytes) : data(std::move(bytes)) {
    auto p = File::Pipe();
    if (!p.ok()) std::abort();
    reader = std::move(p->first);
    writer = std::move(p->second);
    feeder = std::thread([this] {
      (void)writer->Write(data);
      (void)writer->Close();
    });
  }
  ~PipeSource() {
    (void)reader->Close();
    feeder.join();
  }
  PipeSource(const PipeSource&) = delete;
  PipeSource& operator=(const PipeSource&) = delete;
  std::string data;
  std::unique_ptr<File> reader;
  std::unique_ptr<File> writer;
  std::thread feeder;
};

struct PipeSink {
  PipeSink() {
    auto p = File::Pipe();
    if (!p.ok()) std::abort();
    reader = std::move(p->first);
    writer = std::move(p->second);
    drain = std::thread([this] { got = ReadAll(*reader); });
  }
  // Closes the write end and waits for the reader: everything written.
  std::string Finish() {
    (void)writer->Close();
    drain.join();
    return got;
  }
  PipeSink(const PipeSink&) = delete;
  PipeSink& operator=(const PipeSink&) = delete;
  ~PipeSink() {
    if (drain.joinable()) Finish();
  }
  std::unique_ptr<File> reader;
  std::unique_ptr<File> writer;
  std::thread drain;
  std::string got;
};

TEST(ZeroCopyTest, FileToPipeIsSendfileReportedToTheSource) {
  const std::string data = Pattern(300000, 1);
  auto src = Open(MakeFile(data), O_RDONLY);
  PipeSink sink;
  CopyCounters source_side;
  CopyCounters destination_side;
  src->SetCopyObserver(&source_side);
  sink.writer->SetCopyObserver(&destination_side);
  io::Result r = io::Copy(*sink.writer, *src);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 300000);
  EXPECT_EQ(sink.Finish(), data);
  if (kKernelCopy) {
    EXPECT_EQ(CarriedBy(source_side), All(300000, CopyMethod::kSendfile));
    EXPECT_EQ(CarriedBy(destination_side), Carried{});  // WriteTo decided, not ReadFrom
  } else {
    // The stub: WriteTo hands over to the destination's ReadFrom.
    EXPECT_EQ(CarriedBy(destination_side), All(300000, CopyMethod::kSendfile));
  }
}

TEST(ZeroCopyTest, FileToPipeThroughReadFromIsReportedToTheDestination) {
  const std::string data = Pattern(100000, 2);
  auto src = Open(MakeFile(data), O_RDONLY);
  PipeSink sink;
  CopyCounters counters;
  sink.writer->SetCopyObserver(&counters);
  io::LimitedReader limited(*src, 70000);  // not a WriterTo: io::Copy asks dst's ReadFrom
  io::Result r = io::Copy(*sink.writer, limited);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 70000);
  EXPECT_EQ(limited.remaining(), 0);
  EXPECT_EQ(sink.Finish(), data.substr(0, 70000));
  EXPECT_EQ(CarriedBy(counters), All(70000, CopyMethod::kSendfile));
  EXPECT_EQ(Offset(*src), 70000);
}

TEST(ZeroCopyTest, FileToFileStaysTheDestinationsReadFrom) {
  const std::string data = Pattern(50000, 4);
  auto src = Open(MakeFile(data), O_RDONLY);
  Destination dst;
  CopyCounters source_side;
  src->SetCopyObserver(&source_side);
  io::Result r = io::Copy(*dst.file, *src);  // src's WriteTo hands over to dst's ReadFrom
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(dst.Contents(), data);
  EXPECT_EQ(CarriedBy(dst.counters), All(50000, CopyMethod::kCopyFileRange));
  EXPECT_EQ(CarriedBy(source_side), Carried{});
}

// splice from a pipe into a file lost to the read/write loop where it was
// measured (docs/benchmarks.md): not tried, and the observer hears why.
TEST(ZeroCopyTest, PipeToFileIsTheReadWriteLoopMeasuredFaster) {
  PipeSource src(Pattern(200000, 6));
  Destination dst;
  io::Result r = io::Copy(*dst.file, *src.reader);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 200000);
  EXPECT_EQ(Offset(*dst.file), 200000);
  EXPECT_EQ(dst.Contents(), src.data);
  EXPECT_EQ(CarriedBy(dst.counters).read_write, 200000);
  EXPECT_EQ(
      Fallbacks(dst.counters, kKernelCopy ? Fallback::kReadWriteFaster : Fallback::kNoKernelCopy),
      1);
}

TEST(ZeroCopyTest, PipeToPipeIsSplice) {
  PipeSource src(Pattern(200000, 7));
  PipeSink sink;
  CopyCounters counters;
  sink.writer->SetCopyObserver(&counters);
  io::Result r = io::Copy(*sink.writer, *src.reader);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(sink.Finish(), src.data);
  EXPECT_EQ(CarriedBy(counters), All(200000, CopyMethod::kSplice));
}

TEST(ZeroCopyTest, SocketToSocketIsSpliceThroughAPipe) {
  FedSocket in(Network::kUnix, Pattern(300000, 8));
  Sockets out(Network::kTcp);
  std::string got;
  std::thread receiver([&] { got = ReadAll(*out.server); });
  CopyCounters counters;
  out.client->SetCopyObserver(&counters);
  io::Result r = io::Copy(*out.client, in.server());
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_TRUE(out.client->Close().ok());
  receiver.join();
  EXPECT_EQ(got, in.data);
  EXPECT_EQ(CarriedBy(counters), All(300000, CopyMethod::kSplice));
}

TEST(ZeroCopyTest, CharacterDeviceHasNoMethod) {
  auto src = File::Open("/dev/zero");
  ASSERT_TRUE(src.ok()) << src.status();
  Destination dst;
  io::Result r = io::CopyN(*dst.file, **src, 5000);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(dst.Contents(), std::string(5000, '\0'));
  EXPECT_EQ(CarriedBy(dst.counters).read_write, 5000);
  EXPECT_EQ(Fallbacks(dst.counters, kKernelCopy ? Fallback::kFileTypes : Fallback::kNoKernelCopy),
            1);
}

// Files opened by name whose types nobody has asked for: copy_file_range is
// tried first (it is the test for two regular files, and costs them no
// fstat); a FIFO refuses it with EINVAL, and the method for the pair carries
// every byte from where it stopped.
TEST(ZeroCopyTest, UnaskedTypesAreFoundByCopyFileRangesRefusal) {
  const std::string dir = testutil::TempDir();
  const std::string fifo = absl::StrCat(dir, "/zero_copy_test.fifo.", ::getpid());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string data = Pattern(200000, 10);
  auto src = Open(MakeFile(data), O_RDONLY);
  std::string got;
  std::thread reader([&] {
    absl::StatusOr<std::unique_ptr<File>> end = File::Open(fifo);
    ASSERT_TRUE(end.ok()) << end.status();
    got = ReadAll(**end);
  });
  absl::StatusOr<std::unique_ptr<File>> dst = File::OpenFile(fifo, O_WRONLY, 0);
  ASSERT_TRUE(dst.ok()) << dst.status();
  CopyCounters counters;
  src->SetCopyObserver(&counters);
  (*dst)->SetCopyObserver(&counters);
  io::Result r = io::Copy(**dst, *src);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 200000);
  ASSERT_TRUE((*dst)->Close().ok());
  reader.join();
  ::unlink(fifo.c_str());
  EXPECT_EQ(got, data);
  EXPECT_EQ(CarriedBy(counters), All(200000, CopyMethod::kSendfile));
  if (kKernelCopy) {
    EXPECT_EQ(Fallbacks(counters, Fallback::kRefused, EINVAL, CopyMethod::kCopyFileRange), 1);
  }
}

// A directory opened by name as the source: copy_file_range answers EISDIR
// (its type check), which is a refusal, not the copy's failure; the
// read/write loop then says what read(2) says, naming the source, and the
// destination is left as it was.
TEST(ZeroCopyTest, DirectorySourceOpenedByNameFailsAsReadDoes) {
  const std::string dir = testutil::TempDir();
  absl::StatusOr<std::unique_ptr<File>> src = File::Open(dir);
  ASSERT_TRUE(src.ok()) << src.status();
  Destination dst;
  io::Result r = io::Copy(*dst.file, **src);
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(ErrnoOf(r.status), EISDIR) << r.status;
  EXPECT_EQ(r.status.message(), absl::StrCat("read ", QuoteName(dir), ": is a directory"));
  EXPECT_EQ(dst.Contents(), "");
  EXPECT_EQ(CarriedBy(dst.counters), Carried{});
}

TEST(ZeroCopyTest, AppendDestinationNamesThePairsMethod) {
  FedSocket src(Network::kUnix, Pattern(3000, 9));
  const std::string dst_path = MakeFile("x");
  auto dst = Open(dst_path, O_WRONLY | O_APPEND);
  CopyCounters counters;
  dst->SetCopyObserver(&counters);
  io::Result r = io::Copy(*dst, src.server());
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(testutil::Contents(dst_path), "x" + src.data);
  if (kKernelCopy) {
    EXPECT_EQ(Fallbacks(counters, Fallback::kAppendMode, 0, CopyMethod::kSplice), 1);
  }
}

TEST(ZeroCopyTest, NewFileNamesSocketsAndPipes) {
  const std::array<int, 2> fds = testutil::ConnectedSockets(Network::kUnix);
  auto client = File::NewFile(fds[0]);
  auto server = File::NewFile(fds[1]);
  EXPECT_TRUE(client->Name().starts_with("socket:[")) << client->Name();
  std::array<int, 2> p = {-1, -1};
  ASSERT_EQ(::pipe2(p.data(), O_CLOEXEC), 0);
  auto reader = File::NewFile(p[0]);
  auto writer = File::NewFile(p[1]);
  EXPECT_TRUE(reader->Name().starts_with("pipe:[")) << reader->Name();
  const int fd = testutil::MustOpen(MakeFile(""), O_RDONLY);
  auto file = File::NewFile(fd);
  EXPECT_EQ(file->Name(), absl::StrCat("/dev/fd/", fd));
  EXPECT_EQ(File::NewFile(-1), nullptr);
}

// --- Descriptors in non-blocking mode: sysport has no network poller, so a
// copy that meets EAGAIN waits with poll(2), in the kernel's copy and in the
// read/write loop alike. ---

TEST(NonBlockingTest, FileToNonBlockingSocketWithASlowReader) {
  Sockets s(Network::kTcp);
  ASSERT_EQ(::fcntl(s.client->Fd(), F_SETFL, ::fcntl(s.client->Fd(), F_GETFL) | O_NONBLOCK), 0);
  const std::string data = Pattern(8 << 20, 10);  // far more than the socket buffers hold
  auto src = Open(MakeFile(data), O_RDONLY);
  std::string got;
  std::thread reader([&] {
    std::array<char, 1 << 16> buf = {};
    while (true) {
      absl::StatusOr<int64_t> n = s.server->Read(absl::MakeSpan(buf));
      if (!n.ok() || *n == 0) break;
      got.append(buf.data(), static_cast<size_t>(*n));
      if (got.size() % (1 << 20) < buf.size()) absl::SleepFor(absl::Milliseconds(5));
    }
  });
  FakeSyscalls fake;
  io::Result r = io::Copy(*s.client, *src);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 8 << 20);
  EXPECT_TRUE(s.client->Close().ok());
  reader.join();
  EXPECT_EQ(got, data);
  if (kKernelCopy) {
    EXPECT_FALSE(fake.poll_calls().empty()) << "the socket was never full?";
  }
}

TEST(NonBlockingTest, NonBlockingSocketToFileWithASlowSender) {
  Sockets s(Network::kUnix);
  ASSERT_EQ(::fcntl(s.server->Fd(), F_SETFL, ::fcntl(s.server->Fd(), F_GETFL) | O_NONBLOCK), 0);
  const std::string data = Pattern(2 << 20, 12);
  std::thread sender([&] {
    for (size_t done = 0; done < data.size(); done += 64 << 10) {
      EXPECT_TRUE(s.client->Write(std::string_view(data).substr(done, 64 << 10)).ok());
      absl::SleepFor(absl::Milliseconds(1));  // the reader finds the socket empty, often
    }
    EXPECT_TRUE(s.client->Close().ok());
  });
  Destination dst;
  FakeSyscalls fake;
  io::Result r = io::Copy(*dst.file, *s.server);
  sender.join();
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 2 << 20);
  EXPECT_EQ(dst.Contents(), data);
  if (kKernelCopy) {
    EXPECT_FALSE(fake.poll_calls().empty());
  }
}

// --- Every errno the sendfile and splice policies name, injected end to end:
// a refusal hands the rest to the read/write loop with nothing lost or
// counted twice; anything else fails with Go's message and the exact count. ---

class FaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!kKernelCopy) GTEST_SKIP() << "stub build: there is no in-kernel copy to fault";
    testutil::IgnoreSigpipe();
  }
};

// A refusal of `method` before the first byte, or after 4000, hands the rest
// to the read/write loop: nothing lost, the count exact, each part counted to
// the path that carried it. sendfile pushes from a file (and reports to it);
// splice pulls from a pipe (and reports to the destination).
void ExpectRefusalLosesNothing(CopyMethod method, int err, bool after_bytes) {
  SCOPED_TRACE(absl::StrCat(poll::Name(method), " ", Errno(err).Name(),
                            after_bytes ? " after 4000 bytes" : ""));
  const bool sendfile = method == CopyMethod::kSendfile;
  FakeSyscalls fake;
  poll::testing::ScriptedCall& script = sendfile ? fake.sendfile : fake.splice;
  const int64_t kernel = after_bytes ? 4000 : 0;
  if (after_bytes) script.ShortRound(1, 4000);
  script.FailRound(after_bytes ? 2 : 1, Errno(err));
  const std::string data = Pattern(100000, 14);
  std::unique_ptr<File> file_source;
  std::optional<PipeSource> pipe_source;
  File& src = sendfile ? *(file_source = Open(MakeFile(data), O_RDONLY))
                       : *pipe_source.emplace(data).reader;
  PipeSink sink;
  CopyCounters counters;
  (sendfile ? src : *sink.writer).SetCopyObserver(&counters);
  io::Result r = io::Copy(*sink.writer, src);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 100000);
  EXPECT_EQ(sink.Finish(), data);
  Carried expected = All(kernel, method);
  expected.read_write = 100000 - kernel;
  EXPECT_EQ(CarriedBy(counters), expected);
  EXPECT_EQ(Fallbacks(counters, Fallback::kRefused, err), 1);
}

TEST_F(FaultTest, SendfileRefusalsBeforeAndAfterBytes) {
  for (const int err : {EINVAL, EOPNOTSUPP, EOVERFLOW, EBADF, ENOSYS, EPERM}) {
    for (const bool after_bytes : {false, true}) {
      ExpectRefusalLosesNothing(CopyMethod::kSendfile, err, after_bytes);
    }
  }
}

TEST_F(FaultTest, SpliceRefusalsBeforeAndAfterBytes) {
  for (const int err : {EINVAL, EBADF, ENOSYS, EPERM}) {
    for (const bool after_bytes : {false, true}) {
      ExpectRefusalLosesNothing(CopyMethod::kSplice, err, after_bytes);
    }
  }
}

// Through the intermediate pipe, a refusal in the second half of a round
// (bytes already out of the socket) loses nothing either.
TEST_F(FaultTest, SpliceRefusalWithBytesInTheIntermediatePipe) {
  FakeSyscalls fake;
  fake.splice.ShortRound(2, 100);           // out of the pipe: 100 bytes
  fake.splice.FailRound(3, Errno(EINVAL));  // then the rest of the round is refused
  FedSocket src(Network::kUnix, Pattern(200000, 16));
  Destination dst;
  io::Result r = io::Copy(*dst.file, src.server());
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 200000);
  EXPECT_EQ(dst.Contents(), src.data);
  const Carried carried = CarriedBy(dst.counters);
  EXPECT_GE(carried.splice, 100);
  EXPECT_EQ(carried.splice + carried.read_write, 200000);
}

TEST_F(FaultTest, SendfileFailuresNameTheDestinationAndCountExactly) {
  for (const int err : {ENOSPC, EPIPE, EIO}) {
    SCOPED_TRACE(Errno(err).Name());
    FakeSyscalls fake;
    fake.sendfile.ShortRound(1, 2500);
    fake.sendfile.FailRound(2, Errno(err));
    auto src = Open(MakeFile(Pattern(10000)), O_RDONLY);
    PipeSink sink;
    io::Result r = io::Copy(*sink.writer, *src);
    EXPECT_EQ(r.n, 2500);
    EXPECT_EQ(ErrnoOf(r.status), err);
    EXPECT_EQ(r.status.message(), absl::StrCat("write ", QuoteName(sink.writer->Name()),
                                               ": sendfile: ", Errno(err).Message()));
    EXPECT_EQ(sink.Finish(), Pattern(2500));
  }
}

TEST_F(FaultTest, SpliceFailuresNameTheDestinationAndCountExactly) {
  FakeSyscalls fake;
  fake.splice.ShortRound(1, 3000);
  fake.splice.FailRound(2, Errno(EDQUOT));
  PipeSource src(Pattern(10000));
  PipeSink sink;
  io::Result r = io::Copy(*sink.writer, *src.reader);
  EXPECT_EQ(r.n, 3000);
  EXPECT_EQ(r.status.message(), absl::StrCat("write ", QuoteName(sink.writer->Name()),
                                             ": splice: disk quota exceeded"));
  EXPECT_EQ(sink.Finish(), Pattern(3000));
}

// copy_file_range says EXDEV midway; sendfile carries on from the offsets,
// then says EINVAL; the read/write loop finishes. Three paths, one exact count.
TEST_F(FaultTest, CopyFileRangeThenSendfileThenReadWrite) {
  FakeSyscalls fake;
  fake.copy_file_range.ShortRound(1, 1000);
  fake.copy_file_range.FailRound(2, Errno(EXDEV));
  fake.sendfile.ShortRound(1, 2000);
  fake.sendfile.FailRound(2, Errno(EINVAL));
  const std::string data = Pattern(10000, 17);
  auto src = Open(MakeFile(data), O_RDONLY);
  Destination dst;
  io::LimitedReader limited(*src, 9000);
  io::Result r = dst.file->ReadFrom(limited);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 9000);
  EXPECT_EQ(limited.remaining(), 0);
  EXPECT_EQ(Offset(*src), 9000);
  EXPECT_EQ(Offset(*dst.file), 9000);
  EXPECT_EQ(dst.Contents(), data.substr(0, 9000));
  EXPECT_EQ(CarriedBy(dst.counters), (Carried{1000, 2000, 0, 6000}));
  EXPECT_EQ(dst.counters.totals().ToString(),
            "copy_file_range: 1 attempt, 2 system calls, 1000 bytes; fell back: EXDEV (invalid "
            "cross-device link) 1x\n"
            "sendfile: 1 attempt, 2 system calls, 2000 bytes; fell back: EINVAL (invalid "
            "argument) 1x\n"
            "read/write: 2 reads, 1 write, 6000 bytes");
}

TEST_F(FaultTest, NoIntermediatePipe) {
  FakeSyscalls fake;
  fake.pipe.FailRound(1, Errno(EMFILE));
  FedSocket src(Network::kUnix, Pattern(50000, 18));
  Destination dst;
  io::Result r = io::Copy(*dst.file, src.server());
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(dst.Contents(), src.data);
  EXPECT_EQ(CarriedBy(dst.counters), (Carried{0, 0, 0, 50000}));
  EXPECT_EQ(Fallbacks(dst.counters, Fallback::kNoPipe, EMFILE), 1);
}

}  // namespace
}  // namespace sysport::os
