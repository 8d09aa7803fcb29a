// os::CopyFile: the whole-file copy (see os/copy_file.h). The decisions are
// made here, each once, from what fstat(2) and lseek(2) say; the in-kernel
// methods and unnamed temporary files are the platform part
// (os/internal/kernel_copy_file.h).

#include "os/copy_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/file.h"
#include "os/internal/copy_regular.h"
#include "os/internal/file_access.h"
#include "os/internal/kernel_copy_file.h"
#include "os/internal/metadata.h"
#include "os/internal/path.h"
#include "poll/copy_result.h"
#include "poll/error.h"
#include "poll/fd.h"
#include "syscall/errno.h"
#include "syscall/unix.h"

namespace sysport::os {
namespace {

using Reflink = CopyFileOptions::Reflink;
using Sparse = CopyFileOptions::Sparse;

// st_blocks counts 512-byte units on Linux whatever the filesystem's block size.
constexpr int64_t kStatBlockSize = 512;

// The granule of zero detection (Sparse::kAlways): a run of zeros becomes a
// hole only in whole, aligned blocks of this size, the page and block size of
// every common Linux filesystem, so the holes are real ones.
constexpr int64_t kZeroBlock = 4096;

// The read/write loop's buffer for data extents: io::Copy's own size, a
// multiple of kZeroBlock.
constexpr auto kExtentBuffer = static_cast<int64_t>(io::kCopyBufferSize);
static_assert(kExtentBuffer % kZeroBlock == 0);

absl::Status ErrorOf(const char* op, const File& file, const poll::Error& err) {
  if (err.ok()) return absl::OkStatus();
  if (err.closing()) return ClosedError(op, file.Name());
  return PathError(op, file.Name(), err.errno_value());
}

bool IsZero(absl::Span<const char> block) {
  return std::all_of(block.begin(), block.end(), [](char c) { return c == 0; });
}

// What the extent copy did, for the result and the observer. Every byte of
// the destination up to `end` was written by one of the two methods or left
// as a hole, so the holes are what the counts do not cover.
struct Progress {
  int64_t end = 0;  // how far the destination holds the source: data and holes
  // copy_file_range(2)'s share, summed over the extents, and the outcome
  // that stopped it (a fallback sends the rest to the read/write loop).
  bool kernel_tried = false;
  int64_t kernel_bytes = 0;
  int64_t kernel_syscalls = 0;
  std::optional<poll::CopyResult> kernel_stopped;
  ReadWriteCounts read_write;

  int64_t holes() const { return end - kernel_bytes - read_write.bytes; }
};

// Writes runs of bytes read from the source to the same offsets of dst, with
// one write(2) per run (two, with a seek, after a hole), counting in `p`.
class RunWriter {
 public:
  RunWriter(File& dst, Progress& p) : dst_(dst), out_(internal::FileAccess::Fd(dst)), p_(p) {}

  // What was read: `data`, the source's bytes from file offset `pos`.
  void Read(absl::Span<const char> data, int64_t pos) {
    data_ = data;
    pos_ = pos;
  }

  // Writes data[from, to) at pos + from.
  absl::Status Write(int64_t from, int64_t to) {
    if (from == to) return absl::OkStatus();
    const int64_t at = pos_ + from;
    if (dst_pos_ != at) {
      if (poll::IoResult r = out_.Seek(at, SEEK_SET); !r.ok()) return ErrorOf("seek", dst_, r.err);
    }
    ++p_.read_write.writes;
    const poll::IoResult w =
        out_.Write(data_.subspan(static_cast<size_t>(from), static_cast<size_t>(to - from)));
    p_.read_write.bytes += w.n;
    if (!w.ok()) {
      p_.end = at + w.n;
      return ErrorOf("write", dst_, w.err);
    }
    dst_pos_ = pos_ + to;
    p_.end = dst_pos_;
    return absl::OkStatus();
  }

  // Writes all that was read but the aligned kZeroBlocks of zeros, which
  // stay holes.
  absl::Status WriteSkippingZeroBlocks() {
    const auto n = static_cast<int64_t>(data_.size());
    int64_t run = 0;  // where the data not yet written starts
    for (int64_t done = 0; done < n;) {
      // Blocks aligned to file offsets, so a hole covers whole filesystem blocks.
      const int64_t at = pos_ + done;
      const int64_t block_end = std::min((at / kZeroBlock + 1) * kZeroBlock, pos_ + n);
      const auto block =
          data_.subspan(static_cast<size_t>(done), static_cast<size_t>(block_end - at));
      if (block_end - at == kZeroBlock && IsZero(block)) {
        if (absl::Status s = Write(run, done); !s.ok()) return s;
        run = block_end - pos_;
        p_.end = block_end;
      }
      done = block_end - pos_;
    }
    return Write(run, n);
  }

 private:
  File& dst_;
  poll::FD& out_;
  Progress& p_;
  absl::Span<const char> data_;
  int64_t pos_ = 0;
  int64_t dst_pos_ = -1;  // unknown: seek before the first write
};

// Copies [offset, offset + len) of src to the same place in dst with read(2)
// and write(2); with `zeros_to_holes`, skips (leaves as holes) every aligned
// kZeroBlock of zeros. Stops early where the source ends.
absl::Status ReadWriteRange(File& src, File& dst, int64_t offset, int64_t len, bool zeros_to_holes,
                            Progress& p) {
  poll::FD& in = internal::FileAccess::Fd(src);
  if (poll::IoResult r = in.Seek(offset, SEEK_SET); !r.ok()) return ErrorOf("seek", src, r.err);
  std::vector<char> buf(static_cast<size_t>(kExtentBuffer));
  RunWriter writer(dst, p);
  const int64_t end = offset + len;
  for (int64_t pos = offset; pos < end;) {
    const int64_t want = std::min(kExtentBuffer, end - pos);
    const poll::IoResult got = in.Read(absl::MakeSpan(buf).first(static_cast<size_t>(want)));
    ++p.read_write.reads;
    if (!got.ok()) return ErrorOf("read", src, got.err);
    if (got.n == 0) break;  // the source shrank: it ends here
    writer.Read(absl::MakeConstSpan(buf).first(static_cast<size_t>(got.n)), pos);
    absl::Status s = zeros_to_holes ? writer.WriteSkippingZeroBlocks() : writer.Write(0, got.n);
    if (!s.ok()) return s;
    pos += got.n;
  }
  return absl::OkStatus();
}

// One data extent [offset, offset + len): copy_file_range(2) while the
// kernel takes it, the read/write loop for the rest. Sets *source_ended if
// the source ended before the extent did.
absl::Status CopyExtent(File& src, File& dst, int64_t offset, int64_t len, bool use_kernel,
                        bool zeros_to_holes, Progress& p, bool* source_ended) {
  int64_t done = 0;
  if (use_kernel) {
    const poll::CopyResult r = internal::KernelCopyRange(dst, offset, src, offset, len);
    p.kernel_tried = true;
    p.kernel_bytes += r.n();
    p.kernel_syscalls += r.syscalls();
    done = r.n();
    p.end = offset + done;
    switch (r.outcome()) {
      case poll::CopyResult::Outcome::kEnded:
        *source_ended = done < len;
        return absl::OkStatus();
      case poll::CopyResult::Outcome::kFailed:
        p.kernel_stopped = r;
        if (r.error().closing()) return ClosedError("write", dst.Name());
        return PathError("write", dst.Name(), r.error().errno_value(), poll::Name(r.method()));
      case poll::CopyResult::Outcome::kFellBack:
        p.kernel_stopped = r;
        break;
    }
  }
  absl::Status status = ReadWriteRange(src, dst, offset + done, len - done, zeros_to_holes, p);
  if (status.ok() && p.end < offset + len) *source_ended = true;
  return status;
}

// The extent copy: the data between the source's holes (lseek SEEK_DATA and
// SEEK_HOLE), up to `size`, the size the source had when the copy began.
// nullopt if the source's filesystem cannot say where its data is (EINVAL:
// SEEK_DATA unknown) before anything was copied: the caller copies plainly.
std::optional<absl::Status> CopyExtents(File& src, File& dst, int64_t size, bool use_kernel,
                                        bool zeros_to_holes, Progress& p) {
  poll::FD& in = internal::FileAccess::Fd(src);
  int64_t offset = 0;
  while (offset < size) {
    const poll::IoResult data = in.Seek(offset, SEEK_DATA);
    int64_t data_start = size;
    if (data.ok()) {
      data_start = std::min(data.n, size);
    } else if (data.err == poll::Error(syscall::Errno(ENXIO))) {
      // No data at or after offset: the rest, up to the size the copy
      // began with, is a hole (or the source shrank, which the size that
      // ftruncate sets cannot tell apart; either way nothing is read past it).
    } else if (offset == 0 && data.err == poll::Error(syscall::Errno(EINVAL))) {
      // SEEK_DATA unknown (Linux before 3.1, some FUSE filesystems).
      return std::nullopt;
    } else {
      return ErrorOf("seek", src, data.err);
    }
    p.end = data_start;
    if (data_start >= size) break;
    const poll::IoResult hole = in.Seek(data_start, SEEK_HOLE);
    if (!hole.ok()) return ErrorOf("seek", src, hole.err);
    const int64_t data_end = std::min(hole.n, size);
    bool source_ended = false;
    absl::Status status =
        CopyExtent(src, dst, data_start, data_end - data_start,
                   use_kernel && !p.kernel_stopped.has_value(), zeros_to_holes, p, &source_ended);
    if (!status.ok() || source_ended) return status;
    offset = data_end;
  }
  return absl::OkStatus();
}

// One report per decision, however many extents it took: copy_file_range's
// bytes and calls over all extents, with the outcome that stopped it.
void Report(CopyObserver* observer, const Progress& p) {
  if (observer == nullptr) return;
  if (p.kernel_tried) {
    constexpr poll::CopyMethod kMethod = poll::CopyMethod::kCopyFileRange;
    const std::optional<poll::CopyResult>& stop = p.kernel_stopped;
    const poll::CopyProgress done{.bytes = p.kernel_bytes, .syscalls = p.kernel_syscalls};
    if (!stop.has_value()) {
      observer->OnKernelCopy(poll::CopyResult::Ended(kMethod, done));
    } else if (stop->outcome() == poll::CopyResult::Outcome::kFailed) {
      observer->OnKernelCopy(poll::CopyResult::Failed(kMethod, done, stop->error()));
    } else {
      observer->OnKernelCopy(
          poll::CopyResult::FellBack(kMethod, done, stop->fallback(), stop->fallback_errno()));
    }
  }
  if (p.read_write.reads > 0) observer->OnReadWrite(p.read_write);
  observer->OnHoles(p.holes());
}

// The plain copy of a source with no holes to keep, from the start of both
// files, at most `size` bytes (all there is when the size is 0, as procfs and
// sysfs report for files that have data): File::ReadFrom, or with
// `use_kernel` false the read/write loop alone.
io::Result PlainCopy(File& src, File& dst, int64_t size, bool use_kernel, bool at_start,
                     CopyObserver* observer) {
  const int64_t limit = size > 0 ? size : std::numeric_limits<int64_t>::max() / 2;
  if (!use_kernel) {
    Progress p;
    absl::Status status = ReadWriteRange(src, dst, 0, limit, /*zeros_to_holes=*/false, p);
    Report(observer, p);
    return {p.end, status};
  }
  if (!at_start) {
    if (absl::StatusOr<int64_t> r = src.Seek(0, SEEK_SET); !r.ok()) return {0, r.status()};
    if (absl::StatusOr<int64_t> r = dst.Seek(0, SEEK_SET); !r.ok()) return {0, r.status()};
  }
  io::LimitedReader limited(src, limit);
  io::Result r = dst.ReadFrom(limited);  // reports to the observer itself
  if (observer != nullptr) observer->OnHoles(0);
  return r;
}

bool CopiesExtents(Sparse sparse, const FileInfo& src) {
  // The source has holes: fewer 512-byte units allocated than its size
  // needs (coreutils' infer_scantype). A source without holes gains nothing
  // from SEEK_DATA and its two extra system calls, unless zeros are to
  // become holes.
  if (sparse == Sparse::kAlways) return true;
  return sparse == Sparse::kAuto && src.blocks * kStatBlockSize < src.size;
}

absl::Status CheckOptions(const CopyFileOptions& options) {
  if (options.reflink == Reflink::kAlways && options.sparse != Sparse::kAuto) {
    // cp refuses the same pair.
    return absl::InvalidArgumentError(
        "a clone shares the source's extents as they are, holes and zeros alike: "
        "reflink=always needs sparse=auto");
  }
  return absl::OkStatus();
}

// Where a copy starts from: the destination's size (what must be truncated
// unless a clone replaces it) and whether both file offsets are known to be
// 0 (files this copy opened), which saves two lseek(2)s.
struct Start {
  int64_t dst_size = 0;
  bool offsets_at_zero = false;
};

// Sets a File's observer for as long as it lives, then puts back the one it had.
class ObserverRestorer {
 public:
  ObserverRestorer(File& file, CopyObserver* observer)
      : file_(file), previous_(file.copy_observer()) {
    file.SetCopyObserver(observer);
  }
  ~ObserverRestorer() { file_.SetCopyObserver(previous_); }
  ObserverRestorer(const ObserverRestorer&) = delete;
  ObserverRestorer& operator=(const ObserverRestorer&) = delete;
  ObserverRestorer(ObserverRestorer&&) = delete;
  ObserverRestorer& operator=(ObserverRestorer&&) = delete;

 private:
  File& file_;
  CopyObserver* previous_;
};

// The clone, where the options allow one: the copy's result if the clone
// decided it (done, failed, or refused under reflink=always), else nullopt
// and nothing changed.
// What the tree copy knows of a pair of filesystems: FICLONE first even
// with reflink=auto, and where to say whether it shared the extents.
struct CloneHint {
  bool clone_first = false;
  std::optional<bool>* cloned = nullptr;
};

std::optional<io::Result> TryClone(File& src, File& dst, const CopyFileOptions& options,
                                   CopyObserver* observer, CloneHint hint) {
  if (options.reflink == Reflink::kNever || options.sparse != Sparse::kAuto) return std::nullopt;
  // reflink=auto as Go's and Rust's copies: copy_file_range(2) clones by
  // itself where it can, and FICLONE first would cost a refused system call
  // on every filesystem that cannot (ext4, tmpfs, two filesystems).
  if (options.reflink == Reflink::kAuto && internal::KernelCopyClones() && !hint.clone_first) {
    return std::nullopt;
  }
  const poll::CopyResult clone = internal::KernelClone(dst, src);
  if (observer != nullptr) observer->OnKernelCopy(clone);
  if (hint.cloned != nullptr && clone.syscalls() > 0) {
    *hint.cloned = clone.outcome() == poll::CopyResult::Outcome::kEnded;
  }
  switch (clone.outcome()) {
    case poll::CopyResult::Outcome::kEnded:
      if (observer != nullptr) observer->OnHoles(0);
      return io::Result{clone.n(), absl::OkStatus()};
    case poll::CopyResult::Outcome::kFailed:
      if (clone.error().closing()) return io::Result{0, ClosedError("write", dst.Name())};
      return io::Result{0, PathError("write", dst.Name(), clone.error().errno_value(),
                                     poll::Name(clone.method()))};
    case poll::CopyResult::Outcome::kFellBack:
      break;
  }
  if (options.reflink != Reflink::kAlways) return std::nullopt;
  // Decided without the kernel (the stub build, an appending destination):
  // say so with the errno the kernel would have given.
  const syscall::Errno err =
      clone.fallback_errno().ok() ? syscall::Errno(EOPNOTSUPP) : clone.fallback_errno();
  return io::Result{0, PathError("clone", dst.Name(), err, poll::Name(clone.method()))};
}

// The copy into an open regular destination whose bytes hold nothing the
// copy must keep.
io::Result CopyContents(File& src, File& dst, const FileInfo& info, Start start,
                        const CopyFileOptions& options, CopyObserver* observer,
                        CloneHint hint = {}) {
  if (std::optional<io::Result> cloned = TryClone(src, dst, options, observer, hint)) {
    return *cloned;
  }

  poll::FD& out = internal::FileAccess::Fd(dst);
  // Not when empty already (a new file): on ext4, truncating a file to 0
  // makes its close(2) flush it (the auto_da_alloc heuristic for programs
  // that replace files by truncation).
  if (start.dst_size != 0) {
    if (poll::Error err = out.Truncate(0); !err.ok()) return {0, ErrorOf("truncate", dst, err)};
  }
  // The observer sees ReadFrom's own reports for the plain copy.
  const ObserverRestorer restore(dst, observer);

  const bool zeros_to_holes = options.sparse == Sparse::kAlways;
  // copy_file_range(2) is not used where the caller said no clones: it
  // clones by itself on XFS, btrfs and NFS 4.2 (coreutils avoids it there
  // too). Nor where every byte is to be written (sparse=never, which
  // coreutils 9.4 made imply no clone): a clone writes none. Nor where zeros
  // are to become holes: it would copy them blind, so cp --sparse=always
  // reads the data instead.
  const bool use_kernel = options.reflink != Reflink::kNever && options.sparse == Sparse::kAuto;
  if (!CopiesExtents(options.sparse, info)) {
    return PlainCopy(src, dst, info.size, use_kernel, start.offsets_at_zero, observer);
  }

  Progress p;
  const std::optional<absl::Status> extents =
      CopyExtents(src, dst, info.size, use_kernel, zeros_to_holes, p);
  if (!extents.has_value()) {  // the source cannot say where its holes are
    return PlainCopy(src, dst, info.size, use_kernel, /*at_start=*/false, observer);
  }
  Report(observer, p);
  if (!extents->ok()) return {p.end, *extents};
  // The size, and with it the holes at the end; the holes inside are there
  // already, where nothing was written.
  if (poll::Error err = out.Truncate(p.end); !err.ok()) {
    return {p.end, ErrorOf("truncate", dst, err)};
  }
  // Leave both offsets at the end, as after a sequential copy.
  (void)src.Seek(p.end, SEEK_SET);
  (void)dst.Seek(p.end, SEEK_SET);
  return {p.end, absl::OkStatus()};
}

// Empties a regular destination that a stream of bytes (a FIFO, a device)
// will fill, and puts its offset at 0, as a truncating open(2) would.
absl::Status EmptyForStream(File& dst, Start start) {
  if (start.dst_size != 0) {
    if (absl::Status s = dst.Truncate(0); !s.ok()) return s;
  }
  if (!start.offsets_at_zero) {
    if (absl::StatusOr<int64_t> r = dst.Seek(0, SEEK_SET); !r.ok()) return r.status();
  }
  return absl::OkStatus();
}

// The copy into an open destination, with its metadata as `plan` says: the
// whole source replaces the whole of a regular destination (CopyContents);
// any other pair (a FIFO or device at either end, an appending destination)
// is a stream of bytes, written at dst's offset by File::ReadFrom. The
// metadata is applied whatever the types: an option the caller gave is
// never ignored.
io::Result CopyOpen(File& src, File& dst, const FileInfo& src_info, const FileInfo& dst_info,
                    Start start, const CopyFileOptions& options, CopyObserver* observer,
                    const internal::MetadataPlan& plan) {
  if (absl::Status s = plan.BeforeData(dst); !s.ok()) return {0, s};
  io::Result r;
  if (src_info.IsRegular() && dst_info.IsRegular() && !internal::FileAccess::AppendMode(dst)) {
    r = CopyContents(src, dst, src_info, start, options, observer);
  } else {
    // A regular destination is replaced whole, whatever the source is.
    if (dst_info.IsRegular() && !internal::FileAccess::AppendMode(dst)) {
      if (absl::Status s = EmptyForStream(dst, start); !s.ok()) return {0, s};
    }
    const ObserverRestorer restore(dst, observer);
    r = dst.ReadFrom(src);
  }
  if (!r.ok()) {
    // Nothing of the source went in (a refused clone, a bad source): the
    // destination gets back the bits it had.
    if (r.n == 0) (void)plan.Restore(dst);
    return r;
  }
  if (absl::Status s = plan.AfterData(dst); !s.ok()) return {r.n, s};
  if (options.sync) {
    absl::Status s = dst.Sync();
    // EINVAL: a pipe, FIFO, socket or device such as /dev/null, which has no
    // storage to make the bytes durable on (fsync(2)): nothing to sync.
    if (!s.ok() && !(ErrnoOf(s) == EINVAL && !dst_info.IsRegular())) return {r.n, s};
  }
  return r;
}

// --- the path overload ---

// "DIR/.NAME.<pid>-<n>.tmp", unique within this process and, with the
// process id, among processes; O_EXCL settles any clash that remains.
std::string TempName(const std::string& dir, const std::string& base) {
  static std::atomic<uint64_t> counter{0};
  const uint64_t n = counter.fetch_add(1) ^ static_cast<uint64_t>(absl::GetCurrentTimeNanos());
  return absl::StrFormat("%s/.%s.%d-%x.tmp", dir, base, static_cast<int>(::getpid()), n);
}

// A temporary file in dst's directory, and what it is called (empty while
// it has no name).
struct Temp {
  Temp() = default;
  ~Temp() {
    if (file != nullptr) (void)file->Close();
    if (!name.empty()) (void)syscall::Unlinkat(AT_FDCWD, name.c_str(), 0);
  }
  Temp(const Temp&) = delete;
  Temp& operator=(const Temp&) = delete;
  Temp(Temp&&) = delete;
  Temp& operator=(Temp&&) = delete;

  std::unique_ptr<File> file;
  std::string name;
};

absl::Status OpenTemp(const std::string& dst_path, mode_t perm, Temp& temp) {
  const auto [dir, base] = internal::SplitPath(dst_path);
  absl::StatusOr<std::unique_ptr<File>> unnamed = internal::OpenUnnamed(dir, dst_path, perm);
  if (unnamed.ok()) {
    temp.file = *std::move(unnamed);
    return absl::OkStatus();
  }
  if (!absl::IsUnimplemented(unnamed.status())) return unnamed.status();
  // Bounded: a clash needs another file of the same process id and counter.
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string name = TempName(dir, base);
    absl::StatusOr<std::unique_ptr<File>> named =
        File::OpenFile(name, O_WRONLY | O_CREAT | O_EXCL, perm);
    if (named.ok()) {
      temp.file = *std::move(named);
      temp.name = std::move(name);
      return absl::OkStatus();
    }
    if (ErrnoOf(named.status()) != EEXIST) return named.status();
  }
  return PathError("open", dst_path, syscall::Errno(EEXIST), "temporary file");
}

// Names the finished temporary file if it has no name yet, closes it (NFS
// reports write errors at close) and renames it over dst.
absl::Status Publish(Temp& temp, const std::string& dst_path) {
  if (temp.name.empty()) {
    const auto [dir, base] = internal::SplitPath(dst_path);
    for (int attempt = 0;; ++attempt) {
      std::string name = TempName(dir, base);
      absl::Status linked = internal::LinkUnnamed(*temp.file, name);
      if (linked.ok()) {
        temp.name = std::move(name);
        break;
      }
      if (ErrnoOf(linked) != EEXIST || attempt == 100) return linked;
    }
  }
  absl::Status closed = temp.file->Close();
  temp.file.reset();
  if (!closed.ok()) return closed;
  const syscall::Errno err =
      syscall::Renameat(AT_FDCWD, temp.name.c_str(), AT_FDCWD, dst_path.c_str());
  if (!err.ok()) return PathError("rename", temp.name, err);
  temp.name.clear();  // it is dst now
  return absl::OkStatus();
}

// sync: the entry that a rename or O_CREAT made in dst_path's directory
// made durable too, by fsync(2) of the directory: the file's own fsync
// covers its data and inode, not its name (fsync(2), "NOTES"; ext4 and XFS
// journal the two separately).
absl::Status SyncDirectoryOf(const std::string& dst_path) {
  const auto [dir, base] = internal::SplitPath(dst_path);
  absl::StatusOr<std::unique_ptr<File>> opened = File::OpenFile(dir, O_RDONLY | O_DIRECTORY, 0);
  if (!opened.ok()) return opened.status();
  absl::Status synced = (*opened)->Sync();
  absl::Status closed = (*opened)->Close();
  return synced.ok() ? closed : synced;
}

// What is at `path` (stat(2), following symbolic links as open(2) would;
// no open, so a FIFO does not wait for a writer), or nullopt where nothing
// is or it cannot be seen: no error is made, the open that follows reports it.
std::optional<FileInfo> StatQuietly(const std::string& path) {
  const syscall::Result<struct stat> st = syscall::Stat(path.c_str());
  if (!st.ok()) return std::nullopt;
  return internal::FileAccess::Info(st.value());
}

io::Result CopyAtomic(File& src, const FileInfo& src_info, const std::string& dst_path,
                      const std::optional<FileInfo>& old, const CopyFileOptions& options) {
  if (old.has_value() && SameFile(*old, src_info)) return {0, SameFileError(src.Name(), dst_path)};
  // The new file looks as the old one did (cp keeps an existing
  // destination's mode and owner), or as a new copy would.
  const internal::MetadataPlan plan =
      old.has_value() ? internal::MetadataPlan::ForReplacement(src_info, options.preserve, *old)
                      : internal::MetadataPlan::ForNew(src_info, options.preserve);
  Temp temp;
  if (absl::Status s = OpenTemp(dst_path, plan.CreationMode(), temp); !s.ok()) return {0, s};
  FileInfo made;
  made.mode = S_IFREG;
  io::Result r = CopyOpen(src, *temp.file, src_info, made, {.dst_size = 0, .offsets_at_zero = true},
                          options, options.observer, plan);
  if (!r.ok()) return r;
  if (absl::Status s = Publish(temp, dst_path); !s.ok()) return {r.n, s};
  if (options.sync) {
    if (absl::Status s = SyncDirectoryOf(dst_path); !s.ok()) return {r.n, s};
  }
  return r;
}

// What the destination's name must be for a file to be written there, found
// before anything is created or read: not a directory, which the atomic
// copy would otherwise find only at its rename, after copying every byte
// (the open(2) of a copy in place says the same); and, if it ends in a
// slash, one (which a regular file cannot be).
absl::Status CheckDestinationName(const std::string& dst_path,
                                  const std::optional<FileInfo>& dst_named) {
  if (dst_named.has_value() && dst_named->IsDirectory()) {
    return PathError("open", dst_path, syscall::Errno(EISDIR));
  }
  if (!dst_named.has_value() && dst_path.ends_with('/')) {
    // Nothing of that name (ENOENT), or not a directory (ENOTDIR): open(2)
    // with O_CREAT answers EISDIR for such a name (fs/namei.c,
    // open_last_lookups), the wrong problem; cp says "Not a directory".
    // Another errno (EACCES) is left for the open to report.
    const syscall::Errno err = syscall::Stat(dst_path.c_str()).error();
    if (err == syscall::Errno(ENOENT) || err == syscall::Errno(ENOTDIR)) {
      return PathError("open", dst_path, syscall::Errno(ENOTDIR));
    }
  }
  return absl::OkStatus();
}

struct OpenedDestination {
  std::unique_ptr<File> file;
  bool created = false;  // by this copy (O_EXCL), empty
};

// The destination, for writing without truncation: created with `perm` if
// its name held nothing, else the file that is there. A symbolic link to
// nothing is refused, as cp refuses it: writing through it would create a
// file elsewhere, wherever the link points.
absl::StatusOr<OpenedDestination> OpenDestination(const std::string& dst_path, mode_t perm) {
  absl::StatusOr<std::unique_ptr<File>> made =
      File::OpenFile(dst_path, O_WRONLY | O_CREAT | O_EXCL, perm);
  // EEXIST: something is there, a dangling symbolic link included (O_EXCL
  // never follows one).
  if (!made.ok() && ErrnoOf(made.status()) != EEXIST) return made.status();
  if (made.ok()) return OpenedDestination{.file = *std::move(made), .created = true};
  absl::StatusOr<std::unique_ptr<File>> existing = File::OpenFile(dst_path, O_WRONLY, 0);
  if (!existing.ok() && ErrnoOf(existing.status()) == ENOENT) {
    // There, yet nothing to open: a link to nothing (seen without following
    // it: O_PATH | O_NOFOLLOW opens the link itself).
    absl::StatusOr<std::unique_ptr<File>> link = File::OpenFile(dst_path, O_PATH | O_NOFOLLOW, 0);
    if (link.ok()) {
      absl::StatusOr<FileInfo> info = (*link)->Stat();
      if (info.ok() && info->type() == FileType::kSymlink) {
        return PathError("open", dst_path, syscall::Errno(ENOENT),
                         "not writing through a dangling symlink");
      }
    }
  }
  if (!existing.ok()) return existing.status();
  return OpenedDestination{.file = *std::move(existing), .created = false};
}

}  // namespace

// Both Files are read or written (cppcheck sees only what this frame does).
// cppcheck-suppress constParameter
internal::RegularCopy internal::CopyRegularContents(File& src, File& dst, const FileInfo& src_info,
                                                    int64_t dst_size,
                                                    const CopyFileOptions& options,
                                                    CopyObserver* observer, bool clone_first) {
  RegularCopy copy;
  copy.result =
      CopyContents(src, dst, src_info, {.dst_size = dst_size, .offsets_at_zero = true}, options,
                   observer, {.clone_first = clone_first, .cloned = &copy.cloned});
  return copy;
}

io::Result CopyFile(File& src, File& dst, const CopyFileOptions& options) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return {0, s};
  absl::StatusOr<FileInfo> src_info = src.Stat();
  if (!src_info.ok()) return {0, src_info.status()};
  absl::StatusOr<FileInfo> dst_info = dst.Stat();
  if (!dst_info.ok()) return {0, dst_info.status()};
  if (SameFile(*src_info, *dst_info) && src_info->IsRegular()) {
    return {0, SameFileError(src.Name(), dst.Name())};
  }
  return CopyOpen(src, dst, *src_info, *dst_info,
                  {.dst_size = dst_info->size, .offsets_at_zero = false}, options,
                  dst.copy_observer(),
                  internal::MetadataPlan::ForExisting(*src_info, options.preserve, *dst_info));
}

io::Result CopyFile(const std::string& src_path, const std::string& dst_path,
                    const CopyFileOptions& options) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return {0, s};
  // By name first: opening a FIFO waits for a writer, so `copy ff ff` must be
  // refused before. The open files are compared again below. A destination
  // that does not exist yet (the usual case) costs one stat(2).
  const std::optional<FileInfo> dst_named = StatQuietly(dst_path);
  if (dst_named.has_value()) {
    if (const std::optional<FileInfo> src = StatQuietly(src_path);
        src && SameFile(*src, *dst_named)) {
      return {0, SameFileError(src_path, dst_path)};
    }
  }
  absl::StatusOr<std::unique_ptr<File>> src = File::Open(src_path);
  if (!src.ok()) return {0, src.status()};
  absl::StatusOr<FileInfo> src_info = (*src)->Stat();
  if (!src_info.ok()) return {0, src_info.status()};
  if (src_info->IsDirectory()) {
    return {0, PathError("read", src_path, syscall::Errno(EISDIR))};
  }
  if (absl::Status s = CheckDestinationName(dst_path, dst_named); !s.ok()) return {0, s};
  if (options.atomic) return CopyAtomic(**src, *src_info, dst_path, dst_named, options);

  // Create the destination only if it is not there, and truncate nothing
  // yet: a refused reflink=always, or the same file under another name,
  // must leave it as it was.
  const internal::MetadataPlan new_plan =
      internal::MetadataPlan::ForNew(*src_info, options.preserve);
  absl::StatusOr<OpenedDestination> dst = OpenDestination(dst_path, new_plan.CreationMode());
  if (!dst.ok()) return {0, dst.status()};
  File& out = *dst->file;
  // A file that O_EXCL made is empty, regular and not the source; one that
  // was there is asked.
  FileInfo made;
  made.mode = S_IFREG;
  absl::StatusOr<FileInfo> dst_info = made;
  if (!dst->created) {
    dst_info = out.Stat();
    if (!dst_info.ok()) return {0, dst_info.status()};
    if (SameFile(*src_info, *dst_info)) return {0, SameFileError(src_path, dst_path)};
  }
  const internal::MetadataPlan plan =
      dst->created ? new_plan
                   : internal::MetadataPlan::ForExisting(*src_info, options.preserve, *dst_info);
  io::Result r = CopyOpen(**src, out, *src_info, *dst_info,
                          {.dst_size = dst_info->size, .offsets_at_zero = true}, options,
                          options.observer, plan);
  if (!r.ok() && dst->created && r.n == 0 && options.reflink == Reflink::kAlways) {
    // Nothing was cloned into the file this copy made: leave nothing behind.
    (void)out.Close();
    (void)syscall::Unlinkat(AT_FDCWD, dst_path.c_str(), 0);
    return r;
  }
  if (absl::Status s = out.Close(); !s.ok() && r.ok()) return {r.n, s};
  if (r.ok() && dst->created && options.sync) {
    if (absl::Status s = SyncDirectoryOf(dst_path); !s.ok()) return {r.n, s};
  }
  return r;
}

}  // namespace sysport::os
