#ifndef SYSPORT_OS_INTERNAL_KERNEL_READ_FROM_H_
#define SYSPORT_OS_INTERNAL_KERNEL_READ_FROM_H_

// The platform part of File::ReadFrom (Go's File.readFrom): readfrom_linux.cc
// or readfrom_stub.cc, chosen by the build (see os/BUILD).

#include <cstdint>

#include "os/file.h"
#include "poll/copy_result.h"

namespace sysport::os::internal {

// Copies at most `remain` (> 0) bytes from `src` (nullptr: the source is not
// an os::File) into `dst` inside the kernel, from both files' offsets, or
// says why not. On a fallback both offsets have advanced by exactly the
// result's n.
poll::CopyResult KernelReadFrom(File& dst, File* src, int64_t remain);

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_KERNEL_READ_FROM_H_
