// poll::CopyFileRange: the chunked copy_file_range(2) loop that decides, errno
// by errno, whether the kernel handled a copy. The counterpart of Go's
// internal/poll/copy_file_range_linux.go.

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "poll/copy_file_range.h"
#include "poll/copy_result.h"
#include "poll/error.h"
#include "poll/fd.h"
#include "poll/internal/copy_syscalls.h"
#include "poll/internal/eintr.h"
#include "syscall/errno.h"

namespace sysport::poll {
namespace {

using internal::CopyFileRangeSupport;
using syscall::Errno;

constexpr CopyMethod kMethod = CopyMethod::kCopyFileRange;

// Decided once per CopySyscalls. copy_file_range(2) is broken in several ways
// before Linux 5.3 (Go issue 42400: cross-filesystem copies that return
// EXDEV or, worse, copy wrong data on some filesystems; short copies on
// others), so an older kernel means never try.
CopyFileRangeSupport Support(internal::CopySyscalls& sys) {
  CopyFileRangeSupport support = sys.copy_file_range_support.load();
  if (support != CopyFileRangeSupport::kUnknown) return support;
  const CopyFileRangeSupport decided = sys.KernelVersion().AtLeast(5, 3)
                                           ? CopyFileRangeSupport::kKernelOk
                                           : CopyFileRangeSupport::kKernelTooOld;
  // Racing first callers decide the same; whichever stores first wins.
  sys.copy_file_range_support.compare_exchange_strong(support, decided);
  return sys.copy_file_range_support.load();
}

// ENOSYS and EPERM can mean the system call is unusable in this process (an
// old kernel or qemu-user without it; a container whose seccomp profile
// answers EPERM, as Docker's did before 20.10) or something about these
// files only (EPERM: an immutable or append-only destination, or a swap
// file). Rust's std tells them apart with a probe that cannot succeed:
// with the system call working, two invalid descriptors give EBADF. The
// answer is kept, so the probe runs at most once per CopySyscalls.
struct ProbeAnswer {
  bool unavailable = false;
  int64_t syscalls = 0;  // 1 if the probe ran now, 0 if the answer was known
};

ProbeAnswer Probe(internal::CopySyscalls& sys) {
  const CopyFileRangeSupport support = sys.copy_file_range_support.load();
  if (support == CopyFileRangeSupport::kProbedOk) return {false, 0};
  if (support == CopyFileRangeSupport::kUnavailable) return {true, 0};
  const Errno answer = sys.CopyFileRange(-1, nullptr, -1, nullptr, 1, 0).error();
  const bool unavailable = answer == Errno(ENOSYS) || answer == Errno(EPERM);
  sys.copy_file_range_support.store(unavailable ? CopyFileRangeSupport::kUnavailable
                                                : CopyFileRangeSupport::kProbedOk);
  return {unavailable, 1};
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

}  // namespace

CopyResult CopyFileRange(FD& dst, FD& src, int64_t remain) {
  if (remain <= 0) return CopyResult::Ended(kMethod, {});
  internal::CopySyscalls& sys = internal::Installed();
  switch (Support(sys)) {
    case CopyFileRangeSupport::kKernelTooOld:
      return CopyResult::NotTried(kMethod, Fallback::kKernelTooOld);
    case CopyFileRangeSupport::kUnavailable:
      return CopyResult::NotTried(kMethod, Fallback::kUnavailable);
    default:
      break;
  }

  CopyProgress done;
  while (remain > 0) {
    const auto len = static_cast<size_t>(std::min(remain, kMaxCopyFileRangeRound));
    // One round: file offsets owned by the kernel (null offset pointers),
    // dst's write lock and src's read lock held throughout.
    if (!dst.WriteLock()) return CopyResult::Failed(kMethod, done, Error::Closing());
    if (!src.ReadLock()) {
      dst.WriteUnlock();
      return CopyResult::Failed(kMethod, done, Error::Closing());
    }
    const int in_fd = src.SysfdForRead();
    const int out_fd = dst.SysfdForWrite();
    const auto copied = internal::IgnoringEintr([&] {
      ++done.syscalls;
      return sys.CopyFileRange(in_fd, nullptr, out_fd, nullptr, len, 0);
    });
    src.ReadUnlock();
    dst.WriteUnlock();

    if (!copied.ok()) {
      const Errno err = copied.error();
      // A real failure (ENOSPC, EDQUOT, ...): the exact count so far and the error.
      if (!MeansFallBack(err)) return CopyResult::Failed(kMethod, done, err);
      if (err == Errno(ENOSYS) || err == Errno(EPERM)) {
        const ProbeAnswer probe = Probe(sys);
        done.syscalls += probe.syscalls;
        if (probe.unavailable) {
          return CopyResult::FellBack(kMethod, done, Fallback::kUnavailable, err);
        }
      }
      // Not for these files: the caller's read/write loop carries on from the
      // file offsets, which have advanced by exactly done.bytes.
      return CopyResult::FellBack(kMethod, done, Fallback::kRefused, err);
    }
    if (copied.value() == 0) {
      if (done.bytes == 0) {
        // Nothing at all: an empty source, or a file whose size the kernel
        // reports as 0 although reading it gives data (procfs, sysfs,
        // tracefs), where copy_file_range copies nothing. An ordinary read
        // tells the two apart at the cost of one read(2).
        return CopyResult::FellBack(kMethod, done, Fallback::kNothingCopied);
      }
      break;  // the end of the source
    }
    done.bytes += static_cast<int64_t>(copied.value());
    remain -= static_cast<int64_t>(copied.value());
  }
  return CopyResult::Ended(kMethod, done);
}

}  // namespace sysport::poll
