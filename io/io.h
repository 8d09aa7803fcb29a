#ifndef SYSPORT_IO_IO_H_
#define SYSPORT_IO_IO_H_

// The parts of Go's package io that os::File builds on: Reader, Writer,
// ReaderFrom, WriterTo, LimitedReader, Copy, CopyBuffer and CopyN. Byte
// counts are int64_t everywhere, as Go's int64.

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace sysport::os {
class File;
}  // namespace sysport::os

namespace sysport::io {

class LimitedReader;
class ReaderFrom;
class WriterTo;

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
//
// The As*() hooks are Go's type assertions (`r.(io.WriterTo)`) without RTTI:
// a reader that also is one of these types returns itself, others nullptr.
// sysport builds and passes its tests with -fno-rtti.
class Reader {
 public:
  virtual ~Reader() = default;
  virtual absl::StatusOr<int64_t> Read(absl::Span<char> buf) = 0;

  virtual WriterTo* AsWriterTo() { return nullptr; }
  virtual LimitedReader* AsLimitedReader() { return nullptr; }
  // An open file whose descriptor an in-kernel copy may read directly.
  virtual os::File* AsFile() { return nullptr; }
};

// Go's io.Writer. Write writes all of buf or returns why not, with how many
// bytes it did write. The As*() hooks are as Reader's.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual Result Write(absl::Span<const char> buf) = 0;

  virtual ReaderFrom* AsReaderFrom() { return nullptr; }
  virtual os::File* AsFile() { return nullptr; }
};

// Go's io.ReaderFrom: a writer that can pull from a reader more efficiently
// than a buffered loop (os::File, in the kernel). Reads until the end of r or
// an error; returns the bytes written.
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
// bypasses Read for the underlying reader (os::File::ReadFrom's in-kernel
// copy) must decrement it by what it copied, so the count stays exact.
class LimitedReader final : public Reader {
 public:
  LimitedReader(Reader& reader, int64_t remaining) : reader_(&reader), remaining_(remaining) {}

  absl::StatusOr<int64_t> Read(absl::Span<char> buf) override;
  LimitedReader* AsLimitedReader() override { return this; }

  Reader& reader() const { return *reader_; }
  // Go's N.
  int64_t remaining() const { return remaining_; }
  void set_remaining(int64_t remaining) { remaining_ = remaining; }

 private:
  Reader* reader_;
  int64_t remaining_;
};

// The buffer Copy's read/write loop allocates when neither side can do the
// copy itself: 256 KiB, chosen by measurement (docs/benchmarks.md, "The generic path's buffer").
inline constexpr size_t kCopyBufferSize = size_t{256} << 10;

// The buffer, on the stack, that Copy's loop starts with (Go's 32 KiB): a
// source that never fills it (most files are smaller) is copied without
// allocating; after the first read that fills it, the loop goes on with
// kCopyBufferSize.
inline constexpr size_t kFirstCopyBufferSize = size_t{32} << 10;

// Go's io.Copy: copies from src to dst until the end of src or an error, and
// returns the bytes copied. If src is a WriterTo, src.WriteTo(dst) does the
// copy; else if dst is a ReaderFrom, dst.ReadFrom(src); else a loop with a
// buffer of kFirstCopyBufferSize bytes, then kCopyBufferSize once a read fills
// it (no larger than a LimitedReader src has left). Reaching the end of src is
// success, not an error. A writer that returns an invalid count (negative, or
// more than it was given) stops the copy with its own error if it gave one,
// else with an invalid-write error; a writer that writes less than it was
// given without an error stops it with a short-write error.
Result Copy(Writer& dst, Reader& src);

// Go's io.CopyBuffer: Copy with the caller's buffer for the read/write loop
// (used only when neither WriterTo nor ReaderFrom applies). An empty buffer
// means Copy's own.
Result CopyBuffer(Writer& dst, Reader& src, absl::Span<char> buf);

// Defined here so that a copy's call chain has one frame fewer (see
// syscall::Read on returns after system calls).
inline Result Copy(Writer& dst, Reader& src) { return CopyBuffer(dst, src, {}); }

// Go's io.CopyN: copies n bytes. For n > 0, the result's n equals `n` if and
// only if its status is OK; when src ends first, the status is an end-of-input
// error (IsEndOfInput). For n <= 0 nothing is copied and the result is {0, OK},
// as Go's.
Result CopyN(Writer& dst, Reader& src, int64_t n);

// The conditions io reports, Go's sentinel errors, recognised by a payload
// rather than by their message:
// CopyN's source ended before n bytes (Go's io.EOF from CopyN).
bool IsEndOfInput(const absl::Status& status);
// A writer wrote less than it was given without saying why (io.ErrShortWrite).
bool IsShortWrite(const absl::Status& status);
// A writer returned an impossible count (Go's errInvalidWrite).
bool IsInvalidWrite(const absl::Status& status);

}  // namespace sysport::io

#endif  // SYSPORT_IO_IO_H_
