#include "poll/testing/fake_syscalls.h"

#include <poll.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
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

void ScriptedCall::BeforeRound(int round, std::function<void()> hook) {
  absl::MutexLock lock(&mu_);
  before_[round] = std::move(hook);
}

void ScriptedCall::SetProbeResult(syscall::Errno err) {
  absl::MutexLock lock(&mu_);
  probe_result_ = err;
}

int ScriptedCall::probes() const {
  absl::MutexLock lock(&mu_);
  return probes_;
}

ScriptedCall::Action ScriptedCall::NextRound() {
  absl::MutexLock lock(&mu_);
  const int round = ++rounds_;
  Action action;
  if (auto hook = before_.find(round); hook != before_.end()) action.before = hook->second;
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

std::optional<syscall::Errno> ScriptedCall::NextProbe() {
  absl::MutexLock lock(&mu_);
  ++probes_;
  return probe_result_;
}

namespace {

// A call that moves bytes, as `script` says for its next round: fail, claim a
// count without moving anything, or move (for real) at most a capped count.
template <typename Real>
syscall::Result<size_t> Scripted(ScriptedCall& script, size_t len, const Real& real) {
  const ScriptedCall::Action action = script.NextRound();
  if (action.before) action.before();
  if (action.fail.has_value()) return syscall::Result<size_t>::Error(*action.fail);
  if (action.claim.has_value()) return syscall::Result<size_t>::Ok(*action.claim);
  return real(std::min(len, action.max_bytes));
}

// The probe of a system call that moves bytes: its scripted answer, else the kernel's.
template <typename Real>
syscall::Result<size_t> Probed(ScriptedCall& script, const Real& real) {
  if (std::optional<syscall::Errno> answer = script.NextProbe()) {
    return syscall::Result<size_t>::Error(*answer);
  }
  return real();
}

// A call that only fails when scripted to.
template <typename T, typename Real>
syscall::Result<T> FailOrPass(ScriptedCall& script, const Real& real) {
  const ScriptedCall::Action action = script.NextRound();
  if (action.fail.has_value()) return syscall::Result<T>::Error(*action.fail);
  return real();
}

}  // namespace

FakeSyscalls::FakeSyscalls() : previous_(internal::Install(this)) {}

FakeSyscalls::~FakeSyscalls() { internal::Install(previous_); }

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

std::vector<FakeSyscalls::SendFileCall> FakeSyscalls::sendfile_calls() const {
  absl::MutexLock lock(&mu_);
  return sendfile_calls_;
}

std::vector<FakeSyscalls::SpliceCall> FakeSyscalls::splice_calls() const {
  absl::MutexLock lock(&mu_);
  return splice_calls_;
}

std::vector<FakeSyscalls::PollCall> FakeSyscalls::poll_calls() const {
  absl::MutexLock lock(&mu_);
  return poll_calls_;
}

int FakeSyscalls::pipes_made() const {
  absl::MutexLock lock(&mu_);
  return pipes_made_;
}

int FakeSyscalls::kernel_version_queries() const {
  absl::MutexLock lock(&mu_);
  return kernel_version_queries_;
}

syscall::Result<size_t> FakeSyscalls::CopyFileRange(int in_fd, int64_t* in_off, int out_fd,
                                                    int64_t* out_off, size_t len, unsigned flags) {
  const auto real = [&](size_t n) {
    return syscall::CopyFileRange(in_fd, in_off, out_fd, out_off, n, flags);
  };
  if (in_fd == -1 && out_fd == -1) return Probed(copy_file_range, [&] { return real(len); });
  {
    absl::MutexLock lock(&mu_);
    copy_file_range_calls_.push_back(
        {in_fd, in_off == nullptr, out_fd, out_off == nullptr, len, flags});
  }
  return Scripted(copy_file_range, len, real);
}

syscall::Result<size_t> FakeSyscalls::SendFile(int out_fd, int in_fd, int64_t* offset,
                                               size_t count) {
  const auto real = [&](size_t n) {
    return syscall::SendFile(out_fd, in_fd, offset, n);
  };
  if (in_fd == -1 && out_fd == -1) return Probed(sendfile, [&] { return real(count); });
  {
    absl::MutexLock lock(&mu_);
    sendfile_calls_.push_back({out_fd, in_fd, offset == nullptr, count});
  }
  return Scripted(sendfile, count, real);
}

syscall::Result<size_t> FakeSyscalls::Splice(int in_fd, int64_t* in_off, int out_fd,
                                             int64_t* out_off, size_t len, unsigned flags) {
  const auto real = [&](size_t n) {
    return syscall::Splice(in_fd, in_off, out_fd, out_off, n, flags);
  };
  if (in_fd == -1 && out_fd == -1) return Probed(splice, [&] { return real(len); });
  {
    absl::MutexLock lock(&mu_);
    splice_calls_.push_back({in_fd, in_off == nullptr, out_fd, out_off == nullptr, len, flags});
  }
  return Scripted(splice, len, real);
}

syscall::Result<std::array<int, 2>> FakeSyscalls::Pipe(int flags) {
  {
    absl::MutexLock lock(&mu_);
    ++pipes_made_;
  }
  return FailOrPass<std::array<int, 2>>(pipe, [flags] { return syscall::Pipe(flags); });
}

syscall::Result<int> FakeSyscalls::SetPipeSize(int fd, int size) {
  return FailOrPass<int>(set_pipe_size, [=] { return syscall::SetPipeSize(fd, size); });
}

syscall::Result<int> FakeSyscalls::GetPipeSize(int fd) { return syscall::GetPipeSize(fd); }

syscall::Result<int> FakeSyscalls::Poll(absl::Span<struct pollfd> fds, int timeout_ms) {
  {
    absl::MutexLock lock(&mu_);
    if (fds.empty()) {
      poll_calls_.push_back({});
    } else {
      poll_calls_.push_back({fds[0].fd, fds[0].events});
    }
  }
  return FailOrPass<int>(poll, [=] { return syscall::Poll(fds, timeout_ms); });
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
