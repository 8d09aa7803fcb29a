// os::CopyTree (see os/copy_tree.h), in three pieces, as Go's CopyFS:
//   - the traversal: directories as tasks on a pool of threads
//     (internal::WorkPool), each read in batches with getdents64 and each
//     batch of its entries a task of its own; a directory is finished (its
//     final mode, owner and times) when the last of its children is;
//   - the per-entry decision: what the entry is (from d_type, else lstat),
//     and what becomes of it (a file copied, a link recreated, a FIFO or
//     device made, a socket skipped, a name kept per `existing`);
//   - the per-file copy: os::CopyFile's decisions on the two open files
//     (internal::CopyRegularContents), then the metadata.
//
// Every name is opened through the directory's os::Root with O_NOFOLLOW (or
// AT_SYMLINK_NOFOLLOW): an entry swapped for a link after getdents64 named
// it is copied as the link it now is, never followed, and nothing is read
// outside SRC or written outside DST.

#include "os/copy_tree.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/node_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "os/copy_file.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/file.h"
#include "os/internal/copy_regular.h"
#include "os/internal/file_access.h"
#include "os/internal/metadata.h"
#include "os/internal/path.h"
#include "os/internal/root_access.h"
#include "os/internal/work_pool.h"
#include "os/quote.h"
#include "os/root.h"
#include "poll/copy_result.h"
#include "syscall/errno.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::os {
namespace {

using Existing = CopyTreeOptions::Existing;
using Symlinks = CopyTreeOptions::Symlinks;

// How often an entry that changed type meanwhile is decided again.
constexpr int kRetries = 3;

// Entries a task handles at a time: a directory of 100,000 files is 400
// tasks any worker can take, so one flat directory uses every core.
constexpr size_t kBatch = 256;
// Tasks that may wait per thread before a submitter runs its task itself
// (internal::WorkPool): what bounds the memory, and the descriptors held.
constexpr size_t kQueuedPerThread = 4;

struct DevIno {
  uint64_t device = 0;
  uint64_t inode = 0;
  friend bool operator==(const DevIno& a, const DevIno& b) {
    return a.device == b.device && a.inode == b.inode;
  }
  template <typename H>
  friend H AbslHashValue(H h, const DevIno& d) {
    return H::combine(std::move(h), d.device, d.inode);
  }
  static DevIno Of(const FileInfo& info) { return {info.device, info.inode}; }
};

// "a/b" joined to "c"; either may be empty.
std::string JoinRel(std::string_view rel, std::string_view name) {
  if (rel.empty()) return std::string(name);
  return absl::StrCat(rel, "/", name);
}

// cp's refusal to copy a directory into itself (or below itself).
absl::Status IntoItselfError(std::string_view src, std::string_view dst) {
  return absl::InvalidArgumentError(absl::StrCat("cannot copy a directory, ", QuoteNameAlways(src),
                                                 ", into itself, ", QuoteNameAlways(dst)));
}

// A Root method's error ("openat f: ...") said of the entry's whole path.
absl::Status Reworded(const absl::Status& status, std::string_view op, std::string_view path) {
  if (IsPathEscape(status)) return PathEscapeError(op, path);
  if (std::optional<int> err = ErrnoOf(status)) return PathError(op, path, syscall::Errno(*err));
  return status;
}

// The directory `dir` is on, opened to have its metadata set or be
// fsync'd; an error names the directory.
absl::StatusOr<std::unique_ptr<File>> OpenItself(Root& dir) {
  absl::StatusOr<std::unique_ptr<File>> opened = dir.OpenFile(".", O_RDONLY | O_DIRECTORY, 0);
  if (!opened.ok()) return Reworded(opened.status(), "open", dir.Name());
  return opened;
}

// A directory being copied. Made by EnterDir, it lives until the last of its
// children and its own reading are done (Release), when its final metadata
// is set and its parent told.
struct DirNode {
  DirNode* parent = nullptr;
  std::string rel;  // below the top: "" for the top, else "a/b"
  std::shared_ptr<Root> src;
  std::shared_ptr<Root> dst;
  FileInfo info;      // the source directory's
  bool made = false;  // this copy created the destination directory
  // The group a new entry gets in dst: the directory's own if it is
  // setgid, else the process's.
  uint32_t new_gid = 0;
  // What the destination directory ends with, set by FinishDir.
  std::optional<internal::MetadataPlan> plan;
  // The destination directory, open, where it was there already (narrowed
  // while its entries are made); FinishDir opens one it made.
  std::unique_ptr<File> existing;
  // The source directory's entries as it was read; kept until the end when
  // its xattrs are to be copied.
  std::unique_ptr<DirReader> reader;
  // The reading task, and each child task not yet done.
  std::atomic<int> pending{1};
};

class TreeCopier {
 public:
  TreeCopier(const CopyTreeOptions& options, int jobs)
      : o_(options),
        pool_(jobs, kQueuedPerThread * static_cast<size_t>(jobs)),
        euid_(::geteuid()),
        egid_(::getegid()),
        // The umask, read once for the whole copy (MetadataPlan's Creator);
        // where /proc cannot say, every plan asks it again and takes 077.
        umask_(internal::ReadUmask()) {
    file_options_.reflink = options.reflink;
    file_options_.sparse = options.sparse;
    keep_.mode = options.preserve.mode;
    keep_.ownership = options.preserve.ownership;
    keep_.timestamps = options.preserve.timestamps;
  }

  // The top of the copy: `top` is the source directory and the
  // destination made (or found) for it.
  void CopyDirectory(std::unique_ptr<DirNode> top, std::shared_ptr<Root> dst_top) {
    dst_top_ = std::move(dst_top);
    top_dev_ = top->info.device;
    DirNode* node = top.release();
    pool_.Submit([this, node]() { ReadDir(node); });
    pool_.Run();
  }

  // One entry that is not a directory, with the roots of its directories
  // (the top is not a tree then).
  void CopyOne(std::shared_ptr<Root> src_dir, const std::string& src_name,
               std::shared_ptr<Root> dst_dir, const std::string& dst_name, const FileInfo& info,
               bool follow) {
    DirNode node;
    node.src = std::move(src_dir);
    node.dst = std::move(dst_dir);
    node.new_gid = NewGid(*node.dst);
    dst_top_ = node.dst;
    if (follow && info.type() == FileType::kSymlink) {
      CopyFollowed(node, src_name, dst_name);
    } else {
      CopyEntry(node, src_name, dst_name, info.type(), &info);
    }
  }

  void SetDstTop(const FileInfo& info) { dst_top_id_ = DevIno::Of(info); }

  // The top directory's plan where this copy makes it in `parent`.
  internal::MetadataPlan PlanNewTop(const FileInfo& src, Root& parent) {
    DirNode in_parent;
    in_parent.new_gid = NewGid(parent);
    const std::optional<internal::MetadataPlan::Creator> creator = CreatorIn(in_parent);
    return internal::MetadataPlan::ForNew(ModeSource(src), keep_,
                                          creator.has_value() ? &*creator : nullptr);
  }

  // The top directory's plan: `made` (from PlanNewTop), or the one for a
  // directory that was there (`there`: its fstat).
  bool PlanTop(DirNode& top, const FileInfo& there, const internal::MetadataPlan& made) {
    if (top.made) return PlanDir(top, made);
    return PlanDir(top, internal::MetadataPlan::ForExisting(ModeSource(top.info), keep_, there));
  }

  void Fail(absl::Status error) {
    errors_count_.fetch_add(1, std::memory_order_relaxed);
    if (o_.observer != nullptr) o_.observer->OnError(error);
    if (o_.stop_at_first_error) stop_.store(true, std::memory_order_relaxed);
    absl::MutexLock lock(&errors_mu_);
    if (errors_.size() < CopyTreeResult::kMaxErrorsKept) errors_.push_back(std::move(error));
  }

  CopyTreeResult Result() {
    CopyTreeResult r;
    for (const CopyCounters& c : counters_) r.methods.Add(c.totals());
    r.stats.directories = directories_.load();
    r.stats.files = files_.load();
    r.stats.symlinks = symlinks_.load();
    r.stats.hard_links = hard_links_.load();
    r.stats.special_files = special_.load();
    r.stats.skipped = skipped_.load();
    r.stats.errors = errors_count_.load();
    r.stats.bytes_cloned = r.methods.of(poll::CopyMethod::kClone).bytes;
    r.stats.bytes_copied =
        r.methods.kernel_bytes() - r.stats.bytes_cloned + r.methods.read_write.bytes;
    r.stats.bytes_holes = r.methods.hole_bytes;
    absl::MutexLock lock(&errors_mu_);
    r.errors = errors_;
    if (!errors_.empty()) r.status = errors_.front();
    return r;
  }

 private:
  bool stopped() const { return stop_.load(std::memory_order_relaxed); }

  // One of the counters' shards, by thread: the reports of a file's copy
  // take its lock, which threads then rarely share.
  CopyCounters& Counters() {
    const size_t shard = std::hash<std::thread::id>()(std::this_thread::get_id());
    return counters_[shard % counters_.size()];
  }

  void Skip(const std::string& what) {
    skipped_.fetch_add(1, std::memory_order_relaxed);
    if (o_.observer != nullptr) o_.observer->OnSkipped(what);
  }
  void Copied(FileType type, int64_t bytes) const {
    if (o_.observer != nullptr) o_.observer->OnCopied(type, bytes);
  }

  // The group new entries get in `dir` (a setgid directory gives its own).
  uint32_t NewGid(Root& dir) const {
    absl::StatusOr<FileInfo> st = dir.Stat(".");
    if (st.ok() && (st->mode & S_ISGID) != 0) return st->gid;
    return egid_;
  }

  // --- the traversal ---

  // Drops one of `node`'s references; the last one finishes it, and so up.
  void Release(DirNode* node) {
    while (node != nullptr && node->pending.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      FinishDir(*node);
      DirNode* parent = node->parent;
      delete node;  // NOLINT(cppcoreguidelines-owning-memory): made by EnterDir
      node = parent;
    }
  }

  void ReadDir(DirNode* node) {
    if (!stopped()) ReadEntries(*node);
    Release(node);
  }

  void ReadEntries(DirNode& node) {
    absl::StatusOr<std::unique_ptr<DirReader>> reader = node.src->ReadDir(".");
    if (!reader.ok()) {
      Fail(Reworded(reader.status(), "open", node.src->Name()));
      return;
    }
    std::vector<DirEntry> batch;
    while (!stopped()) {
      batch.clear();
      absl::StatusOr<size_t> n = (*reader)->Read(batch, kBatch);
      if (!n.ok()) {
        Fail(n.status());
        break;
      }
      if (*n == 0) break;
      std::vector<DirEntry> others;
      for (DirEntry& e : batch) {
        if (e.type == FileType::kDirectory) {
          SubmitEnterDir(node, std::move(e.name));
        } else {
          others.push_back(std::move(e));
        }
      }
      if (others.empty()) continue;
      node.pending.fetch_add(1, std::memory_order_relaxed);
      pool_.Submit([this, n = &node, entries = std::move(others)]() mutable {
        for (const DirEntry& e : entries) {
          if (stopped()) break;
          CopyEntry(*n, e.name, e.name, e.type, nullptr);
        }
        Release(n);
      });
    }
    // Kept for FinishDir where its xattrs go to the destination.
    if (o_.preserve.xattrs) node.reader = *std::move(reader);
  }

  void SubmitEnterDir(DirNode& parent, std::string name, int retries = kRetries) {
    parent.pending.fetch_add(1, std::memory_order_relaxed);
    pool_.Submit([this, p = &parent, name = std::move(name), retries]() {
      if (!stopped()) EnterDir(*p, name, retries);
      Release(p);
    });
  }

  // The source directory `name` in `parent`, opened without following a
  // link (O_NOFOLLOW): then as a new node, read in this task.
  void EnterDir(DirNode& parent, const std::string& name, int retries) {
    const std::string src_path = JoinPath(*parent.src, name);
    absl::StatusOr<std::unique_ptr<Root>> src = parent.src->OpenRoot(name, O_NOFOLLOW);
    if (!src.ok()) {
      // No longer a directory (swapped for a link or a file since it was
      // listed: ELOOP, ENOTDIR): copied as what it is now.
      const int err = ErrnoOf(src.status()).value_or(0);
      if (err == ELOOP || err == ENOTDIR) {
        Redispatch(parent, name, name, retries);
        return;
      }
      Fail(Reworded(src.status(), "open", src_path));
      return;
    }
    // The Root's descriptor is O_PATH, which needs no permission; the
    // directory's own stat is the first thing its permissions stop, where
    // its opening for reading would be (cp: "cannot open directory").
    absl::StatusOr<FileInfo> info = (*src)->Stat(".");
    if (!info.ok()) {
      Fail(Reworded(info.status(), "open", src_path));
      return;
    }
    EnterOpenDir(parent, name, std::shared_ptr<Root>(*std::move(src)), *info);
  }

  // A source directory opened already (from its parent, or through a link
  // followed on purpose).
  void EnterOpenDir(DirNode& parent, const std::string& name, std::shared_ptr<Root> src,
                    const FileInfo& info) {
    const std::string src_path = JoinPath(*parent.src, name);
    const std::string dst_path = JoinPath(*parent.dst, name);
    const DevIno id = DevIno::Of(info);
    if (dst_top_id_.has_value() && id == *dst_top_id_) {
      Fail(IntoItselfError(src_path, dst_path));
      return;
    }
    // A loop of followed links comes back to a directory being copied.
    for (const DirNode* up = &parent; up != nullptr; up = up->parent) {
      if (DevIno::Of(up->info) == id) {
        Fail(absl::FailedPreconditionError(
            absl::StrCat(QuoteName(src_path), ": a symbolic link loop leads back to ",
                         QuoteNameAlways(up->src->Name()), "; not copied again")));
        return;
      }
    }
    auto node = std::make_unique<DirNode>();
    node->parent = &parent;
    node->rel = JoinRel(parent.rel, name);
    node->src = std::move(src);
    node->info = info;
    if (!MakeDstDir(parent, name, dst_path, *node)) return;
    // The parent waits for this node now, in the place of this task.
    parent.pending.fetch_add(1, std::memory_order_relaxed);
    DirNode* raw = node.release();
    // -x: a mount point is copied, its contents are not.
    if (o_.one_file_system && info.device != top_dev_) {
      Release(raw);
      return;
    }
    ReadDir(raw);
  }

  // The destination directory for `node`: made writable by its owner alone
  // (its final mode comes after its children; MetadataPlan), or one that is
  // there merged into, narrowed meanwhile as the plan says.
  bool MakeDstDir(DirNode& parent, const std::string& name, const std::string& dst_path,
                  DirNode& node) {
    const FileInfo as_made = ModeSource(node.info);
    const std::optional<internal::MetadataPlan::Creator> creator = CreatorIn(parent);
    internal::MetadataPlan plan =
        internal::MetadataPlan::ForNew(as_made, keep_, creator.has_value() ? &*creator : nullptr);
    absl::Status made = parent.dst->Mkdir(name, plan.CreationMode());
    node.made = made.ok();
    if (!made.ok()) {
      if (ErrnoOf(made) != EEXIST) {
        Fail(Reworded(made, "mkdir", dst_path));
        return false;
      }
      absl::StatusOr<FileInfo> there = parent.dst->Lstat(name);
      if (!there.ok()) {
        Fail(Reworded(there.status(), "lstat", dst_path));
        return false;
      }
      if (!there->IsDirectory()) {
        Fail(absl::FailedPreconditionError(
            absl::StrCat("cannot overwrite non-directory ", QuoteNameAlways(dst_path),
                         " with directory ", QuoteNameAlways(node.src->Name()))));
        return false;
      }
      plan = internal::MetadataPlan::ForExisting(as_made, keep_, *there);
    }
    absl::StatusOr<std::unique_ptr<Root>> dst = parent.dst->OpenRoot(name, O_NOFOLLOW);
    if (!dst.ok()) {
      Fail(Reworded(dst.status(), "open", dst_path));
      return false;
    }
    node.dst = *std::move(dst);
    node.new_gid = node.made ? parent.new_gid : NewGid(*node.dst);
    return PlanDir(node, plan);
  }

  // The plan of a directory, and for one that was there its narrowing now.
  bool PlanDir(DirNode& node, const internal::MetadataPlan& plan) {
    node.plan = plan;
    if (node.made) return true;
    absl::StatusOr<std::unique_ptr<File>> dir = OpenItself(*node.dst);
    if (!dir.ok()) {
      Fail(dir.status());
      return false;
    }
    if (absl::Status s = node.plan->BeforeData(**dir); !s.ok()) {
      Fail(s);
      return false;
    }
    node.existing = *std::move(dir);
    return true;
  }

  // A directory's own metadata, after its children (whose making changes
  // its modification time): owner, final mode, xattrs, times.
  // With sync, the directory is then fsync'd: its entries, made by this
  // copy's workers, are durable once its own fsync returns.
  void FinishDir(DirNode& node) {
    directories_.fetch_add(1, std::memory_order_relaxed);
    Copied(FileType::kDirectory, 0);
    if (node.dst == nullptr) return;
    const bool after_data = node.plan.has_value() && node.plan->HasAfterData();
    const bool xattrs = node.plan.has_value() && o_.preserve.xattrs && node.reader != nullptr;
    if (!after_data && !xattrs && !o_.sync) return;
    std::unique_ptr<File> dir = std::move(node.existing);
    if (dir == nullptr) {
      absl::StatusOr<std::unique_ptr<File>> opened = OpenItself(*node.dst);
      if (!opened.ok()) {
        Fail(opened.status());
        return;
      }
      dir = *std::move(opened);
    }
    if (after_data) {
      if (absl::Status s = node.plan->AfterData(*dir); !s.ok()) Fail(s);
    }
    if (xattrs) CopyXattrs(node.reader->file(), node.info.device, *dir);
    if (o_.sync) {
      if (absl::Status s = dir->Sync(); !s.ok()) Fail(s);
    }
    if (absl::Status s = dir->Close(); !s.ok()) Fail(s);
  }

  // --- the per-entry decision ---

  // `type` from getdents64 (kUnknown: ask lstat); `known` the entry's
  // lstat if it was made already.
  // An entry that changed type between being listed (or looked at) and
  // being opened: decided again from what lstat says now, a few times at
  // most (a tree swapped without pause would otherwise keep it going).
  // NOLINTNEXTLINE(misc-no-recursion): bounded by `retries`
  void Redispatch(DirNode& node, const std::string& name, const std::string& dst_name,
                  int retries) {
    if (retries == 0) {
      Fail(absl::UnavailableError(absl::StrCat(QuoteName(JoinPath(*node.src, name)),
                                               ": changed type while being copied; not copied")));
      return;
    }
    CopyEntry(node, name, dst_name, FileType::kUnknown, nullptr, retries - 1);
  }

  // NOLINTNEXTLINE(misc-no-recursion): through Redispatch, bounded
  void CopyEntry(DirNode& node, const std::string& name, const std::string& dst_name, FileType type,
                 const FileInfo* known, int retries = kRetries) {
    FileInfo info;
    if (known != nullptr) {
      info = *known;
      type = info.type();
    } else if (type != FileType::kRegular) {
      // The directory entry's type may be missing, and the metadata of what
      // is not a regular file comes from lstat (a regular file's from fstat
      // once open).
      absl::StatusOr<FileInfo> st = node.src->Lstat(name);
      if (!st.ok()) {
        Fail(Reworded(st.status(), "lstat", JoinPath(*node.src, name)));
        return;
      }
      info = *st;
      type = info.type();
    }
    if (type == FileType::kSymlink && o_.symlinks == Symlinks::kFollowAll) {
      CopyFollowed(node, name, dst_name);
      return;
    }
    switch (type) {
      case FileType::kRegular:
        CopyRegular(node, name, dst_name, retries);
        return;
      case FileType::kDirectory:
        SubmitEnterDir(node, name, retries);
        return;
      case FileType::kSymlink:
        CopySymlink(node, name, dst_name, info);
        return;
      case FileType::kSocket:
        Skip(absl::StrCat(QuoteName(JoinPath(*node.src, name)), ": a socket, not copied"));
        return;
      case FileType::kFifo:
      case FileType::kCharDevice:
      case FileType::kBlockDevice:
        CopySpecial(node, dst_name, info);
        return;
      case FileType::kUnknown:
        break;
    }
    Fail(absl::InvalidArgumentError(absl::StrCat(QuoteName(JoinPath(*node.src, name)),
                                                 ": a file of unknown type, not copied")));
  }

  // -L: what the link leads to, wherever it is.
  // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): source name, then destination name
  void CopyFollowed(DirNode& node, const std::string& name, const std::string& dst_name) {
    const std::string src_path = JoinPath(*node.src, name);
    const syscall::Result<int> fd = internal::RootAccess::OpenFollowing(
        *node.src, name.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY);
    if (!fd.ok()) {
      Fail(PathError("open", src_path, fd.error()));
      return;
    }
    const syscall::Result<struct stat> st = syscall::Fstat(fd.value());
    if (!st.ok()) {
      (void)syscall::Close(fd.value());
      Fail(PathError("stat", src_path, st.error()));
      return;
    }
    const FileInfo info = internal::FileAccess::Info(st.value());
    if (info.IsDirectory()) {
      std::shared_ptr<Root> dir = internal::RootAccess::Adopt(fd.value(), src_path);
      node.pending.fetch_add(1, std::memory_order_relaxed);
      pool_.Submit([this, n = &node, dst_name, dir = std::move(dir), info]() mutable {
        if (!stopped()) EnterOpenDir(*n, dst_name, std::move(dir), info);
        Release(n);
      });
      return;
    }
    if (info.IsRegular()) {
      std::unique_ptr<File> file = internal::FileAccess::Adopt(fd.value(), src_path, O_RDONLY);
      CopyOpenRegular(node, *file, info, dst_name);
      return;
    }
    (void)syscall::Close(fd.value());
    CopySpecial(node, dst_name, info);
  }

  // What `existing` says when `dst_name` is there already: whether to go on
  // and replace it (true), after removing what is no regular file.
  bool MayReplace(DirNode& node, const std::string& dst_name, bool src_is_regular) {
    const std::string dst_path = JoinPath(*node.dst, dst_name);
    switch (o_.existing) {
      case Existing::kKeep:
        Skip(absl::StrCat(QuoteName(dst_path), ": exists, kept"));
        return false;
      case Existing::kFail:
        Fail(PathError("create", dst_path, syscall::Errno(EEXIST)));
        return false;
      case Existing::kReplace:
        break;
    }
    absl::StatusOr<FileInfo> there = node.dst->Lstat(dst_name);
    if (!there.ok()) {
      Fail(Reworded(there.status(), "lstat", dst_path));
      return false;
    }
    if (there->IsDirectory()) {
      Fail(absl::FailedPreconditionError(absl::StrCat(
          "cannot overwrite directory ", QuoteNameAlways(dst_path), " with non-directory")));
      return false;
    }
    // A regular file is written over (cp keeps its inode); anything else
    // (a link, which is never written through; a FIFO) is replaced.
    if (src_is_regular && there->IsRegular()) return true;
    if (absl::Status s = node.dst->Remove(dst_name); !s.ok()) {
      Fail(Reworded(s, "remove", dst_path));
      return false;
    }
    return true;
  }

  // --- the per-file copy ---

  // NOLINTNEXTLINE(misc-no-recursion): through Redispatch, bounded
  void CopyRegular(DirNode& node, const std::string& name, const std::string& dst_name,
                   int retries) {
    // O_NONBLOCK: an entry swapped for a FIFO since getdents64 must not
    // wait for a writer (it is copied as a FIFO once fstat says so); it
    // changes nothing for a regular file.
    absl::StatusOr<std::unique_ptr<File>> src =
        node.src->OpenFile(name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
    if (!src.ok()) {
      if (ErrnoOf(src.status()) == ELOOP) {  // a link now: copied as one
        Redispatch(node, name, dst_name, retries);
        return;
      }
      Fail(Reworded(src.status(), "open", JoinPath(*node.src, name)));
      return;
    }
    absl::StatusOr<FileInfo> info = (*src)->Stat();
    if (!info.ok()) {
      Fail(info.status());
      return;
    }
    if (!info->IsRegular()) {  // swapped meanwhile
      src->reset();
      Redispatch(node, name, dst_name, retries);
      return;
    }
    CopyOpenRegular(node, **src, *info, dst_name);
  }

  void CopyOpenRegular(DirNode& node, File& src, const FileInfo& info,
                       const std::string& dst_name) {
    const std::string dst_rel = JoinRel(node.rel, dst_name);
    HardLinkClaim claim;
    if (o_.preserve.links && info.links > 1) {
      claim = ClaimHardLink(info, dst_rel);
      if (claim.linked_to.has_value()) {
        LinkTo(node, dst_name, *claim.linked_to);
        return;
      }
    }
    const bool copied = CopyNewOrReplace(node, src, info, dst_name);
    if (claim.first) SettleHardLink(info, copied);
  }

  // Where a regular file's copy is written: open, with what it holds, what
  // its metadata becomes, and (atomic_files) the temporary name it has.
  struct Destination {
    std::unique_ptr<File> file;
    int64_t size = 0;
    internal::MetadataPlan plan;
    std::string temp;
  };

  // The destination for `info` at dst_name: new (O_CREAT | O_EXCL), or the
  // file there replaced as `existing` says (in place; a temporary name with
  // atomic_files); nullopt after reporting why not.
  std::optional<Destination> OpenDestination(DirNode& node, File& src, const FileInfo& info,
                                             const std::string& dst_name) {
    const std::string dst_path = JoinPath(*node.dst, dst_name);
    const FileInfo as_made = ModeSource(info);
    const std::optional<internal::MetadataPlan::Creator> creator = CreatorIn(node);
    Destination d{
        nullptr, 0,
        internal::MetadataPlan::ForNew(as_made, keep_, creator.has_value() ? &*creator : nullptr),
        ""};
    // With atomic_files the data goes to a temporary name, renamed over
    // dst_name at the end; it ends as the file it replaces would.
    if (o_.atomic_files) {
      d.temp = TempName(dst_name);
      absl::StatusOr<FileInfo> replaced = node.dst->Lstat(dst_name);
      if (replaced.ok() && replaced->IsRegular()) {
        if (!MayReplace(node, dst_name, /*src_is_regular=*/true)) return std::nullopt;
        d.plan = internal::MetadataPlan::ForReplacement(as_made, keep_, *replaced);
      }
    }
    constexpr int kCreate = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
    absl::StatusOr<std::unique_ptr<File>> dst =
        node.dst->OpenFile(d.temp.empty() ? dst_name : d.temp, kCreate, d.plan.CreationMode());
    if (!dst.ok() && ErrnoOf(dst.status()) == EEXIST && d.temp.empty()) {
      if (!MayReplace(node, dst_name, /*src_is_regular=*/true)) return std::nullopt;
      dst = node.dst->OpenFile(dst_name, O_WRONLY | O_NOFOLLOW, 0);
      if (ErrnoOf(dst.status()) == ENOENT) {  // removed as no regular file
        dst = node.dst->OpenFile(dst_name, kCreate, d.plan.CreationMode());
      } else if (dst.ok() && !PlanReplacement(**dst, src, info, dst_path, d)) {
        return std::nullopt;
      }
    }
    if (!dst.ok()) {
      Fail(Reworded(dst.status(), "open", dst_path));
      return std::nullopt;
    }
    d.file = *std::move(dst);
    return d;
  }

  // A file there, opened to be written over: not the source itself, and
  // narrowed now as its plan says.
  bool PlanReplacement(File& dst, File& src, const FileInfo& info, const std::string& dst_path,
                       Destination& d) {
    absl::StatusOr<FileInfo> there = dst.Stat();
    if (!there.ok()) {
      Fail(there.status());
      return false;
    }
    if (SameFile(*there, info)) {
      Fail(SameFileError(src.Name(), dst_path));
      return false;
    }
    d.size = there->size;
    d.plan = internal::MetadataPlan::ForExisting(ModeSource(info), keep_, *there);
    if (absl::Status s = d.plan.BeforeData(dst); !s.ok()) {
      Fail(s);
      return false;
    }
    return true;
  }

  // Copies into dst_name (new, or replacing what is there), sets the
  // metadata; whether the copy is complete.
  bool CopyNewOrReplace(DirNode& node, File& src, const FileInfo& info,
                        const std::string& dst_name) {
    std::optional<Destination> d = OpenDestination(node, src, info, dst_name);
    if (!d.has_value()) return false;
    File& dst = *d->file;
    const internal::RegularCopy copy = internal::CopyRegularContents(
        src, dst, info, d->size, file_options_, &Counters(), CloneFirst(info));
    if (copy.cloned.has_value()) LearnClone(info, *copy.cloned);
    bool ok = copy.result.ok();
    if (!ok) {
      Fail(copy.result.status);
      if (copy.result.n == 0) (void)d->plan.Restore(dst);
    } else if (absl::Status s = d->plan.AfterData(dst); !s.ok()) {
      Fail(s);
      ok = false;
    }
    // After the chown that clears security.capability (fs/attr.c).
    if (ok && o_.preserve.xattrs) CopyXattrs(src, info.device, dst);
    // Before the close and, with atomic_files, the rename: a name that
    // replaces the old file is never given to bytes not yet on storage.
    if (ok && o_.sync) {
      if (absl::Status s = dst.Sync(); !s.ok()) {
        Fail(s);
        ok = false;
      }
    }
    if (absl::Status s = dst.Close(); !s.ok() && ok) {
      Fail(s);
      ok = false;
    }
    if (!d->temp.empty()) ok = Publish(node, d->temp, dst_name, ok);
    if (!ok) return false;
    files_.fetch_add(1, std::memory_order_relaxed);
    Copied(FileType::kRegular, info.size);
    return true;
  }

  // atomic_files: the temporary file renamed over its name if the copy is
  // complete, else removed; whether it was renamed.
  bool Publish(DirNode& node, const std::string& temp, const std::string& dst_name, bool ok) {
    if (ok) {
      absl::Status renamed = node.dst->Rename(temp, dst_name);
      if (renamed.ok()) return true;
      Fail(Reworded(renamed, "rename", JoinPath(*node.dst, dst_name)));
    }
    (void)node.dst->Remove(temp);
    return false;
  }

  // ".NAME.sysport-PID-N.tmp", unique in this process and, with the
  // process id, among processes; O_EXCL settles any clash.
  static std::string TempName(std::string_view name) {
    static std::atomic<uint64_t> counter{0};
    return absl::StrFormat(".%s.sysport-%d-%x.tmp", name, static_cast<int>(::getpid()),
                           counter.fetch_add(1));
  }

  // The source as the metadata rules see it: with Go's CopyFS modes (where
  // the mode is not preserved), 0666 plus the source's execute bits for a
  // file and 0777 for a directory, which the umask then narrows.
  FileInfo ModeSource(const FileInfo& info) const {
    if (!o_.execute_bits_only || o_.preserve.mode) return info;
    FileInfo as_go = info;
    const mode_t perm = info.IsDirectory() ? 0777 : (0666 | (info.permissions() & 0111));
    as_go.mode = (info.mode & ~static_cast<uint32_t>(FileInfo::kPermissionBits)) | perm;
    return as_go;
  }

  // What a new entry in `dir` is made as, where the umask is known.
  std::optional<internal::MetadataPlan::Creator> CreatorIn(const DirNode& dir) const {
    if (!umask_.has_value()) return std::nullopt;
    return internal::MetadataPlan::Creator{*umask_, euid_, dir.new_gid};
  }

  // Extended attributes src has, given to dst where its filesystem takes
  // them. A filesystem without them (EOPNOTSUPP) is learned once, for
  // either side; a name the process may not set (trusted.*, security.* as
  // a user: EPERM) is left, as cp -a leaves it.
  void CopyXattrs(File& src, uint64_t src_device, File& dst) {
    {
      absl::MutexLock lock(&learned_mu_);
      if (no_xattrs_.contains(src_device) || no_xattrs_.contains(dst_top_dev_)) return;
    }
    absl::StatusOr<std::vector<std::string>> names = src.ListXattr();
    if (!names.ok()) {
      NoteXattrError(names.status(), src_device);
      return;
    }
    for (const std::string& name : *names) {
      absl::StatusOr<std::string> value = src.GetXattr(name);
      if (!value.ok()) {
        if (ErrnoOf(value.status()) != ENODATA) Fail(value.status());  // removed meanwhile: fine
        continue;
      }
      absl::Status set = dst.SetXattr(name, *value);
      if (set.ok()) continue;
      if (ErrnoOf(set) == EOPNOTSUPP) {
        NoteXattrError(set, dst_top_dev_);
        return;
      }
      if (ErrnoOf(set) != EPERM) Fail(set);
    }
  }

  void NoteXattrError(const absl::Status& s, uint64_t device) {
    if (ErrnoOf(s) == EOPNOTSUPP) {
      absl::MutexLock lock(&learned_mu_);
      no_xattrs_.insert(device);
      return;
    }
    Fail(s);
  }

  // Whether to try FICLONE before copying: with reflink=auto, until this
  // pair of filesystems has refused one (then never again for the pair).
  // It shares the extents in one call where copy_file_range would have
  // cloned anyway (XFS, btrfs), and tells a clone from a copy
  // (bytes_cloned). The destination's filesystem is the top's: a tree
  // with mount points in DST clones across them with EXDEV, once.
  bool CloneFirst(const FileInfo& src) {
    if (o_.reflink != CopyFileOptions::Reflink::kAuto ||
        o_.sparse != CopyFileOptions::Sparse::kAuto) {
      return false;
    }
    absl::MutexLock lock(&learned_mu_);
    auto it = clones_.find({src.device, dst_top_dev_});
    return it == clones_.end() || it->second;
  }

  void LearnClone(const FileInfo& src, bool cloned) {
    absl::MutexLock lock(&learned_mu_);
    clones_[{src.device, dst_top_dev_}] = cloned;
  }

  // --- hard links ---

  struct HardLink {
    enum class State : uint8_t { kCopying, kDone, kFailed };
    State state = State::kCopying;
    std::string dst_rel;  // the first copy's name below the destination's top
  };
  struct HardLinkClaim {
    bool first = false;                    // this name makes the copy the others link to
    std::optional<std::string> linked_to;  // else: link to this
  };

  static bool NotCopying(HardLink* link) { return link->state != HardLink::State::kCopying; }

  HardLinkClaim ClaimHardLink(const FileInfo& info, const std::string& dst_rel) {
    absl::MutexLock lock(&links_mu_);
    auto [it, inserted] = links_.try_emplace(DevIno::Of(info));
    HardLink& link = it->second;
    if (inserted) {
      link.dst_rel = dst_rel;
      return {true, std::nullopt};
    }
    // Another name is being copied: wait for its file to exist.
    links_mu_.Await(absl::Condition(&NotCopying, &link));
    if (link.state == HardLink::State::kDone) return {false, link.dst_rel};
    // Its copy failed: this name copies the file, and the next link to it.
    link.state = HardLink::State::kCopying;
    link.dst_rel = dst_rel;
    return {true, std::nullopt};
  }

  void SettleHardLink(const FileInfo& info, bool copied) {
    absl::MutexLock lock(&links_mu_);
    links_[DevIno::Of(info)].state = copied ? HardLink::State::kDone : HardLink::State::kFailed;
  }

  void LinkTo(DirNode& node, const std::string& dst_name, const std::string& first_rel) {
    const std::string rel = JoinRel(node.rel, dst_name);
    absl::Status linked = dst_top_->Link(first_rel, rel);
    if (!linked.ok() && ErrnoOf(linked) == EEXIST && MayReplace(node, dst_name, false)) {
      linked = dst_top_->Link(first_rel, rel);
    }
    if (!linked.ok()) {
      if (ErrnoOf(linked) == EEXIST && o_.existing == Existing::kKeep) return;
      Fail(absl::Status(
          linked.code(),
          absl::StrCat("link ", QuoteName(JoinPath(*node.dst, dst_name)), " to ",
                       QuoteName(JoinPath(*dst_top_, first_rel)), ": ", linked.message())));
      return;
    }
    hard_links_.fetch_add(1, std::memory_order_relaxed);
    Copied(FileType::kRegular, 0);
  }

  // --- links and special files ---

  void CopySymlink(DirNode& node, const std::string& name, const std::string& dst_name,
                   const FileInfo& info) {
    const std::string dst_path = JoinPath(*node.dst, dst_name);
    absl::StatusOr<std::string> target = node.src->Readlink(name);
    if (!target.ok()) {
      Fail(Reworded(target.status(), "readlink", JoinPath(*node.src, name)));
      return;
    }
    absl::Status made = node.dst->Symlink(*target, dst_name);
    if (ErrnoOf(made) == EEXIST) {
      if (!MayReplace(node, dst_name, false)) return;
      made = node.dst->Symlink(*target, dst_name);
    }
    if (!made.ok()) {
      Fail(Reworded(made, "symlink", dst_path));
      return;
    }
    if (o_.preserve.ownership && (info.uid != euid_ || info.gid != node.new_gid)) {
      absl::Status s = node.dst->Lchown(dst_name, info.uid, info.gid);
      // Not permitted (EPERM; EINVAL: an id this user namespace does not map): as cp.
      const int err = ErrnoOf(s).value_or(0);
      if (!s.ok() && err != EPERM && err != EINVAL) Fail(Reworded(s, "lchown", dst_path));
    }
    if (o_.preserve.timestamps) {
      absl::Status s = node.dst->Lchtimes(dst_name, info.access_time, info.modification_time);
      if (!s.ok()) Fail(Reworded(s, "lchtimes", dst_path));
    }
    symlinks_.fetch_add(1, std::memory_order_relaxed);
    Copied(FileType::kSymlink, 0);
  }

  // A FIFO or device: made anew (devices need CAP_MKNOD), then its owner,
  // mode and times by name (MetadataPlan::AfterDataAt: opening one would
  // wait for a writer, or act on the device).
  void CopySpecial(DirNode& node, const std::string& dst_name, const FileInfo& info) {
    const std::string dst_path = JoinPath(*node.dst, dst_name);
    const mode_t type = info.mode & S_IFMT;
    const std::optional<internal::MetadataPlan::Creator> creator = CreatorIn(node);
    const internal::MetadataPlan plan = internal::MetadataPlan::ForNew(
        ModeSource(info), keep_, creator.has_value() ? &*creator : nullptr);
    absl::Status made = node.dst->Mknod(dst_name, type | plan.CreationMode(), info.rdev);
    if (ErrnoOf(made) == EEXIST) {
      if (!MayReplace(node, dst_name, false)) return;
      made = node.dst->Mknod(dst_name, type | plan.CreationMode(), info.rdev);
    }
    if (!made.ok()) {
      Fail(Reworded(made, type == S_IFIFO ? "mkfifo" : "mknod", dst_path));
      return;
    }
    if (absl::Status s = plan.AfterDataAt(*node.dst, dst_name, dst_path); !s.ok()) {
      Fail(s);
      return;
    }
    special_.fetch_add(1, std::memory_order_relaxed);
    Copied(info.type(), 0);
  }

  static std::string JoinPath(const Root& dir, std::string_view name) {
    return absl::StrCat(dir.Name(), "/", name);
  }

 public:
  void SetDstTopDevice(uint64_t device) { dst_top_dev_ = device; }

 private:
  const CopyTreeOptions& o_;
  CopyFileOptions file_options_;
  internal::WorkPool pool_;
  const uid_t euid_;
  const gid_t egid_;
  const std::optional<mode_t> umask_;
  internal::Preserve keep_;           // what MetadataPlan keeps of preserve
  uint64_t top_dev_ = 0;              // -x: the source's filesystem
  uint64_t dst_top_dev_ = 0;          // the destination's
  std::optional<DevIno> dst_top_id_;  // never copied into itself
  std::shared_ptr<Root> dst_top_;     // hard links: both names below it

  std::atomic<bool> stop_{false};
  std::atomic<int64_t> directories_{0}, files_{0}, symlinks_{0}, hard_links_{0}, special_{0},
      skipped_{0}, errors_count_{0};
  std::array<CopyCounters, 16> counters_;

  absl::Mutex errors_mu_;
  std::vector<absl::Status> errors_ ABSL_GUARDED_BY(errors_mu_);

  absl::Mutex links_mu_;
  absl::node_hash_map<DevIno, HardLink> links_ ABSL_GUARDED_BY(links_mu_);

  // What is learned once per pair of filesystems, or per filesystem.
  absl::Mutex learned_mu_;
  absl::flat_hash_map<std::pair<uint64_t, uint64_t>, bool> clones_ ABSL_GUARDED_BY(learned_mu_);
  absl::flat_hash_set<uint64_t> no_xattrs_ ABSL_GUARDED_BY(learned_mu_);
};

// What is at `path`: lstat(2), or stat(2) where a link there is followed.
absl::StatusOr<FileInfo> StatPath(const std::string& path, bool follow) {
  const syscall::Result<struct stat> st =
      syscall::Fstatat(AT_FDCWD, path.c_str(), follow ? 0 : AT_SYMLINK_NOFOLLOW);
  if (!st.ok()) return PathError(follow ? "stat" : "lstat", path, st.error());
  return internal::FileAccess::Info(st.value());
}

// Whether the directory `dir` (open) is `src` or below it: its parents,
// by "..", up to the filesystem's root. By device and inode, whatever
// names and links lead there.
bool IsWithin(const std::string& dir, const FileInfo& src) {
  std::string up = dir;
  FileInfo previous;
  for (int depth = 0; depth < 4096; ++depth) {
    absl::StatusOr<FileInfo> here = StatPath(up, /*follow=*/true);
    if (!here.ok()) return false;
    if (SameFile(*here, src)) return true;
    if (depth > 0 && SameFile(*here, previous)) return false;  // "/": its own parent
    previous = *here;
    up += "/..";
  }
  return false;
}

int Jobs(int asked) {
  if (asked > 0) return asked;
  const unsigned online = std::thread::hardware_concurrency();
  return online == 0 ? 1 : static_cast<int>(online);
}

// An error of the copy's own steps, before the workers start or after they
// are done (theirs go through TreeCopier::Fail).
void AddError(CopyTreeResult& result, absl::Status error, CopyTreeObserver* observer) {
  if (observer != nullptr) observer->OnError(error);
  if (result.ok()) result.status = error;
  if (result.errors.size() < CopyTreeResult::kMaxErrorsKept) {
    result.errors.push_back(std::move(error));
  }
  ++result.stats.errors;
}

// A copy refused before it began, as the observer hears any error.
CopyTreeResult Refused(absl::Status status, CopyTreeObserver* observer) {
  CopyTreeResult r;
  AddError(r, std::move(status), observer);
  return r;
}

// The destination directory's Root: DST itself if it is a directory (or a
// link to one: the path the caller names is trusted), else made in its
// parent, owner-only. `made` says which.
absl::StatusOr<std::shared_ptr<Root>> DestinationDir(Root& parent, const std::string& base,
                                                     const std::string& dst, mode_t mode,
                                                     bool* made) {
  absl::Status mkdir = parent.Mkdir(base, mode);
  *made = mkdir.ok();
  if (!mkdir.ok() && ErrnoOf(mkdir) != EEXIST) return Reworded(mkdir, "mkdir", dst);
  absl::StatusOr<std::unique_ptr<Root>> root =
      *made ? parent.OpenRoot(base, O_NOFOLLOW) : OpenRoot(dst);
  if (!root.ok()) return Reworded(root.status(), "open", dst);
  return std::shared_ptr<Root>(*std::move(root));
}

}  // namespace

void RaiseOpenFileLimit() {
  syscall::Result<syscall::Limit> limit = syscall::GetOpenFileLimit();
  if (!limit.ok() || limit.value().soft >= limit.value().hard) return;
  (void)syscall::SetOpenFileLimit({limit.value().hard, limit.value().hard});
}

namespace {

// sync: DST's name in its directory made durable (fsync(2) of the
// directory; DST's own fsync covers what is in it, not its name).
void SyncParent(Root& dst_parent, CopyTreeResult& result, CopyTreeObserver* observer) {
  absl::StatusOr<std::unique_ptr<File>> dir = OpenItself(dst_parent);
  if (!dir.ok()) {
    AddError(result, dir.status(), observer);
    return;
  }
  if (absl::Status s = (*dir)->Sync(); !s.ok()) AddError(result, s, observer);
  if (absl::Status s = (*dir)->Close(); !s.ok()) AddError(result, s, observer);
}

// A SRC that is no directory: that one entry, from its directory's Root to
// DST's parent's. A link named as SRC is followed with -H and -L.
CopyTreeResult CopyNonDirectory(const std::string& src, const std::shared_ptr<Root>& dst_parent,
                                const std::string& dst_base, const CopyTreeOptions& options) {
  TreeCopier copier(options, 1);
  const auto [src_parent_path, src_base] = internal::SplitPath(src);
  absl::StatusOr<std::unique_ptr<Root>> src_parent = OpenRoot(src_parent_path);
  if (!src_parent.ok()) return Refused(src_parent.status(), options.observer);
  absl::StatusOr<FileInfo> entry = (*src_parent)->Lstat(src_base);
  if (!entry.ok()) return Refused(Reworded(entry.status(), "lstat", src), options.observer);
  absl::StatusOr<FileInfo> parent_info = dst_parent->Stat(".");
  if (parent_info.ok()) copier.SetDstTopDevice(parent_info->device);
  copier.CopyOne(std::shared_ptr<Root>(*std::move(src_parent)), src_base, dst_parent, dst_base,
                 *entry, /*follow=*/options.symlinks != CopyTreeOptions::Symlinks::kCopy);
  CopyTreeResult result = copier.Result();
  if (options.sync) SyncParent(*dst_parent, result, options.observer);
  return result;
}

// The staged tree of atomic_tree made DST in one rename (RENAME_NOREPLACE,
// else RENAME_EXCHANGE over the DST there, whose old tree is then removed),
// or removed if the copy failed.
void PublishStaged(Root& dst_parent, const std::string& staging, const std::string& dst_base,
                   const std::string& dst, CopyTreeResult& result, CopyTreeObserver* observer) {
  if (result.ok()) {
    absl::Status renamed = dst_parent.Rename(staging, dst_base, Root::RenameFlags::kNoReplace);
    bool exchanged = false;
    if (ErrnoOf(renamed) == EEXIST) {
      renamed = dst_parent.Rename(staging, dst_base, Root::RenameFlags::kExchange);
      exchanged = renamed.ok();
    }
    if (!renamed.ok()) AddError(result, Reworded(renamed, "rename", dst), observer);
    // After an exchange the old tree has the staging name.
    if (!exchanged && renamed.ok()) return;
  }
  if (absl::Status removed = dst_parent.RemoveAll(staging); !removed.ok()) {
    AddError(result, Reworded(removed, "remove", absl::StrCat(dst_parent.Name(), "/", staging)),
             observer);
  }
}

// A SRC that is a directory: checked, then copied into DST (made, or
// merged into), or into the staging directory of atomic_tree.
CopyTreeResult CopyDirectoryTree(const std::string& src, const FileInfo& src_info,
                                 const std::string& dst, const std::string& dst_parent_path,
                                 const std::shared_ptr<Root>& dst_parent,
                                 const std::string& dst_base, const CopyTreeOptions& options) {
  if (IsWithin(dst_parent_path, src_info)) {
    return Refused(IntoItselfError(src, dst), options.observer);
  }
  absl::StatusOr<std::unique_ptr<Root>> src_root = OpenRoot(src);
  if (!src_root.ok()) return Refused(src_root.status(), options.observer);
  std::string staging;
  if (options.atomic_tree) {
    staging = absl::StrFormat(".%s.sysport-%d-%x.tmp", dst_base, static_cast<int>(::getpid()),
                              static_cast<uint64_t>(absl::GetCurrentTimeNanos()));
  }
  const std::string top_name = staging.empty() ? dst_base : staging;
  const std::string top_path =
      staging.empty() ? dst : absl::StrCat(dst_parent->Name(), "/", staging);
  TreeCopier copier(options, Jobs(options.jobs));
  bool made = false;
  const internal::MetadataPlan top_plan = copier.PlanNewTop(src_info, *dst_parent);
  absl::StatusOr<std::shared_ptr<Root>> dst_root =
      DestinationDir(*dst_parent, top_name, top_path, top_plan.CreationMode(), &made);
  if (!dst_root.ok()) return Refused(dst_root.status(), options.observer);
  absl::StatusOr<FileInfo> top_info = (*dst_root)->Stat(".");
  if (!top_info.ok()) {
    return Refused(Reworded(top_info.status(), "stat", top_path), options.observer);
  }
  copier.SetDstTop(*top_info);
  copier.SetDstTopDevice(top_info->device);
  auto top = std::make_unique<DirNode>();
  top->src = std::shared_ptr<Root>(*std::move(src_root));
  top->dst = *dst_root;
  top->info = src_info;
  top->made = made;
  top->new_gid = (top_info->mode & S_ISGID) != 0 ? top_info->gid : ::getegid();
  if (copier.PlanTop(*top, *top_info, top_plan)) copier.CopyDirectory(std::move(top), *dst_root);
  CopyTreeResult result = copier.Result();
  if (!staging.empty()) {
    PublishStaged(*dst_parent, staging, dst_base, dst, result, options.observer);
  }
  if (options.sync) SyncParent(*dst_parent, result, options.observer);
  return result;
}

}  // namespace

CopyTreeResult CopyTree(const std::string& src, const std::string& dst,
                        const CopyTreeOptions& options) {
  CopyTreeObserver* const observer = options.observer;
  if (src.empty() || dst.empty()) {
    return Refused(PathError("lstat", src.empty() ? src : dst, syscall::Errno(ENOENT)), observer);
  }
  absl::StatusOr<FileInfo> src_info =
      StatPath(src, /*follow=*/options.symlinks != CopyTreeOptions::Symlinks::kCopy);
  if (!src_info.ok()) return Refused(src_info.status(), observer);
  const absl::StatusOr<FileInfo> dst_info = StatPath(dst, /*follow=*/true);
  const bool dst_is_dir = dst_info.ok() && dst_info->IsDirectory();
  if (dst_info.ok() && SameFile(*src_info, *dst_info)) {
    return Refused(src_info->IsDirectory() ? IntoItselfError(src, dst) : SameFileError(src, dst),
                   observer);
  }
  if (dst_info.ok() && src_info->IsDirectory() != dst_is_dir) {
    return Refused(
        absl::FailedPreconditionError(
            dst_is_dir ? absl::StrCat("cannot overwrite directory ", QuoteNameAlways(dst),
                                      " with non-directory")
                       : absl::StrCat("cannot overwrite non-directory ", QuoteNameAlways(dst),
                                      " with directory ", QuoteNameAlways(src))),
        observer);
  }
  const auto [dst_parent_path, dst_base] = internal::SplitPath(dst);
  absl::StatusOr<std::unique_ptr<Root>> dst_parent_root = OpenRoot(dst_parent_path);
  if (!dst_parent_root.ok()) return Refused(dst_parent_root.status(), observer);
  const std::shared_ptr<Root> dst_parent(*std::move(dst_parent_root));
  if (!src_info->IsDirectory()) {
    return CopyNonDirectory(src, dst_parent, dst_base, options);
  }
  return CopyDirectoryTree(src, *src_info, dst, dst_parent_path, dst_parent, dst_base, options);
}

}  // namespace sysport::os
