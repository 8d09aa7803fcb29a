// small_copy: copies one 4 KiB file COUNT times with io::Copy, through the fast
// path or the forced generic path, so that `strace -f -c` can count the system
// calls of a small copy. tools/bench/run runs it with COUNT 0 and 1000 and
// divides the difference by 1000, which removes start-up's own calls.
//
//   small_copy DIR COUNT fast|generic
//
// Prints the copies' counters (os::CopyCounters, the destination's observer).

#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/file.h"
#include "tools/bench/reader_only.h"

namespace sysport::bench {
namespace {

constexpr size_t kSmallFileSize = 4096;

int Fail(const absl::Status& status) {
  std::cerr << "small_copy: " << status << "\n";
  return 1;
}

int Main(int argc, char** argv) {
  int64_t count = 0;
  if (argc != 4 || !absl::SimpleAtoi(argv[2], &count) || count < 0 ||
      (std::string_view(argv[3]) != "fast" && std::string_view(argv[3]) != "generic")) {
    std::cerr << "usage: small_copy DIR COUNT fast|generic\n";
    return 2;
  }
  const bool fast = std::string_view(argv[3]) == "fast";
  const std::string src_path = absl::StrCat(argv[1], "/sysport-small-copy-", getpid(), "-src");
  const std::string dst_path = absl::StrCat(argv[1], "/sysport-small-copy-", getpid(), "-dst");

  absl::StatusOr<std::unique_ptr<os::File>> src = os::File::Create(src_path);
  if (!src.ok()) return Fail(src.status());
  const std::string content(kSmallFileSize, 'x');
  if (io::Result w = (*src)->Write(content); !w.ok()) return Fail(w.status);
  absl::StatusOr<std::unique_ptr<os::File>> dst = os::File::Create(dst_path);
  if (!dst.ok()) return Fail(dst.status());

  os::CopyCounters counters;
  (*dst)->SetCopyObserver(&counters);
  int status = 0;
  for (int64_t i = 0; i < count && status == 0; ++i) {
    // Both offsets back to 0; lseek is not one of the calls counted.
    if (auto at = (*src)->Seek(0, SEEK_SET); !at.ok()) status = Fail(at.status());
    if (auto at = (*dst)->Seek(0, SEEK_SET); !at.ok()) status = Fail(at.status());
    io::Result copied;
    if (fast) {
      copied = io::Copy(**dst, **src);
    } else {
      ReaderOnly reader(**src);
      copied = io::Copy(**dst, reader);
    }
    if (!copied.ok()) status = Fail(copied.status);
    if (copied.n != static_cast<int64_t>(kSmallFileSize)) {
      status = Fail(absl::InternalError(absl::StrCat("copied ", copied.n, " bytes")));
    }
  }
  std::cout << count << " copies of " << kSmallFileSize << " bytes (" << argv[3] << "):\n"
            << counters.totals().ToString() << "\n";
  ::unlink(src_path.c_str());
  ::unlink(dst_path.c_str());
  return status;
}

}  // namespace
}  // namespace sysport::bench

int main(int argc, char** argv) { return sysport::bench::Main(argc, argv); }
