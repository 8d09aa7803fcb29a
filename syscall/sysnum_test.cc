// Compares the table the build picked with the kernel headers of the
// architecture being built: <asm/unistd.h> comes from the target toolchain's
// Linux uapi headers (linux-libc-dev for the host, the cross compiler's own
// for other targets), never from sysport.

#include "syscall/sysnum.h"

#include <asm/unistd.h>

#include "gtest/gtest.h"

namespace sysport::syscall {
namespace {

long Number(SyscallNumber n) { return static_cast<long>(n); }  // NOLINT(google-runtime-int)

TEST(SysnumTest, CopyFileRangeMatchesKernelHeaders) {
  EXPECT_EQ(Number(sysnum::kCopyFileRange), __NR_copy_file_range)
      << "table sysnum_linux_" << sysnum::kTable << ".h";
}

}  // namespace
}  // namespace sysport::syscall
