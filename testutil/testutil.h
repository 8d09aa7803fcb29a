#ifndef SYSPORT_TESTUTIL_TESTUTIL_H_
#define SYSPORT_TESTUTIL_TESTUTIL_H_

// What sysport's tests share: files with known content in the test's
// temporary directory, one byte pattern, and a reader that is not a file.
// Helpers that cannot go on abort the test binary: a test whose set-up failed
// must not pass.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "io/io.h"

namespace sysport::testutil {

// The test's temporary directory: GoogleTest's ::testing::TempDir(), which
// is $TEST_TMPDIR under Bazel. No trailing slash.
std::string TempDir();

// `n` bytes that repeat only every 251 (a prime) positions, so a copy that
// is shifted, truncated or misplaced never matches; `seed` starts the
// sequence elsewhere, for a second file that must differ from the first.
std::string Pattern(size_t n, unsigned seed = 0);

// A new file in `dir` (default: TempDir()) holding `content`; its path.
std::string MakeFile(std::string_view content, const std::string& dir = TempDir());

// The whole file at `path`, read through a descriptor of its own.
std::string Contents(const std::string& path);

// open(2) with O_CLOEXEC added; aborts on failure.
int MustOpen(const std::string& path, int flags);

// The file offset of descriptor `fd` (lseek(fd, 0, SEEK_CUR)); -1 on error.
int64_t Offset(int fd);

// Where ConnectedSockets connects.
enum class Network : uint8_t {
  kTcp,   // loopback TCP, 127.0.0.1
  kUnix,  // a Unix stream socket (an abstract address, no file)
};
// A connected pair of stream sockets, {client, server}, made as Go's tests
// make theirs (createSocketPair): a listener, a connect, an accept; the
// listener is closed again. Blocking, with O_CLOEXEC. Aborts on failure.
std::array<int, 2> ConnectedSockets(Network network);

// Ignores SIGPIPE for the whole process, so that writing to a pipe or socket
// whose reader went away fails with EPIPE instead of ending the test.
void IgnoreSigpipe();

// Everything `r` gives until its end, in Reads of up to 64 KiB; the first
// error instead, if there is one. For draining pipes and sockets.
absl::StatusOr<std::string> ReadAll(io::Reader& r);

// An io::Reader over a string that is not an os::File (so a copy from it
// takes the read/write path): at most `chunk` bytes per Read, and, once
// `fail_after` bytes have been read, a DataLoss error.
class StringReader final : public io::Reader {
 public:
  explicit StringReader(std::string data, size_t chunk = std::numeric_limits<size_t>::max())
      : data_(std::move(data)), chunk_(chunk) {}

  absl::StatusOr<int64_t> Read(absl::Span<char> buf) override;

  void FailAfter(size_t bytes) { fail_after_ = bytes; }
  int reads() const { return reads_; }
  // The largest buffer a Read was given.
  size_t max_request() const { return max_request_; }

 private:
  std::string data_;
  size_t chunk_;
  size_t pos_ = 0;
  size_t fail_after_ = std::numeric_limits<size_t>::max();
  int reads_ = 0;
  size_t max_request_ = 0;
};

}  // namespace sysport::testutil

#endif  // SYSPORT_TESTUTIL_TESTUTIL_H_
