#include "os/internal/test_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace sysport::os::testutil {

std::string TempDir() {
  const char* dir = std::getenv("TEST_TMPDIR");
  return dir != nullptr ? dir : "/tmp";
}

std::string Pattern(size_t n, unsigned seed) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i + seed) % 251);
  return s;
}

std::string MakeFile(const std::string& dir, const std::string& content) {
  std::string path = dir + "/os-test-XXXXXX";
  int fd = ::mkstemp(path.data());
  if (fd < 0) std::abort();
  ::close(fd);
  std::ofstream out(path, std::ios::binary);
  out << content;
  out.close();
  if (!out) std::abort();
  return path;
}

std::string Contents(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int64_t Offset(File& f) {
  absl::StatusOr<int64_t> off = f.Seek(0, SEEK_CUR);
  return off.ok() ? *off : -1;
}

std::unique_ptr<File> MustOpenFile(const std::string& path, int flags) {
  auto f = File::OpenFile(path, flags, 0644);
  if (!f.ok()) std::abort();
  return *std::move(f);
}

absl::StatusOr<size_t> StringReader::Read(absl::Span<char> buf) {
  size_t n = std::min(buf.size(), data_.size() - pos_);
  data_.copy(buf.data(), n, pos_);
  pos_ += n;
  return n;
}

}  // namespace sysport::os::testutil
