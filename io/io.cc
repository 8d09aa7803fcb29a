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

// Go's copyBuffer loop, with Go's rules for what a reader and a writer may
// return. One function, the loop inline (see syscall::Read on returns after
// system calls).
Result internal::ReadWriteCopy(Writer& dst, Reader& src, LoopCalls& calls, absl::Span<char> buf) {
  // The buffer the loop ends with: the caller's, or io's own of
  // kCopyBufferSize, no larger than what a LimitedReader can give (as Go).
  // io's own starts on the stack, in `first`, and moves to the heap after a
  // read that fills it. Left uninitialised, both: the reads fill what the
  // writes use, and zeroing would cost a small copy as much as the copy.
  // (cppcheck would move `first` into the if below, not seeing that buf
  // points into it for the whole loop.)
  size_t full_size = buf.size();
  // cppcheck-suppress variableScope
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init)
  std::array<char, kFirstCopyBufferSize> first;
  if (buf.empty()) {
    full_size = kCopyBufferSize;
    if (const LimitedReader* lr = src.AsLimitedReader()) {
      full_size = static_cast<size_t>(
          std::clamp<int64_t>(lr->remaining(), 1, static_cast<int64_t>(full_size)));
    }
    buf = absl::MakeSpan(first).first(std::min(full_size, first.size()));
  }
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays)
  std::unique_ptr<char[]> owned;
  Result result;
  while (true) {
    ++calls.reads;
    absl::StatusOr<int64_t> nr = src.Read(buf);
    if (!nr.ok()) {
      result.status = nr.status();
      return result;
    }
    if (*nr == 0) return result;  // the end of src
    if (*nr < 0 || static_cast<uint64_t>(*nr) > buf.size()) {
      // Go's errInvalidRead counterpart for a reader's impossible count.
      result.status = absl::InternalError(
          absl::StrCat("invalid read result: ", *nr, " bytes into a ", buf.size(), "-byte buffer"));
      return result;
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
      return result;
    }
    if (w.n != *nr) {
      result.status = Condition(absl::StatusCode::kDataLoss, kShortWrite);
      return result;
    }
    if (static_cast<size_t>(*nr) == buf.size() && buf.size() < full_size) {
      // NOLINTNEXTLINE(cppcoreguidelines-avoid-c-arrays,modernize-avoid-c-arrays)
      owned = std::make_unique_for_overwrite<char[]>(full_size);
      buf = absl::MakeSpan(owned.get(), full_size);
    }
  }
}

Result CopyBuffer(Writer& dst, Reader& src, absl::Span<char> buf) {
  if (WriterTo* wt = src.AsWriterTo()) return wt->WriteTo(dst);
  if (ReaderFrom* rf = dst.AsReaderFrom()) return rf->ReadFrom(src);
  internal::LoopCalls uncounted;
  return internal::ReadWriteCopy(dst, src, uncounted, buf);
}

Result CopyN(Writer& dst, Reader& src, int64_t n) {
  LimitedReader limited(src, n);
  Result result = Copy(dst, limited);
  if (result.n == n) return {n, absl::OkStatus()};
  // Only a source that gave less than was asked for ended early; for n <= 0
  // nothing was asked for (Go: `written < n && err == nil`).
  if (result.ok() && result.n < n) {
    result.status = Condition(absl::StatusCode::kOutOfRange, kEndOfInput);
  }
  return result;
}

bool IsEndOfInput(const absl::Status& status) { return HasCondition(status, kEndOfInput); }
bool IsShortWrite(const absl::Status& status) { return HasCondition(status, kShortWrite); }
bool IsInvalidWrite(const absl::Status& status) { return HasCondition(status, kInvalidWrite); }

}  // namespace sysport::io
