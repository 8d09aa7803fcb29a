#ifndef SYSPORT_POLL_COPY_RESULT_H_
#define SYSPORT_POLL_COPY_RESULT_H_

// What an in-kernel copy reports: one value per decision, from the loop that
// made it up to os::File and its observer. This header is the one public part
// of //poll (os/copy_observer.h names these types); the rest is private.

#include <cstdint>
#include <string_view>

#include "poll/error.h"
#include "syscall/errno.h"

namespace sysport::poll {

// The ways sysport can move bytes without them passing through user space.
enum class CopyMethod : uint8_t {
  kCopyFileRange,  // copy_file_range(2): file to file, at the file offsets or explicit ones
  kSendfile,       // sendfile(2): from a file's page cache to anything (socket, pipe, other file)
  kSplice,         // splice(2): from a pipe or socket, through a pipe where neither end is one
  kClone,          // ioctl(FICLONE): the destination shares the source's extents (a reflink)
};
inline constexpr int kNumCopyMethods = 4;

// "copy_file_range", "sendfile", "splice", "FICLONE": the system call's name,
// as error messages print it.
std::string_view Name(CopyMethod method);

// Why an in-kernel copy left (the rest of) a copy to another method or to the
// read/write loop. One enum for the whole path: os decides kAppendMode to
// kReadWriteFaster before any system call, poll decides the others from what
// the kernel says.
enum class Fallback : uint8_t {
  kAppendMode,       // the destination was opened with O_APPEND (every in-kernel method refuses it)
  kSourceNotFile,    // the source is not an os::File (after unwrapping a LimitedReader)
  kSourceClosed,     // the source os::File is closed: the read/write loop reports it
  kNoKernelCopy,     // this platform has no in-kernel copy (the stub build)
  kFileTypes,        // no in-kernel method for this pair of file types (a character device source)
  kReadWriteFaster,  // a method works for these types, but measured slower (docs/benchmarks.md)
  kKernelTooOld,     // Linux older than 5.3: never tried in this process
  kUnavailable,      // the system call does not work in this process (ENOSYS, seccomp's EPERM)
  kRefused,          // an errno meaning "not for these files" (EXDEV, EINVAL, ...)
  kNothingCopied,    // the first round copied nothing (procfs, sysfs, tracefs; an empty file)
  kNoPipe,           // splice could not get its intermediate pipe (EMFILE, ENFILE, ENOMEM)
  kSameFile,         // one file at both ends: sendfile would read and write it in place
};
inline constexpr int kNumFallbacks = 12;

// "O_APPEND destination", "source not an os::File", ...
std::string_view Describe(Fallback fallback);

// What an in-kernel copy has done so far: the bytes it moved, exactly, and
// the system calls it made (EINTR retries and probes included). Named
// fields, so the two counts cannot be swapped at a call site.
struct CopyProgress {
  int64_t bytes = 0;
  int64_t syscalls = 0;
};

// The outcome of one in-kernel copy attempt, which cannot contradict itself:
//   ended     n bytes copied, up to the end of the source or the limit;
//   failed    n bytes copied, then an error that the read/write loop would
//             hit as well (ENOSPC, EDQUOT, EIO on write, a closed file);
//   fell back n bytes copied, then the kernel (or the caller, before trying)
//             left the rest to the read/write loop, for one reason, with the
//             errno where the kernel gave one.
// Every outcome says which method, the exact bytes moved and how many system
// calls that took (0: decided without trying).
class [[nodiscard]] CopyResult {
 public:
  enum class Outcome : uint8_t { kEnded, kFailed, kFellBack };

  static CopyResult Ended(CopyMethod method, CopyProgress done) {
    return CopyResult(Outcome::kEnded, method, done);
  }
  // `error` is not ok.
  static CopyResult Failed(CopyMethod method, CopyProgress done, Error error) {
    CopyResult r(Outcome::kFailed, method, done);
    r.error_ = error;
    return r;
  }
  // `err` is the kernel's answer for kRefused and (when it was just learned)
  // kUnavailable; Errno() otherwise.
  static CopyResult FellBack(CopyMethod method, CopyProgress done, Fallback reason,
                             syscall::Errno err = syscall::Errno()) {
    CopyResult r(Outcome::kFellBack, method, done);
    r.fallback_ = reason;
    r.fallback_errno_ = err;
    return r;
  }
  // Decided against before any system call: nothing moved.
  static CopyResult NotTried(CopyMethod method, Fallback reason) {
    return FellBack(method, CopyProgress{}, reason);
  }

  Outcome outcome() const { return outcome_; }
  CopyMethod method() const { return method_; }
  // The bytes moved, exactly, whatever the outcome.
  int64_t n() const { return done_.bytes; }
  int64_t syscalls() const { return done_.syscalls; }
  // kFailed: what stopped the copy. Ok for the other outcomes.
  const Error& error() const { return error_; }
  // kFellBack: why. Meaningless for the other outcomes.
  Fallback fallback() const { return fallback_; }
  // kFellBack: the kernel's answer, if it gave one; else Errno().
  syscall::Errno fallback_errno() const { return fallback_errno_; }

 private:
  CopyResult(Outcome outcome, CopyMethod method, CopyProgress done)
      : outcome_(outcome), method_(method), done_(done) {}

  Outcome outcome_;
  CopyMethod method_;
  CopyProgress done_;
  Error error_;
  Fallback fallback_ = Fallback::kRefused;
  syscall::Errno fallback_errno_;
};

}  // namespace sysport::poll

#endif  // SYSPORT_POLL_COPY_RESULT_H_
