// Compares the table the build picked with the kernel headers of the
// architecture being built: <asm/unistd.h> and <linux/fs.h> come from the target toolchain's
// Linux uapi headers (linux-libc-dev for the host, the cross compiler's own
// for other targets), never from sysport.

#include "syscall/sysnum.h"

#include <asm/unistd.h>
#include <linux/fs.h>

#include "gtest/gtest.h"

namespace sysport::syscall {
namespace {

long Number(SyscallNumber n) { return static_cast<long>(n); }  // NOLINT(google-runtime-int)

TEST(SysnumTest, CopyFileRangeMatchesKernelHeaders) {
  EXPECT_EQ(Number(sysnum::kCopyFileRange), __NR_copy_file_range)
      << "table sysnum_linux_" << sysnum::kTable << ".h";
}

// The request number's direction and size bits are encoded per architecture
// (mips and powerpc differ from the rest), so a wrong table entry fails the
// build here, before any test runs.
static_assert(static_cast<unsigned long>(sysnum::kFiclone) ==  // NOLINT(google-runtime-int)
                  static_cast<unsigned long>(FICLONE),         // NOLINT(google-runtime-int)
              "sysnum::kFiclone differs from <linux/fs.h> FICLONE for this target");

TEST(SysnumTest, FicloneMatchesKernelHeaders) {
  EXPECT_EQ(static_cast<unsigned long>(sysnum::kFiclone),  // NOLINT(google-runtime-int)
            static_cast<unsigned long>(FICLONE))           // NOLINT(google-runtime-int)
      << "table sysnum_linux_" << sysnum::kTable << ".h";
}

}  // namespace
}  // namespace sysport::syscall
