#ifndef SYSPORT_OS_INTERNAL_TEST_UTIL_H_
#define SYSPORT_OS_INTERNAL_TEST_UTIL_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "io/io.h"
#include "os/file.h"

namespace sysport::os::testutil {

std::string TempDir();
// Bytes that differ at every position modulo 251, so a misplaced copy shows.
std::string Pattern(size_t n, unsigned seed = 0);
// A new file in `dir` holding `content`; its path.
std::string MakeFile(const std::string& dir, const std::string& content);
// The whole file, read without sharing any offset with the test's Files.
std::string Contents(const std::string& path);
// The file's offset (lseek(fd, 0, SEEK_CUR)).
int64_t Offset(File& f);
// Opens or aborts.
std::unique_ptr<File> MustOpenFile(const std::string& path, int flags);

// An io::Reader that is not an os::File, over a string.
class StringReader final : public io::Reader {
 public:
  explicit StringReader(std::string data) : data_(std::move(data)) {}
  absl::StatusOr<size_t> Read(absl::Span<char> buf) override;

 private:
  std::string data_;
  size_t pos_ = 0;
};

}  // namespace sysport::os::testutil

#endif  // SYSPORT_OS_INTERNAL_TEST_UTIL_H_
