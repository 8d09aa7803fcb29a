#ifndef SYSPORT_TOOLS_COPY_FILES_H_
#define SYSPORT_TOOLS_COPY_FILES_H_

// The one place the copy tool opens and checks its two files. Everything that
// can be found wrong before a byte is written is found here, in an order that
// leaves DST as it was whenever the copy is refused:
//
//   1. SRC is opened and checked: not a directory, open for reading, and not
//      the file DST names (compared by name first, so `copy fifo fifo` is
//      refused before opening the FIFO, which would wait for a writer).
//   2. DST is opened without truncation and checked: open for writing, and
//      not the same file as SRC, now by device and inode of the two open
//      descriptors, whatever names, links, `-`, /proc/self/fd or redirections
//      led to them.
//   3. SRC is moved past --skip, DST to --seek, and only then is DST emptied.

#include <memory>

#include "absl/status/statusor.h"
#include "os/file.h"
#include "tools/copy_options.h"

namespace sysport::tools {

// The two ends of a copy, open, checked and positioned: what is left is to
// move the bytes.
struct CopyFiles {
  std::unique_ptr<os::File> src;
  std::unique_ptr<os::File> dst;
  os::FileInfo src_info;  // as fstat(2) saw it in step 1
  os::FileInfo dst_info;  // as fstat(2) saw it in step 2, before truncation
};

// Opens, checks and positions SRC and DST as `options` say. `closed` tells
// which standard descriptors were closed when the tool started (now
// /dev/null): `-` for one of them fails with EBADF, as cat and dd do, rather
// than copying from or into /dev/null.
absl::StatusOr<CopyFiles> OpenCopyFiles(const CopyOptions& options,
                                        const os::ClosedStandardDescriptors& closed);

}  // namespace sysport::tools

#endif  // SYSPORT_TOOLS_COPY_FILES_H_
