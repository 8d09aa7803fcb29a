// A program from another workspace: copies argv[1] to argv[2] with sysport's
// public API, checks what File::Stat says of both files, and prints which
// path carried the bytes. Built for linux_386 too (.ci/run), without
// _FILE_OFFSET_BITS=64, so any public type whose layout depends on that
// macro would disagree with the library here and fail the checks below,
// which compare File::Stat with this program's own stat(2). (With the
// FileInfo-less API of before, whose Stat() returned the C library's struct
// stat, this program crashed under qemu-i386: the library wrote a 96-byte
// struct stat64 into the 88-byte struct stat it was compiled with.)

#include <sys/stat.h>

#include <cstdint>
#include <iostream>

#include "absl/time/time.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/file.h"

namespace {

int Fail(const char* what, const absl::Status& status) {
  std::cerr << "consumer: " << what << ": " << status.message() << " (errno "
            << sysport::os::ErrnoOf(status).value_or(0) << ")\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: consumer SRC DST\n";
    return 2;
  }
  auto src = sysport::os::File::Open(argv[1]);
  if (!src.ok()) return Fail("open", src.status());
  auto dst = sysport::os::File::Create(argv[2]);
  if (!dst.ok()) return Fail("create", dst.status());
  sysport::os::CopyCounters counters;
  (*dst)->SetCopyObserver(&counters);
  sysport::io::Result r = sysport::io::Copy(**dst, **src);
  if (!r.ok()) return Fail("copy", r.status);

  auto src_info = (*src)->Stat();
  auto dst_info = (*dst)->Stat();
  if (!src_info.ok()) return Fail("stat", src_info.status());
  if (!dst_info.ok()) return Fail("stat", dst_info.status());
  struct stat own = {};  // this program's struct stat, in its own layout
  if (::stat(argv[2], &own) != 0) {
    std::cerr << "consumer: stat " << argv[2] << " failed\n";
    return 1;
  }
  if (src_info->size != r.n || dst_info->size != r.n || dst_info->size != own.st_size ||
      !dst_info->IsRegular() || dst_info->inode != own.st_ino || dst_info->device != own.st_dev ||
      dst_info->links != own.st_nlink || dst_info->blocks != own.st_blocks ||
      dst_info->permissions() != (own.st_mode & 07777) ||
      dst_info->modification_time != absl::TimeFromTimespec(own.st_mtim)) {
    std::cerr << "consumer: File::Stat disagrees with stat(2): size " << dst_info->size << " vs "
              << own.st_size << ", inode " << dst_info->inode << " vs " << own.st_ino << ", blocks "
              << dst_info->blocks << " vs " << own.st_blocks << ", mtime "
              << dst_info->modification_time << " vs " << absl::TimeFromTimespec(own.st_mtim)
              << " (copied " << r.n << " bytes)\n";
    return 1;
  }
  if (absl::Status closed = (*dst)->Close(); !closed.ok()) return Fail("close", closed);
  std::cout << "consumer: copied " << r.n << " bytes, File::Stat agrees with stat(2) (size "
            << dst_info->size << ", " << sizeof(void*) * 8 << "-bit)\n"
            << counters.totals().ToString() << "\n";
  return 0;
}
