#include "poll/testing/fake_syscalls.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "poll/internal/copy_syscalls.h"
#include "syscall/linux.h"
#include "syscall/unix.h"

namespace sysport::poll::testing {

void ScriptedCall::FailRound(int round, syscall::Errno err) {
  absl::MutexLock lock(&mu_);
  fail_[round] = err;
}

void ScriptedCall::FailFromRound(int round, syscall::Errno err) {
  absl::MutexLock lock(&mu_);
  fail_from_ = {round, err};
}

void ScriptedCall::ShortRound(int round, size_t max_bytes) {
  absl::MutexLock lock(&mu_);
  short_[round] = max_bytes;
}

void ScriptedCall::ReturnWithoutCopying(int round, size_t n) {
  absl::MutexLock lock(&mu_);
  claim_[round] = n;
}

void ScriptedCall::BeforeRound(int round, std::function<void()> action) {
  absl::MutexLock lock(&mu_);
  before_[round] = std::move(action);
}

ScriptedCall::Action ScriptedCall::NextRound() {
  absl::MutexLock lock(&mu_);
  const int round = ++rounds_;
  Action action;
  if (auto it = before_.find(round); it != before_.end()) action.before = it->second;
  if (auto it = fail_.find(round); it != fail_.end()) {
    action.fail = it->second;
  } else if (fail_from_.has_value() && round >= fail_from_->first) {
    action.fail = fail_from_->second;
  } else if (auto lie = claim_.find(round); lie != claim_.end()) {
    action.claim = lie->second;
  } else if (auto cap = short_.find(round); cap != short_.end()) {
    action.max_bytes = cap->second;
  }
  return action;
}

FakeSyscalls::FakeSyscalls() : previous_(internal::Install(this)) {}

FakeSyscalls::~FakeSyscalls() { internal::Install(previous_); }

void FakeSyscalls::SetProbeResult(syscall::Errno err) {
  absl::MutexLock lock(&mu_);
  probe_result_ = err;
}

void FakeSyscalls::SetKernelVersion(syscall::KernelVersion version) {
  absl::MutexLock lock(&mu_);
  kernel_version_ = version;
}

std::vector<FakeSyscalls::CopyFileRangeCall> FakeSyscalls::copy_file_range_calls() const {
  absl::MutexLock lock(&mu_);
  return copy_file_range_calls_;
}

int FakeSyscalls::ficlone_calls() const {
  absl::MutexLock lock(&mu_);
  return ficlone_calls_;
}

int FakeSyscalls::probes() const {
  absl::MutexLock lock(&mu_);
  return probes_;
}

int FakeSyscalls::kernel_version_queries() const {
  absl::MutexLock lock(&mu_);
  return kernel_version_queries_;
}

syscall::Result<size_t> FakeSyscalls::CopyFileRange(int in_fd, int64_t* in_off, int out_fd,
                                                    int64_t* out_off, size_t len, unsigned flags) {
  {
    absl::MutexLock lock(&mu_);
    if (in_fd == -1 && out_fd == -1) {  // the probe
      ++probes_;
      if (probe_result_.has_value()) return syscall::Result<size_t>::Error(*probe_result_);
      return syscall::CopyFileRange(in_fd, in_off, out_fd, out_off, len, flags);
    }
    copy_file_range_calls_.push_back(
        {in_fd, in_off == nullptr, out_fd, out_off == nullptr, len, flags});
  }
  const ScriptedCall::Action action = copy_file_range.NextRound();
  if (action.before) action.before();
  if (action.fail.has_value()) return syscall::Result<size_t>::Error(*action.fail);
  if (action.claim.has_value()) return syscall::Result<size_t>::Ok(*action.claim);
  return syscall::CopyFileRange(in_fd, in_off, out_fd, out_off, std::min(len, action.max_bytes),
                                flags);
}

syscall::Errno FakeSyscalls::Ficlone(int dst_fd, int src_fd) {
  {
    absl::MutexLock lock(&mu_);
    ++ficlone_calls_;
  }
  const ScriptedCall::Action action = ficlone.NextRound();
  if (action.before) action.before();
  if (action.fail.has_value()) return *action.fail;
  return syscall::Ficlone(dst_fd, src_fd);
}

syscall::KernelVersion FakeSyscalls::KernelVersion() {
  absl::MutexLock lock(&mu_);
  ++kernel_version_queries_;
  if (kernel_version_.has_value()) return *kernel_version_;
  return syscall::GetKernelVersion();
}

}  // namespace sysport::poll::testing
