#ifndef SYSPORT_TOOLS_BENCH_READER_ONLY_H_
#define SYSPORT_TOOLS_BENCH_READER_ONLY_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "io/io.h"

namespace sysport::bench {

// A Reader that is not an os::File: File::ReadFrom cannot give it to
// copy_file_range, so io::Copy(file, ReaderOnly(other)) takes exactly the
// generic path that any non-file source takes.
class ReaderOnly final : public io::Reader {
 public:
  explicit ReaderOnly(io::Reader& reader) : reader_(&reader) {}
  absl::StatusOr<int64_t> Read(absl::Span<char> buf) override { return reader_->Read(buf); }

 private:
  io::Reader* reader_;
};

}  // namespace sysport::bench

#endif  // SYSPORT_TOOLS_BENCH_READER_ONLY_H_
