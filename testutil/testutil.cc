#include "testutil/testutil.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"

namespace sysport::testutil {
namespace {

[[noreturn]] void Abort(std::string_view what, const std::string& path) {
  std::cerr << "testutil: " << what << " " << path << " failed" << std::endl;
  std::abort();
}

}  // namespace

std::string TempDir() {
  std::string dir = ::testing::TempDir();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

std::string Pattern(size_t n, unsigned seed) {
  constexpr size_t kPeriod = 251;
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i + seed) % kPeriod);
  return s;
}

std::string MakeFile(std::string_view content, const std::string& dir) {
  std::string path = dir + "/sysport-test-XXXXXX";
  const int fd = ::mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) Abort("mkostemp", path);
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) Abort("write", path);
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) Abort("close", path);
  return path;
}

std::string Contents(const std::string& path) {
  const int fd = MustOpen(path, O_RDONLY);
  std::string out;
  std::array<char, 1 << 16> buf{};
  while (true) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0) Abort("read", path);
    if (n == 0) break;
    out.append(buf.data(), static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

int MustOpen(const std::string& path, int flags) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): open(2) is variadic
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) Abort("open", path);
  return fd;
}

int64_t Offset(int fd) { return ::lseek(fd, 0, SEEK_CUR); }

std::array<int, 2> ConnectedSockets(Network network) {
  const int family = network == Network::kTcp ? AF_INET : AF_UNIX;
  const int listener = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) Abort("socket", "listener");
  struct sockaddr_storage addr = {};
  socklen_t len = 0;
  if (network == Network::kTcp) {
    struct sockaddr_in in = {};
    in.sin_family = AF_INET;
    in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);  // port 0: any free one
    std::memcpy(&addr, &in, sizeof(in));
    len = sizeof(in);
  } else {
    // An abstract address (Linux): no file to remove, and no limit of 108
    // bytes on Bazel's long $TEST_TMPDIR paths.
    static std::atomic<int> next{0};
    const std::string name =
        "sysport-test-" + std::to_string(::getpid()) + "-" + std::to_string(next.fetch_add(1));
    struct sockaddr_un un = {};
    un.sun_family = AF_UNIX;
    std::memcpy(&un.sun_path[1], name.data(), name.size());  // sun_path[0] stays '\0'
    std::memcpy(&addr, &un, sizeof(un));
    len = static_cast<socklen_t>(offsetof(struct sockaddr_un, sun_path) + 1 + name.size());
  }
  auto* sa = reinterpret_cast<struct sockaddr*>(&addr);  // NOLINT: the sockets API's casts
  if (::bind(listener, sa, len) != 0 || ::listen(listener, 1) != 0) Abort("bind", "listener");
  if (::getsockname(listener, sa, &len) != 0) Abort("getsockname", "listener");
  const int client = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (client < 0 || ::connect(client, sa, len) != 0) Abort("connect", "listener");
  const int server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (server < 0) Abort("accept", "listener");
  ::close(listener);
  return {client, server};
}

void IgnoreSigpipe() {
  struct sigaction ignore = {};
  ignore.sa_handler = SIG_IGN;
  if (::sigaction(SIGPIPE, &ignore, nullptr) != 0) Abort("sigaction", "SIGPIPE");
}

absl::StatusOr<std::string> ReadAll(io::Reader& r) {
  std::string out;
  std::array<char, 1 << 16> buf{};
  while (true) {
    absl::StatusOr<int64_t> n = r.Read(absl::MakeSpan(buf));
    if (!n.ok()) return n.status();
    if (*n == 0) return out;
    out.append(buf.data(), static_cast<size_t>(*n));
  }
}

absl::StatusOr<int64_t> StringReader::Read(absl::Span<char> buf) {
  ++reads_;
  max_request_ = std::max(max_request_, buf.size());
  if (pos_ >= fail_after_) return absl::DataLossError("reader broke");
  const size_t n = std::min({buf.size(), data_.size() - pos_, chunk_, fail_after_ - pos_});
  data_.copy(buf.data(), n, pos_);
  pos_ += n;
  return static_cast<int64_t>(n);
}

}  // namespace sysport::testutil
