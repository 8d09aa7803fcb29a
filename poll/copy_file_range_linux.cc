// poll::CopyFileRange: the chunked copy_file_range(2) loop that decides, errno
// by errno, whether the kernel handled a copy. The counterpart of Go's
// internal/poll/copy_file_range_linux.go.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "poll/copy_file_range.h"
#include "poll/error.h"
#include "poll/fd.h"
#include "poll/internal/copy_file_range_env.h"
#include "poll/internal/eintr.h"
#include "syscall/errno.h"
#include "syscall/linux.h"
#include "syscall/unix.h"

namespace sysport::poll {
namespace internal {
namespace {

class SystemEnv final : public CopyFileRangeEnv {
 public:
  syscall::Result<size_t> CopyFileRange(int in_fd, int64_t* in_off, int out_fd, int64_t* out_off,
                                        size_t len, unsigned flags) override {
    return syscall::CopyFileRange(in_fd, in_off, out_fd, out_off, len, flags);
  }
  syscall::KernelVersion GetKernelVersion() override { return syscall::GetKernelVersion(); }
};

SystemEnv g_system_env;
std::atomic<CopyFileRangeEnv*> g_env{&g_system_env};
std::atomic<CopyFileRangeSupport> g_support{CopyFileRangeSupport::kUnknown};

}  // namespace

CopyFileRangeEnv* SetCopyFileRangeEnv(CopyFileRangeEnv* env) {
  return g_env.exchange(env != nullptr ? env : &g_system_env);
}

CopyFileRangeSupport GetCopyFileRangeSupport() { return g_support.load(); }
void SetCopyFileRangeSupport(CopyFileRangeSupport support) { g_support.store(support); }

}  // namespace internal

namespace {

using internal::CopyFileRangeSupport;
using syscall::Errno;

// Decided once per process. copy_file_range(2) is broken in several ways
// before Linux 5.3 (Go issue 42400: cross-filesystem copies that return
// EXDEV or, worse, copy wrong data on some filesystems; short copies on
// others), so an older kernel means never try.
CopyFileRangeSupport Support(internal::CopyFileRangeEnv& env) {
  CopyFileRangeSupport support = internal::g_support.load(std::memory_order_acquire);
  if (support != CopyFileRangeSupport::kUnknown) return support;
  const CopyFileRangeSupport decided = env.GetKernelVersion().AtLeast(5, 3)
                                           ? CopyFileRangeSupport::kKernelOk
                                           : CopyFileRangeSupport::kKernelTooOld;
  // Racing first callers decide the same; whichever stores first wins.
  internal::g_support.compare_exchange_strong(support, decided, std::memory_order_acq_rel);
  return internal::g_support.load(std::memory_order_acquire);
}

// ENOSYS and EPERM can mean the system call is unusable in this process (an
// old kernel or qemu-user without it; a container whose seccomp profile
// answers EPERM, as Docker's did before 20.10) or something about these
// files only (EPERM: an immutable or append-only destination, or a swap
// file). Rust's std tells them apart with a probe that cannot succeed:
// with the system call working, two invalid descriptors give EBADF. The
// answer is kept, so the probe runs at most once per process.
bool ProbeSaysUnavailable(internal::CopyFileRangeEnv& env) {
  CopyFileRangeSupport support = internal::g_support.load(std::memory_order_acquire);
  if (support == CopyFileRangeSupport::kProbedOk) return false;
  if (support == CopyFileRangeSupport::kUnavailable) return true;
  auto probe = env.CopyFileRange(-1, nullptr, -1, nullptr, 1, 0);
  const bool unavailable = probe.error() == Errno(ENOSYS) || probe.error() == Errno(EPERM);
  internal::g_support.store(
      unavailable ? CopyFileRangeSupport::kUnavailable : CopyFileRangeSupport::kProbedOk,
      std::memory_order_release);
  return unavailable;
}

// Whether an errno from copy_file_range(2) means "the kernel cannot do this
// copy, do it another way" rather than "the copy failed". Go, Rust and
// coreutils each keep such a list; this one is their union plus what they miss.
static_assert(EOPNOTSUPP == ENOTSUP,
              "Linux defines ENOTSUP as EOPNOTSUPP; the switch lists it once");

bool MeansFallBack(Errno err) {
  switch (err.value()) {
    case ENOSYS:
      // The kernel lacks the system call (before 4.5), or something between
      // us and it does: qemu-user builds that do not forward it, gVisor-like
      // sandboxes. Some FUSE and 9p filesystems return it per file as well.
    case EXDEV:
      // Source and destination on different filesystems. Allowed from 5.3,
      // restricted again in 5.18/5.19 to filesystems of the same type that
      // implement it; tmpfs to ext4 gives EXDEV on current kernels.
    case EINVAL:
      // Not two regular files (pipes, sockets, character devices), or
      // overlapping ranges within one file, or offsets the filesystem rejects.
    case EIO:
      // CIFS/SMB servers that do not support server-side copy (Go issue 42400
      // follow-ups); also NFS servers mid-failover.
    case EOPNOTSUPP:
      // (== ENOTSUP on Linux) NFS without server-side copy (before 4.2 or
      // disabled), FUSE filesystems without copy_file_range, RHEL/CentOS 7
      // kernels.
    case EPERM:
      // seccomp in containers (confirmed by the probe, see above), or an
      // immutable/append-only destination, which the fallback reports itself.
    case EBADF:
      // The destination gained O_APPEND after it was opened (fcntl F_SETFL):
      // copy_file_range refuses appending destinations; write(2) appends fine.
      // Go still fails this copy (its issue 79660). A truly bad descriptor
      // fails again, with the same errno, in the fallback.
    case EFBIG:
      // Offsets near the filesystem's maximum file size.
    case EOVERFLOW:
      // offset + length overflows loff_t (Rust's std falls back here too).
    case EACCES:
      // CephFS and fuse-overlayfs refuse in-kernel copies they cannot check.
    case ENOENT:
      // CIFS: the server-side copy could not resolve the file it was asked to copy.
    case ETXTBSY:
      // The destination is a running executable or an active swap file on
      // some filesystems; write(2) gives the authoritative answer.
      return true;
    default:
      return false;
  }
}

// One round: at most `len` bytes, file offsets owned by the kernel (null
// offset pointers), dst's write lock and src's read lock held throughout,
// EINTR retried. A closed FD is Error::Closing().
struct Round {
  size_t n = 0;
  Error err;
};

Round CopyOneRound(internal::CopyFileRangeEnv& env, FD& dst, FD& src, size_t len) {
  if (!dst.WriteLock()) return {0, Error::Closing()};
  if (!src.ReadLock()) {
    dst.WriteUnlock();
    return {0, Error::Closing()};
  }
  const int in_fd = src.SysfdForRead();
  const int out_fd = dst.SysfdForWrite();
  auto r = internal::IgnoringEintr(
      [&] { return env.CopyFileRange(in_fd, nullptr, out_fd, nullptr, len, 0); });
  src.ReadUnlock();
  dst.WriteUnlock();
  if (!r.ok()) return {0, r.error()};
  return {r.value(), Error()};
}

}  // namespace

std::string_view FallbackName(CopyFileRangeFallback fallback) {
  switch (fallback) {
    case CopyFileRangeFallback::kNone:
      return "none";
    case CopyFileRangeFallback::kKernelTooOld:
      return "kernel too old";
    case CopyFileRangeFallback::kSyscallUnavailable:
      return "syscall unavailable";
    case CopyFileRangeFallback::kErrno:
      return "errno";
    case CopyFileRangeFallback::kNothingCopied:
      return "nothing copied";
  }
  return "unknown";
}

CopyFileRangeResult CopyFileRange(FD& dst, FD& src, int64_t remain) {
  CopyFileRangeResult result;
  if (remain <= 0) {
    result.handled = true;
    return result;
  }
  internal::CopyFileRangeEnv& env = *internal::g_env.load(std::memory_order_acquire);
  switch (Support(env)) {
    case CopyFileRangeSupport::kKernelTooOld:
      result.fallback = CopyFileRangeFallback::kKernelTooOld;
      return result;
    case CopyFileRangeSupport::kUnavailable:
      result.fallback = CopyFileRangeFallback::kSyscallUnavailable;
      return result;
    default:
      break;
  }

  while (remain > 0) {
    const auto len = static_cast<size_t>(std::min(remain, kMaxCopyFileRangeRound));
    const Round round = CopyOneRound(env, dst, src, len);
    if (!round.err.ok()) {
      const Errno err = round.err.errno_value();
      if (round.err.closing() || !MeansFallBack(err)) {
        // A real failure (ENOSPC, EDQUOT, a closed FD...): handled, with the
        // exact count so far and the error.
        result.handled = true;
        result.err = round.err;
        return result;
      }
      // Not handled: the caller's ordinary copy carries on from the file
      // offsets, which have advanced by exactly result.written.
      const bool process_wide =
          (err == Errno(ENOSYS) || err == Errno(EPERM)) && ProbeSaysUnavailable(env);
      result.fallback =
          process_wide ? CopyFileRangeFallback::kSyscallUnavailable : CopyFileRangeFallback::kErrno;
      result.fallback_errno = err;
      return result;
    }
    if (round.n == 0) {
      if (result.written == 0) {
        // Nothing at all: an empty source, or a file whose size the kernel
        // reports as 0 although reading it gives data (procfs, sysfs,
        // tracefs), where copy_file_range copies nothing. An ordinary read
        // tells the two apart at the cost of one read(2).
        result.fallback = CopyFileRangeFallback::kNothingCopied;
        return result;
      }
      break;  // end of the source
    }
    result.written += static_cast<int64_t>(round.n);
    remain -= static_cast<int64_t>(round.n);
  }
  result.handled = true;
  return result;
}

}  // namespace sysport::poll
