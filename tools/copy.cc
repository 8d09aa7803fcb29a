// copy: copies SRC to DST with sysport, so the bytes take exactly the
// library's paths. A whole-file copy (no --append, --skip, --seek, --count
// or --progress, neither side "-") is os::CopyFile: a clone (FICLONE) where
// the filesystem shares extents, the source's data extents only where it has
// holes, copy_file_range(2) where the kernel can, an ordinary read/write loop
// where it cannot. Any other copy is io::Copy: copy_file_range(2), sendfile(2)
// or splice(2) when the kernel can (a pipe or socket as "-" included), the
// read/write loop when it cannot.
//
//   copy [OPTION]... SRC DST          (copy --help: the options)
//
// "-" is standard input (SRC) or standard output (DST). Errors print
// "copy: <error>" and exit 1; bad options or arguments exit 2.
//
// The steps, each in one place: the standard descriptors and signals (here),
// the command line (copy_options.h), opening and checking the files
// (copy_files.h), choosing how the bytes move (Transfer, here), and the
// report (copy_progress.h).

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <clocale>
#include <csignal>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "os/copy_file.h"
#include "os/copy_observer.h"
#include "os/copy_tree.h"
#include "os/error.h"
#include "os/file.h"
#include "os/quote.h"
#include "syscall/errno.h"
#include "tools/copy_files.h"
#include "tools/copy_options.h"
#include "tools/copy_progress.h"
#include "tools/copy_trees.h"
#include "tools/diagnostics.h"

namespace sysport::tools {
namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

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

// The size to expect, for the progress line: what is left of a regular
// source, bounded by --count.
std::optional<int64_t> ExpectedSize(os::File& src, const os::FileInfo& info, const CopyOptions& o) {
  std::optional<int64_t> total;
  if (info.IsRegular()) {
    absl::StatusOr<int64_t> pos = src.Seek(0, SEEK_CUR);
    total = std::max<int64_t>(0, info.size - (pos.ok() ? *pos : 0));
    if (o.count.has_value()) total = std::min(*total, *o.count);
  } else if (o.count.has_value()) {
    total = *o.count;
  }
  return total;
}

// ChunkedCopy with a thread that reports progress: quiet for the first second
// after `start`, then a line per second (redrawn in place on a terminal), and
// a last line if it printed any.
io::Result CopyWithProgress(const CopyFiles& files, const CopyOptions& o,
                            const Diagnostics& diagnostics, absl::Time start) {
  const std::optional<int64_t> total = ExpectedSize(*files.src, files.src_info, o);
  std::atomic<int64_t> done{0};
  absl::Notification finished;
  const bool tty = Diagnostics::tty();
  std::thread reporter([&] {
    bool printed = false;
    absl::Time next = start + absl::Seconds(1);
    while (!finished.WaitForNotificationWithDeadline(next)) {
      const std::string line = ProgressLine(done.load(), total, absl::Now() - start);
      diagnostics.Print(absl::StrCat(tty ? "\r\033[K" : "", line, tty ? "" : "\n"));
      printed = true;
      next += absl::Seconds(1);
    }
    if (printed) {
      const std::string line = ProgressLine(done.load(), total, absl::Now() - start);
      diagnostics.Print(absl::StrCat(tty ? "\r\033[K" : "", line, "\n"));
    }
  });
  io::Result result = ChunkedCopy(*files.dst, *files.src, o.count, done);
  finished.Notify();
  reporter.join();
  return result;
}

// The one place that chooses how the bytes move. Every path is io::Copy into
// the destination File, so File::ReadFrom picks the kernel's way or the
// read/write loop, and the observer sees which.
io::Result Transfer(const CopyFiles& files, const CopyOptions& o, const Diagnostics& diagnostics,
                    absl::Time start) {
  if (o.progress) return CopyWithProgress(files, o, diagnostics, start);
  if (!o.count.has_value()) return io::Copy(*files.dst, *files.src);
  io::LimitedReader limited(*files.src, *o.count);
  return io::Copy(*files.dst, limited);
}

// How far a failed copy got, after its message: DST keeps what was written,
// as with cp and dd.
std::string AfterSuffix(int64_t bytes) {
  return absl::StrCat(" (after ", bytes, bytes == 1 ? " byte)" : " bytes)");
}

// --help and --version: written to standard output, whose errors count
// (`copy --help >/dev/full` fails, as in coreutils).
int PrintToStdout(std::string_view text, const os::ClosedStandardDescriptors& closed,
                  const Diagnostics& diagnostics) {
  absl::Status status;
  if (closed.stdout_closed) {
    status = os::PathError("write", "/dev/stdout", syscall::Errno(EBADF));
  } else {
    std::unique_ptr<os::File> out = os::File::NewFile(STDOUT_FILENO, "/dev/stdout");
    status = out->Write(text).status;
    absl::Status closing = out->Close();
    if (status.ok()) status = closing;
  }
  if (status.ok()) return 0;
  diagnostics.Error(status);
  return kExitFailure;
}

// A whole-file copy: os::CopyFile opens and checks both files (a directory
// or the same file refused before DST is touched), and decides the rest.
// Whether a copy that failed had started: one refused before any byte
// moved (a directory, the same file, a name that cannot be opened) left
// nothing to count.
bool Started(const io::Result& result, const os::CopyCounters::Totals& totals) {
  return result.n > 0 || totals.read_write.reads > 0 || totals.read_write.writes > 0 ||
         std::any_of(totals.kernel.begin(), totals.kernel.end(),
                     [](const auto& m) { return m.attempts > 0; });
}

bool IsDirectory(const std::string& path) {
  const absl::StatusOr<os::FileInfo> info = os::Stat(path);
  return info.ok() && info->IsDirectory();
}

// A whole-file copy: os::CopyFile opens and checks both files (a directory
// or the same file refused before DST is touched), and decides the rest.
// DST is stat(2)ed once, by os::CopyFile: a directory there is learned from
// its refusal (EISDIR), and the copy made again as DIR/NAME (cp; not with -T).
int RunWholeFile(const CopyOptions& o, Diagnostics& diagnostics) {
  // `copy SRC DST 2>>DST`: the shell has made DST the tool's stderr.
  diagnostics.WithholdIfWritingInto(o.dst);
  os::CopyCounters counters;
  os::CopyFileOptions options = o.whole_file_options;
  options.observer = &counters;
  const absl::Time start = absl::Now();
  io::Result result = os::CopyFile(o.src, o.dst, options);
  bool directory_src = false;
  if (!result.ok() && os::ErrnoOf(result.status) == EISDIR && !Started(result, counters.totals())) {
    if (!o.no_target_directory && IsDirectory(o.dst)) {
      result = os::CopyFile(o.src, Placement(o.src, o.dst, /*into=*/true), options);
    } else {
      directory_src = IsDirectory(o.src);
    }
  }
  const absl::Duration elapsed = absl::Now() - start;
  const os::CopyCounters::Totals totals = counters.totals();
  if (o.stats) diagnostics.Print(StatsReport(result.n, elapsed, totals));
  if (result.ok()) return 0;
  // os::CopyFile's "read DIR: is a directory"; cp's words say what to do.
  if (directory_src) {
    diagnostics.Print(absl::StrCat("copy: -r not specified; omitting directory ",
                                   os::QuoteNameAlways(o.src), "\n"));
    return kExitFailure;
  }
  diagnostics.Error(result.status, Started(result, totals) ? AfterSuffix(result.n) : "");
  return kExitFailure;
}

int Run(int argc, char** argv) {
  // Before anything is opened: a file must never get descriptor 1 or 2.
  absl::StatusOr<os::ClosedStandardDescriptors> closed = os::OpenClosedStandardDescriptors();
  if (!closed.ok()) return kExitFailure;  // nowhere safe to say so
  Diagnostics diagnostics;
  // Past `ulimit -f`, write(2) raises SIGXFSZ, whose default action kills the
  // process without a word (cp, cat and dd die so, with status 153). Ignored,
  // the write fails with EFBIG, and the tool says how far it got.
  // SIGPIPE keeps its default, as for cat: a reader that stops early
  // (`copy big - | head`) ends the copy without a word. If it is ignored, the
  // write fails with EPIPE, which is reported with its count.
  (void)std::signal(SIGXFSZ, SIG_IGN);
  // Names in messages are quoted per the user's LC_CTYPE (os/quote.h), as
  // coreutils does. Messages themselves stay in English (LC_MESSAGES is not
  // read).
  (void)std::setlocale(LC_CTYPE, "");  // NOLINT(concurrency-mt-unsafe): no thread yet

  absl::StatusOr<CommandLine> command =
      ParseCommandLine(absl::MakeConstSpan(argv, static_cast<size_t>(argc)).subspan(1));
  if (!command.ok()) {
    diagnostics.Error(command.status(), "\nTry 'copy --help' for more information.");
    return kExitUsage;
  }
  switch (command->action) {
    case CommandLine::Action::kHelp:
      return PrintToStdout(HelpText(), *closed, diagnostics);
    case CommandLine::Action::kVersion:
      return PrintToStdout(VersionText(), *closed, diagnostics);
    case CommandLine::Action::kCopy:
      break;
  }
  const CopyOptions& o = command->options;
  // As Go's runtime does (1.19): a tree copy holds descriptors for each
  // directory in flight, more than the soft limit of 1024 for deep trees.
  os::RaiseOpenFileLimit();
  if (o.tree()) return RunTrees(o, diagnostics);
  if (o.whole_file()) return RunWholeFile(o, diagnostics);

  absl::StatusOr<CopyFiles> files = OpenCopyFiles(o, *closed);
  if (!files.ok()) {
    diagnostics.Error(files.status());
    return kExitFailure;
  }
  diagnostics.WithholdIfWritingInto(files->dst_info);

  // ReadFrom reports to the destination's observer, WriteTo (a file into a
  // pipe or socket, with sendfile) to the source's: --stats counts both.
  os::CopyCounters counters;
  files->dst->SetCopyObserver(&counters);
  files->src->SetCopyObserver(&counters);
  const absl::Time start = absl::Now();
  const io::Result result = Transfer(*files, o, diagnostics, start);
  const absl::Duration elapsed = absl::Now() - start;
  absl::Status status = result.status;
  // close(2) can report a write error late (NFS, quotas): it counts, for
  // standard output too.
  absl::Status closed_dst = files->dst->Close();
  if (status.ok()) status = closed_dst;

  if (o.stats) diagnostics.Print(StatsReport(result.n, elapsed, counters.totals()));
  if (status.ok()) return 0;
  // DST keeps what was written, as with cp and dd; say how much that was.
  diagnostics.Error(status, AfterSuffix(result.n));
  return kExitFailure;
}

}  // namespace
}  // namespace sysport::tools

int main(int argc, char** argv) { return sysport::tools::Run(argc, argv); }
