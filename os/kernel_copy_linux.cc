// File::ReadFrom's and File::WriteTo's in-kernel copies on Linux: Go's
// os/zero_copy_linux.go and Rust's kernel_copy.rs, with the method for each
// pair of file types chosen by measurement and exact counts when the kernel
// stops midway.
//
// Which method, by the types of source and destination. The figures behind
// each choice are in docs/benchmarks.md ("Measured: which method for which
// pair"), with the machine they were measured on.
//
//   source \ dest.   regular file            pipe            socket          other (device)
//   regular file     copy_file_range, then   sendfile        sendfile        sendfile
//                    sendfile on a refusal
//                    about the filesystems
//   block device     sendfile                sendfile        sendfile        sendfile
//   pipe             read/write (measured    splice          read/write      read/write
//                    faster)                                 (measured faster)
//   socket           splice, via a pipe      splice          splice, via a   splice, via a pipe
//                                                            pipe
//   other            read/write (no method)
//
// Where a method fails for the files at hand (EINVAL and the like), the
// read/write loop copies the rest, from exactly where the method stopped.
//
// The types cost nothing for the common pair. copy_file_range(2) accepts
// only two regular files (EINVAL otherwise, EISDIR for a directory:
// generic_file_rw_checks in fs/read_write.c), so while neither type is known
// it is tried first and is itself the test: two regular files are copied
// without an fstat(2) (whose cost to a small copy is in docs/benchmarks.md,
// "The targets, in words"). Its answer shows two regular files also when it refuses two
// filesystems (EXDEV) or finds the source empty (poll::ShowsRegularFiles);
// only after any other refusal does each File learn its type (one fstat(2)
// per File, remembered) and the table choose.

#include <cerrno>
#include <cstdint>
#include <numeric>
#include <optional>
#include <utility>

#include "absl/status/statusor.h"
#include "os/file.h"
#include "os/internal/file_access.h"
#include "os/internal/kernel_copy.h"
#include "poll/copy_file_range.h"
#include "poll/copy_result.h"
#include "poll/sendfile.h"
#include "poll/splice.h"
#include "syscall/errno.h"

namespace sysport::os::internal {
namespace {

using poll::CopyMethod;
using poll::CopyResult;
using poll::Fallback;

// What matters about a file for choosing a method.
enum class Kind : uint8_t {
  kRegular,      // copy_file_range's, and sendfile's source: it has a page cache
  kBlockDevice,  // sendfile's source too (Rust's potential_sendfile_source)
  kPipe,         // splice's: one end must be a pipe
  kSocket,       // splice's, through an intermediate pipe unless the other end is a pipe
  kOther,        // character devices, directories, what fstat could not say
};

Kind KindOfType(FileType type) {
  switch (type) {
    case FileType::kRegular:
      return Kind::kRegular;
    case FileType::kBlockDevice:
      return Kind::kBlockDevice;
    case FileType::kFifo:
      return Kind::kPipe;
    case FileType::kSocket:
      return Kind::kSocket;
    default:
      return Kind::kOther;
  }
}

// The kind, from fstat(2) the first time a File is asked.
Kind KindOf(File& file) { return KindOfType(FileAccess::Type(file)); }

// Whether the kind is known without asking (a File that was opened, not
// stat'ed, is not): nullopt if not.
std::optional<Kind> KnownKindOf(const File& file) {
  const std::optional<FileType> type = FileAccess::KnownType(file);
  if (!type.has_value()) return std::nullopt;
  return KindOfType(*type);
}

// The first method for a pair of kinds, and how the copy goes.
enum class Plan : uint8_t {
  kCopyFileRange,      // then sendfile if the refusal is about the filesystems
  kSendfile,           // from the source's pages
  kSpliceDirect,       // a pipe at one end
  kSpliceThroughPipe,  // a socket to a non-pipe
  kReadWriteFaster,    // splice works, but the read/write loop was measured faster
  kNone,               // no method applies: the read/write loop
};

// The kinds of a copy's two ends.
struct Ends {
  Kind from;
  Kind to;
};

Plan PlanFor(Ends ends) {
  switch (ends.from) {
    case Kind::kRegular:
      return ends.to == Kind::kRegular ? Plan::kCopyFileRange : Plan::kSendfile;
    case Kind::kBlockDevice:
      return Plan::kSendfile;
    case Kind::kPipe:
      // From a pipe into a file or socket, splice lost to the read/write
      // loop on both machines measured (docs/benchmarks.md, "Measured: which
      // method for which pair": 1.30-1.47x its time into ext4 and tmpfs, 1.15x into
      // TCP); into another pipe it wins.
      return ends.to == Kind::kPipe ? Plan::kSpliceDirect : Plan::kReadWriteFaster;
    case Kind::kSocket:
      return ends.to == Kind::kPipe ? Plan::kSpliceDirect : Plan::kSpliceThroughPipe;
    case Kind::kOther:
      return Plan::kNone;
  }
  return Plan::kNone;
}

CopyMethod MethodOf(Plan plan) {
  switch (plan) {
    case Plan::kCopyFileRange:
      return CopyMethod::kCopyFileRange;
    case Plan::kSendfile:
      return CopyMethod::kSendfile;
    default:
      return CopyMethod::kSplice;
  }
}

bool IsSendfileSource(Kind kind) { return kind == Kind::kRegular || kind == Kind::kBlockDevice; }

// Whether sendfile(2) from src to dst would copy a file onto itself: with one
// open file (one descriptor, or two that dup(2) made) it reads and writes at
// one offset, so `io::Copy(f, f)` would leave f unchanged and report its size
// as copied, where the read/write loop (and copy_file_range's EINVAL for the
// overlap, then that loop) appends f to itself; Go's poll.SendFile refuses the
// same descriptor. Only files of one kind can be one file; copy_file_range's
// EXDEV (two filesystems) has ruled it out already, without an fstat(2).
bool OneFile(File& dst, File& src, Ends ends, const KernelCopies& before) {
  if (dst.Fd() == src.Fd()) return true;
  if (ends.from != ends.to) return false;
  if (!before.empty() && before.back().fallback_errno() == syscall::Errno(EXDEV)) return false;
  // An fstat(2) that fails (a file closed meanwhile) leaves the answer to
  // sendfile, which reports the error itself.
  const absl::StatusOr<bool> same = SameFile(dst, src);
  return same.ok() && *same;
}

// sendfile(2) for what is left, unless it would copy a file onto itself.
CopyResult SendFileUnlessOneFile(File& dst, File& src, Ends ends, const KernelCopies& before,
                                 int64_t left) {
  if (OneFile(dst, src, ends, before)) {
    return CopyResult::NotTried(CopyMethod::kSendfile, Fallback::kSameFile);
  }
  return poll::SendFile(FileAccess::Fd(dst), FileAccess::Fd(src), left);
}

// The in-kernel steps for a pair of known kinds, after `before` (the steps
// already taken, whose bytes have moved).
KernelCopies CopyByPlan(File& dst, File& src, Ends ends, int64_t remain, KernelCopies before) {
  const Plan plan = PlanFor(ends);
  if (plan == Plan::kNone) {
    before.push_back(CopyResult::NotTried(CopyMethod::kSplice, Fallback::kFileTypes));
    return before;
  }
  if (plan == Plan::kReadWriteFaster) {
    before.push_back(CopyResult::NotTried(CopyMethod::kSplice, Fallback::kReadWriteFaster));
    return before;
  }
  // copy_file_range (EBADF), sendfile and splice (EINVAL) all refuse a
  // destination opened with O_APPEND; Go's readFrom does not even try.
  if (FileAccess::AppendMode(dst)) {
    before.push_back(CopyResult::NotTried(MethodOf(plan), Fallback::kAppendMode));
    return before;
  }
  poll::FD& to = FileAccess::Fd(dst);
  poll::FD& from = FileAccess::Fd(src);
  // What is left after the steps so far, which moved exactly their n.
  const auto left = [&before, remain] {
    return std::accumulate(before.begin(), before.end(), remain,
                           [](int64_t n, const CopyResult& step) { return n - step.n(); });
  };
  switch (plan) {
    case Plan::kCopyFileRange:
      // Already tried when `before` holds its refusal.
      if (before.empty()) before.push_back(poll::CopyFileRange(to, from, left()));
      // Rust's std falls back from copy_file_range to sendfile for two
      // regular files on different filesystems; so does sysport, for every
      // refusal that is about the filesystems or the process, not the files.
      if (poll::PageCacheCopyMayWork(before.back())) {
        before.push_back(SendFileUnlessOneFile(dst, src, ends, before, left()));
      }
      return before;
    case Plan::kSendfile:
      before.push_back(SendFileUnlessOneFile(dst, src, ends, before, left()));
      return before;
    case Plan::kSpliceDirect:
      before.push_back(poll::Splice(to, from, left(), poll::SpliceVia::kDirect));
      return before;
    case Plan::kSpliceThroughPipe:
      before.push_back(poll::Splice(to, from, left(), poll::SpliceVia::kIntermediatePipe));
      return before;
    case Plan::kReadWriteFaster:
    case Plan::kNone:
      break;
  }
  before.push_back(CopyResult::NotTried(CopyMethod::kSplice, Fallback::kFileTypes));
  return before;
}

}  // namespace

KernelCopies KernelCopy(File& dst, File& src, int64_t remain) {
  // The read/write loop reports the source's own "file already closed".
  if (src.Fd() < 0) {
    return {CopyResult::NotTried(CopyMethod::kCopyFileRange, Fallback::kSourceClosed)};
  }
  const std::optional<Kind> from = KnownKindOf(src);
  const std::optional<Kind> to = KnownKindOf(dst);
  if (from.has_value() && to.has_value()) {
    return CopyByPlan(dst, src, {.from = *from, .to = *to}, remain, {});
  }
  const bool may_be_regular_files = from.value_or(Kind::kRegular) == Kind::kRegular &&
                                    to.value_or(Kind::kRegular) == Kind::kRegular;
  if (!may_be_regular_files || FileAccess::AppendMode(dst)) {
    return CopyByPlan(dst, src, {.from = KindOf(src), .to = KindOf(dst)}, remain, {});
  }
  // copy_file_range as the type test (see the top of this file).
  KernelCopies steps = {poll::CopyFileRange(FileAccess::Fd(dst), FileAccess::Fd(src), remain)};
  if (poll::ShowsRegularFiles(steps.back())) {
    FileAccess::RememberType(src, FileType::kRegular);
    FileAccess::RememberType(dst, FileType::kRegular);
    if (steps.back().outcome() != CopyResult::Outcome::kFellBack) return steps;
  }
  // Refused, stopped midway, or nothing to copy: the plan for the two kinds
  // carries on. Where the answer showed two regular files (EXDEV, an empty
  // source), their kinds are remembered now and cost no fstat(2).
  return CopyByPlan(dst, src, {.from = KindOf(src), .to = KindOf(dst)}, remain, std::move(steps));
}

bool SourcePushes(const File& dst, File& src) {
  // A destination whose type is not known yet goes to its ReadFrom, whose
  // copy_file_range finds out without an fstat(2); sendfile follows there if
  // it is not a regular file.
  const std::optional<Kind> to = KnownKindOf(dst);
  return to.has_value() && *to != Kind::kRegular && IsSendfileSource(KindOf(src));
}

}  // namespace sysport::os::internal
