#include "io/io.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "io/internal/read_write_copy.h"

namespace sysport::io {
namespace {

// The payload that marks each of io's conditions; its value names which one.
constexpr std::string_view kConditionPayload = "type.sysport.dev/io.condition";
constexpr std::string_view kEndOfInput = "EOF";
constexpr std::string_view kShortWrite = "short write";
constexpr std::string_view kInvalidWrite = "invalid write result";

absl::Status Condition(absl::StatusCode code, std::string_view which) {
  absl::Status status(code, which);
  status.SetPayload(kConditionPayload, absl::Cord(which));
  return status;
}

bool HasCondition(const absl::Status& status, std::string_view which) {
  const auto payload = status.GetPayload(kConditionPayload);
  return payload.has_value() && *payload == which;
}

// How a read/write loop stopped.
struct LoopEnd {
  Result result;
  bool filled = false;  // a read filled the buffer and the loop was told to stop there
};

// Go's copyBuffer loop, with Go's rules for what a writer may return, its
// calls counted in `calls`. With `stop_when_filled`, it stops (with the bytes
// written) after a read that filled buf, so that the caller can go on with a
// larger buffer.
LoopEnd ReadWriteLoop(Writer& dst, Reader& src, absl::Span<char> buf, bool stop_when_filled,
                      internal::LoopCalls& calls) {
  LoopEnd end;
  Result& result = end.result;
  while (true) {
    ++calls.reads;
    absl::StatusOr<int64_t> nr = src.Read(buf);
    if (!nr.ok()) {
      result.status = nr.status();
      return end;
    }
    if (*nr == 0) return end;  // the end of src
    if (*nr < 0 || static_cast<uint64_t>(*nr) > buf.size()) {
      // Go's errInvalidRead counterpart for a reader's impossible count.
      result.status = absl::InternalError(
          absl::StrCat("invalid read result: ", *nr, " bytes into a ", buf.size(), "-byte buffer"));
      return end;
    }
    ++calls.writes;
    Result w = dst.Write(buf.first(static_cast<size_t>(*nr)));
    if (w.n < 0 || w.n > *nr) {
      // An impossible count counts as nothing written; the writer's own error,
      // if it gave one, says more than "invalid write" (Go's TestCopyLargeWriter).
      w.n = 0;
      if (w.status.ok()) w.status = Condition(absl::StatusCode::kInternal, kInvalidWrite);
    }
    result.n += w.n;
    if (!w.ok()) {
      result.status = w.status;
      return end;
    }
    if (w.n != *nr) {
      result.status = Condition(absl::StatusCode::kDataLoss, kShortWrite);
      return end;
    }
    if (stop_when_filled && static_cast<size_t>(*nr) == buf.size()) {
      end.filled = true;
      return end;
    }
  }
}

}  // namespace

absl::StatusOr<int64_t> LimitedReader::Read(absl::Span<char> buf) {
  if (remaining_ <= 0) return 0;  // Go: N <= 0 reads as EOF
  if (static_cast<uint64_t>(buf.size()) > static_cast<uint64_t>(remaining_)) {
    buf = buf.first(static_cast<size_t>(remaining_));
  }
  absl::StatusOr<int64_t> n = reader_->Read(buf);
  if (n.ok()) remaining_ -= *n;
  return n;
}

Result internal::ReadWriteCopy(Writer& dst, Reader& src, LoopCalls& calls) {
  size_t size = kCopyBufferSize;
  // No larger than what a LimitedReader can give (as Go).
  if (const LimitedReader* lr = src.AsLimitedReader()) {
    size = static_cast<size_t>(std::clamp<int64_t>(lr->remaining(), 1, static_cast<int64_t>(size)));
  }
  // Left uninitialised, both: the reads fill what the writes use, and
  // zeroing would cost a small copy as much as the copy.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init)
  std::array<char, kFirstCopyBufferSize> first;
  const size_t first_size = std::min(size, first.size());
  const LoopEnd small = ReadWriteLoop(dst, src, absl::MakeSpan(first).first(first_size),
                                      /*stop_when_filled=*/first_size < size, calls);
  if (!small.filled) return small.result;
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays)
  const auto owned = std::make_unique_for_overwrite<char[]>(size);
  Result rest = ReadWriteLoop(dst, src, absl::MakeSpan(owned.get(), size),
                              /*stop_when_filled=*/false, calls)
                    .result;
  rest.n += small.result.n;
  return rest;
}

Result CopyBuffer(Writer& dst, Reader& src, absl::Span<char> buf) {
  if (WriterTo* wt = src.AsWriterTo()) return wt->WriteTo(dst);
  if (ReaderFrom* rf = dst.AsReaderFrom()) return rf->ReadFrom(src);
  internal::LoopCalls uncounted;
  if (buf.empty()) return internal::ReadWriteCopy(dst, src, uncounted);
  return ReadWriteLoop(dst, src, buf, /*stop_when_filled=*/false, uncounted).result;
}

Result Copy(Writer& dst, Reader& src) { return CopyBuffer(dst, src, {}); }

Result CopyN(Writer& dst, Reader& src, int64_t n) {
  LimitedReader limited(src, n);
  Result result = Copy(dst, limited);
  if (result.n == n) return {n, absl::OkStatus()};
  if (result.ok()) result.status = Condition(absl::StatusCode::kOutOfRange, kEndOfInput);
  return result;
}

bool IsEndOfInput(const absl::Status& status) { return HasCondition(status, kEndOfInput); }
bool IsShortWrite(const absl::Status& status) { return HasCondition(status, kShortWrite); }
bool IsInvalidWrite(const absl::Status& status) { return HasCondition(status, kInvalidWrite); }

}  // namespace sysport::io
