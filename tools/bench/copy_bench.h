#ifndef SYSPORT_TOOLS_BENCH_COPY_BENCH_H_
#define SYSPORT_TOOLS_BENCH_COPY_BENCH_H_

// Benchmarks of io::Copy between files and pipes (Google Benchmark), registered
// at run time for the filesystems given on the command line:
//
// - file to file: io::Copy(File, File), which File::ReadFrom hands to
//   copy_file_range(2) ("fast"), against io::Copy(File, reader that is not a
//   File), which File::ReadFrom must copy with its generic read/write loop
//   ("generic"), and a plain read(2)/write(2) loop with Go's 32 KiB buffer and
//   no sysport code at all (the floor the generic path must beat);
// - pipe to file and file to pipe, the same two ways;
// - the generic path's buffer size: io::CopyBuffer with a fresh buffer of each
//   size per copy, which is what io::Copy does with kCopyBufferSize.
//
// Each iteration copies into a new file that is deleted afterwards, and only
// the copy itself is timed (manual time), so file creation and deletion are
// not measured and dirty pages never pile up. Sources are written and
// fsync()ed once per directory and size, and stay in the page cache.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sysport::bench {

enum class Kind : unsigned char {
  kFileToFile,
  kPipeToFile,
  kFileToPipe,
  kBufferSweep,
};

enum class Variant : unsigned char {
  kFast,          // io::Copy with the os::File itself: File::ReadFrom tries copy_file_range
  kGeneric,       // io::Copy with a Reader that is not an os::File: the generic path
  kReadWrite32K,  // a plain read(2)/write(2) loop with a 32 KiB buffer (Go's size)
  kBuffer,        // io::CopyBuffer with a new buffer of Case::buffer bytes per copy
};

// One registered benchmark.
struct Case {
  Kind kind = Kind::kFileToFile;
  Variant variant = Variant::kFast;
  std::string fs;  // Filesystem::label
  int64_t size = 0;
  size_t buffer = 0;  // kBuffer only
};

struct Filesystem {
  std::string label;    // "ext4", "tmpfs", "xfs-reflink", "tmpfs-to-ext4"
  std::string src_dir;  // where sources are created
  std::string dst_dir;  // where copies go; src_dir unless the case is cross-filesystem
};

struct Config {
  std::vector<Filesystem> filesystems;  // file to file, each size, fast/generic/32 KiB loop
  std::vector<int64_t> sizes;
  std::vector<std::string> pipes_on;  // labels: pipe to file and file to pipe there
  std::vector<std::string> sweep_on;  // labels: the buffer sweep there
  std::vector<size_t> sweep_buffers;
  // Google Benchmark's minimum time, in seconds, for sizes below 1 MiB (0:
  // --benchmark_min_time's). Their copies take microseconds but each needs an
  // untimed create and unlink, so the default would make them the longest.
  double small_min_time = 0;
};

// Registers every benchmark `config` asks for; an unknown label or an unusable
// directory is an error, and nothing is registered then.
absl::Status RegisterCopyBenchmarks(const Config& config);

// The registered cases with their benchmark names, in registration order.
const std::vector<std::pair<std::string, Case>>& RegisteredCases();
// The name a case is registered under: "file_to_file/ext4/64MiB/fast".
std::string CaseName(const Case& c);
// The registered case of that name, or nullptr.
const Case* FindCase(std::string_view name);

// Deletes the source files the benchmarks created.
void RemoveSourceFiles();

// "4 KiB", "1 MiB", "512 MiB" (binary units, exact or with a decimal).
std::string FormatBytes(int64_t bytes);
// "4KiB", "4K", "1MiB", "1M", "2GiB", "4096": a positive byte count.
absl::StatusOr<int64_t> ParseBytes(std::string_view text);

}  // namespace sysport::bench

#endif  // SYSPORT_TOOLS_BENCH_COPY_BENCH_H_
