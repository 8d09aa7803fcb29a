// poll::CopyFileRange and CopyFileRangeAt: the chunked copy_file_range(2)
// loop that decides, errno by errno, whether the kernel handled a copy (the
// counterpart of Go's internal/poll/copy_file_range_linux.go), and
// poll::Clone, the whole-file FICLONE.

#include <sys/stat.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "poll/copy_file_range.h"
#include "poll/copy_result.h"
#include "poll/fd.h"
#include "poll/internal/copy_rounds.h"
#include "poll/internal/copy_syscalls.h"
#include "poll/internal/eintr.h"
#include "syscall/errno.h"
#include "syscall/result.h"

namespace sysport::poll {
namespace {

using internal::KernelCheck;
using syscall::Errno;

constexpr CopyMethod kMethod = CopyMethod::kCopyFileRange;

// Decided once per CopySyscalls. copy_file_range(2) is broken in several ways
// before Linux 5.3 (Go issue 42400: cross-filesystem copies that return
// EXDEV or, worse, copy wrong data on some filesystems; short copies on
// others), so an older kernel means never try.
KernelCheck CheckKernel(internal::CopySyscalls& sys) {
  KernelCheck known = sys.copy_file_range_kernel.load();
  if (known != KernelCheck::kUnknown) return known;
  const KernelCheck decided =
      sys.KernelVersion().AtLeast(5, 3) ? KernelCheck::kOk : KernelCheck::kTooOld;
  // Racing first callers decide the same; whichever stores first wins.
  sys.copy_file_range_kernel.compare_exchange_strong(known, decided);
  return sys.copy_file_range_kernel.load();
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
    case EISDIR:
      // A directory on either side: the same type check as EINVAL's
      // (generic_file_rw_checks), so File::ReadFrom, which tries
      // copy_file_range before it knows the types, hands the copy to the
      // read/write loop, whose read(2) gives the authoritative "is a directory".
    case EIO:
      // CIFS/SMB servers that do not support server-side copy (Go issue 42400
      // follow-ups); also NFS servers mid-failover.
    case EOPNOTSUPP:
      // (== ENOTSUP on Linux) NFS without server-side copy (before 4.2 or
      // disabled), FUSE filesystems without copy_file_range, RHEL/CentOS 7
      // kernels.
    case EPERM:
      // seccomp in containers (confirmed by the probe, see
      // poll/internal/copy_rounds.h), or an
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

bool ShowsRegularFiles(const CopyResult& result) {
  if (result.outcome() != CopyResult::Outcome::kFellBack || result.n() > 0) return true;
  switch (result.fallback()) {
    case Fallback::kNothingCopied:
      // copy_file_range returned 0: every check passed (an empty source, or
      // a procfs or sysfs file, which are regular files of size 0).
      return true;
    case Fallback::kRefused:
      // EXDEV: two filesystems, checked after both types (vfs_copy_file_range,
      // 5.3 and later; kernels older than 5.3 are never asked). The other
      // refusals may be about the types (EINVAL, EISDIR) or come before the
      // checks (a seccomp profile's EPERM), so they tell nothing.
      return result.fallback_errno() == Errno(EXDEV);
    default:
      // Decided without asking the kernel (too old, unavailable).
      return false;
  }
}

bool PageCacheCopyMayWork(const CopyResult& result) {
  if (result.outcome() != CopyResult::Outcome::kFellBack) return false;
  switch (result.fallback()) {
    case Fallback::kKernelTooOld:  // Rust's std uses sendfile on such kernels
    case Fallback::kUnavailable:   // a sandbox without copy_file_range may still allow sendfile
      return true;
    case Fallback::kRefused:
      break;
    default:
      return false;
  }
  switch (result.fallback_errno().value()) {
    case EXDEV:       // two filesystems: the case Rust's std falls back to sendfile for
    case EOPNOTSUPP:  // the filesystem has no copy_file_range (NFS < 4.2, FUSE) but a page cache
    case EIO:         // CIFS/SMB without server-side copy: reading and writing still work
    case ENOENT:      // the same, as some CIFS servers answer
    case EACCES:      // CephFS and fuse-overlayfs check in-kernel copies, not reads and writes
    case ENOSYS:      // refused per file (FUSE, 9p) while the probe says the call works
      return true;
    default:
      // EINVAL (not two regular files, or overlapping ranges of one file, which
      // sendfile would corrupt just the same), EBADF (an O_APPEND destination,
      // which sendfile refuses too), EFBIG and EOVERFLOW (limits sendfile has as
      // well), EPERM and ETXTBSY (the destination itself refuses writes):
      // nothing a page-cache copy would change.
      return false;
  }
}

namespace {

// The copy_file_range(2) loop behind both entry points: at the file offsets
// when `at` is null, else at *at, which the kernel advances by what it copies.
struct ExplicitOffsets {
  int64_t src = 0;
  int64_t dst = 0;
};

CopyResult CopyLoop(FD& dst, FD& src, int64_t remain, ExplicitOffsets* at) {
  if (remain <= 0) return CopyResult::Ended(kMethod, {});
  internal::CopySyscalls& sys = internal::Installed();
  if (CheckKernel(sys) == KernelCheck::kTooOld) {
    return CopyResult::NotTried(kMethod, Fallback::kKernelTooOld);
  }
  const internal::Method method = {
      .method = kMethod,
      .max_round = kMaxCopyFileRangeRound,
      .availability = &sys.copy_file_range_availability,
      .zero_first_round_falls_back = true,
      .means_fall_back = MeansFallBack,
  };
  int64_t* const src_off = at != nullptr ? &at->src : nullptr;
  int64_t* const dst_off = at != nullptr ? &at->dst : nullptr;
  // One round: the file offsets (null offset pointers) or the explicit ones.
  // Both ends are regular files, which never answer EAGAIN.
  const auto round = [&sys, src_off, dst_off](int in_fd, int out_fd, size_t len,
                                              int64_t& syscalls) {
    return internal::FromCall(internal::CallWaiting(
        sys, [&] { return sys.CopyFileRange(in_fd, src_off, out_fd, dst_off, len, 0); }, {},
        syscalls));
  };
  const auto probe = [&sys] {
    return sys.CopyFileRange(-1, nullptr, -1, nullptr, 1, 0).error();
  };
  return internal::CopyInRounds(dst, src, remain, method, round, probe);
}

}  // namespace

bool CopyFileRangeMayReachKernel() {
  internal::CopySyscalls& sys = internal::Installed();
  return CheckKernel(sys) == KernelCheck::kOk &&
         sys.copy_file_range_availability.load() != internal::Availability::kUnavailable;
}

CopyResult CopyFileRange(FD& dst, FD& src, int64_t remain) {
  return CopyLoop(dst, src, remain, nullptr);
}

// Each offset beside its file, as pwrite(2) and pread(2) put them.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
CopyResult CopyFileRangeAt(FD& dst, int64_t dst_offset, FD& src, int64_t src_offset, int64_t len) {
  ExplicitOffsets at{.src = src_offset, .dst = dst_offset};
  return CopyLoop(dst, src, len, &at);
}

CopyResult Clone(FD& dst, FD& src) {
  constexpr CopyMethod kClone = CopyMethod::kClone;
  internal::CopySyscalls& sys = internal::Installed();
  CopyProgress done;
  if (!dst.WriteLock()) return CopyResult::Failed(kClone, done, Error::Closing());
  if (!src.ReadLock()) {
    dst.WriteUnlock();
    return CopyResult::Failed(kClone, done, Error::Closing());
  }
  const int in_fd = src.SysfdForRead();
  const int out_fd = dst.SysfdForWrite();
  const Errno err = internal::IgnoringEintr([&] {
    ++done.syscalls;
    return sys.Ficlone(out_fd, in_fd);
  });
  src.ReadUnlock();
  dst.WriteUnlock();
  if (err == Errno(ENOSYS)) {
    // No FICLONE at all: qemu-user builds that do not know the request, or a
    // sandbox that filters ioctls.
    return CopyResult::FellBack(kClone, done, Fallback::kUnavailable, err);
  }
  if (CloneRefused(err)) return CopyResult::FellBack(kClone, done, Fallback::kRefused, err);
  if (!err.ok()) return CopyResult::Failed(kClone, done, err);
  // The clone took the source as it was at that moment: the destination's
  // size is the exact count, whatever the source's size was before.
  const syscall::Result<struct stat> st = dst.Fstat();
  ++done.syscalls;
  if (!st.ok()) return CopyResult::Failed(kClone, done, st.error());
  done.bytes = st.value().st_size;
  return CopyResult::Ended(kClone, done);
}

}  // namespace sysport::poll
