#ifndef SYSPORT_OS_INTERNAL_FILE_ACCESS_H_
#define SYSPORT_OS_INTERNAL_FILE_ACCESS_H_

// What os's own code (the platform parts of File::ReadFrom and WriteTo)
// needs of a File that its public API does not show.

#include <sys/stat.h>
#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "os/file.h"
#include "poll/fd.h"
#include "syscall/result.h"

namespace sysport::os::internal {

struct FileAccess {
  // The FD, to lock and copy with: only from a File the caller may change.
  // cppcheck-suppress constParameter
  static poll::FD& Fd(File& file) { return *file.pfd_; }
  static bool AppendMode(const File& file) { return file.append_mode_; }
  // The file's type, from one fstat(2) per File (a descriptor's type never
  // changes); kUnknown if fstat fails (a closed file).
  static FileType Type(File& file) { return file.TypeOnce(); }
  // The type if the File has learned it already; no system call.
  static std::optional<FileType> KnownType(const File& file) { return file.KnownType(); }
  // For a file whose type its maker knows (O_TMPFILE makes a regular file).
  static void RememberType(File& file, FileType type) { file.RememberType(type); }
  // A FileInfo from what stat(2) or fstat(2) filled in.
  static FileInfo Info(const struct stat& st);
  // open(2) of a path, through os's one open (internal::OpenAt).
  static syscall::Result<int> Open(const char* path, int flags, mode_t perm);
  // A File of a descriptor this package opened with `flags`: whether it
  // appends, and the type where the flags tell it (O_CREAT|O_EXCL makes a
  // regular file, O_DIRECTORY opens only a directory), with no system call.
  static std::unique_ptr<File> Adopt(int fd, std::string name, int flags);
};

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_FILE_ACCESS_H_
