#include "tools/bench/copy_paths.h"

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstddef>
#include <optional>
#include <string_view>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "os/file.h"

namespace sysport::bench {
namespace {

constexpr std::array<std::string_view, kPairedPaths.size()> kPathNames = {
    "fast", "generic", "plain32k", "file_calls", "interface_calls", "read_from", "plain_kernel"};

// Go's io.Copy buffer, on the stack, as a hand-written loop would have it.
constexpr size_t kPlainBufferSize = size_t{32} << 10;

// The read/write loop anyone would write by hand: raw system calls, EINTR
// retried, nothing else. Not inlined, here or below: each loop keeps its
// buffer in its own frame, as the generic path does, not in CopyOnce's
// (which would then hold 32 KiB for every path).
ABSL_ATTRIBUTE_NOINLINE io::Result PlainLoop(int dst, int src) {
  // Left uninitialised, as such a loop would: read(2) fills it, and zeroing
  // 32 KiB per copy would be measured too.
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init)
  std::array<char, kPlainBufferSize> buf;
  io::Result result;
  while (true) {
    const ssize_t nr = ::read(src, buf.data(), buf.size());
    if (nr < 0) {
      if (errno == EINTR) continue;
      result.status = absl::ErrnoToStatus(errno, "read");
      return result;
    }
    if (nr == 0) return result;
    for (absl::Span<const char> left = absl::MakeConstSpan(buf).first(static_cast<size_t>(nr));
         !left.empty();) {
      const ssize_t nw = ::write(dst, left.data(), left.size());
      if (nw < 0) {
        if (errno == EINTR) continue;
        result.status = absl::ErrnoToStatus(errno, "write");
        return result;
      }
      left.remove_prefix(static_cast<size_t>(nw));
      result.n += nw;
    }
  }
}

// The fast path's system calls made by hand, nothing else: copy_file_range(2)
// with null offsets, asking for as much as Linux moves in one call
// (MAX_RW_COUNT), until it returns 0; where it refuses two filesystems
// (EXDEV), sendfile(2) from there on, 4 MiB a call, as the fast path falls
// back. EINTR retried.
ABSL_ATTRIBUTE_NOINLINE io::Result PlainKernelLoop(int dst, int src) {
  constexpr size_t kCopyFileRangeAsk = 0x7ffff000;
  constexpr size_t kSendfileAsk = size_t{4} << 20;
  io::Result result;
  bool sendfile = false;
  while (true) {
    const ssize_t n = sendfile
                          ? ::sendfile(dst, src, nullptr, kSendfileAsk)
                          : ::copy_file_range(src, nullptr, dst, nullptr, kCopyFileRangeAsk, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EXDEV && !sendfile) {
        sendfile = true;
        continue;
      }
      result.status = absl::ErrnoToStatus(errno, sendfile ? "sendfile" : "copy_file_range");
      return result;
    }
    if (n == 0) return result;
    result.n += n;
  }
}

// PlainLoop with Read and Write calls on `dst` and `src`: as os::Files (the
// calls are direct: File is final), or as io::Writer and io::Reader (virtual
// calls). The same buffer, the same system calls.
template <typename Destination, typename Source>
ABSL_ATTRIBUTE_NOINLINE io::Result CallsLoop(Destination& dst, Source& src) {
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-member-init)
  std::array<char, kPlainBufferSize> buf;
  io::Result result;
  while (true) {
    absl::StatusOr<int64_t> nr = src.Read(absl::MakeSpan(buf));
    if (!nr.ok()) return {result.n, nr.status()};
    if (*nr == 0) return result;
    const io::Result written = dst.Write(absl::MakeConstSpan(buf).first(static_cast<size_t>(*nr)));
    result.n += written.n;
    if (!written.ok()) return {result.n, written.status};
  }
}

}  // namespace

std::string_view PathName(Path path) { return kPathNames.at(static_cast<size_t>(path)); }

std::optional<Path> ParsePath(std::string_view name) {
  const auto* found = std::find_if(kPairedPaths.begin(), kPairedPaths.end(),
                                   [name](Path path) { return PathName(path) == name; });
  if (found == kPairedPaths.end()) return std::nullopt;
  return *found;
}

io::Result CopyOnce(Path path, os::File& dst, os::File& src) {
  switch (path) {
    case Path::kFast:
      return io::Copy(dst, src);
    case Path::kGeneric: {
      ReaderOnly reader(src);
      return io::Copy(dst, reader);
    }
    case Path::kPlain32k:
      return PlainLoop(dst.Fd(), src.Fd());
    case Path::kFileCalls:
      return CallsLoop<os::File, os::File>(dst, src);
    case Path::kInterfaceCalls:
      return CallsLoop<io::Writer, io::Reader>(dst, src);
    case Path::kReadFrom: {
      ReaderOnly reader(src);
      return dst.ReadFrom(reader);
    }
    case Path::kPlainKernel:
      return PlainKernelLoop(dst.Fd(), src.Fd());
  }
  return {0, absl::InvalidArgumentError("unknown path")};
}

}  // namespace sysport::bench
