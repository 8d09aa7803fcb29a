#include "io/io.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "io/internal/read_write_copy.h"
#include "testutil/testutil.h"

namespace sysport::io {
namespace {

using testutil::StringReader;

// Collects what it is given, up to `capacity` bytes; then fails.
class StringWriter : public Writer {
 public:
  Result Write(absl::Span<const char> buf) override {
    const size_t room = capacity - out.size();
    size_t n = std::min(buf.size(), room);
    if (short_writes) n = std::min(n, buf.size() / 2);
    out.append(buf.data(), n);
    if (n < buf.size() && !short_writes) {
      return {static_cast<int64_t>(n), absl::ResourceExhaustedError("full")};
    }
    return {static_cast<int64_t>(n), absl::OkStatus()};
  }
  std::string out;
  size_t capacity = std::numeric_limits<size_t>::max();
  bool short_writes = false;
};

// A writer that returns whatever count and status it is told to.
class LyingWriter final : public Writer {
 public:
  LyingWriter(int64_t n, absl::Status status) : n_(n), status_(std::move(status)) {}
  Result Write(absl::Span<const char> /*buf*/) override { return {n_, status_}; }

 private:
  int64_t n_;
  absl::Status status_;
};

class PushingReader final : public Reader, public WriterTo {
 public:
  explicit PushingReader(std::string data) : data_(std::move(data)) {}
  absl::StatusOr<int64_t> Read(absl::Span<char> /*buf*/) override { return 0; }
  WriterTo* AsWriterTo() override { return this; }
  Result WriteTo(Writer& w) override {
    ++write_to_calls;
    return w.Write(data_);
  }
  int write_to_calls = 0;

 private:
  std::string data_;
};

class PullingWriter final : public StringWriter, public ReaderFrom {
 public:
  ReaderFrom* AsReaderFrom() override { return this; }
  Result ReadFrom(Reader& r) override {
    ++read_from_calls;
    last_source = &r;
    return {0, absl::OkStatus()};
  }
  int read_from_calls = 0;
  Reader* last_source = nullptr;
};

TEST(CopyTest, ReadWriteLoopCopiesEverything) {
  const std::string data = testutil::Pattern(1 << 20);
  StringReader src(data, 1000);
  StringWriter dst;
  Result r = Copy(dst, src);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, static_cast<int64_t>(data.size()));
  EXPECT_EQ(dst.out, data);
  // A source that never fills the first buffer keeps it.
  EXPECT_EQ(src.max_request(), kFirstCopyBufferSize);
}

// The loop starts with kFirstCopyBufferSize and moves to kCopyBufferSize
// after a read that fills it, with every byte copied once and counted once,
// whatever the size around the switch.
TEST(CopyTest, BufferGrowsAfterAReadFillsTheFirst) {
  for (const size_t size : {size_t{0}, size_t{4096}, kFirstCopyBufferSize - 1, kFirstCopyBufferSize,
                            kFirstCopyBufferSize + 1, kCopyBufferSize + kFirstCopyBufferSize + 7}) {
    const std::string data = testutil::Pattern(size);
    StringReader src(data);
    StringWriter dst;
    Result r = Copy(dst, src);
    EXPECT_TRUE(r.ok()) << size;
    EXPECT_EQ(r.n, static_cast<int64_t>(size));
    EXPECT_EQ(dst.out, data) << size;
    // Up to the first buffer's size, no larger buffer is ever used.
    EXPECT_EQ(src.max_request(),
              size < kFirstCopyBufferSize ? kFirstCopyBufferSize : kCopyBufferSize)
        << size;
  }
}

// A LimitedReader caps both buffers: never more than it has left.
TEST(CopyTest, LimitedReaderCapsBothBuffers) {
  const std::string data = testutil::Pattern(1 << 20);
  for (const int64_t limit : {int64_t{100}, int64_t{40000}}) {
    StringReader src(data);
    LimitedReader limited(src, limit);
    StringWriter dst;
    Result r = Copy(dst, limited);
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.n, limit);
    EXPECT_EQ(dst.out, data.substr(0, static_cast<size_t>(limit)));
    EXPECT_LE(src.max_request(), static_cast<size_t>(limit));
  }
}

// A write that fails right after the switch is counted exactly.
TEST(CopyTest, WriteErrorAfterTheSwitchCountsExactly) {
  const std::string data = testutil::Pattern(kCopyBufferSize);
  StringReader src(data);
  StringWriter dst;
  dst.capacity = kFirstCopyBufferSize + 10;
  Result r = Copy(dst, src);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.n, static_cast<int64_t>(kFirstCopyBufferSize + 10));
  EXPECT_EQ(dst.out, data.substr(0, kFirstCopyBufferSize + 10));
}

TEST(CopyTest, EmptySourceIsSuccess) {
  StringReader src("");
  StringWriter dst;
  Result r = Copy(dst, src);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, 0);
}

TEST(CopyTest, PrefersWriterToThenReaderFrom) {
  PushingReader src("hello");
  PullingWriter dst;
  Result r = Copy(dst, src);
  EXPECT_EQ(src.write_to_calls, 1);
  EXPECT_EQ(dst.read_from_calls, 0);
  EXPECT_EQ(r.n, 5);
  StringReader plain("hello");
  (void)Copy(dst, plain);
  EXPECT_EQ(dst.read_from_calls, 1);
  EXPECT_EQ(dst.last_source, &plain);
}

// os::File::ReadFrom's fallback: the loop alone, never the hooks that would
// call ReadFrom back, every call counted (the last read, the end, included).
TEST(ReadWriteCopyTest, NeverCallsTheHooksAndCountsItsCalls) {
  PullingWriter dst;
  StringReader src("hello world", 4);
  internal::LoopCalls calls;
  Result r = internal::ReadWriteCopy(dst, src, calls);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 11);
  EXPECT_EQ(dst.out, "hello world");
  EXPECT_EQ(dst.read_from_calls, 0);
  EXPECT_EQ(calls.reads, 4);  // 4, 4, 3 bytes, then the end
  EXPECT_EQ(calls.writes, 3);

  PushingReader pusher("unused");
  internal::LoopCalls more;
  Result empty = internal::ReadWriteCopy(dst, pusher, more);
  EXPECT_TRUE(empty.ok());
  EXPECT_EQ(empty.n, 0);
  EXPECT_EQ(pusher.write_to_calls, 0);
  EXPECT_EQ(more.reads, 1);
  EXPECT_EQ(more.writes, 0);
}

TEST(CopyTest, ReadErrorKeepsCount) {
  StringReader src(std::string(5000, 'a'), 1000);
  src.FailAfter(3000);
  StringWriter dst;
  Result r = Copy(dst, src);
  EXPECT_EQ(r.n, 3000);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(dst.out.size(), 3000U);
}

TEST(CopyTest, WriteErrorKeepsCount) {
  StringReader src(std::string(5000, 'a'), 1000);
  StringWriter dst;
  dst.capacity = 2500;
  Result r = Copy(dst, src);
  EXPECT_EQ(r.n, 2500);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kResourceExhausted);
}

TEST(CopyTest, ShortWriteIsAnError) {
  StringReader src(std::string(100, 'a'));
  StringWriter dst;
  dst.short_writes = true;
  Result r = Copy(dst, src);
  EXPECT_EQ(r.n, 50);
  EXPECT_TRUE(IsShortWrite(r.status)) << r.status;
  EXPECT_FALSE(IsInvalidWrite(r.status));
}

// Go's TestCopyLargeWriter: a writer that claims more than it was given.
// With an error of its own, that error wins; without one, invalid write. The
// impossible count is never added to the total.
TEST(CopyTest, InvalidWriteCountKeepsTheWritersError) {
  for (int64_t claimed : {int64_t{-1}, int64_t{1} << 40}) {
    SCOPED_TRACE(claimed);
    StringReader src("hello");
    LyingWriter failing(claimed, absl::UnavailableError("writer's own error"));
    Result r = Copy(failing, src);
    EXPECT_EQ(r.n, 0);
    EXPECT_EQ(r.status, absl::UnavailableError("writer's own error"));
    EXPECT_FALSE(IsInvalidWrite(r.status));

    StringReader src2("hello");
    LyingWriter silent(claimed, absl::OkStatus());
    Result r2 = Copy(silent, src2);
    EXPECT_EQ(r2.n, 0);
    EXPECT_TRUE(IsInvalidWrite(r2.status)) << r2.status;
  }
}

TEST(CopyBufferTest, UsesTheCallersBuffer) {
  StringReader src(std::string(1000, 'z'));
  StringWriter dst;
  std::array<char, 7> buf = {};
  Result r = CopyBuffer(dst, src, absl::MakeSpan(buf));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, 1000);
  EXPECT_EQ(src.max_request(), 7U);
}

TEST(LimitedReaderTest, DecrementsAndStops) {
  StringReader inner("0123456789");
  LimitedReader lr(inner, 4);
  std::array<char, 3> buf = {};
  EXPECT_EQ(*lr.Read(absl::MakeSpan(buf)), 3);
  EXPECT_EQ(lr.remaining(), 1);
  EXPECT_EQ(*lr.Read(absl::MakeSpan(buf)), 1);
  EXPECT_EQ(buf[0], '3');
  EXPECT_EQ(lr.remaining(), 0);
  EXPECT_EQ(*lr.Read(absl::MakeSpan(buf)), 0);  // EOF, without reading inner
  EXPECT_EQ(inner.reads(), 2);
  EXPECT_EQ(&lr.reader(), &inner);
  EXPECT_EQ(lr.AsLimitedReader(), &lr);
  EXPECT_EQ(inner.AsLimitedReader(), nullptr);
}

TEST(LimitedReaderTest, NegativeRemainingIsEof) {
  StringReader inner("abc");
  LimitedReader lr(inner, -5);
  std::array<char, 3> buf = {};
  EXPECT_EQ(*lr.Read(absl::MakeSpan(buf)), 0);
  EXPECT_EQ(inner.reads(), 0);
}

TEST(LimitedReaderTest, CopyThroughItAllocatesNoMoreThanTheLimit) {
  StringReader inner(std::string(1000, 'q'));
  LimitedReader lr(inner, 10);
  StringWriter dst;
  Result r = Copy(dst, lr);
  EXPECT_EQ(r.n, 10);
  EXPECT_EQ(lr.remaining(), 0);
  EXPECT_EQ(inner.max_request(), 10U);
}

TEST(CopyNTest, ExactAndShort) {
  StringReader src("abcdef");
  StringWriter dst;
  Result r = CopyN(dst, src, 4);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, 4);
  EXPECT_EQ(dst.out, "abcd");
  Result rest = CopyN(dst, src, 10);
  EXPECT_EQ(rest.n, 2);
  EXPECT_TRUE(IsEndOfInput(rest.status)) << rest.status;
  EXPECT_EQ(rest.status.code(), absl::StatusCode::kOutOfRange);
}

// Go's documentation: written == n if and only if err == nil. A writer that
// fails on the very write that completes n bytes still completed them.
TEST(CopyNTest, CountEqualsNExactlyWhenOk) {
  StringReader src("abcdef");
  StringWriter dst;
  dst.capacity = 4;
  Result r = CopyN(dst, src, 4);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 4);

  StringReader src2("abcdef");
  StringWriter full;
  full.capacity = 3;
  Result failed = CopyN(full, src2, 4);
  EXPECT_EQ(failed.n, 3);
  EXPECT_FALSE(failed.ok());
  EXPECT_FALSE(IsEndOfInput(failed.status));

  StringReader src3("ab");
  StringWriter dst3;
  Result zero = CopyN(dst3, src3, 0);
  EXPECT_TRUE(zero.ok());
  EXPECT_EQ(zero.n, 0);
}

// Go's CopyN returns (0, nil) for any n <= 0: nothing was asked for, so the
// source did not end early. Nothing is read either.
TEST(CopyNTest, NegativeCountCopiesNothingAndIsNotEndOfInput) {
  for (const int64_t n : {int64_t{-1}, int64_t{-4096}, std::numeric_limits<int64_t>::min()}) {
    StringReader src("abcdef");
    StringWriter dst;
    Result r = CopyN(dst, src, n);
    EXPECT_TRUE(r.ok()) << n << ": " << r.status;
    EXPECT_EQ(r.n, 0) << n;
    EXPECT_EQ(dst.out, "") << n;
    EXPECT_EQ(src.reads(), 0) << n;
  }
}

TEST(ConditionTest, PredicatesNeedThePayloadNotTheMessage) {
  EXPECT_FALSE(IsEndOfInput(absl::OutOfRangeError("EOF")));
  EXPECT_FALSE(IsShortWrite(absl::DataLossError("short write")));
  EXPECT_FALSE(IsInvalidWrite(absl::OkStatus()));
}

}  // namespace
}  // namespace sysport::io
