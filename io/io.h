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

// The buffer the buffered loop of Copy uses: 256 KiB, chosen by the sweep of
// tools/bench (tools/bench/run; README, "Benchmarks"). Copying 1 MiB, 64 MiB
// and 512 MiB files on ext4, tmpfs, tmpfs to ext4 and XFS (2-vCPU AMD EPYC VM,
// Linux 6.18; two full runs), 256 KiB was the fastest size or within 3% of it
// in 19 of 24 cases and never below 84% of the fastest (XFS, which gains most
// from fewer, larger writes): 97% of the fastest on geometric mean, against
// 89% for 128 KiB (coreutils' size), 80% for 64 KiB and 66% for Go's 32 KiB.
// Over five sweeps, 512 KiB was up to 3% faster when it ran well but 1.6 to 12
// times slower at 512 MiB in three of them, and 1 MiB 7 to 25 times slower in
// three of four; no size up to 256 KiB ever was. At 4 KiB the size made no
// difference: the buffer is allocated per copy, uninitialised, and only the
// bytes read are touched.
inline constexpr size_t kCopyBufferSize = size_t{256} << 10;

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
