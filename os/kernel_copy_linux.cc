// File::ReadFrom's and File::WriteTo's in-kernel copies on Linux: Go's
// os/zero_copy_linux.go and Rust's kernel_copy.rs, with the method for each
// pair of file types chosen by measurement and exact counts when the kernel
// stops midway.
//
// Which method, by the types of source and destination (fstat(2), once per
// File). The figures behind each choice are in the README ("In-kernel copies
// beyond two regular files"), with the machine they were measured on.
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

#include <cstdint>

#include "os/file.h"
#include "os/internal/file_access.h"
#include "os/internal/kernel_copy.h"
#include "poll/copy_file_range.h"
#include "poll/copy_result.h"
#include "poll/sendfile.h"
#include "poll/splice.h"

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

Kind KindOf(File& file) {
  switch (FileAccess::Type(file)) {
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
      // loop on both machines measured (README, "In-kernel copies beyond two
      // regular files": 1.30-1.47x its time into ext4 and tmpfs, 1.15x into
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

}  // namespace

KernelCopies KernelCopy(File& dst, File* src, int64_t remain) {
  if (src == nullptr) {
    return {CopyResult::NotTried(CopyMethod::kCopyFileRange, Fallback::kSourceNotFile)};
  }
  // The read/write loop reports the source's own "file already closed".
  if (src->Fd() < 0) {
    return {CopyResult::NotTried(CopyMethod::kCopyFileRange, Fallback::kSourceClosed)};
  }
  const Plan plan = PlanFor({.from = KindOf(*src), .to = KindOf(dst)});
  if (plan == Plan::kNone) {
    return {CopyResult::NotTried(CopyMethod::kSplice, Fallback::kFileTypes)};
  }
  if (plan == Plan::kReadWriteFaster) {
    return {CopyResult::NotTried(CopyMethod::kSplice, Fallback::kReadWriteFaster)};
  }
  // copy_file_range (EBADF), sendfile and splice (EINVAL) all refuse a
  // destination opened with O_APPEND; Go's readFrom does not even try.
  if (FileAccess::AppendMode(dst)) {
    return {CopyResult::NotTried(MethodOf(plan), Fallback::kAppendMode)};
  }
  poll::FD& to = FileAccess::Fd(dst);
  poll::FD& from = FileAccess::Fd(*src);
  switch (plan) {
    case Plan::kCopyFileRange: {
      KernelCopies steps = {poll::CopyFileRange(to, from, remain)};
      // Rust's std falls back from copy_file_range to sendfile for two
      // regular files on different filesystems; so does sysport, for every
      // refusal that is about the filesystems or the process, not the files.
      if (poll::PageCacheCopyMayWork(steps.back())) {
        steps.push_back(poll::SendFile(to, from, remain - steps.back().n()));
      }
      return steps;
    }
    case Plan::kSendfile:
      return {poll::SendFile(to, from, remain)};
    case Plan::kSpliceDirect:
      return {poll::Splice(to, from, remain, poll::SpliceVia::kDirect)};
    case Plan::kSpliceThroughPipe:
      return {poll::Splice(to, from, remain, poll::SpliceVia::kIntermediatePipe)};
    case Plan::kReadWriteFaster:
    case Plan::kNone:
      break;
  }
  return {CopyResult::NotTried(CopyMethod::kSplice, Fallback::kFileTypes)};
}

bool SourcePushes(File& dst, File& src) {
  return IsSendfileSource(KindOf(src)) && KindOf(dst) != Kind::kRegular;
}

}  // namespace sysport::os::internal
