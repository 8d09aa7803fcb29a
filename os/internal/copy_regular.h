#ifndef SYSPORT_OS_INTERNAL_COPY_REGULAR_H_
#define SYSPORT_OS_INTERNAL_COPY_REGULAR_H_

// os::CopyFile's decisions on two regular files a caller has opened and
// checked itself (the tree copy): the clone, the data extents, the plain
// in-kernel copy or the read/write loop. Metadata is the caller's.

#include <cstdint>
#include <optional>

#include "io/io.h"
#include "os/copy_file.h"
#include "os/file.h"

namespace sysport::os {

class CopyObserver;

namespace internal {

struct RegularCopy {
  io::Result result;
  // Whether FICLONE was tried, and if so whether it shared the extents (a
  // refusal means this pair of filesystems cannot clone).
  std::optional<bool> cloned;
};

// Copies the contents of `src` (as fstat described it: `src_info`) into
// `dst`, which holds `dst_size` bytes (0: new, both offsets at 0). With
// reflink=auto and `clone_first`, FICLONE is tried first and a refusal
// falls back to the copy (the caller knows the pair may clone); without it,
// as os::CopyFile, copy_file_range clones by itself where it can. Reports
// to `observer` (may be nullptr).
RegularCopy CopyRegularContents(File& src, File& dst, const FileInfo& src_info, int64_t dst_size,
                                const CopyFileOptions& options, CopyObserver* observer,
                                bool clone_first);

}  // namespace internal
}  // namespace sysport::os

#endif  // SYSPORT_OS_INTERNAL_COPY_REGULAR_H_
