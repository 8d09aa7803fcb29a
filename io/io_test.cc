#include "io/io.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace sysport::io {
namespace {

// Reads `data` in pieces of at most `chunk` bytes; fails with `error` once
// `fail_after` bytes have been read (if set).
class StringReader : public Reader {
 public:
  explicit StringReader(std::string data, size_t chunk = SIZE_MAX)
      : data_(std::move(data)), chunk_(chunk) {}
  absl::StatusOr<size_t> Read(absl::Span<char> buf) override {
    ++reads;
    if (pos_ >= fail_after) return absl::DataLossError("reader broke");
    size_t n = std::min({buf.size(), data_.size() - pos_, chunk_, fail_after - pos_});
    data_.copy(buf.data(), n, pos_);
    pos_ += n;
    max_request = std::max(max_request, buf.size());
    return n;
  }
  size_t fail_after = SIZE_MAX;
  int reads = 0;
  size_t max_request = 0;

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
};

class StringWriter : public Writer {
 public:
  Result Write(absl::Span<const char> buf) override {
    size_t room = capacity - out.size();
    size_t n = std::min(buf.size(), room);
    if (short_writes) n = std::min(n, buf.size() / 2);
    out.append(buf.data(), n);
    if (n < buf.size() && !short_writes) {
      return {static_cast<int64_t>(n), absl::ResourceExhaustedError("full")};
    }
    return {static_cast<int64_t>(n), absl::OkStatus()};
  }
  std::string out;
  size_t capacity = SIZE_MAX;
  bool short_writes = false;
};

class PushingReader : public StringReader, public WriterTo {
 public:
  using StringReader::StringReader;
  Result WriteTo(Writer& w) override {
    ++write_to_calls;
    std::string all(100, '\0');
    absl::StatusOr<size_t> n = Read(absl::MakeSpan(all));
    return w.Write(absl::MakeConstSpan(all.data(), *n));
  }
  int write_to_calls = 0;
};

class PullingWriter : public StringWriter, public ReaderFrom {
 public:
  Result ReadFrom(Reader& r) override {
    ++read_from_calls;
    last_source = &r;
    return {0, absl::OkStatus()};
  }
  int read_from_calls = 0;
  Reader* last_source = nullptr;
};

TEST(CopyTest, BufferedLoopCopiesEverything) {
  std::string data(1 << 20, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  StringReader src(data, 1000);
  StringWriter dst;
  Result r = Copy(dst, src);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, static_cast<int64_t>(data.size()));
  EXPECT_EQ(dst.out, data);
  EXPECT_EQ(src.max_request, kCopyBufferSize);
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

TEST(CopyTest, ReadErrorKeepsCount) {
  StringReader src(std::string(5000, 'a'), 1000);
  src.fail_after = 3000;
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
  EXPECT_EQ(r.status.message(), "short write");
}

TEST(CopyBufferTest, UsesTheCallersBuffer) {
  StringReader src(std::string(1000, 'z'));
  StringWriter dst;
  std::array<char, 7> buf = {};
  Result r = CopyBuffer(dst, src, absl::MakeSpan(buf));
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.n, 1000);
  EXPECT_EQ(src.max_request, 7U);
}

TEST(LimitedReaderTest, DecrementsAndStops) {
  StringReader inner("0123456789");
  LimitedReader lr(inner, 4);
  std::array<char, 3> buf = {};
  EXPECT_EQ(*lr.Read(absl::MakeSpan(buf)), 3U);
  EXPECT_EQ(lr.remaining(), 1);
  EXPECT_EQ(*lr.Read(absl::MakeSpan(buf)), 1U);
  EXPECT_EQ(buf[0], '3');
  EXPECT_EQ(lr.remaining(), 0);
  EXPECT_EQ(*lr.Read(absl::MakeSpan(buf)), 0U);  // EOF, without reading inner
  EXPECT_EQ(inner.reads, 2);
  EXPECT_EQ(&lr.reader(), &inner);
}

TEST(LimitedReaderTest, NegativeRemainingIsEof) {
  StringReader inner("abc");
  LimitedReader lr(inner, -5);
  std::array<char, 3> buf = {};
  EXPECT_EQ(*lr.Read(absl::MakeSpan(buf)), 0U);
  EXPECT_EQ(inner.reads, 0);
}

TEST(LimitedReaderTest, CopyThroughItAllocatesNoMoreThanTheLimit) {
  StringReader inner(std::string(1000, 'q'));
  LimitedReader lr(inner, 10);
  StringWriter dst;
  Result r = Copy(dst, lr);
  EXPECT_EQ(r.n, 10);
  EXPECT_EQ(lr.remaining(), 0);
  EXPECT_EQ(inner.max_request, 10U);
}

TEST(CopyNTest, ExactAndShort) {
  StringReader src("abcdef");
  StringWriter dst;
  Result r = CopyN(dst, src, 4);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(dst.out, "abcd");
  Result rest = CopyN(dst, src, 10);
  EXPECT_EQ(rest.n, 2);
  EXPECT_EQ(rest.status.code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace sysport::io
