#ifndef SYSPORT_OS_COPY_OBSERVER_H_
#define SYSPORT_OS_COPY_OBSERVER_H_

// Which path carried a copy's bytes, as the copy decides it: an observer that
// File::ReadFrom reports to once per decision (File::SetCopyObserver), and
// CopyCounters, an observer that adds the reports up and prints them (the
// copy tool's --stats).

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <tuple>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "poll/copy_result.h"
#include "syscall/errno.h"

namespace sysport::os {

// The read/write loop's share of a copy: the bytes it moved, and its calls of
// the source's Read and the destination's Write (for os::Files, one read(2)
// each, and one write(2) each unless the kernel took less than was asked).
struct ReadWriteCounts {
  int64_t bytes = 0;
  int64_t reads = 0;
  int64_t writes = 0;
};

class CopyObserver {
 public:
  virtual ~CopyObserver() = default;
  // One in-kernel method's part of a copy: tried (syscalls() > 0) or decided
  // against without a system call, the bytes it moved, and how it ended.
  virtual void OnKernelCopy(const poll::CopyResult& result) = 0;
  // The read/write loop that carried what no in-kernel method did.
  virtual void OnReadWrite(const ReadWriteCounts& counts) = 0;
  // A whole-file copy (os::CopyFile), once per copy: how many bytes of the
  // destination are holes it skipped rather than wrote (the source's holes,
  // and with CopyFileOptions::Sparse::kAlways its runs of zeros too).
  virtual void OnHoles(int64_t bytes) = 0;
};

// Adds up what it is told, from any number of threads.
class CopyCounters final : public CopyObserver {
 public:
  struct MethodCounts {
    int64_t reports = 0;   // decisions reported, tried or not
    int64_t attempts = 0;  // decisions that made at least one system call
    int64_t syscalls = 0;  // the system calls themselves, retries and probes included
    int64_t bytes = 0;
    int64_t failures = 0;  // attempts that ended in an error
  };
  // Why a method left bytes to another: the reason and, where the kernel
  // gave one, its errno; separately for the times it tried first and the
  // times it was not tried at all.
  struct FallbackKey {
    poll::CopyMethod method = poll::CopyMethod::kCopyFileRange;
    bool tried = false;
    poll::Fallback reason = poll::Fallback::kRefused;
    syscall::Errno err;
    friend bool operator<(const FallbackKey& a, const FallbackKey& b) {
      return std::tuple(a.method, !a.tried, a.reason, a.err.value()) <
             std::tuple(b.method, !b.tried, b.reason, b.err.value());
    }
  };
  struct Totals {
    std::array<MethodCounts, poll::kNumCopyMethods> kernel;
    std::map<FallbackKey, int64_t> fallbacks;
    ReadWriteCounts read_write;
    int64_t whole_file_copies = 0;  // OnHoles reports
    int64_t hole_bytes = 0;

    const MethodCounts& of(poll::CopyMethod method) const {
      return kernel[static_cast<size_t>(method)];
    }
    // The bytes all in-kernel methods moved.
    int64_t kernel_bytes() const;
    // Adds `other`'s counts to these (a tree copy's shards into one).
    void Add(const Totals& other);
    // One line per method something was reported about (tried or not), in
    // CopyMethod's order, one for the read/write loop, and one for holes
    // after a whole-file copy, e.g.
    //   copy_file_range: 1 attempt, 1 system call, 0 bytes; fell back: EXDEV (...) 1x
    //   sendfile: 1 attempt, 3 system calls, 1048576 bytes
    //   read/write: 0 reads, 0 writes, 0 bytes
    //   holes: 4293918720 bytes skipped
    std::string ToString() const;
  };

  void OnKernelCopy(const poll::CopyResult& result) override;
  void OnReadWrite(const ReadWriteCounts& counts) override;
  void OnHoles(int64_t bytes) override;

  Totals totals() const;

 private:
  mutable absl::Mutex mu_;
  Totals totals_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sysport::os

#endif  // SYSPORT_OS_COPY_OBSERVER_H_
