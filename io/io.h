#ifndef SYSPORT_IO_IO_H_
#define SYSPORT_IO_IO_H_

// The parts of Go's package io that File::ReadFrom relies on: Reader, Writer,
// ReaderFrom, WriterTo, LimitedReader and Copy.

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace sysport::io {

// A byte count and a status together, for operations that can stop halfway:
// `n` bytes were moved before `status` stopped the operation.
struct [[nodiscard]] Result {
  int64_t n = 0;
  absl::Status status;
  bool ok() const { return status.ok(); }
};

// Go's io.Reader. Read fills a prefix of buf and returns how many bytes it
// read: at least 1 if buf is non-empty and data remain, 0 at the end of the
// input (Go's io.EOF), or an error. Unlike Go, a count and an error never come
// together: a reader that read some bytes and then failed returns the bytes,
// and the error on the next call.
class Reader {
 public:
  virtual ~Reader() = default;
  virtual absl::StatusOr<size_t> Read(absl::Span<char> buf) = 0;
};

// Go's io.Writer. Write writes all of buf or returns why not, with how many
// bytes it did write.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual Result Write(absl::Span<const char> buf) = 0;
};

// Go's io.ReaderFrom: a writer that can pull from a reader more efficiently
// than a buffered loop (os::File, with copy_file_range). Reads until the end of
// r or an error; returns the bytes written.
class ReaderFrom {
 public:
  virtual ~ReaderFrom() = default;
  virtual Result ReadFrom(Reader& r) = 0;
};

// Go's io.WriterTo: a reader that can push itself into a writer.
class WriterTo {
 public:
  virtual ~WriterTo() = default;
  virtual Result WriteTo(Writer& w) = 0;
};

// Go's io.LimitedReader: reads from `reader` at most `remaining` bytes, and
// every read through it decrements `remaining` by what it returned. Code that
// bypasses Read for the underlying reader (os::File::ReadFrom's fast path)
// must decrement it by what it copied, so the count stays exact.
class LimitedReader final : public Reader {
 public:
  LimitedReader(Reader& reader, int64_t remaining) : reader_(&reader), remaining_(remaining) {}

  absl::StatusOr<size_t> Read(absl::Span<char> buf) override;

  Reader& reader() const { return *reader_; }
  // Go's N.
  int64_t remaining() const { return remaining_; }
  void set_remaining(int64_t remaining) { remaining_ = remaining; }

 private:
  Reader* reader_;
  int64_t remaining_;
};

// The buffer the buffered loop of Copy uses. 128 KiB, coreutils' choice for
// cp and cat, until the sweep in tools/bench measures the sizes on this
// project's machines (Go uses 32 KiB).
inline constexpr size_t kCopyBufferSize = size_t{128} << 10;

// Go's io.Copy: copies from src to dst until the end of src or an error, and
// returns the bytes copied. If src is a WriterTo, src.WriteTo(dst) does the
// copy; else if dst is a ReaderFrom, dst.ReadFrom(src); else a loop with a
// buffer of kCopyBufferSize bytes (smaller when src is a LimitedReader with
// less left). Reaching the end of src is success, not an error.
Result Copy(Writer& dst, Reader& src);

// Go's io.CopyBuffer: Copy with the caller's buffer for the buffered loop
// (used only when neither WriterTo nor ReaderFrom applies). An empty buffer
// means Copy's own.
Result CopyBuffer(Writer& dst, Reader& src, absl::Span<char> buf);

// Go's io.CopyN: copies exactly n bytes, or fewer with an error; stopping
// early at the end of src is an OutOfRange error ("EOF").
Result CopyN(Writer& dst, Reader& src, int64_t n);

}  // namespace sysport::io

#endif  // SYSPORT_IO_IO_H_
