// os::CopyFile's platform part on Linux: FICLONE and copy_file_range(2) at
// explicit offsets (through //poll), and O_TMPFILE files named with linkat(2).

#include <fcntl.h>
#include <sys/types.h>

#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "os/error.h"
#include "os/file.h"
#include "os/internal/file_access.h"
#include "os/internal/kernel_copy_file.h"
#include "poll/copy_file_range.h"
#include "poll/copy_result.h"
#include "poll/fd.h"
#include "syscall/errno.h"
#include "syscall/unix.h"

namespace sysport::os::internal {
namespace {

using poll::CopyResult;
using poll::Fallback;

// What os decides before any system call, for either method.
// copy_file_range(2) and FICLONE both refuse a destination opened with
// O_APPEND (EBADF); the read/write loop reports the source's own "file
// already closed".
std::optional<CopyResult> DecidedWithoutTrying(const File& dst, const File& src,
                                               poll::CopyMethod method) {
  if (FileAccess::AppendMode(dst)) return CopyResult::NotTried(method, Fallback::kAppendMode);
  if (src.Fd() < 0) return CopyResult::NotTried(method, Fallback::kSourceClosed);
  return std::nullopt;
}

}  // namespace

CopyResult KernelClone(File& dst, File& src) {
  if (auto decided = DecidedWithoutTrying(dst, src, poll::CopyMethod::kClone)) return *decided;
  return poll::Clone(FileAccess::Fd(dst), FileAccess::Fd(src));
}

bool KernelCopyClones() { return poll::CopyFileRangeMayReachKernel(); }

CopyResult KernelCopyRange(File& dst, int64_t dst_offset, File& src, int64_t src_offset,
                           int64_t len) {
  if (auto decided = DecidedWithoutTrying(dst, src, poll::CopyMethod::kCopyFileRange)) {
    return *decided;
  }
  return poll::CopyFileRangeAt(FileAccess::Fd(dst), dst_offset, FileAccess::Fd(src), src_offset,
                               len);
}

// (dir, name) as the header declares them: the directory, then the name for messages.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters)
absl::StatusOr<std::unique_ptr<File>> OpenUnnamed(const std::string& dir, const std::string& name,
                                                  mode_t perm) {
  const syscall::Result<int> fd =
      FileAccess::Open(dir.c_str(), O_TMPFILE | O_WRONLY | O_CLOEXEC, perm);
  if (!fd.ok()) {
    const syscall::Errno err = fd.error();
    // The filesystem has no tmpfile operation (NFS, vfat, many FUSE
    // filesystems, overlayfs before 4.x): EOPNOTSUPP. Kernels before 3.11
    // know no O_TMPFILE and see O_DIRECTORY with O_WRONLY: EISDIR.
    if (err == syscall::Errno(EOPNOTSUPP) || err == syscall::Errno(EISDIR)) {
      return absl::UnimplementedError(absl::StrCat("open ", dir, ": O_TMPFILE: ", err.Message()));
    }
    return PathError("open", dir, err, "O_TMPFILE");
  }
  std::unique_ptr<File> file = File::NewFile(fd.value(), name);
  FileAccess::RememberType(*file, FileType::kRegular);
  return file;
}

absl::Status LinkUnnamed(File& file, const std::string& path) {
  poll::FD& pfd = FileAccess::Fd(file);
  if (!pfd.Incref()) return ClosedError("link", path);
  const int fd = pfd.SysfdForRef();
  // Through /proc, which needs no privilege; AT_EMPTY_PATH needs
  // CAP_DAC_READ_SEARCH, and is the way left where /proc is not mounted
  // (ENOENT: a chroot or a minimal container).
  const std::string proc = absl::StrCat("/proc/self/fd/", fd);
  syscall::Errno err =
      syscall::Linkat(AT_FDCWD, proc.c_str(), AT_FDCWD, path.c_str(), AT_SYMLINK_FOLLOW);
  if (err == syscall::Errno(ENOENT)) {
    err = syscall::Linkat(fd, "", AT_FDCWD, path.c_str(), AT_EMPTY_PATH);
  }
  pfd.Decref();
  if (!err.ok()) return PathError("link", path, err);
  return absl::OkStatus();
}

}  // namespace sysport::os::internal
