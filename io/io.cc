#include "io/io.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace sysport::io {

absl::StatusOr<size_t> LimitedReader::Read(absl::Span<char> buf) {
  if (remaining_ <= 0) return 0;  // Go: N <= 0 reads as EOF
  if (static_cast<uint64_t>(buf.size()) > static_cast<uint64_t>(remaining_)) {
    buf = buf.first(static_cast<size_t>(remaining_));
  }
  absl::StatusOr<size_t> n = reader_->Read(buf);
  if (n.ok()) remaining_ -= static_cast<int64_t>(*n);
  return n;
}

namespace {

Result BufferedCopy(Writer& dst, Reader& src, absl::Span<char> buf) {
  Result result;
  while (true) {
    absl::StatusOr<size_t> nr = src.Read(buf);
    if (!nr.ok()) {
      result.status = nr.status();
      return result;
    }
    if (*nr == 0) return result;  // end of src
    if (*nr > buf.size()) {
      // Go's errInvalidWrite counterpart for readers: a count beyond the buffer.
      result.status = absl::InternalError(
          absl::StrCat("invalid read result: ", *nr, " bytes into a ", buf.size(), "-byte buffer"));
      return result;
    }
    Result w = dst.Write(buf.first(*nr));
    if (w.n < 0 || static_cast<uint64_t>(w.n) > *nr) {
      result.status = absl::InternalError("invalid write result");  // Go's errInvalidWrite
      return result;
    }
    result.n += w.n;
    if (!w.ok()) {
      result.status = w.status;
      return result;
    }
    if (static_cast<uint64_t>(w.n) != *nr) {
      result.status = absl::DataLossError("short write");  // Go's io.ErrShortWrite
      return result;
    }
  }
}

}  // namespace

Result CopyBuffer(Writer& dst, Reader& src, absl::Span<char> buf) {
  // dynamic_cast is Go's type assertion here: an interface a concrete type
  // may or may not also implement.
  if (auto* wt = dynamic_cast<WriterTo*>(&src)) return wt->WriteTo(dst);
  if (auto* rf = dynamic_cast<ReaderFrom*>(&dst)) return rf->ReadFrom(src);
  if (!buf.empty()) return BufferedCopy(dst, src, buf);
  size_t size = kCopyBufferSize;
  // Do not allocate more than a LimitedReader can give (Go does the same).
  if (auto* lr = dynamic_cast<LimitedReader*>(&src)) {
    size = static_cast<size_t>(std::clamp<int64_t>(lr->remaining(), 1, static_cast<int64_t>(size)));
  }
  // A buffer of a size known only at run time, left uninitialized: std::vector
  // would zero it first, only for the reads to overwrite it.
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays)
  const auto owned = std::make_unique_for_overwrite<char[]>(size);
  return BufferedCopy(dst, src, absl::MakeSpan(owned.get(), size));
}

Result Copy(Writer& dst, Reader& src) { return CopyBuffer(dst, src, {}); }

Result CopyN(Writer& dst, Reader& src, int64_t n) {
  LimitedReader limited(src, n);
  Result result = Copy(dst, limited);
  if (result.ok() && result.n < n) {
    // src ended early: Go's io.EOF from CopyN.
    result.status = absl::OutOfRangeError("EOF");
  }
  return result;
}

}  // namespace sysport::io
