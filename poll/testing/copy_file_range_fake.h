#ifndef SYSPORT_POLL_TESTING_COPY_FILE_RANGE_FAKE_H_
#define SYSPORT_POLL_TESTING_COPY_FILE_RANGE_FAKE_H_

// Test-only seam for poll::CopyFileRange (Go's export_linux_test.go): a fake
// system that passes copy_file_range(2) through to the kernel, except where a
// test scripts an errno or a short count for a given round, and records every
// call's arguments. Creating a FakeCopyFileRange installs it and forgets the
// process-wide support decision; destroying it restores both.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "poll/internal/copy_file_range_env.h"
#include "syscall/errno.h"
#include "syscall/unix.h"

namespace sysport::poll::testing {

class FakeCopyFileRange final : public internal::CopyFileRangeEnv {
 public:
  struct Call {
    int in_fd = -1;
    bool in_off_null = false;
    int out_fd = -1;
    bool out_off_null = false;
    size_t len = 0;
    unsigned flags = 0;
  };

  FakeCopyFileRange();
  ~FakeCopyFileRange() override;
  FakeCopyFileRange(const FakeCopyFileRange&) = delete;
  FakeCopyFileRange& operator=(const FakeCopyFileRange&) = delete;

  // Round k (1-based, counting calls that are not the probe) fails with `err`
  // without copying anything.
  void FailRound(int round, syscall::Errno err);
  // Every round from `round` on fails with `err`.
  void FailFromRound(int round, syscall::Errno err);
  // Round k copies (for real) at most `max_bytes`: a short count.
  void ShortRound(int round, size_t max_bytes);
  // Round k returns `n` without copying anything (a lying filesystem).
  void ReturnWithoutCopying(int round, size_t n);
  // What the probe copy_file_range(-1, NULL, -1, NULL, 1, 0) answers.
  // Default: the real kernel's answer.
  void SetProbeResult(syscall::Errno err);
  // The kernel version poll::CopyFileRange sees. Default: the real one.
  void SetKernelVersion(syscall::KernelVersion version);

  std::vector<Call> calls() const;  // rounds only, not the probe
  int probes() const;
  int kernel_version_queries() const;

  syscall::Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                        size_t len, unsigned flags) override;
  syscall::KernelVersion GetKernelVersion() override;

 private:
  mutable absl::Mutex mu_;
  std::map<int, syscall::Errno> fail_round_ ABSL_GUARDED_BY(mu_);
  std::optional<std::pair<int, syscall::Errno>> fail_from_ ABSL_GUARDED_BY(mu_);
  std::map<int, size_t> short_round_ ABSL_GUARDED_BY(mu_);
  std::map<int, size_t> lie_round_ ABSL_GUARDED_BY(mu_);
  std::optional<syscall::Errno> probe_result_ ABSL_GUARDED_BY(mu_);
  std::optional<syscall::KernelVersion> kernel_version_ ABSL_GUARDED_BY(mu_);
  std::vector<Call> calls_ ABSL_GUARDED_BY(mu_);
  int probes_ ABSL_GUARDED_BY(mu_) = 0;
  int kernel_version_queries_ ABSL_GUARDED_BY(mu_) = 0;

  internal::CopyFileRangeEnv* previous_env_;
  internal::CopyFileRangeSupport previous_support_;
};

}  // namespace sysport::poll::testing

#endif  // SYSPORT_POLL_TESTING_COPY_FILE_RANGE_FAKE_H_
