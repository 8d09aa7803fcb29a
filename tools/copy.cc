// copy: copies SRC to DST with sysport, so the bytes take exactly the
// library's paths. A whole-file copy (no --append, --skip, --seek, --count
// or --progress, neither side "-") is os::CopyFile: a clone (FICLONE) where
// the filesystem shares extents, the source's data extents only where it has
// holes, copy_file_range(2) where the kernel can, an ordinary read/write loop
// where it cannot. Any other copy is io::Copy.
//
//   copy [--append] [--skip=N] [--seek=N] [--count=N] [--stats] [--progress]
//        [--reflink=WHEN] [--sparse=WHEN] [--preserve=LIST] [--atomic] [--sync] SRC DST
//
// "-" is standard input (SRC) or standard output (DST). Errors print
// "copy: <error>" and exit 1; bad flags or arguments exit 2.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "os/copy_file.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/file.h"
#include "tools/copy_progress.h"
#include "tools/whole_file_copy.h"

ABSL_FLAG(bool, append, false, "Append to DST (opened with O_APPEND, not truncated).");
ABSL_FLAG(
    std::optional<int64_t>, skip, std::nullopt,
    "Skip N bytes of SRC first: seek past them, or read and discard them if SRC cannot seek.");
ABSL_FLAG(std::optional<int64_t>, seek, std::nullopt,
          "Write from byte N of DST; DST is not truncated.");
ABSL_FLAG(std::optional<int64_t>, count, std::nullopt, "Copy at most N bytes.");
ABSL_FLAG(bool, stats, false,
          "Print to stderr the bytes, seconds, throughput, and which path carried the bytes "
          "(copy_file_range or read/write) with the reason for any fallback.");
ABSL_FLAG(bool, progress, false,
          "Show progress on stderr for copies that take more than about a second "
          "(a whole-file copy then goes through io::Copy in chunks).");
ABSL_FLAG(std::string, reflink, "auto",
          "Whole-file copies: clone (share extents) where the filesystem can (auto), "
          "clone or fail (always), or never clone (never). As cp's --reflink.");
ABSL_FLAG(std::string, sparse, "auto",
          "Whole-file copies: keep the source's holes (auto), also turn 4 KiB blocks of "
          "zeros into holes (always), or write every byte (never). As cp's --sparse.");
ABSL_FLAG(std::string, preserve, "",
          "Whole-file copies: a comma-separated list of mode, timestamps, ownership, or all. "
          "Without it, a new DST gets SRC's permission bits less the umask, as cp without -p.");
ABSL_FLAG(bool, atomic, false,
          "Whole-file copies: copy into a temporary file beside DST and rename it over DST "
          "when complete, so a failure leaves the old DST as it was.");
ABSL_FLAG(bool, sync, false, "Whole-file copies: fsync DST before finishing (before the rename).");

namespace sysport::tools {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

// DST's mode when copy creates it, as os::File::Create: read and write for
// everyone, less the umask.
constexpr mode_t kCreatePerm = 0666;

// Abseil's flag parser exits with 1 on a bad flag, and with 1 after --help;
// this tool's contract is 2 for bad flags and 0 for help. While parsing, an
// exit handler rewrites the status.
std::atomic<bool> g_parsing{false};
std::atomic<bool> g_help_requested{false};

void FixParseExitStatus() {
  if (!g_parsing.load()) return;
  std::cout.flush();
  (void)std::fflush(nullptr);  // best effort: the process ends either way
  ::_exit(g_help_requested.load() ? 0 : kExitUsage);
}

bool IsHelpFlag(std::string_view arg) {
  while (!arg.empty() && arg.front() == '-') arg.remove_prefix(1);
  arg = arg.substr(0, arg.find('='));
  return arg == "help" || arg == "helpfull" || arg == "helpshort" || arg == "helppackage" ||
         arg == "helpon" || arg == "helpmatch" || arg == "version" || arg == "only_check_args";
}

// The tool's only exit() (exit(3) is not thread-safe): called from the main
// thread only while it is the only thread, before the progress thread starts
// or after it has been joined.
[[noreturn]] void Exit(int status) {
  std::exit(status);  // NOLINT(concurrency-mt-unsafe): see above
}

[[noreturn]] void Fail(const absl::Status& status) {
  std::cerr << "copy: " << status.message() << "\n";
  Exit(kExitFailure);
}

[[noreturn]] void UsageError(std::string_view message) {
  std::cerr << "copy: " << message << "\nTry 'copy --help' for more information.\n";
  Exit(kExitUsage);
}

// A Writer that drops what it is given, for --skip on a source that cannot seek.
class Discard final : public io::Writer {
 public:
  io::Result Write(absl::Span<const char> buf) override {
    return {static_cast<int64_t>(buf.size()), absl::OkStatus()};
  }
};

// Copies with io::Copy in chunks of at most kProgressChunk bytes so a
// progress thread can report between them. Each chunk is an io::Copy from a
// LimitedReader directly over the source File (File::ReadFrom unwraps one
// LimitedReader, not two), so the bytes take the library's paths and the
// observer sees them. `limit` is --count. Returns the total and the status.
constexpr int64_t kProgressChunk = int64_t{64} << 20;

io::Result ChunkedCopy(io::Writer& dst, os::File& src, std::optional<int64_t> limit,
                       std::atomic<int64_t>& done) {
  io::Result total;
  int64_t budget = limit.value_or(std::numeric_limits<int64_t>::max());
  while (budget > 0) {
    const int64_t chunk_size = std::min(budget, kProgressChunk);
    io::LimitedReader chunk(src, chunk_size);
    io::Result r = io::Copy(dst, chunk);
    total.n += r.n;
    budget -= r.n;
    done.store(total.n, std::memory_order_relaxed);
    if (!r.ok()) {
      total.status = r.status;
      break;
    }
    if (r.n < chunk_size) break;  // the source ended
  }
  return total;
}

struct Options {
  std::string src;
  std::string dst;
  bool append = false;
  std::optional<int64_t> skip;
  std::optional<int64_t> seek;
  std::optional<int64_t> count;
  bool stats = false;
  bool progress = false;
  // Set for a whole-file copy, which os::CopyFile makes with these options.
  std::optional<os::CopyFileOptions> whole_file;
};

// The whole-file flags, and whether any differs from its default.
WholeFileFlags GetWholeFileFlags(bool* any_given) {
  WholeFileFlags flags;
  flags.reflink = absl::GetFlag(FLAGS_reflink);
  flags.sparse = absl::GetFlag(FLAGS_sparse);
  flags.preserve = absl::GetFlag(FLAGS_preserve);
  flags.atomic = absl::GetFlag(FLAGS_atomic);
  flags.sync = absl::GetFlag(FLAGS_sync);
  const WholeFileFlags defaults;
  *any_given = flags.reflink != defaults.reflink || flags.sparse != defaults.sparse ||
               !flags.preserve.empty() || flags.atomic || flags.sync;
  return flags;
}

Options ParseArgs(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "copies SRC to DST, in the kernel with copy_file_range(2) where it can.\n\n"
      "Usage: copy [--append] [--skip=N] [--seek=N] [--count=N] [--stats] [--progress]\n"
      "            [--reflink=WHEN] [--sparse=WHEN] [--preserve=LIST] [--atomic] [--sync] SRC "
      "DST\n\n"
      "'-' as SRC is standard input, as DST standard output. A whole-file copy (none of\n"
      "--append, --skip, --seek, --count, --progress; no '-') replaces DST as cp does:\n"
      "cloned where the filesystem can, holes kept, a new DST with SRC's permission bits\n"
      "less the umask. Otherwise DST is created with mode 0666 (less the umask) and\n"
      "truncated, unless --append or --seek is given.\n"
      "Exit status: 0 on success, 1 if the copy failed, 2 for bad flags or arguments.");
  for (const char* raw : absl::MakeConstSpan(argv, static_cast<size_t>(argc)).subspan(1)) {
    const std::string_view arg(raw);
    if (arg == "--") break;
    if (arg.starts_with('-') && IsHelpFlag(arg)) g_help_requested = true;
  }
  // atexit fails only when the C library cannot store another handler; then a
  // bad flag exits with Abseil's 1 instead of 2, and nothing else changes.
  (void)std::atexit(FixParseExitStatus);
  g_parsing = true;
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  g_parsing = false;

  Options o;
  if (positional.size() != 3) {
    UsageError(positional.size() < 3 ? "missing SRC or DST"
                                     : "too many arguments: want SRC and DST");
  }
  o.src = positional[1];
  o.dst = positional[2];
  o.append = absl::GetFlag(FLAGS_append);
  o.skip = absl::GetFlag(FLAGS_skip);
  o.seek = absl::GetFlag(FLAGS_seek);
  o.count = absl::GetFlag(FLAGS_count);
  o.stats = absl::GetFlag(FLAGS_stats);
  o.progress = absl::GetFlag(FLAGS_progress);
  for (const auto& [name, value] :
       {std::pair{"--skip", o.skip}, {"--seek", o.seek}, {"--count", o.count}}) {
    if (value.has_value() && *value < 0) UsageError(absl::StrCat(name, " must not be negative"));
  }
  if (o.append && o.seek.has_value()) UsageError("--append and --seek cannot be used together");
  if (o.src.empty() || o.dst.empty()) UsageError("SRC and DST must not be empty");

  bool whole_file_flags_given = false;
  const WholeFileFlags flags = GetWholeFileFlags(&whole_file_flags_given);
  absl::StatusOr<os::CopyFileOptions> options = OptionsFromFlags(flags);
  if (!options.ok()) UsageError(options.status().message());
  const bool partial = o.append || o.skip.has_value() || o.seek.has_value() || o.count.has_value();
  const bool stream = o.src == "-" || o.dst == "-";
  if (!partial && !stream && !o.progress) {
    o.whole_file = *options;
  } else if (whole_file_flags_given) {
    UsageError(
        "--reflink, --sparse, --preserve, --atomic and --sync are for whole-file copies: "
        "not with --append, --skip, --seek, --count, --progress or '-'");
  }
  return o;
}

std::unique_ptr<os::File> OpenSource(const Options& o) {
  if (o.src == "-") return os::File::NewFile(STDIN_FILENO, "/dev/stdin");
  absl::StatusOr<std::unique_ptr<os::File>> f = os::File::Open(o.src);
  if (!f.ok()) Fail(f.status());
  return *std::move(f);
}

// Refuses to copy a file onto itself where that would lose or endlessly grow
// it: truncation would empty the source first, and an unbounded copy into the
// same file reads back what it writes.
void CheckNotSameFile(os::File& src, const Options& o) {
  if (o.dst == "-") return;
  struct stat dst_st = {};
  if (::stat(o.dst.c_str(), &dst_st) != 0) return;  // does not exist yet
  absl::StatusOr<os::FileInfo> src_info = src.Stat();
  if (!src_info.ok() || !src_info->IsRegular()) return;
  const bool same = src_info->device == dst_st.st_dev && src_info->inode == dst_st.st_ino;
  const bool truncates = !o.append && !o.seek.has_value();
  if (same && (truncates || !o.count.has_value())) {
    Fail(absl::InvalidArgumentError(
        absl::StrCat("'", o.src, "' and '", o.dst, "' are the same file",
                     truncates ? "" : " (give --count to copy a bounded range within it)")));
  }
}

std::unique_ptr<os::File> OpenDestination(const Options& o) {
  if (o.dst == "-") return os::File::NewFile(STDOUT_FILENO, "/dev/stdout");
  int flags = O_WRONLY | O_CREAT;
  if (o.append) {
    flags |= O_APPEND;
  } else if (!o.seek.has_value()) {
    flags |= O_TRUNC;
  }
  absl::StatusOr<std::unique_ptr<os::File>> f = os::File::OpenFile(o.dst, flags, kCreatePerm);
  if (!f.ok()) Fail(f.status());
  return *std::move(f);
}

void SkipSource(os::File& src, int64_t skip) {
  absl::StatusOr<int64_t> sought = src.Seek(skip, SEEK_CUR);
  if (sought.ok()) return;
  if (os::ErrnoOf(sought.status()) != ESPIPE) Fail(sought.status());
  // A pipe or terminal: read and drop. Reaching its end first is not an error
  // (dd behaves the same); there is simply nothing left to copy.
  Discard discard;
  io::LimitedReader skipped(src, skip);
  io::Result r = io::Copy(discard, skipped);
  if (!r.ok()) Fail(r.status);
}

// The size to expect, for the progress line: what is left of a regular
// source, bounded by --count.
std::optional<int64_t> ExpectedSize(os::File& src, const Options& o) {
  std::optional<int64_t> total;
  if (absl::StatusOr<os::FileInfo> info = src.Stat(); info.ok() && info->IsRegular()) {
    absl::StatusOr<int64_t> pos = src.Seek(0, SEEK_CUR);
    total = std::max<int64_t>(0, info->size - (pos.ok() ? *pos : 0));
    if (o.count.has_value()) total = std::min(*total, *o.count);
  } else if (o.count.has_value()) {
    total = *o.count;
  }
  return total;
}

// ChunkedCopy with a thread that reports progress on stderr: quiet for the
// first second after `start`, then a line per second (redrawn in place on a
// terminal), and a last line if it printed any.
io::Result CopyWithProgress(io::Writer& dst, os::File& src, const Options& o, absl::Time start) {
  const std::optional<int64_t> total = ExpectedSize(src, o);
  std::atomic<int64_t> done{0};
  absl::Notification finished;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  std::thread reporter([&] {
    bool printed = false;
    absl::Time next = start + absl::Seconds(1);
    while (!finished.WaitForNotificationWithDeadline(next)) {
      const std::string line = ProgressLine(done.load(), total, absl::Now() - start);
      std::cerr << (tty ? "\r\033[K" : "") << line << (tty ? "" : "\n") << std::flush;
      printed = true;
      next += absl::Seconds(1);
    }
    if (printed) {
      const std::string line = ProgressLine(done.load(), total, absl::Now() - start);
      std::cerr << (tty ? "\r\033[K" : "") << line << "\n" << std::flush;
    }
  });
  io::Result result = ChunkedCopy(dst, src, o.count, done);
  finished.Notify();
  reporter.join();
  return result;
}

// A whole-file copy: os::CopyFile decides everything, from the paths.
int RunWholeFile(const Options& o) {
  os::CopyCounters counters;
  os::CopyFileOptions options = *o.whole_file;
  options.observer = &counters;
  const absl::Time start = absl::Now();
  const io::Result result = os::CopyFile(o.src, o.dst, options);
  const absl::Duration elapsed = absl::Now() - start;
  if (o.stats) std::cerr << StatsReport(result.n, elapsed, counters.totals());
  if (!result.ok()) Fail(result.status);
  return 0;
}

int Run(int argc, char** argv) {
  const Options o = ParseArgs(argc, argv);
  if (o.whole_file.has_value()) return RunWholeFile(o);
  std::unique_ptr<os::File> src = OpenSource(o);
  CheckNotSameFile(*src, o);
  std::unique_ptr<os::File> dst = OpenDestination(o);
  if (o.skip.has_value() && *o.skip > 0) SkipSource(*src, *o.skip);
  if (o.seek.has_value()) {
    absl::StatusOr<int64_t> sought = dst->Seek(*o.seek, SEEK_SET);
    if (!sought.ok()) Fail(sought.status());
  }

  io::Reader* reader = src.get();
  std::optional<io::LimitedReader> limited;
  if (o.count.has_value()) reader = &limited.emplace(*src, *o.count);

  os::CopyCounters counters;
  dst->SetCopyObserver(&counters);
  const absl::Time start = absl::Now();
  const io::Result result =
      o.progress ? CopyWithProgress(*dst, *src, o, start) : io::Copy(*dst, *reader);
  const absl::Duration elapsed = absl::Now() - start;

  absl::Status status = result.status;
  // close(2) can report a write error late (NFS, quotas): it counts.
  if (o.dst != "-") {
    absl::Status closed = dst->Close();
    if (status.ok()) status = closed;
  }
  if (o.stats) {
    std::cerr << StatsReport(result.n, elapsed, counters.totals());
  }
  if (!status.ok()) Fail(status);
  return 0;
}

}  // namespace
}  // namespace sysport::tools

int main(int argc, char** argv) { return sysport::tools::Run(argc, argv); }
