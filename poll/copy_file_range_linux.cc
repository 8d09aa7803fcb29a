// poll::CopyFileRange and CopyFileRangeAt: the chunked copy_file_range(2)
// loop that decides, errno by errno, whether the kernel handled a copy (the
// counterpart of Go's internal/poll/copy_file_range_linux.go), and
// poll::Clone, the whole-file FICLONE.

#include <sys/stat.h>

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

// Where CopyFileRangeAt reads and writes; the kernel advances both by what
// it copies.
struct ExplicitOffsets {
  int64_t src = 0;
  int64_t dst = 0;
};

// The copy_file_range(2) loop behind both entry points: at the file offsets
// when `at` is null, else at *at.
CopyResult CopyLoop(FD& dst, FD& src, int64_t remain, ExplicitOffsets* at) {
  int64_t* const src_off = at != nullptr ? &at->src : nullptr;
  int64_t* const dst_off = at != nullptr ? &at->dst : nullptr;
  if (remain <= 0) return CopyResult::Ended(kMethod, 0, 0);
  internal::CopySyscalls& sys = internal::Installed();
  switch (Support(sys)) {
    case CopyFileRangeSupport::kKernelTooOld:
      return CopyResult::FellBack(kMethod, 0, 0, Fallback::kKernelTooOld);
    case CopyFileRangeSupport::kUnavailable:
      return CopyResult::FellBack(kMethod, 0, 0, Fallback::kUnavailable);
    default:
      break;
  }

  int64_t written = 0;
  int64_t syscalls = 0;
  while (remain > 0) {
    const auto len = static_cast<size_t>(std::min(remain, kMaxCopyFileRangeRound));
    // One round: dst's write lock and src's read lock held throughout.
    if (!dst.WriteLock()) return CopyResult::Failed(kMethod, written, syscalls, Error::Closing());
    if (!src.ReadLock()) {
      dst.WriteUnlock();
      return CopyResult::Failed(kMethod, written, syscalls, Error::Closing());
    }
    const int in_fd = src.SysfdForRead();
    const int out_fd = dst.SysfdForWrite();
    const auto copied = internal::IgnoringEintr([&] {
      ++syscalls;
      return sys.CopyFileRange(in_fd, src_off, out_fd, dst_off, len, 0);
    });
    src.ReadUnlock();
    dst.WriteUnlock();

    if (!copied.ok()) {
      const Errno err = copied.error();
      // A real failure (ENOSPC, EDQUOT, ...): the exact count so far and the error.
      if (!MeansFallBack(err)) return CopyResult::Failed(kMethod, written, syscalls, err);
      if (err == Errno(ENOSYS) || err == Errno(EPERM)) {
        const ProbeAnswer probe = Probe(sys);
        syscalls += probe.syscalls;
        if (probe.unavailable) {
          return CopyResult::FellBack(kMethod, written, syscalls, Fallback::kUnavailable, err);
        }
      }
      // Not for these files: the caller's read/write loop carries on from the
      // offsets, which have advanced by exactly `written`.
      return CopyResult::FellBack(kMethod, written, syscalls, Fallback::kRefused, err);
    }
    if (copied.value() == 0) {
      if (written == 0) {
        // Nothing at all: an empty source, or a file whose size the kernel
        // reports as 0 although reading it gives data (procfs, sysfs,
        // tracefs), where copy_file_range copies nothing. An ordinary read
        // tells the two apart at the cost of one read(2).
        return CopyResult::FellBack(kMethod, 0, syscalls, Fallback::kNothingCopied);
      }
      break;  // the end of the source
    }
    written += static_cast<int64_t>(copied.value());
    remain -= static_cast<int64_t>(copied.value());
  }
  return CopyResult::Ended(kMethod, written, syscalls);
}

// Whether an errno from FICLONE means "these files cannot share extents,
// copy them another way" rather than "the copy failed". The kernel checks in
// this order (fs/remap_range.c, fs/ioctl.c, 4.5 and later).
bool CloneRefused(Errno err) {
  switch (err.value()) {
    case EXDEV:
      // Source and destination on different mounts (ioctl_file_clone), or
      // on different superblocks (vfs_clone_file_range).
    case EOPNOTSUPP:
      // The filesystem has no remap_file_range (ext4, tmpfs, ...), or has it
      // but this one cannot share extents (XFS made without reflink=1,
      // NFS servers before 4.2).
    case ENOTTY:
      // A filesystem whose ioctl handler knows no FICLONE: kernels before 4.5
      // outside btrfs, some FUSE filesystems.
    case EINVAL:
      // Not two regular files (a pipe, a device), or a range the filesystem
      // cannot clone (unaligned ends that are not the end of the file).
    case EISDIR:
      // A directory on either side.
    case EBADF:
      // The destination is open for appending (generic_file_rw_checks), or
      // not open for writing; the ordinary copy gives the authoritative error.
    case EPERM:
      // An immutable or append-only destination, or a seccomp profile that
      // forbids the ioctl; the ordinary copy gives the authoritative error.
    case ETXTBSY:
      // Either file is an active swap file (generic_remap_checks).
      return true;
    default:
      return false;
  }
}

}  // namespace

CopyResult CopyFileRange(FD& dst, FD& src, int64_t remain) {
  return CopyLoop(dst, src, remain, nullptr);
}

CopyResult CopyFileRangeAt(FD& dst, int64_t dst_offset, FD& src, int64_t src_offset, int64_t len) {
  ExplicitOffsets at{.src = src_offset, .dst = dst_offset};
  return CopyLoop(dst, src, len, &at);
}

CopyResult Clone(FD& dst, FD& src) {
  constexpr CopyMethod kClone = CopyMethod::kClone;
  internal::CopySyscalls& sys = internal::Installed();
  if (!dst.WriteLock()) return CopyResult::Failed(kClone, 0, 0, Error::Closing());
  if (!src.ReadLock()) {
    dst.WriteUnlock();
    return CopyResult::Failed(kClone, 0, 0, Error::Closing());
  }
  const int in_fd = src.SysfdForRead();
  const int out_fd = dst.SysfdForWrite();
  int64_t syscalls = 0;
  const Errno err = internal::IgnoringEintr([&] {
    ++syscalls;
    return sys.Ficlone(out_fd, in_fd);
  });
  src.ReadUnlock();
  dst.WriteUnlock();
  if (err == Errno(ENOSYS)) {
    // No FICLONE at all: qemu-user builds that do not know the request, or a
    // sandbox that filters ioctls.
    return CopyResult::FellBack(kClone, 0, syscalls, Fallback::kUnavailable, err);
  }
  if (CloneRefused(err)) return CopyResult::FellBack(kClone, 0, syscalls, Fallback::kRefused, err);
  if (!err.ok()) return CopyResult::Failed(kClone, 0, syscalls, err);
  // The clone took the source as it was at that moment: the destination's
  // size is the exact count, whatever the source's size was before.
  const syscall::Result<struct stat> st = dst.Fstat();
  ++syscalls;
  if (!st.ok()) return CopyResult::Failed(kClone, 0, syscalls, st.error());
  return CopyResult::Ended(kClone, st.value().st_size, syscalls);
}

}  // namespace sysport::poll
