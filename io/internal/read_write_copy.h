#ifndef SYSPORT_IO_INTERNAL_READ_WRITE_COPY_H_
#define SYSPORT_IO_INTERNAL_READ_WRITE_COPY_H_

// For os::File::ReadFrom only (not public API): io::Copy's read/write loop on
// its own, for a ReaderFrom whose in-kernel copy could not finish the job.

#include <cstdint>

#include "absl/types/span.h"
#include "io/io.h"

namespace sysport::io::internal {

// The calls a read/write loop made: every Read (the last one that said "the
// end" included) and every Write.
struct LoopCalls {
  int64_t reads = 0;
  int64_t writes = 0;
};

// io::Copy without its first two steps: never src.WriteTo(dst) nor
// dst.ReadFrom(src), which would call the ReaderFrom back (Go hides the
// method behind fileWithoutReadFrom for the same reason); the same buffers
// (`buf` if not empty: io::CopyBuffer's), the same rules for readers' and
// writers' counts, and the calls counted in `calls`.
Result ReadWriteCopy(Writer& dst, Reader& src, LoopCalls& calls, absl::Span<char> buf = {});

}  // namespace sysport::io::internal

#endif  // SYSPORT_IO_INTERNAL_READ_WRITE_COPY_H_
