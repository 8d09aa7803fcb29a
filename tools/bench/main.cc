// bench: io::Copy's fast and generic paths, side by side, on the filesystems
// named on the command line (see copy_bench.h; tools/bench/run runs it all).
//
//   bench --fs=ext4=/tmp/d,tmpfs=/dev/shm/d,tmpfs-to-ext4=/dev/shm/d:/tmp/d
//         --pipes_on=ext4 --sweep_on=ext4,tmpfs --markdown_out=FILE
//         [--sizes=4KiB,1MiB,64MiB,512MiB] [--sweep_buffers=32KiB,...] [--benchmark_...]
//
// Google Benchmark's own flags (--benchmark_filter, --benchmark_repetitions,
// --benchmark_min_time, ...) work as usual.

#include <csignal>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "tools/bench/copy_bench.h"
#include "tools/bench/markdown_reporter.h"

ABSL_FLAG(std::vector<std::string>, fs, {},
          "Comma-separated LABEL=DIR (sources and copies in DIR) or LABEL=SRC_DIR:DST_DIR (a "
          "cross-filesystem case). Default: tmp=$TMPDIR (or /tmp).");
ABSL_FLAG(std::vector<std::string>, sizes,
          (std::vector<std::string>{"4KiB", "1MiB", "64MiB", "512MiB"}), "File sizes to copy.");
ABSL_FLAG(std::vector<std::string>, pipes_on, {},
          "Labels of --fs entries where pipe to file and file to pipe are measured too.");
ABSL_FLAG(std::vector<std::string>, sweep_on, {},
          "Labels of --fs entries where the generic path's buffer size is swept.");
ABSL_FLAG(std::vector<std::string>, sweep_buffers,
          (std::vector<std::string>{"32KiB", "64KiB", "128KiB", "256KiB", "512KiB", "1MiB"}),
          "Buffer sizes for the sweep.");
ABSL_FLAG(
    double, small_min_time, 0,
    "Minimum time in seconds for sizes below 1 MiB (0: --benchmark_min_time's): each of their "
    "microsecond copies needs an untimed create and unlink.");
ABSL_FLAG(std::string, markdown_out, "", "Also write the Markdown tables to this file.");

namespace sysport::bench {
namespace {

absl::StatusOr<Config> ConfigFromFlags() {
  Config config;
  std::vector<std::string> fs = absl::GetFlag(FLAGS_fs);
  if (fs.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    fs.push_back(absl::StrCat("tmp=", tmp != nullptr && *tmp != '\0' ? tmp : "/tmp"));
  }
  for (const std::string& entry : fs) {
    const size_t eq = entry.find('=');
    if (eq == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--fs: want LABEL=DIR or LABEL=SRC:DST, got \"", entry, "\""));
    }
    Filesystem f;
    f.label = entry.substr(0, eq);
    const std::string dirs = entry.substr(eq + 1);
    const size_t colon = dirs.find(':');
    f.src_dir = dirs.substr(0, colon);
    f.dst_dir = colon == std::string::npos ? f.src_dir : dirs.substr(colon + 1);
    config.filesystems.push_back(f);
  }
  for (const std::string& text : absl::GetFlag(FLAGS_sizes)) {
    absl::StatusOr<int64_t> size = ParseBytes(text);
    if (!size.ok()) return size.status();
    config.sizes.push_back(*size);
  }
  for (const std::string& text : absl::GetFlag(FLAGS_sweep_buffers)) {
    absl::StatusOr<int64_t> size = ParseBytes(text);
    if (!size.ok()) return size.status();
    config.sweep_buffers.push_back(static_cast<size_t>(*size));
  }
  config.pipes_on = absl::GetFlag(FLAGS_pipes_on);
  config.sweep_on = absl::GetFlag(FLAGS_sweep_on);
  config.small_min_time = absl::GetFlag(FLAGS_small_min_time);
  return config;
}

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);  // takes out --benchmark_* flags
  std::vector<char*> rest = absl::ParseCommandLine(argc, argv);
  if (rest.size() > 1) {
    std::cerr << "bench: unexpected argument " << rest[1] << "\n";
    return 2;
  }
  // A pipe benchmark that stops early closes the read end under its producer:
  // EPIPE there, not a dead process.
  std::signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<Config> config = ConfigFromFlags();
  if (!config.ok()) {
    std::cerr << "bench: " << config.status().message() << "\n";
    return 2;
  }
  if (absl::Status registered = RegisterCopyBenchmarks(*config); !registered.ok()) {
    std::cerr << "bench: " << registered.message() << "\n";
    return 2;
  }
  MarkdownReporter reporter(absl::GetFlag(FLAGS_markdown_out));
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  RemoveSourceFiles();
  return 0;
}

}  // namespace
}  // namespace sysport::bench

int main(int argc, char** argv) { return sysport::bench::Main(argc, argv); }
