#ifndef SYSPORT_POLL_TESTING_FAKE_SYSCALLS_H_
#define SYSPORT_POLL_TESTING_FAKE_SYSCALLS_H_

// Test-only seam for poll's in-kernel copies (Go's export_linux_test.go): a
// fake system that passes each system call through to the kernel, except
// where a test scripts an errno or a short count for a given round, and that
// records every call. Creating a FakeSyscalls installs it (with nothing
// learned about the system yet, and an empty pipe pool); destroying it
// reinstalls the previous one.

#include <poll.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "poll/internal/copy_syscalls.h"
#include "syscall/errno.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::poll::testing {

// The script of one system call, by round: its k-th call (1-based; the probe
// is not a round) passes through to the kernel unless told otherwise here.
// For splice through a pipe, each splice(2) is a round: into the pipe, then
// out of it.
class ScriptedCall {
 public:
  // Round k fails with `err` without copying anything.
  void FailRound(int round, syscall::Errno err);
  // Every round from `round` on fails with `err`.
  void FailFromRound(int round, syscall::Errno err);
  // Round k copies (for real) at most `max_bytes`: a short count.
  void ShortRound(int round, size_t max_bytes);
  // Round k returns `n` without copying anything (a lying filesystem).
  void ReturnWithoutCopying(int round, size_t n);
  // Round k runs `hook` first (with no lock of the fake held), then does
  // what it would have done: e.g. close a file from another thread while the
  // copy holds its lock.
  void BeforeRound(int round, std::function<void()> hook);

  // What the probe (the call with two invalid descriptors) answers. Default:
  // the real kernel's answer.
  void SetProbeResult(syscall::Errno err);
  // How many times the probe was made.
  int probes() const;

  // What the next round does. For FakeSyscalls.
  struct Action {
    std::optional<syscall::Errno> fail;
    std::optional<size_t> claim;   // return this without copying
    size_t max_bytes = SIZE_MAX;   // otherwise copy at most this
    std::function<void()> before;  // run first, if set
  };
  Action NextRound();
  // Counts a probe; its scripted answer, if any. For FakeSyscalls.
  std::optional<syscall::Errno> NextProbe();

 private:
  mutable absl::Mutex mu_;
  int rounds_ ABSL_GUARDED_BY(mu_) = 0;
  int probes_ ABSL_GUARDED_BY(mu_) = 0;
  std::optional<syscall::Errno> probe_result_ ABSL_GUARDED_BY(mu_);
  std::map<int, syscall::Errno> fail_ ABSL_GUARDED_BY(mu_);
  std::optional<std::pair<int, syscall::Errno>> fail_from_ ABSL_GUARDED_BY(mu_);
  std::map<int, size_t> short_ ABSL_GUARDED_BY(mu_);
  std::map<int, size_t> claim_ ABSL_GUARDED_BY(mu_);
  std::map<int, std::function<void()>> before_ ABSL_GUARDED_BY(mu_);
};

class FakeSyscalls final : public internal::CopySyscalls {
 public:
  // A copy_file_range(2) call's arguments.
  struct CopyFileRangeCall {
    int in_fd = -1;
    bool in_off_null = false;
    int out_fd = -1;
    bool out_off_null = false;
    size_t len = 0;
    unsigned flags = 0;
  };

  // A sendfile(2) call's arguments.
  struct SendFileCall {
    int out_fd = -1;
    int in_fd = -1;
    bool offset_null = false;
    size_t count = 0;
  };
  // A splice(2) call's arguments: the same six as copy_file_range's.
  using SpliceCall = CopyFileRangeCall;
  // A poll(2) call's (first) descriptor and events.
  struct PollCall {
    int fd = -1;
    decltype(pollfd::events) events = 0;
  };

  FakeSyscalls();
  ~FakeSyscalls() override;
  FakeSyscalls(const FakeSyscalls&) = delete;
  FakeSyscalls& operator=(const FakeSyscalls&) = delete;

  ScriptedCall copy_file_range;
  ScriptedCall sendfile;
  ScriptedCall splice;
  // pipe2(2) for splice's intermediate pipes, F_SETPIPE_SZ and poll(2): only
  // FailRound and FailFromRound apply.
  ScriptedCall pipe;
  ScriptedCall set_pipe_size;
  ScriptedCall poll;
  // FICLONE's rounds: FailRound scripts an errno; the others do not apply
  // (a clone is all or nothing).
  ScriptedCall ficlone;

  // copy_file_range's probe answer and count (as copy_file_range.SetProbeResult).
  void SetProbeResult(syscall::Errno err) { copy_file_range.SetProbeResult(err); }
  int probes() const { return copy_file_range.probes(); }
  // The kernel version the copies see. Default: the real one.
  void SetKernelVersion(syscall::KernelVersion version);

  // Rounds only (no probes), in order.
  std::vector<CopyFileRangeCall> copy_file_range_calls() const;
  std::vector<SendFileCall> sendfile_calls() const;
  std::vector<SpliceCall> splice_calls() const;
  std::vector<PollCall> poll_calls() const;
  int pipes_made() const;
  int ficlone_calls() const;
  int kernel_version_queries() const;

  syscall::Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                        size_t len, unsigned flags) override;
  syscall::Result<size_t> SendFile(int out_fd, int in_fd, int64_t* offset, size_t count) override;
  syscall::Result<size_t> Splice(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                 size_t len, unsigned flags) override;
  syscall::Result<std::array<int, 2>> Pipe(int flags) override;
  syscall::Result<int> SetPipeSize(int fd, int size) override;
  syscall::Result<int> GetPipeSize(int fd) override;
  syscall::Result<int> Poll(absl::Span<struct pollfd> fds, int timeout_ms) override;
  syscall::Errno Ficlone(int dst_fd, int src_fd) override;
  syscall::KernelVersion KernelVersion() override;

 private:
  mutable absl::Mutex mu_;
  std::optional<syscall::KernelVersion> kernel_version_ ABSL_GUARDED_BY(mu_);
  std::vector<CopyFileRangeCall> copy_file_range_calls_ ABSL_GUARDED_BY(mu_);
  std::vector<SendFileCall> sendfile_calls_ ABSL_GUARDED_BY(mu_);
  std::vector<SpliceCall> splice_calls_ ABSL_GUARDED_BY(mu_);
  std::vector<PollCall> poll_calls_ ABSL_GUARDED_BY(mu_);
  int pipes_made_ ABSL_GUARDED_BY(mu_) = 0;
  int ficlone_calls_ ABSL_GUARDED_BY(mu_) = 0;
  int kernel_version_queries_ ABSL_GUARDED_BY(mu_) = 0;

  internal::CopySyscalls* const previous_;
};

}  // namespace sysport::poll::testing

#endif  // SYSPORT_POLL_TESTING_FAKE_SYSCALLS_H_
