#ifndef SYSPORT_OS_INTERNAL_FILE_ACCESS_H_
#define SYSPORT_OS_INTERNAL_FILE_ACCESS_H_

// What os's own code (the platform parts of File::ReadFrom) needs of a File
// that its public API does not show.

#include "os/file.h"
#include "poll/fd.h"

namespace sysport::os::internal {

struct FileAccess {
  // Non-const: the descriptor it hands out is used to change the file.
  // cppcheck-suppress constParameter
  static poll::FD& Fd(File& file) { return *file.pfd_; }
  static bool AppendMode(const File& file) { return file.append_mode_; }
};

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_FILE_ACCESS_H_
