#include "tools/copy_trees.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
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
#include "os/copy_observer.h"
#include "os/copy_tree.h"
#include "os/error.h"
#include "os/file.h"
#include "os/quote.h"
#include "syscall/errno.h"
#include "tools/copy_options.h"
#include "tools/copy_progress.h"
#include "tools/diagnostics.h"

namespace sysport::tools {
namespace {

constexpr int kExitFailure = 1;

// Prints each error and skipped entry as it happens, and counts what was
// copied for the progress line. Called from the copy's threads at once.
class Reporter final : public os::CopyTreeObserver {
 public:
  explicit Reporter(const Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void OnError(const absl::Status& error) override {
    Line(absl::StrCat("copy: ", error.message(), "\n"));
  }
  void OnSkipped(const std::string& what) override { Line(absl::StrCat("copy: ", what, "\n")); }
  void OnCopied(os::FileType type, int64_t bytes) override {
    if (type == os::FileType::kRegular) files_.fetch_add(1, std::memory_order_relaxed);
    bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }

  int64_t files() const { return files_.load(std::memory_order_relaxed); }
  int64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

  // On a terminal the progress line is redrawn in place: a message first
  // clears it, and the next progress line comes back below.
  void set_progress_on_tty(bool on) { progress_on_tty_ = on; }

 private:
  void Line(std::string_view text) const {
    diagnostics_.Print(progress_on_tty_ ? absl::StrCat("\r\033[K", text) : std::string(text));
  }

  const Diagnostics& diagnostics_;
  bool progress_on_tty_ = false;
  std::atomic<int64_t> files_{0};
  std::atomic<int64_t> bytes_{0};
};

// While it lives, a thread prints the progress line once a second after the
// first (redrawn in place on a terminal), and a last one if it printed any.
class ProgressThread {
 public:
  ProgressThread(const Reporter& reporter, const Diagnostics& diagnostics, absl::Time start)
      : thread_([this, &reporter, &diagnostics, start] {
          const bool tty = Diagnostics::tty();
          bool printed = false;
          auto print = [&](bool last) {
            const std::string line =
                TreeProgressLine(reporter.files(), reporter.bytes(), absl::Now() - start);
            diagnostics.Print(absl::StrCat(tty ? "\r\033[K" : "", line, tty && !last ? "" : "\n"));
            printed = true;
          };
          absl::Time next = start + absl::Seconds(1);
          while (!finished_.WaitForNotificationWithDeadline(next)) {
            print(false);
            next += absl::Seconds(1);
          }
          if (printed) print(true);
        }) {}
  ~ProgressThread() {
    finished_.Notify();
    thread_.join();
  }
  ProgressThread(const ProgressThread&) = delete;
  ProgressThread& operator=(const ProgressThread&) = delete;

 private:
  absl::Notification finished_;
  std::thread thread_;  // last: started once finished_ exists
};

void AddStats(os::CopyTreeStats& total, const os::CopyTreeStats& more) {
  total.directories += more.directories;
  total.files += more.files;
  total.symlinks += more.symlinks;
  total.hard_links += more.hard_links;
  total.special_files += more.special_files;
  total.skipped += more.skipped;
  total.errors += more.errors;
  total.bytes_copied += more.bytes_copied;
  total.bytes_cloned += more.bytes_cloned;
  total.bytes_holes += more.bytes_holes;
}

}  // namespace

std::string Placement(const std::string& src, const std::string& target, bool into) {
  if (!into) return target;
  std::string_view name = src;
  while (name.size() > 1 && name.back() == '/') name.remove_suffix(1);
  if (const size_t slash = name.rfind('/'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  if (name.empty() || name == "." || name == ".." || name == "/") return target;
  std::string_view dir = target;
  while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
  return absl::StrCat(dir, dir == "/" ? "" : "/", name);
}

int RunTrees(const CopyOptions& options, const Diagnostics& diagnostics) {
  const CopyOptions& o = options;
  // DST a directory (followed, as cp does): the copies go into it.
  const absl::StatusOr<os::FileInfo> target = os::Stat(o.target);
  const bool target_is_dir = target.ok() && target->IsDirectory();
  if ((o.target_is_directory || o.sources.size() > 1) && !target_is_dir) {
    // cp's words: "target 'c' is not a directory", "target 'c': no such file ...".
    const int err = target.ok() ? 0 : os::ErrnoOf(target.status()).value_or(0);
    const std::string name = os::QuoteNameAlways(o.target);
    diagnostics.Print(
        err != 0 && err != ENOTDIR
            ? absl::StrCat("copy: target ", name, ": ", syscall::Errno(err).Message(), "\n")
            : absl::StrCat("copy: target ", name, " is not a directory\n"));
    return kExitFailure;
  }
  const bool into = target_is_dir && !o.no_target_directory;

  Reporter reporter(diagnostics);
  reporter.set_progress_on_tty(o.progress && Diagnostics::tty());
  os::CopyTreeOptions tree = o.tree_options;
  tree.observer = &reporter;
  os::CopyTreeStats stats;
  os::CopyCounters::Totals methods;
  int64_t refused = 0;
  const absl::Time start = absl::Now();
  {
    std::optional<ProgressThread> progress;
    if (o.progress) progress.emplace(reporter, diagnostics, start);
    for (const std::string& src : o.sources) {
      if (!o.recursive) {
        // cp: a directory is copied only with -r.
        const absl::StatusOr<os::FileInfo> info = os::Stat(src);
        if (info.ok() && info->IsDirectory()) {
          diagnostics.Print(absl::StrCat("copy: -r not specified; omitting directory ",
                                         os::QuoteNameAlways(src), "\n"));
          ++refused;
          continue;
        }
      }
      const os::CopyTreeResult r = os::CopyTree(src, Placement(src, o.target, into), tree);
      AddStats(stats, r.stats);
      methods.Add(r.methods);
      if (!r.ok() && o.tree_options.stop_at_first_error) break;
    }
  }
  stats.errors += refused;
  if (o.stats) diagnostics.Print(TreeStatsReport(stats, absl::Now() - start, methods));
  return stats.errors == 0 ? 0 : kExitFailure;
}

}  // namespace sysport::tools
