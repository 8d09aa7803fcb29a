// A program from another workspace: copies argv[1] to argv[2] with sysport's
// public API and prints which path carried the bytes.

#include <iostream>

#include "io/io.h"
#include "os/error.h"
#include "os/file.h"
#include "os/stats.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer SRC DST\n";
    return 2;
  }
  auto src = sysport::os::File::Open(argv[1]);
  if (!src.ok()) {
    std::cerr << "consumer: " << src.status().message() << " (errno "
              << sysport::os::ErrnoOf(src.status()).value_or(0) << ")\n";
    return 1;
  }
  auto dst = sysport::os::File::Create(argv[2]);
  if (!dst.ok()) {
    std::cerr << "consumer: " << dst.status().message() << "\n";
    return 1;
  }
  const sysport::os::CopyStats before = sysport::os::ReadCopyStats();
  sysport::io::Result r = sysport::io::Copy(**dst, **src);
  if (!r.ok()) {
    std::cerr << "consumer: " << r.status.message() << "\n";
    return 1;
  }
  if (absl::Status closed = (*dst)->Close(); !closed.ok()) {
    std::cerr << "consumer: " << closed.message() << "\n";
    return 1;
  }
  std::cout << "consumer: copied " << r.n << " bytes; "
            << sysport::os::ReadCopyStats().Since(before).ToString() << "\n";
  return 0;
}
