#ifndef SYSPORT_OS_INTERNAL_FILE_ACCESS_H_
#define SYSPORT_OS_INTERNAL_FILE_ACCESS_H_

// What os's own code (the platform parts of File::ReadFrom and WriteTo)
// needs of a File that its public API does not show.

#include "os/file.h"
#include "poll/fd.h"

namespace sysport::os::internal {

struct FileAccess {
  // The FD, to lock and copy with: only from a File the caller may change.
  // cppcheck-suppress constParameter
  static poll::FD& Fd(File& file) { return *file.pfd_; }
  static bool AppendMode(const File& file) { return file.append_mode_; }
  // The file's type, from one fstat(2) per File (a descriptor's type never
  // changes); kUnknown if fstat fails (a closed file).
  static FileType Type(File& file) { return file.TypeOnce(); }
};

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_FILE_ACCESS_H_
