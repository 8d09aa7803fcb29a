#include "poll/testing/copy_file_range_fake.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "poll/internal/copy_file_range_env.h"
#include "syscall/linux.h"
#include "syscall/unix.h"

namespace sysport::poll::testing {

FakeCopyFileRange::FakeCopyFileRange()
    : previous_env_(internal::SetCopyFileRangeEnv(this)),
      previous_support_(internal::GetCopyFileRangeSupport()) {
  internal::SetCopyFileRangeSupport(internal::CopyFileRangeSupport::kUnknown);
}

FakeCopyFileRange::~FakeCopyFileRange() {
  internal::SetCopyFileRangeEnv(previous_env_);
  internal::SetCopyFileRangeSupport(previous_support_);
}

void FakeCopyFileRange::FailRound(int round, syscall::Errno err) {
  absl::MutexLock lock(&mu_);
  fail_round_[round] = err;
}

void FakeCopyFileRange::FailFromRound(int round, syscall::Errno err) {
  absl::MutexLock lock(&mu_);
  fail_from_ = {round, err};
}

void FakeCopyFileRange::ShortRound(int round, size_t max_bytes) {
  absl::MutexLock lock(&mu_);
  short_round_[round] = max_bytes;
}

void FakeCopyFileRange::ReturnWithoutCopying(int round, size_t n) {
  absl::MutexLock lock(&mu_);
  lie_round_[round] = n;
}

void FakeCopyFileRange::SetProbeResult(syscall::Errno err) {
  absl::MutexLock lock(&mu_);
  probe_result_ = err;
}

void FakeCopyFileRange::SetKernelVersion(syscall::KernelVersion version) {
  absl::MutexLock lock(&mu_);
  kernel_version_ = version;
}

std::vector<FakeCopyFileRange::Call> FakeCopyFileRange::calls() const {
  absl::MutexLock lock(&mu_);
  return calls_;
}

int FakeCopyFileRange::probes() const {
  absl::MutexLock lock(&mu_);
  return probes_;
}

int FakeCopyFileRange::kernel_version_queries() const {
  absl::MutexLock lock(&mu_);
  return kernel_version_queries_;
}

syscall::Result<size_t> FakeCopyFileRange::CopyFileRange(int in_fd, int64_t* in_off, int out_fd,
                                                         int64_t* out_off, size_t len,
                                                         unsigned flags) {
  absl::MutexLock lock(&mu_);
  if (in_fd == -1 && out_fd == -1) {  // the probe
    ++probes_;
    if (probe_result_.has_value()) return syscall::Result<size_t>::Error(*probe_result_);
    return syscall::CopyFileRange(in_fd, in_off, out_fd, out_off, len, flags);
  }
  calls_.push_back({in_fd, in_off == nullptr, out_fd, out_off == nullptr, len, flags});
  const int round = static_cast<int>(calls_.size());
  if (auto it = fail_round_.find(round); it != fail_round_.end()) {
    return syscall::Result<size_t>::Error(it->second);
  }
  if (fail_from_.has_value() && round >= fail_from_->first) {
    return syscall::Result<size_t>::Error(fail_from_->second);
  }
  if (auto it = lie_round_.find(round); it != lie_round_.end()) {
    return syscall::Result<size_t>::Ok(it->second);
  }
  if (auto it = short_round_.find(round); it != short_round_.end()) {
    len = std::min(len, it->second);
  }
  return syscall::CopyFileRange(in_fd, in_off, out_fd, out_off, len, flags);
}

syscall::KernelVersion FakeCopyFileRange::GetKernelVersion() {
  absl::MutexLock lock(&mu_);
  ++kernel_version_queries_;
  if (kernel_version_.has_value()) return *kernel_version_;
  return syscall::GetKernelVersion();
}

}  // namespace sysport::poll::testing
