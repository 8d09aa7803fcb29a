#ifndef SYSPORT_OS_INTERNAL_KERNEL_COPY_H_
#define SYSPORT_OS_INTERNAL_KERNEL_COPY_H_

// The platform part of File::ReadFrom and File::WriteTo (Go's File.readFrom
// and File.writeTo): kernel_copy_linux.cc or kernel_copy_stub.cc, chosen by
// the build (see os/BUILD).

#include <cstdint>

#include "absl/container/inlined_vector.h"
#include "os/file.h"
#include "poll/copy_result.h"

namespace sysport::os::internal {

// The in-kernel steps of one copy, in the order they ran: each method tried
// or decided against, with what it moved. Never empty; the last says how the
// copy continues (ended, failed, or fell back to the read/write loop).
using KernelCopies = absl::InlinedVector<poll::CopyResult, 2>;

// Copies at most `remain` (> 0) bytes from `src` into `dst` inside the
// kernel, with the method measured best for the pair of file types, from both
// files' offsets, or says why not. On a fallback the offsets (or a pipe's or
// socket's data) have moved by exactly the steps' n, so the read/write loop
// continues from there.
KernelCopies KernelCopy(File& dst, File& src, int64_t remain);

// Whether a copy from `src` to `dst` is one the source pushes (sendfile from
// a regular file or block device into a destination already known to be a
// socket, pipe or device), which File::WriteTo does itself; any other pair,
// and a destination whose type is not known yet, it hands to dst's ReadFrom.
bool SourcePushes(const File& dst, File& src);

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_KERNEL_COPY_H_
