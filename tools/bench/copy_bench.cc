// copy_bench: io::Copy's paths, measured with Google Benchmark on the
// filesystems named on the command line. `tools/bench/run copy` builds it with
// -c opt, runs it (--benchmark_repetitions, --benchmark_enable_random_interleaving,
// --benchmark_out_format=json) and turns the JSON into docs/benchmarks.md's
// tables with tools/bench/report.py.
//
//   copy_bench --fs=ext4=/tmp/d,tmpfs=/dev/shm/d,tmpfs-to-ext4=/dev/shm/d:/tmp/d
//              [--sizes=4096,1048576] [--pipes_on=ext4,...] [--sweep_on=ext4,...]
//              [--sweep_buffers=32768,...] [--paired_sizes=4096] [--benchmark_...]
//
// The families, with their arguments (Args/ArgNames):
//   file_to_file/fs:F/size:S/path:P    a file of S bytes into a new file
//   pipe_to_file/fs:F/size:S/path:P    S bytes from a pipe (fed by a thread) into a new file
//   file_to_pipe/fs:F/size:S/path:P    a file of S bytes into a pipe (drained by a thread)
//   buffer_sweep/fs:F/size:S/buffer:B  file to file by io::CopyBuffer, with a new buffer of B
//                                      bytes per copy (what the generic path does with
//                                      io::kCopyBufferSize)
//   paths_paired/fs:F/size:S           file_to_file's paths, the layers under the generic
//                                      path (file_calls, interface_calls, read_from) and the
//                                      fast path's floor (plain_kernel) in turn, one copy
//                                      each per iteration (only with --paired_sizes)
// F indexes --fs; P is a Path (copy_paths.h: fast, generic, plain32k). Each run's
// label spells its arguments out for people, in ArgNames order, joined by ", "
// ("ext4, 4.0 KiB, fast", sizes by tools::HumanBytes), so report.py never
// formats a byte count. The context records the compiler, whether it optimised,
// the kernel, io::kCopyBufferSize and each --fs entry's directories.
//
// How it measures: only the copy is timed (UseManualTime); each copy goes to a
// new destination that is closed and deleted afterwards, untimed, so dirty pages
// never pile up. Sources are written and fsync()ed once per directory and size
// and stay in the page cache. Before the timed copies, one untimed copy with an
// os::CopyCounters observer on the destination warms the caches and gives the
// run's counters: per copy, in-kernel system calls and bytes (kernel_calls,
// kernel_bytes) and the read/write loop's reads, writes and bytes (rw_reads,
// rw_writes, rw_bytes); none when File::ReadFrom was not involved (plain32k,
// buffer_sweep).
//
// Adding a family (whole-file copies: os::CopyFile, std::filesystem::copy_file
// and `cp` as a subprocess; sendfile/splice pairs: file to TCP socket, file to
// pipe, pipe to file; a Rust std::io::copy peer that tools/bench/run builds with
// rustc -O) takes a few lines:
//   1. A new kind of argument gets an enum and a names array, as Path has
//      (copy_paths.h), and an axis: Indexes(kWholeFileMethods). A program
//      outside this binary (cp, the Rust peer) is a flag naming its path, run
//      per copy (posix_spawn, waitpid) inside timer.Time().
//   2. A function `void WholeFile(benchmark::State& state)`: its arguments from
//      FsArg() and state.range(i); Label() them; Measure() with a lambda that
//      makes one copy, timing only the copy with timer.Time() (the helpers
//      FromStart, FromProducer, IntoNewFile and IntoConsumer set up sources,
//      destinations and pipes).
//   3. One statement in RegisterFamilies():
//        Family("whole_file", WholeFile)
//            ->ArgsProduct({AllFilesystems(), Sizes(), Indexes(kWholeFileMethods)})
//            ->ArgNames({"fs", "size", "method"});
//   4. A table in report.py (a function like file_to_file_table(), called from
//      copy_report()).

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/file.h"
#include "testutil/testutil.h"
#include "tools/bench/copy_paths.h"
#include "tools/human_bytes.h"

ABSL_FLAG(std::vector<std::string>, fs, {},
          "Comma-separated LABEL=DIR (sources and copies in DIR) or LABEL=SRC_DIR:DST_DIR (a "
          "cross-filesystem case). Default: tmp=$TMPDIR (or /tmp).");
ABSL_FLAG(std::vector<std::string>, sizes, (std::vector<std::string>{"4096", "1048576"}),
          "Bytes per copy.");
ABSL_FLAG(std::vector<std::string>, pipes_on, {},
          "Labels of --fs entries where pipe_to_file and file_to_pipe run.");
ABSL_FLAG(std::vector<std::string>, sweep_on, {},
          "Labels of --fs entries where buffer_sweep runs.");
ABSL_FLAG(std::vector<std::string>, paired_sizes, {},
          "Sizes, in bytes, at which paths_paired runs (on every --fs entry); none by default.");
ABSL_FLAG(std::vector<std::string>, sweep_buffers,
          (std::vector<std::string>{"32768", "65536", "131072", "262144", "524288", "1048576"}),
          "Buffer sizes, in bytes, for buffer_sweep.");

namespace sysport::bench {
namespace {

// ---------------------------------------------------------------------------
// The axes: what the families' arguments index.

struct Filesystem {
  std::string label;    // "ext4", "tmpfs", "tmpfs-to-ext4", "xfs-reflink"
  std::string src_dir;  // where sources are written
  std::string dst_dir;  // where copies go: src_dir unless the case crosses filesystems
};

// What the command line asks for, read by RegisterFamilies() and the families.
struct Config {
  std::vector<Filesystem> filesystems;  // --fs, in order: the "fs" argument indexes it
  std::vector<int64_t> sizes;           // --sizes
  std::vector<int64_t> sweep_buffers;   // --sweep_buffers
  std::vector<int64_t> paired_sizes;    // --paired_sizes
};

Config& TheConfig() {
  static Config config;
  return config;
}

const std::vector<Filesystem>& Filesystems() { return TheConfig().filesystems; }

// Axis values: every --fs entry, the ones labelled, --sizes, --sweep_buffers,
// and 0..N-1 for an enum with N names.
std::vector<int64_t> AllFilesystems() {
  std::vector<int64_t> all;
  for (size_t i = 0; i < Filesystems().size(); ++i) all.push_back(static_cast<int64_t>(i));
  return all;
}

absl::StatusOr<std::vector<int64_t>> FilesystemsLabelled(const std::vector<std::string>& labels) {
  std::vector<int64_t> indexes;
  for (const std::string& label : labels) {
    size_t i = 0;
    while (i < Filesystems().size() && Filesystems()[i].label != label) ++i;
    if (i == Filesystems().size()) {
      return absl::InvalidArgumentError(absl::StrCat("no --fs entry labelled \"", label, "\""));
    }
    indexes.push_back(static_cast<int64_t>(i));
  }
  return indexes;
}

const std::vector<int64_t>& Sizes() { return TheConfig().sizes; }

template <typename T, size_t N>
std::vector<int64_t> Indexes(const std::array<T, N>& values) {
  std::vector<int64_t> indexes;
  for (size_t i = 0; i < values.size(); ++i) indexes.push_back(static_cast<int64_t>(i));
  return indexes;
}

// The arguments, read back.
const Filesystem& FsArg(const benchmark::State& state, size_t arg) {
  return Filesystems().at(static_cast<size_t>(state.range(arg)));
}

Path PathArg(const benchmark::State& state, size_t arg) {
  return kAllPaths.at(static_cast<size_t>(state.range(arg)));
}

void Label(benchmark::State& state, std::initializer_list<std::string_view> parts) {
  state.SetLabel(absl::StrJoin(parts, ", "));
}

// ---------------------------------------------------------------------------
// Files and pipes for one copy.

// A file of `size` bytes of testutil::Pattern in `dir`, written and fsync()ed
// the first time it is asked for (so neither writeback nor, on XFS, the flush
// that precedes a reflink lands inside a timed copy), then reused.
class Sources {
 public:
  static absl::StatusOr<std::unique_ptr<os::File>> Open(const std::string& dir, int64_t size) {
    std::string& path = Paths()[{dir, size}];
    if (path.empty()) {
      path = testutil::MakeFile(testutil::Pattern(static_cast<size_t>(size)), dir);
      absl::StatusOr<std::unique_ptr<os::File>> file = os::File::Open(path);
      if (!file.ok()) return file.status();
      if (absl::Status synced = (*file)->Sync(); !synced.ok()) return synced;
      return file;
    }
    return os::File::Open(path);
  }

  static void RemoveAll() {
    for (const auto& [key, path] : Paths()) ::unlink(path.c_str());
    Paths().clear();
  }

 private:
  static std::map<std::pair<std::string, int64_t>, std::string>& Paths() {
    static std::map<std::pair<std::string, int64_t>, std::string> paths;
    return paths;
  }
};

std::string DestinationPath(const std::string& dir) {
  return absl::StrCat(dir, "/sysport-bench-", ::getpid(), "-dst");
}

// Rewinds `file` to its start for the next copy, then calls copy(file).
template <typename CopyFn>
io::Result FromStart(os::File& file, CopyFn copy) {
  if (absl::StatusOr<int64_t> rewound = file.Seek(0, SEEK_SET); !rewound.ok()) {
    return {0, rewound.status()};
  }
  return copy(file);
}

// Creates `path` (empty), gives it `observer`, calls copy(file), then closes and
// deletes it; the copy's result, or the first error.
template <typename CopyFn>
io::Result IntoNewFile(const std::string& path, os::CopyObserver* observer, CopyFn copy) {
  absl::StatusOr<std::unique_ptr<os::File>> dst = os::File::Create(path);
  if (!dst.ok()) return {0, dst.status()};
  (*dst)->SetCopyObserver(observer);
  io::Result result = copy(**dst);
  const absl::Status closed = (*dst)->Close();
  ::unlink(path.c_str());
  if (result.ok()) result.status = closed;
  return result;
}

// What the producer threads of pipe_to_file write, repeated as needed, and
// the consumer threads of file_to_pipe read at most at a time.
constexpr size_t kPipeChunkSize = size_t{1} << 20;

const std::string& PipeChunk() {
  static const std::string chunk = testutil::Pattern(kPipeChunkSize);
  return chunk;
}

// Calls copy(read_end) on a new pipe into which a thread writes `size` bytes,
// then closes the read end and waits for the thread.
template <typename CopyFn>
io::Result FromProducer(int64_t size, CopyFn copy) {
  absl::StatusOr<std::pair<std::unique_ptr<os::File>, std::unique_ptr<os::File>>> pipe =
      os::File::Pipe();
  if (!pipe.ok()) return {0, pipe.status()};
  std::unique_ptr<os::File> read_end = std::move(pipe->first);
  std::unique_ptr<os::File> write_end = std::move(pipe->second);
  std::thread producer([&write_end, size] {
    // A copy that stops early closes the read end: EPIPE (SIGPIPE is ignored)
    // ends this loop.
    const std::string& chunk = PipeChunk();
    for (int64_t left = size; left > 0;) {
      const auto n = static_cast<size_t>(std::min(left, static_cast<int64_t>(chunk.size())));
      if (!write_end->Write(absl::MakeConstSpan(chunk.data(), n)).ok()) break;
      left -= static_cast<int64_t>(n);
    }
    static_cast<void>(write_end->Close());
  });
  io::Result result = copy(*read_end);
  static_cast<void>(read_end->Close());
  producer.join();
  return result;
}

// Calls copy(write_end) on a new pipe that a thread drains, with `observer` on
// the write end; then closes the write end and waits for the thread.
template <typename CopyFn>
io::Result IntoConsumer(os::CopyObserver* observer, CopyFn copy) {
  absl::StatusOr<std::pair<std::unique_ptr<os::File>, std::unique_ptr<os::File>>> pipe =
      os::File::Pipe();
  if (!pipe.ok()) return {0, pipe.status()};
  std::unique_ptr<os::File> read_end = std::move(pipe->first);
  std::unique_ptr<os::File> write_end = std::move(pipe->second);
  write_end->SetCopyObserver(observer);
  std::thread consumer([&read_end] {
    std::string buf(kPipeChunkSize, '\0');
    while (true) {
      absl::StatusOr<int64_t> n = read_end->Read(absl::MakeSpan(buf));
      if (!n.ok() || *n == 0) break;
    }
  });
  io::Result result = copy(*write_end);
  static_cast<void>(write_end->Close());
  consumer.join();
  return result;
}

// ---------------------------------------------------------------------------
// Timing.

// Times the one part of an iteration that is the copy.
class CopyTimer {
 public:
  template <typename CopyFn>
  io::Result Time(CopyFn copy) {
    const Clock::time_point start = Clock::now();
    io::Result result = copy();
    elapsed_ = Clock::now() - start;
    return result;
  }
  double seconds() const { return std::chrono::duration<double>(elapsed_).count(); }

 private:
  using Clock = std::chrono::steady_clock;
  Clock::duration elapsed_{};
};

// False, and the benchmark failed, unless `copied` moved exactly `bytes`.
bool Check(benchmark::State& state, const io::Result& copied, int64_t bytes) {
  if (!copied.ok()) {
    state.SkipWithError(copied.status.ToString().c_str());
    return false;
  }
  if (copied.n != bytes) {
    state.SkipWithError(absl::StrCat("copied ", copied.n, " bytes, want ", bytes).c_str());
    return false;
  }
  return true;
}

void SetCounters(benchmark::State& state, const os::CopyCounters::Totals& totals) {
  const int64_t kernel_calls =
      std::accumulate(totals.kernel.begin(), totals.kernel.end(), int64_t{0},
                      [](int64_t sum, const os::CopyCounters::MethodCounts& method) {
                        return sum + method.syscalls;
                      });
  if (kernel_calls == 0 && totals.read_write.reads == 0) return;  // ReadFrom was not involved
  state.counters["kernel_calls"] = static_cast<double>(kernel_calls);
  state.counters["kernel_bytes"] = static_cast<double>(totals.kernel_bytes());
  state.counters["rw_reads"] = static_cast<double>(totals.read_write.reads);
  state.counters["rw_writes"] = static_cast<double>(totals.read_write.writes);
  state.counters["rw_bytes"] = static_cast<double>(totals.read_write.bytes);
}

// What every family runs: copy_once(observer, timer) makes one copy of `bytes`
// bytes, its set-up and clean-up untimed and the copy itself inside
// timer.Time(), with `observer` on the destination os::File (nullptr: none).
// One warm-up copy with an observer gives the counters; then the timed loop.
template <typename CopyOnceFn>
void Measure(benchmark::State& state, int64_t bytes, CopyOnceFn copy_once) {
  os::CopyCounters counters;
  CopyTimer warm_up;
  if (!Check(state, copy_once(&counters, warm_up), bytes)) return;
  SetCounters(state, counters.totals());
  for (auto _ : state) {
    CopyTimer timer;
    const io::Result copied = copy_once(nullptr, timer);
    state.SetIterationTime(timer.seconds());
    if (!Check(state, copied, bytes)) break;
  }
  state.SetBytesProcessed(state.iterations() * bytes);
}

// ---------------------------------------------------------------------------
// The families.

// The arguments of the families that compare paths: (filesystem, size, path).
struct PathCase {
  const Filesystem& fs;
  int64_t size;
  Path path;
};

// This run's PathCase, with the label that names it.
PathCase PathCaseOf(benchmark::State& state) {
  const PathCase args{FsArg(state, 0), state.range(1), PathArg(state, 2)};
  Label(state, {args.fs.label, tools::HumanBytes(args.size), PathName(args.path)});
  return args;
}

// What a family copies from and into: a regular file on the filesystem under
// test, or a pipe that a thread feeds or drains.
enum class End : uint8_t { kFile, kPipe };

// One copy per iteration from a kFrom into a kInto by the path under test.
// A file source is made once and rewound; a file destination is new each time.
template <End kFrom, End kInto>
void EndToEnd(benchmark::State& state) {
  // Named, not structured bindings: clang 14 cannot capture those in lambdas.
  const PathCase args = PathCaseOf(state);
  const Filesystem& fs = args.fs;
  const int64_t size = args.size;
  const Path path = args.path;
  std::unique_ptr<os::File> src_file;
  if constexpr (kFrom == End::kFile) {
    absl::StatusOr<std::unique_ptr<os::File>> opened = Sources::Open(fs.src_dir, size);
    if (!opened.ok()) return state.SkipWithError(opened.status().ToString().c_str());
    src_file = *std::move(opened);
  }
  const std::string dst_path = DestinationPath(fs.dst_dir);
  Measure(state, size, [&](os::CopyObserver* observer, CopyTimer& timer) {
    const auto from_src = [&](os::File& src) {
      const auto copy = [&](os::File& dst) {
        return timer.Time([&] { return CopyOnce(path, dst, src); });
      };
      if constexpr (kInto == End::kFile) return IntoNewFile(dst_path, observer, copy);
      return IntoConsumer(observer, copy);
    };
    if constexpr (kFrom == End::kFile) return FromStart(*src_file, from_src);
    return FromProducer(size, from_src);
  });
}

// The middle of `values` (the upper one of two), which it reorders.
double Median(std::vector<double>& values) {
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

// file_to_file's three paths, the floor and the layers between it and the
// generic path, and the fast path's floor (copy_paths.h: kPairedPaths) at one
// size, one copy each per iteration, in a new random order each time, each
// copy timed on its own. A slow moment of the machine falls on all of them
// alike, so the ratios of their medians hold far stiller than the ratios of
// separate runs' medians (docs/benchmarks.md gives both spreads): this is
// the family that decides the few-per-cent targets. Counters: each path's
// median time per copy (fast_us, generic_us, ...), each of the others' ratio
// to plain32k (generic_vs_plain32k, file_calls_vs_plain32k, ...),
// fast_vs_generic, and fast_vs_plain_kernel (what sysport adds to the
// kernel's calls); the manual time is all the copies'.
void PathsPaired(benchmark::State& state) {
  const Filesystem& fs = FsArg(state, 0);
  const int64_t size = state.range(1);
  Label(state, {fs.label, tools::HumanBytes(size)});
  absl::StatusOr<std::unique_ptr<os::File>> src = Sources::Open(fs.src_dir, size);
  if (!src.ok()) return state.SkipWithError(src.status().ToString().c_str());
  const std::string dst_path = DestinationPath(fs.dst_dir);
  const auto copy_once = [&](Path path, CopyTimer& timer) {
    return FromStart(**src, [&](os::File& from) {
      return IntoNewFile(dst_path, nullptr, [&](os::File& dst) {
        return timer.Time([&] { return CopyOnce(path, dst, from); });
      });
    });
  };
  for (const Path path : kPairedPaths) {  // warm-up, untimed
    CopyTimer unused;
    if (!Check(state, copy_once(path, unused), size)) return;
  }
  std::array<std::vector<double>, kPairedPaths.size()> seconds;
  // A new order every iteration: what one copy leaves behind in the kernel
  // can slow the next, so no path may always follow the same other.
  std::array<Path, kPairedPaths.size()> order = kPairedPaths;
  std::mt19937 shuffler(std::random_device{}());
  for (auto _ : state) {
    std::shuffle(order.begin(), order.end(), shuffler);
    double iteration = 0;
    bool ok = true;
    for (const Path path : order) {
      CopyTimer timer;
      ok = Check(state, copy_once(path, timer), size);
      if (!ok) break;
      seconds.at(static_cast<size_t>(path)).push_back(timer.seconds());
      iteration += timer.seconds();
    }
    if (!ok) break;
    state.SetIterationTime(iteration);
  }
  if (seconds.front().empty()) return;
  std::array<double, kPairedPaths.size()> median{};
  for (const Path path : kPairedPaths) {
    const auto i = static_cast<size_t>(path);
    median.at(i) = Median(seconds.at(i));
    state.counters[absl::StrCat(PathName(path), "_us")] = median.at(i) * 1e6;
  }
  const auto of = [&median](Path path) {
    return median.at(static_cast<size_t>(path));
  };
  state.counters["generic_vs_plain32k"] = of(Path::kGeneric) / of(Path::kPlain32k);
  state.counters["file_calls_vs_plain32k"] = of(Path::kFileCalls) / of(Path::kPlain32k);
  state.counters["interface_calls_vs_plain32k"] = of(Path::kInterfaceCalls) / of(Path::kPlain32k);
  state.counters["read_from_vs_plain32k"] = of(Path::kReadFrom) / of(Path::kPlain32k);
  state.counters["fast_vs_generic"] = of(Path::kFast) / of(Path::kGeneric);
  state.counters["plain_kernel_vs_plain32k"] = of(Path::kPlainKernel) / of(Path::kPlain32k);
  state.counters["fast_vs_plain_kernel"] = of(Path::kFast) / of(Path::kPlainKernel);
  state.SetBytesProcessed(state.iterations() * size * static_cast<int64_t>(kPairedPaths.size()));
}

void BufferSweep(benchmark::State& state) {
  const Filesystem& fs = FsArg(state, 0);
  const int64_t size = state.range(1);
  const auto buffer = static_cast<size_t>(state.range(2));
  Label(state,
        {fs.label, tools::HumanBytes(size), tools::HumanBytes(static_cast<int64_t>(buffer))});
  absl::StatusOr<std::unique_ptr<os::File>> src = Sources::Open(fs.src_dir, size);
  if (!src.ok()) return state.SkipWithError(src.status().ToString().c_str());
  const std::string dst_path = DestinationPath(fs.dst_dir);
  Measure(state, size, [&](os::CopyObserver* observer, CopyTimer& timer) {
    return FromStart(**src, [&](os::File& from) {
      return IntoNewFile(dst_path, observer, [&](os::File& dst) {
        return timer.Time([&] {
          // What io::Copy's generic path does with kCopyBufferSize == buffer:
          // allocate it for this copy, uninitialised, loop, free it.
          // NOLINTNEXTLINE(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays)
          const auto owned = std::make_unique_for_overwrite<char[]>(buffer);
          WriterOnly writer(dst);
          ReaderOnly reader(from);
          return io::CopyBuffer(writer, reader, absl::MakeSpan(owned.get(), buffer));
        });
      });
    });
  });
}

// ---------------------------------------------------------------------------
// Registration and the command line.

// A family: manual time (only the copy), in microseconds. The return type is
// deduced: Google Benchmark 1.7 (Debian's) names it benchmark::internal::Benchmark,
// 1.9 (Bzlmod's) benchmark::Benchmark, and deprecates the old name.
auto* Family(const char* name, void (*fn)(benchmark::State&)) {
  return benchmark::RegisterBenchmark(name, fn)->UseManualTime()->Unit(benchmark::kMicrosecond);
}

absl::Status RegisterFamilies() {
  absl::StatusOr<std::vector<int64_t>> pipes_on =
      FilesystemsLabelled(absl::GetFlag(FLAGS_pipes_on));
  if (!pipes_on.ok()) return pipes_on.status();
  absl::StatusOr<std::vector<int64_t>> sweep_on =
      FilesystemsLabelled(absl::GetFlag(FLAGS_sweep_on));
  if (!sweep_on.ok()) return sweep_on.status();

  Family("file_to_file", EndToEnd<End::kFile, End::kFile>)
      ->ArgsProduct({AllFilesystems(), Sizes(), Indexes(kAllPaths)})
      ->ArgNames({"fs", "size", "path"});
  if (!pipes_on->empty()) {
    Family("pipe_to_file", EndToEnd<End::kPipe, End::kFile>)
        ->ArgsProduct({*pipes_on, Sizes(), Indexes(kAllPaths)})
        ->ArgNames({"fs", "size", "path"});
    Family("file_to_pipe", EndToEnd<End::kFile, End::kPipe>)
        ->ArgsProduct({*pipes_on, Sizes(), Indexes(kAllPaths)})
        ->ArgNames({"fs", "size", "path"});
  }
  if (!TheConfig().paired_sizes.empty()) {
    Family("paths_paired", PathsPaired)
        ->ArgsProduct({AllFilesystems(), TheConfig().paired_sizes})
        ->ArgNames({"fs", "size"});
  }
  if (!sweep_on->empty()) {
    Family("buffer_sweep", BufferSweep)
        ->ArgsProduct({*sweep_on, Sizes(), TheConfig().sweep_buffers})
        ->ArgNames({"fs", "size", "buffer"});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<int64_t>> PositiveIntegers(const char* flag,
                                                      const std::vector<std::string>& texts) {
  std::vector<int64_t> values;
  for (const std::string& text : texts) {
    int64_t value = 0;
    if (!absl::SimpleAtoi(text, &value) || value <= 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, ": want a positive byte count, got \"", text, "\""));
    }
    values.push_back(value);
  }
  return values;
}

absl::Status UsableDirectory(const std::string& label, const std::string& dir) {
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("--fs ", label, ": directory ", dir));
  }
  return absl::OkStatus();
}

absl::Status FilesystemsFromFlag() {
  std::vector<std::string> entries = absl::GetFlag(FLAGS_fs);
  if (entries.empty()) {
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read before any thread starts
    const char* tmp = std::getenv("TMPDIR");
    entries.push_back(absl::StrCat("tmp=", tmp != nullptr && *tmp != '\0' ? tmp : "/tmp"));
  }
  for (const std::string& entry : entries) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--fs: want LABEL=DIR or LABEL=SRC_DIR:DST_DIR, got \"", entry, "\""));
    }
    const std::string dirs = entry.substr(eq + 1);
    const size_t colon = dirs.find(':');
    Filesystem fs{entry.substr(0, eq), dirs.substr(0, colon),
                  colon == std::string::npos ? dirs : dirs.substr(colon + 1)};
    if (absl::Status usable = UsableDirectory(fs.label, fs.src_dir); !usable.ok()) return usable;
    if (absl::Status usable = UsableDirectory(fs.label, fs.dst_dir); !usable.ok()) return usable;
    TheConfig().filesystems.push_back(std::move(fs));
  }
  return absl::OkStatus();
}

absl::Status ParseFlags() {
  if (absl::Status ok = FilesystemsFromFlag(); !ok.ok()) return ok;
  absl::StatusOr<std::vector<int64_t>> sizes =
      PositiveIntegers("sizes", absl::GetFlag(FLAGS_sizes));
  if (!sizes.ok()) return sizes.status();
  TheConfig().sizes = *std::move(sizes);
  absl::StatusOr<std::vector<int64_t>> buffers =
      PositiveIntegers("sweep_buffers", absl::GetFlag(FLAGS_sweep_buffers));
  if (!buffers.ok()) return buffers.status();
  TheConfig().sweep_buffers = *std::move(buffers);
  absl::StatusOr<std::vector<int64_t>> paired =
      PositiveIntegers("paired_sizes", absl::GetFlag(FLAGS_paired_sizes));
  if (!paired.ok()) return paired.status();
  TheConfig().paired_sizes = *std::move(paired);
  return absl::OkStatus();
}

// What the JSON's context cannot know by itself: how this binary was built and
// run, the kernel it runs on, and what the "fs" arguments stand for.
void AddContext(const std::string& command_line) {
  benchmark::AddCustomContext("sysport_command_line", command_line);
#if defined(__clang__)
  benchmark::AddCustomContext("sysport_compiler", "clang " __clang_version__);
#else
  benchmark::AddCustomContext("sysport_compiler", "gcc " __VERSION__);
#endif
#if defined(__OPTIMIZE__)
  benchmark::AddCustomContext("sysport_optimized", "yes");
#else
  benchmark::AddCustomContext("sysport_optimized", "no (build with -c opt)");
#endif
  utsname uts{};
  if (::uname(&uts) == 0) {
    benchmark::AddCustomContext("sysport_kernel",
                                absl::StrCat(static_cast<const char*>(uts.sysname), " ",
                                             static_cast<const char*>(uts.release), " ",
                                             static_cast<const char*>(uts.machine)));
  }
  benchmark::AddCustomContext("sysport_copy_buffer",
                              tools::HumanBytes(static_cast<int64_t>(io::kCopyBufferSize)));
  for (const Filesystem& fs : Filesystems()) {
    benchmark::AddCustomContext(
        absl::StrCat("sysport_fs_", fs.label),
        fs.src_dir == fs.dst_dir ? fs.src_dir : absl::StrCat(fs.src_dir, " -> ", fs.dst_dir));
  }
}

int Main(int argc, char** argv) {
  const std::string command_line =
      absl::StrJoin(absl::MakeConstSpan(argv, static_cast<size_t>(argc)).subspan(1), " ");
  benchmark::Initialize(&argc, argv);  // takes out the --benchmark_* flags
  const std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "copy_bench: unexpected argument " << rest[1] << "\n";
    return 2;
  }
  // A pipe copy that stops early closes the read end under its producer:
  // EPIPE there, not a dead process.
  static_cast<void>(std::signal(SIGPIPE, SIG_IGN));
  absl::Status ok = ParseFlags();
  if (ok.ok()) ok = RegisterFamilies();
  if (!ok.ok()) {
    std::cerr << "copy_bench: " << ok.message() << "\n";
    return 2;
  }
  AddContext(command_line);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  Sources::RemoveAll();
  return 0;
}

}  // namespace
}  // namespace sysport::bench

int main(int argc, char** argv) { return sysport::bench::Main(argc, argv); }
