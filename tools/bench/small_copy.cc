// small_copy: copies one small file COUNT times along one of the benchmark's
// paths (copy_paths.h), so that the cost of one small copy can be counted
// without timing noise: its system calls with `strace -f -c`, its user-space
// instructions with `valgrind --tool=callgrind`. `tools/bench/run copy` runs it with
// COUNT 0 and 1000 and divides the difference by 1000, which removes start-up;
// tests/copy_syscalls_test.sh does the same to check which calls a copy makes.
//
//   small_copy DIR|SRC_DIR:DST_DIR COUNT PATH [SIZE]
//
// PATH: fast|generic|plain32k|file_calls|interface_calls|read_from|plain_kernel.
// SIZE: the source's size in bytes, 4096 by default. With SRC_DIR:DST_DIR the
// source and the copies are made in different directories (and so, if they
// are, on different filesystems).
//
// Each copy goes into a new os::File, as in copy_bench: the destination is
// opened with O_TRUNC (File::Create) before the copy and closed after it, and
// the source rewound with lseek(2); report.py counts those three calls as
// set-up, not as the copy's. A new File knows nothing of its file yet, so
// the count includes whatever the copy asks about it (an fstat(2) of either
// file, were the fast path to need one to choose a method).

#include <unistd.h>

#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "os/file.h"
#include "testutil/testutil.h"
#include "tools/bench/copy_paths.h"

namespace sysport::bench {
namespace {

constexpr int64_t kDefaultSize = 4096;

int Fail(const absl::Status& status) {
  std::cerr << "small_copy: " << status << "\n";
  return 1;
}

int Main(int argc, char** argv) {
  const absl::Span<char* const> args = absl::MakeConstSpan(argv, static_cast<size_t>(argc));
  int64_t count = 0;
  int64_t size = kDefaultSize;
  const bool arity_ok = args.size() == 4 || args.size() == 5;
  const std::optional<Path> path = arity_ok ? ParsePath(args[3]) : std::nullopt;
  if (!path.has_value() || !absl::SimpleAtoi(args[2], &count) || count < 0 ||
      (args.size() == 5 && (!absl::SimpleAtoi(args[4], &size) || size < 0))) {
    std::cerr << "usage: small_copy DIR|SRC_DIR:DST_DIR COUNT "
                 "fast|generic|plain32k|file_calls|interface_calls|read_from|plain_kernel "
                 "[SIZE]\n";
    return 2;
  }
  const std::pair<std::string, std::string> dirs = absl::StrSplit(args[1], absl::MaxSplits(':', 1));
  const std::string& src_dir = dirs.first;
  const std::string& dst_dir = dirs.second.empty() ? dirs.first : dirs.second;
  const std::string src_path =
      testutil::MakeFile(testutil::Pattern(static_cast<size_t>(size)), src_dir);
  const std::string dst_path = testutil::MakeFile("", dst_dir);
  absl::StatusOr<std::unique_ptr<os::File>> src = os::File::Open(src_path);
  int status = 0;
  if (!src.ok()) status = Fail(src.status());
  for (int64_t i = 0; i < count && status == 0; ++i) {
    if (auto at = (*src)->Seek(0, SEEK_SET); !at.ok()) status = Fail(at.status());
    absl::StatusOr<std::unique_ptr<os::File>> dst = os::File::Create(dst_path);
    if (!dst.ok()) {
      status = Fail(dst.status());
      break;
    }
    const io::Result copied = CopyOnce(*path, **dst, **src);
    if (absl::Status closed = (*dst)->Close(); !closed.ok()) status = Fail(closed);
    if (!copied.ok()) {
      status = Fail(copied.status);
    } else if (copied.n != size) {
      status = Fail(absl::InternalError(absl::StrCat("copied ", copied.n, " bytes")));
    }
  }
  ::unlink(src_path.c_str());
  ::unlink(dst_path.c_str());
  return status;
}

}  // namespace
}  // namespace sysport::bench

int main(int argc, char** argv) { return sysport::bench::Main(argc, argv); }
