#ifndef SYSPORT_OS_INTERNAL_KERNEL_COPY_FILE_H_
#define SYSPORT_OS_INTERNAL_KERNEL_COPY_FILE_H_

// The platform part of os::CopyFile: copy_file_linux.cc or copy_file_stub.cc,
// chosen by the build with File::ReadFrom's (see os/BUILD).

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "os/file.h"
#include "poll/copy_result.h"

namespace sysport::os::internal {

// dst's whole contents become src's, sharing its extents (FICLONE), or why not.
poll::CopyResult KernelClone(File& dst, File& src);

// Whether KernelCopyRange and File::ReadFrom's copies between regular files
// share the extents by themselves where the filesystem can (copy_file_range
// reaches the kernel), so that reflink=auto needs no clone of its own.
bool KernelCopyClones();

// At most `len` bytes from src at `src_offset` to dst at `dst_offset`, in the
// kernel, neither file offset moving; or why not, with the exact count.
poll::CopyResult KernelCopyRange(File& dst, int64_t dst_offset, File& src, int64_t src_offset,
                                 int64_t len);

// A new file in directory `dir` with no name yet (O_TMPFILE), open for
// writing, created with `perm` less the umask; `name` is what error messages
// call it. An error with code kUnimplemented where the platform or the
// filesystem has no such files; the caller then makes a named one.
absl::StatusOr<std::unique_ptr<File>> OpenUnnamed(const std::string& dir, const std::string& name,
                                                  mode_t perm);

// Gives a file from OpenUnnamed its first name, `path` (which must not exist).
absl::Status LinkUnnamed(File& file, const std::string& path);

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_KERNEL_COPY_FILE_H_
