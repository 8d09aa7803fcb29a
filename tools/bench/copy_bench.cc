#include "tools/bench/copy_bench.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "io/io.h"
#include "os/file.h"
#include "tools/bench/reader_only.h"

namespace sysport::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Go's io.Copy buffer, and the plain loop's.
constexpr size_t kGoBufferSize = size_t{32} << 10;

// A Writer that is not an io::ReaderFrom: io::CopyBuffer cannot hand the copy
// to File::ReadFrom, so it runs its buffered loop with the caller's buffer.
class WriterOnly final : public io::Writer {
 public:
  explicit WriterOnly(io::Writer& writer) : writer_(&writer) {}
  io::Result Write(absl::Span<const char> buf) override { return writer_->Write(buf); }

 private:
  io::Writer* writer_;
};

std::vector<std::pair<std::string, Case>>& MutableCases() {
  static auto* cases = new std::vector<std::pair<std::string, Case>>;
  return *cases;
}

std::set<std::string>& SourceFiles() {
  static auto* files = new std::set<std::string>;
  return *files;
}

// 1 MiB of xorshift64* output: no filesystem can compress or deduplicate it
// within a block.
const std::vector<char>& Pattern() {
  static const std::vector<char>* pattern = [] {
    auto* bytes = new std::vector<char>(size_t{1} << 20);
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (char& c : *bytes) {
      x ^= x >> 12;
      x ^= x << 25;
      x ^= x >> 27;
      c = static_cast<char>((x * 0x2545f4914f6cdd1du) >> 56);
    }
    return bytes;
  }();
  return *pattern;
}

// Writes `size` bytes of Pattern() to w.
io::Result WritePattern(io::Writer& w, int64_t size) {
  const std::vector<char>& pattern = Pattern();
  io::Result result;
  while (result.n < size) {
    const auto n = static_cast<size_t>(
        std::min<int64_t>(size - result.n, static_cast<int64_t>(pattern.size())));
    io::Result wrote = w.Write(absl::MakeConstSpan(pattern.data(), n));
    result.n += wrote.n;
    if (!wrote.ok()) {
      result.status = wrote.status;
      break;
    }
  }
  return result;
}

// A source file of `size` bytes in `dir`, written and fsync()ed the first
// time it is asked for (so neither writeback nor, on XFS, the flush that
// precedes a reflink lands inside a timed copy), then reused.
absl::StatusOr<std::string> Source(const std::string& dir, int64_t size) {
  std::string path = absl::StrCat(dir, "/sysport-bench-", getpid(), "-src-", size);
  if (SourceFiles().contains(path)) return path;
  absl::StatusOr<std::unique_ptr<os::File>> file = os::File::Create(path);
  if (!file.ok()) return file.status();
  SourceFiles().insert(path);
  io::Result wrote = WritePattern(**file, size);
  if (!wrote.ok()) return wrote.status;
  if (::fsync((*file)->Fd()) != 0) return absl::ErrnoToStatus(errno, absl::StrCat("fsync ", path));
  if (absl::Status closed = (*file)->Close(); !closed.ok()) return closed;
  return path;
}

// The 32 KiB read/write loop anyone would write by hand: a stack buffer, raw
// system calls, nothing else.
io::Result ReadWriteLoop32K(int dst_fd, int src_fd) {
  char buf[kGoBufferSize];
  io::Result result;
  while (true) {
    const ssize_t nr = ::read(src_fd, buf, sizeof buf);
    if (nr < 0) {
      if (errno == EINTR) continue;
      result.status = absl::ErrnoToStatus(errno, "read");
      return result;
    }
    if (nr == 0) return result;
    const auto want = static_cast<size_t>(nr);
    size_t done = 0;
    while (done < want) {
      const ssize_t nw = ::write(dst_fd, buf + done, want - done);
      if (nw < 0) {
        if (errno == EINTR) continue;
        result.status = absl::ErrnoToStatus(errno, "write");
        return result;
      }
      done += static_cast<size_t>(nw);
      result.n += nw;
    }
  }
}

// One copy of a whole source, the way `variant` says.
io::Result CopyOnce(Variant variant, size_t buffer, os::File& dst, os::File& src) {
  switch (variant) {
    case Variant::kFast:
      return io::Copy(dst, src);
    case Variant::kGeneric: {
      ReaderOnly reader(src);
      return io::Copy(dst, reader);
    }
    case Variant::kReadWrite32K:
      return ReadWriteLoop32K(dst.Fd(), src.Fd());
    case Variant::kBuffer: {
      // What io::Copy's generic path does with kCopyBufferSize == buffer:
      // allocate it for this copy (uninitialised), loop, free it.
      auto owned = std::make_unique_for_overwrite<char[]>(buffer);
      WriterOnly writer(dst);
      ReaderOnly reader(src);
      return io::CopyBuffer(writer, reader, absl::MakeSpan(owned.get(), buffer));
    }
  }
  return {0, absl::InternalError("unknown variant")};
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// False, and the benchmark marked failed, unless the copy moved exactly `size` bytes.
bool CheckCopy(benchmark::State& state, const io::Result& copied, int64_t size) {
  if (!copied.ok()) {
    state.SkipWithError(copied.status.ToString().c_str());
    return false;
  }
  if (copied.n != size) {
    state.SkipWithError(absl::StrCat("copied ", copied.n, " bytes, want ", size).c_str());
    return false;
  }
  return true;
}

void Fail(benchmark::State& state, const absl::Status& status) {
  state.SkipWithError(status.ToString().c_str());
}

std::string DestinationPath(const std::string& dir) {
  return absl::StrCat(dir, "/sysport-bench-", getpid(), "-dst");
}

// File to file, for kFileToFile (fast, generic, 32 KiB loop) and the sweep.
void FileToFile(benchmark::State& state, const Filesystem& fs, const Case& c) {
  absl::StatusOr<std::string> src_path = Source(fs.src_dir, c.size);
  if (!src_path.ok()) return Fail(state, src_path.status());
  absl::StatusOr<std::unique_ptr<os::File>> src = os::File::Open(*src_path);
  if (!src.ok()) return Fail(state, src.status());
  const std::string dst_path = DestinationPath(fs.dst_dir);
  for (auto _ : state) {
    if (absl::StatusOr<int64_t> at = (*src)->Seek(0, SEEK_SET); !at.ok())
      return Fail(state, at.status());
    absl::StatusOr<std::unique_ptr<os::File>> dst = os::File::Create(dst_path);
    if (!dst.ok()) return Fail(state, dst.status());

    const Clock::time_point start = Clock::now();
    const io::Result copied = CopyOnce(c.variant, c.buffer, **dst, **src);
    const Clock::time_point stop = Clock::now();

    state.SetIterationTime(Seconds(stop - start));
    const absl::Status closed = (*dst)->Close();
    ::unlink(dst_path.c_str());
    if (!CheckCopy(state, copied, c.size)) break;
    if (!closed.ok()) return Fail(state, closed);
  }
  state.SetBytesProcessed(state.iterations() * c.size);
}

// A producer thread writes `size` bytes into a pipe; io::Copy copies the read
// end into a new file.
void PipeToFile(benchmark::State& state, const Filesystem& fs, const Case& c) {
  const std::string dst_path = DestinationPath(fs.dst_dir);
  for (auto _ : state) {
    auto pipe = os::File::Pipe();
    if (!pipe.ok()) return Fail(state, pipe.status());
    std::unique_ptr<os::File> read_end = std::move(pipe->first);
    std::unique_ptr<os::File> write_end = std::move(pipe->second);
    absl::StatusOr<std::unique_ptr<os::File>> dst = os::File::Create(dst_path);
    if (!dst.ok()) return Fail(state, dst.status());
    std::thread producer([&write_end, size = c.size] {
      // An early stop of the copy closes the read end: EPIPE (SIGPIPE is
      // ignored), and the producer ends.
      io::Result ignored = WritePattern(*write_end, size);
      static_cast<void>(ignored);
      static_cast<void>(write_end->Close());
    });

    const Clock::time_point start = Clock::now();
    io::Result copied;
    if (c.variant == Variant::kFast) {
      copied = io::Copy(**dst, *read_end);
    } else {
      ReaderOnly reader(*read_end);
      copied = io::Copy(**dst, reader);
    }
    const Clock::time_point stop = Clock::now();

    state.SetIterationTime(Seconds(stop - start));
    static_cast<void>(read_end->Close());
    producer.join();
    static_cast<void>((*dst)->Close());
    ::unlink(dst_path.c_str());
    if (!CheckCopy(state, copied, c.size)) break;
  }
  state.SetBytesProcessed(state.iterations() * c.size);
}

// io::Copy copies a file into a pipe that a consumer thread drains.
void FileToPipe(benchmark::State& state, const Filesystem& fs, const Case& c) {
  absl::StatusOr<std::string> src_path = Source(fs.src_dir, c.size);
  if (!src_path.ok()) return Fail(state, src_path.status());
  absl::StatusOr<std::unique_ptr<os::File>> src = os::File::Open(*src_path);
  if (!src.ok()) return Fail(state, src.status());
  for (auto _ : state) {
    if (absl::StatusOr<int64_t> at = (*src)->Seek(0, SEEK_SET); !at.ok())
      return Fail(state, at.status());
    auto pipe = os::File::Pipe();
    if (!pipe.ok()) return Fail(state, pipe.status());
    std::unique_ptr<os::File> read_end = std::move(pipe->first);
    std::unique_ptr<os::File> write_end = std::move(pipe->second);
    std::thread consumer([&read_end] {
      std::vector<char> buf(size_t{1} << 20);
      while (true) {
        absl::StatusOr<size_t> n = read_end->Read(absl::MakeSpan(buf));
        if (!n.ok() || *n == 0) break;
      }
    });

    const Clock::time_point start = Clock::now();
    io::Result copied;
    if (c.variant == Variant::kFast) {
      copied = io::Copy(*write_end, **src);
    } else {
      ReaderOnly reader(**src);
      copied = io::Copy(*write_end, reader);
    }
    const Clock::time_point stop = Clock::now();

    state.SetIterationTime(Seconds(stop - start));
    static_cast<void>(write_end->Close());
    consumer.join();
    if (!CheckCopy(state, copied, c.size)) break;
  }
  state.SetBytesProcessed(state.iterations() * c.size);
}

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kFileToFile:
      return "file_to_file";
    case Kind::kPipeToFile:
      return "pipe_to_file";
    case Kind::kFileToPipe:
      return "file_to_pipe";
    case Kind::kBufferSweep:
      return "sweep";
  }
  return "unknown";
}

std::string VariantName(const Case& c) {
  switch (c.variant) {
    case Variant::kFast:
      return "fast";
    case Variant::kGeneric:
      return "generic";
    case Variant::kReadWrite32K:
      return "read_write_32KiB";
    case Variant::kBuffer:
      return absl::StrCat(
          "buffer:", absl::StrReplaceAll(FormatBytes(static_cast<int64_t>(c.buffer)), {{" ", ""}}));
  }
  return "unknown";
}

void Register(const Case& c, const Filesystem& fs, double small_min_time) {
  std::string name = CaseName(c);
  MutableCases().emplace_back(name, c);
  benchmark::internal::Benchmark* b = nullptr;
  switch (c.kind) {
    case Kind::kFileToFile:
    case Kind::kBufferSweep:
      b = benchmark::RegisterBenchmark(name.c_str(),
                                       [fs, c](benchmark::State& s) { FileToFile(s, fs, c); });
      break;
    case Kind::kPipeToFile:
      b = benchmark::RegisterBenchmark(name.c_str(),
                                       [fs, c](benchmark::State& s) { PipeToFile(s, fs, c); });
      break;
    case Kind::kFileToPipe:
      b = benchmark::RegisterBenchmark(name.c_str(),
                                       [fs, c](benchmark::State& s) { FileToPipe(s, fs, c); });
      break;
  }
  b->UseManualTime()->Unit(benchmark::kMicrosecond);
  if (c.size < (int64_t{1} << 20) && small_min_time > 0) b->MinTime(small_min_time);
}

absl::StatusOr<const Filesystem*> FindFilesystem(const Config& config, std::string_view label) {
  for (const Filesystem& fs : config.filesystems) {
    if (fs.label == label) return &fs;
  }
  return absl::InvalidArgumentError(absl::StrCat("no filesystem labelled \"", label, "\" in --fs"));
}

absl::Status CheckDirectory(const std::string& dir) {
  if (::access(dir.c_str(), W_OK | X_OK) != 0) {
    return absl::ErrnoToStatus(errno, absl::StrCat("directory ", dir));
  }
  return absl::OkStatus();
}

}  // namespace

std::string CaseName(const Case& c) {
  return absl::StrCat(KindName(c.kind), "/", c.fs, "/",
                      absl::StrReplaceAll(FormatBytes(c.size), {{" ", ""}}), "/", VariantName(c));
}

absl::Status RegisterCopyBenchmarks(const Config& config) {
  std::set<std::string> labels;
  for (const Filesystem& fs : config.filesystems) {
    if (fs.label.empty() || fs.label.find('/') != std::string::npos ||
        !labels.insert(fs.label).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad or repeated filesystem label \"", fs.label, "\""));
    }
    if (absl::Status ok = CheckDirectory(fs.src_dir); !ok.ok()) return ok;
    if (absl::Status ok = CheckDirectory(fs.dst_dir); !ok.ok()) return ok;
  }
  std::vector<const Filesystem*> pipes_on;
  for (const std::string& label : config.pipes_on) {
    absl::StatusOr<const Filesystem*> fs = FindFilesystem(config, label);
    if (!fs.ok()) return fs.status();
    pipes_on.push_back(*fs);
  }
  std::vector<const Filesystem*> sweep_on;
  for (const std::string& label : config.sweep_on) {
    absl::StatusOr<const Filesystem*> fs = FindFilesystem(config, label);
    if (!fs.ok()) return fs.status();
    sweep_on.push_back(*fs);
  }

  // Fast, generic and the 32 KiB loop one after the other, so each ratio is
  // taken over the shortest stretch of time.
  for (const Filesystem& fs : config.filesystems) {
    for (int64_t size : config.sizes) {
      for (Variant v : {Variant::kFast, Variant::kGeneric, Variant::kReadWrite32K}) {
        Register({Kind::kFileToFile, v, fs.label, size, 0}, fs, config.small_min_time);
      }
    }
  }
  for (const Filesystem* fs : pipes_on) {
    for (Kind kind : {Kind::kPipeToFile, Kind::kFileToPipe}) {
      for (int64_t size : config.sizes) {
        for (Variant v : {Variant::kFast, Variant::kGeneric})
          Register({kind, v, fs->label, size, 0}, *fs, config.small_min_time);
      }
    }
  }
  for (const Filesystem* fs : sweep_on) {
    for (int64_t size : config.sizes) {
      for (size_t buffer : config.sweep_buffers) {
        Register({Kind::kBufferSweep, Variant::kBuffer, fs->label, size, buffer}, *fs,
                 config.small_min_time);
      }
    }
  }
  return absl::OkStatus();
}

const std::vector<std::pair<std::string, Case>>& RegisteredCases() { return MutableCases(); }

const Case* FindCase(std::string_view name) {
  for (const auto& [n, c] : MutableCases()) {
    if (n == name) return &c;
  }
  return nullptr;
}

void RemoveSourceFiles() {
  for (const std::string& path : SourceFiles()) ::unlink(path.c_str());
  SourceFiles().clear();
}

std::string FormatBytes(int64_t bytes) {
  static constexpr std::string_view kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  size_t unit = 0;
  auto value = static_cast<double>(bytes);
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  if (value == static_cast<double>(static_cast<int64_t>(value))) {
    return absl::StrCat(static_cast<int64_t>(value), " ", kUnits[unit]);
  }
  return absl::StrFormat("%.1f %s", value, kUnits[unit]);
}

absl::StatusOr<int64_t> ParseBytes(std::string_view text) {
  std::string_view digits = absl::StripAsciiWhitespace(text);
  int64_t multiplier = 1;
  static constexpr std::pair<std::string_view, int64_t> kSuffixes[] = {
      {"KiB", int64_t{1} << 10}, {"MiB", int64_t{1} << 20}, {"GiB", int64_t{1} << 30},
      {"K", int64_t{1} << 10},   {"M", int64_t{1} << 20},   {"G", int64_t{1} << 30},
  };
  for (const auto& [suffix, m] : kSuffixes) {
    if (absl::EndsWith(digits, suffix)) {
      digits.remove_suffix(suffix.size());
      multiplier = m;
      break;
    }
  }
  int64_t n = 0;
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(digits), &n) || n <= 0 ||
      n > std::numeric_limits<int64_t>::max() / multiplier) {
    return absl::InvalidArgumentError(absl::StrCat("not a byte count: \"", text, "\""));
  }
  return n * multiplier;
}

}  // namespace sysport::bench
