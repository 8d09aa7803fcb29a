// kernel_copy_bench: which way of copying is fastest for each pair of file
// types beyond two regular files on one filesystem (issue 13): sendfile,
// splice and copy_file_range against sysport's read/write loop, a plain
// system-call loop with no sysport code, and Rust's std::io::copy.
//
// Plain Google Benchmark registration (BENCHMARK()->Args()->ArgNames()); the
// arguments are numbers, named by the enums below, which
// tools/bench/report.py turns back into words for docs/benchmarks.md's table
// (`tools/bench/run kernel_copy` runs it).
// Only the copy is timed (manual time): the clock starts with the copy and,
// when the destination is a pipe or socket, stops when its reader has read
// the last byte. Feeders and readers are threads of this process that write
// from, or read into, a 1 MiB buffer.
//
// Environment:
//   SYSPORT_BENCH_SIZE       bytes per copy (default 1 GiB)
//   SYSPORT_BENCH_EXT4_DIR   a directory on the disk's filesystem (default /var/tmp)
//   SYSPORT_BENCH_TMPFS_DIR  a directory on tmpfs (default /dev/shm)
//   SYSPORT_RUST_PEER        tools/bench/rust_copy.rs built; without it the
//                            Rust cases are skipped with a message

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/file.h"
#include "tools/bench/copy_paths.h"

namespace sysport::bench {
namespace {

// How the bytes are copied (the "variant" argument).
enum Variant : int64_t {
  kLibrary = 0,        // io::Copy(dst, src) with both os::Files: the method sysport chose
  kGeneric = 1,        // io::Copy(dst, ReaderOnly(src)): File::ReadFrom's read/write loop
  kPlainSendfile = 2,  // sendfile(2) in a loop, 4 MiB per call, no sysport code
  kPlainSplice = 3,    // splice(2) in a loop (through a 1 MiB pipe if neither end is one)
  kRust = 4,           // Rust's std::io::copy, in tools/bench/rust_copy.rs
};

// Which pair (the "pair" argument).
enum Pair : int64_t {
  kExt4ToTmpfs = 0,  // two regular files on two filesystems: copy_file_range says EXDEV
  kTmpfsToExt4 = 1,
  kFileToTcp = 2,   // a regular file (ext4) into loopback TCP
  kFileToPipe = 3,  // a regular file (ext4) into a pipe
  kPipeToExt4 = 4,  // a pipe into a regular file
  kPipeToTmpfs = 5,
  kTcpToExt4 = 6,  // loopback TCP into a regular file
  kPipeToPipe = 7,
  kPipeToTcp = 8,
  kTcpToTcp = 9,
  kTcpToPipe = 10,
  kUnixToExt4 = 11,  // a Unix stream socket into a regular file
  kFileToUnix = 12,
};

int64_t Size() {
  int64_t size = int64_t{1} << 30;
  if (const char* env = std::getenv("SYSPORT_BENCH_SIZE")) (void)absl::SimpleAtoi(env, &size);
  return size;
}

std::string Dir(const char* env, const char* fallback) {
  const char* dir = std::getenv(env);
  return dir != nullptr && *dir != '\0' ? dir : fallback;
}
std::string Ext4Dir() { return Dir("SYSPORT_BENCH_EXT4_DIR", "/var/tmp"); }
std::string TmpfsDir() { return Dir("SYSPORT_BENCH_TMPFS_DIR", "/dev/shm"); }

[[noreturn]] void Die(const std::string& what) {
  std::perror(what.c_str());
  std::abort();
}

// A source file of Size() bytes in `dir`, written and fsync()ed once per
// run, so it is in the page cache and not dirty.
const std::string& SourceIn(const std::string& dir) {
  // Never destroyed: benchmarks may run until exit.
  // NOLINTNEXTLINE(cppcoreguidelines-owning-memory)
  static auto* const sources = new std::map<std::string, std::string>;
  auto it = sources->find(dir);
  if (it != sources->end()) return it->second;
  const std::string path = absl::StrCat(dir, "/sysport-kernel-copy-bench-src");
  const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) Die(path);
  std::vector<char> block(1 << 20);
  for (size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>(i % 251);
  for (int64_t done = 0; done < Size();) {
    const auto n =
        static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(block.size()), Size() - done));
    if (::write(fd, block.data(), n) != static_cast<ssize_t>(n)) Die("write " + path);
    done += static_cast<int64_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) Die("fsync " + path);
  return sources->emplace(dir, path).first->second;
}

// Reads `fd` to its end into a 1 MiB buffer; the bytes it saw.
int64_t Drain(int fd) {
  std::vector<char> buf(1 << 20);
  int64_t total = 0;
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n <= 0) return total;
    total += n;
  }
}

// Writes `size` bytes into `fd` from a 1 MiB buffer, then closes it.
void Feed(int fd, int64_t size) {
  std::vector<char> buf(1 << 20, 'x');
  for (int64_t done = 0; done < size;) {
    const ssize_t n = ::write(
        fd, buf.data(),
        static_cast<size_t>(std::min<int64_t>(static_cast<int64_t>(buf.size()), size - done)));
    if (n <= 0) break;
    done += n;
  }
  ::close(fd);
}

std::array<int, 2> MakePipe() {
  std::array<int, 2> fds = {-1, -1};
  if (::pipe2(fds.data(), O_CLOEXEC) != 0) Die("pipe2");
  return fds;
}

// A connected pair {client, server} over loopback TCP or a Unix socket.
std::array<int, 2> MakeSockets(bool tcp) {
  if (!tcp) {
    std::array<int, 2> fds = {-1, -1};
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds.data()) != 0) Die("socketpair");
    return fds;
  }
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  // The sockets API takes every address as a struct sockaddr*.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast)
  auto* sa = reinterpret_cast<struct sockaddr*>(&addr);
  if (::bind(listener, sa, len) != 0 || ::listen(listener, 1) != 0 ||
      ::getsockname(listener, sa, &len) != 0) {
    Die("listen");
  }
  const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (::connect(client, sa, len) != 0) Die("connect");
  const int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (server < 0) Die("accept");
  ::close(listener);
  return {client, server};
}

// The plain loops: no sysport code, as a C program would write them.
int64_t PlainSendfile(int out, int in) {
  int64_t total = 0;
  while (true) {
    const ssize_t n = ::sendfile(out, in, nullptr, size_t{4} << 20);
    if (n < 0) Die("sendfile");
    if (n == 0) return total;
    total += n;
  }
}

int64_t PlainSplice(int out, int in, bool through_pipe) {
  std::array<int, 2> pipe = {-1, -1};
  if (through_pipe) {
    pipe = MakePipe();
    (void)::fcntl(pipe[1], F_SETPIPE_SZ, 1 << 20);
  }
  int64_t total = 0;
  while (true) {
    const ssize_t n =
        ::splice(in, nullptr, through_pipe ? pipe[1] : out, nullptr, size_t{1} << 20, 0);
    if (n < 0) Die("splice");
    if (n == 0) break;
    for (ssize_t left = n; through_pipe && left > 0;) {
      const ssize_t m = ::splice(pipe[0], nullptr, out, nullptr, static_cast<size_t>(left), 0);
      if (m <= 0) Die("splice out of the pipe");
      left -= m;
    }
    total += n;
  }
  if (through_pipe) {
    ::close(pipe[0]);
    ::close(pipe[1]);
  }
  return total;
}

// One copy by tools/bench/rust_copy.rs: it times its own std::io::copy (with
// the same feeder or reader threads as here) and prints the seconds. Returns
// -1 if there is no Rust peer.
double RustCopy(const std::string& mode, const std::string& a, const std::string& b) {
  const char* peer = std::getenv("SYSPORT_RUST_PEER");
  if (peer == nullptr || *peer == '\0') return -1;
  const std::string command = absl::StrCat(peer, " ", mode, " ", a, " ", b, " ", Size());
  // The command is the peer this script built, with numbers and paths it made.
  FILE* out = ::popen(command.c_str(), "r");  // NOLINT(cert-env33-c)
  if (out == nullptr) Die("popen " + command);
  std::array<char, 64> line = {};
  double seconds = -1;
  if (std::fgets(line.data(), line.size(), out) != nullptr) {
    seconds = std::strtod(line.data(), nullptr);
  }
  if (::pclose(out) != 0 || seconds <= 0) Die("rust peer: " + command);
  return seconds;
}

// io::Copy(dst, src) or io::Copy(dst, ReaderOnly(src)); aborts on failure or
// a short copy.
void LibraryCopy(os::File& dst, os::File& src, Variant variant, os::CopyCounters* counters) {
  if (counters != nullptr) {
    dst.SetCopyObserver(counters);
    src.SetCopyObserver(counters);
  }
  ReaderOnly generic(src);
  const io::Result r = variant == kGeneric ? io::Copy(dst, generic) : io::Copy(dst, src);
  if (!r.ok() || r.n != Size()) {
    (void)std::fprintf(stderr, "copy: %lld bytes, %s\n", static_cast<long long>(r.n),
                       std::string(r.status.message()).c_str());
    std::abort();
  }
}

std::unique_ptr<os::File> Adopt(int fd, const std::string& name) {
  return os::File::NewFile(fd, name);
}

struct Clock {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double Seconds() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

// The path sysport took, once per benchmark, as a label: "sendfile 100%".
void LabelPath(benchmark::State& state, const os::CopyCounters& counters) {
  const os::CopyCounters::Totals t = counters.totals();
  std::string label;
  for (int i = 0; i < poll::kNumCopyMethods; ++i) {
    const auto method = static_cast<poll::CopyMethod>(i);
    if (t.of(method).bytes > 0) {
      absl::StrAppend(&label, label.empty() ? "" : "+", poll::Name(method));
    }
  }
  if (t.read_write.bytes > 0) absl::StrAppend(&label, label.empty() ? "" : "+", "read/write");
  state.SetLabel(label);
}

// Two regular files on two filesystems.
void BM_CrossFilesystem(benchmark::State& state) {
  const auto pair = static_cast<Pair>(state.range(0));
  const auto variant = static_cast<Variant>(state.range(1));
  const bool from_ext4 = pair == kExt4ToTmpfs;
  const std::string& src_path = SourceIn(from_ext4 ? Ext4Dir() : TmpfsDir());
  const std::string dst_path =
      absl::StrCat(from_ext4 ? TmpfsDir() : Ext4Dir(), "/sysport-kernel-copy-bench-dst");
  os::CopyCounters counters;
  for (auto _ : state) {
    ::unlink(dst_path.c_str());
    double seconds = 0;
    if (variant == kRust) {
      seconds = RustCopy("file2file", src_path, dst_path);
      if (seconds < 0) {
        state.SkipWithError("no Rust peer (SYSPORT_RUST_PEER): rustc missing?");
        break;
      }
    } else {
      auto src = os::File::Open(src_path);
      auto dst = os::File::Create(dst_path);
      if (!src.ok() || !dst.ok()) Die("open");
      const Clock clock;
      if (variant == kPlainSendfile) {
        if (PlainSendfile((*dst)->Fd(), (*src)->Fd()) != Size()) Die("short sendfile");
      } else {
        LibraryCopy(**dst, **src, variant, &counters);
      }
      seconds = clock.Seconds();
    }
    state.SetIterationTime(seconds);
  }
  ::unlink(dst_path.c_str());
  LabelPath(state, counters);
  state.SetBytesProcessed(state.iterations() * Size());
}

// A regular file into a socket or pipe, read by another thread.
void BM_FileInto(benchmark::State& state) {
  const auto pair = static_cast<Pair>(state.range(0));
  const auto variant = static_cast<Variant>(state.range(1));
  const std::string& src_path = SourceIn(Ext4Dir());
  os::CopyCounters counters;
  for (auto _ : state) {
    if (variant == kRust) {
      const double seconds =
          RustCopy(pair == kFileToPipe ? "file2pipe" : "file2tcp", src_path, "-");
      if (seconds < 0 || pair == kFileToUnix) {
        state.SkipWithError("no Rust peer (SYSPORT_RUST_PEER), or no Unix case for it");
        break;
      }
      state.SetIterationTime(seconds);
      continue;
    }
    const std::array<int, 2> ends =
        pair == kFileToPipe ? [] { auto p = MakePipe(); return std::array<int, 2>{p[1], p[0]}; }()
                            : MakeSockets(pair == kFileToTcp);
    // ends[0] is written to, ends[1] read from.
    auto src = os::File::Open(src_path);
    if (!src.ok()) Die("open");
    auto dst = Adopt(ends[0], "dst");
    const Clock clock;
    std::thread reader([fd = ends[1]] { (void)Drain(fd); });
    if (variant == kPlainSendfile) {
      if (PlainSendfile(dst->Fd(), (*src)->Fd()) != Size()) Die("short sendfile");
    } else if (variant == kPlainSplice) {
      if (PlainSplice(dst->Fd(), (*src)->Fd(), pair != kFileToPipe) != Size()) Die("short splice");
    } else {
      LibraryCopy(*dst, **src, variant, &counters);
    }
    (void)dst->Close();  // the reader's end of input
    reader.join();
    state.SetIterationTime(clock.Seconds());
    ::close(ends[1]);
  }
  LabelPath(state, counters);
  state.SetBytesProcessed(state.iterations() * Size());
}

// A pipe or socket, fed by another thread, into a regular file.
void BM_IntoFile(benchmark::State& state) {
  const auto pair = static_cast<Pair>(state.range(0));
  const auto variant = static_cast<Variant>(state.range(1));
  const std::string dst_path =
      absl::StrCat(pair == kPipeToTmpfs ? TmpfsDir() : Ext4Dir(), "/sysport-kernel-copy-bench-dst");
  const bool from_pipe = pair == kPipeToExt4 || pair == kPipeToTmpfs;
  os::CopyCounters counters;
  for (auto _ : state) {
    ::unlink(dst_path.c_str());
    if (variant == kRust) {
      const double seconds = from_pipe ? RustCopy("pipe2file", "-", dst_path) : -1;
      if (seconds < 0) {
        state.SkipWithError("no Rust peer (SYSPORT_RUST_PEER), or no socket case for it");
        break;
      }
      state.SetIterationTime(seconds);
      continue;
    }
    // ends[0] is fed, ends[1] read from.
    const std::array<int, 2> ends =
        from_pipe ? [] { auto p = MakePipe(); return std::array<int, 2>{p[1], p[0]}; }()
                  : MakeSockets(pair == kTcpToExt4);
    auto dst = os::File::Create(dst_path);
    if (!dst.ok()) Die("create");
    auto src = Adopt(ends[1], "src");
    const Clock clock;
    std::thread feeder([fd = ends[0]] { Feed(fd, Size()); });
    if (variant == kPlainSplice) {
      if (PlainSplice((*dst)->Fd(), src->Fd(), !from_pipe) != Size()) Die("short splice");
    } else {
      LibraryCopy(**dst, *src, variant, &counters);
    }
    state.SetIterationTime(clock.Seconds());
    feeder.join();
  }
  ::unlink(dst_path.c_str());
  LabelPath(state, counters);
  state.SetBytesProcessed(state.iterations() * Size());
}

// Between pipes and sockets: fed by one thread, read by another.
void BM_Stream(benchmark::State& state) {
  const auto pair = static_cast<Pair>(state.range(0));
  const auto variant = static_cast<Variant>(state.range(1));
  const bool from_pipe = pair == kPipeToPipe || pair == kPipeToTcp;
  const bool to_pipe = pair == kPipeToPipe || pair == kTcpToPipe;
  os::CopyCounters counters;
  for (auto _ : state) {
    const std::array<int, 2> in =
        from_pipe ? [] { auto p = MakePipe(); return std::array<int, 2>{p[1], p[0]}; }()
                  : MakeSockets(true);
    const std::array<int, 2> out =
        to_pipe ? [] { auto p = MakePipe(); return std::array<int, 2>{p[1], p[0]}; }()
                : MakeSockets(true);
    auto src = Adopt(in[1], "src");
    auto dst = Adopt(out[0], "dst");
    const Clock clock;
    std::thread feeder([fd = in[0]] { Feed(fd, Size()); });
    std::thread reader([fd = out[1]] { (void)Drain(fd); });
    if (variant == kPlainSplice) {
      if (PlainSplice(dst->Fd(), src->Fd(), !from_pipe && !to_pipe) != Size()) Die("short splice");
    } else {
      LibraryCopy(*dst, *src, variant, &counters);
    }
    (void)dst->Close();
    reader.join();
    state.SetIterationTime(clock.Seconds());
    feeder.join();
    ::close(out[1]);
  }
  LabelPath(state, counters);
  state.SetBytesProcessed(state.iterations() * Size());
}

BENCHMARK(BM_CrossFilesystem)
    ->ArgNames({"pair", "variant"})
    ->ArgsProduct({{kExt4ToTmpfs, kTmpfsToExt4}, {kLibrary, kGeneric, kPlainSendfile, kRust}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_FileInto)
    ->ArgNames({"pair", "variant"})
    ->ArgsProduct({{kFileToTcp, kFileToPipe}, {kLibrary, kGeneric, kPlainSendfile, kRust}})
    ->Args({kFileToPipe, kPlainSplice})
    ->Args({kFileToUnix, kLibrary})
    ->Args({kFileToUnix, kGeneric})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_IntoFile)
    ->ArgNames({"pair", "variant"})
    ->ArgsProduct({{kPipeToExt4, kPipeToTmpfs}, {kLibrary, kGeneric, kPlainSplice, kRust}})
    ->ArgsProduct({{kTcpToExt4, kUnixToExt4}, {kLibrary, kGeneric, kPlainSplice}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(BM_Stream)
    ->ArgNames({"pair", "variant"})
    ->ArgsProduct({{kPipeToPipe, kPipeToTcp, kTcpToTcp, kTcpToPipe},
                   {kLibrary, kGeneric, kPlainSplice}})
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sysport::bench

BENCHMARK_MAIN();
