// Compares the table the build picked with the kernel headers of the
// architecture being built: <asm/unistd.h> and <linux/fs.h> come from the target toolchain's
// Linux uapi headers (linux-libc-dev for the host, the cross compiler's own
// for other targets), never from sysport. A wrong number is a compile error
// (the static_asserts) for that architecture's build only; the tests repeat
// the comparison at run time so the matrix log names the table.

#include "syscall/sysnum.h"

#include <asm/unistd.h>
#include <linux/fs.h>

#include "gtest/gtest.h"

namespace sysport::syscall {
namespace {

// NOLINTBEGIN(google-runtime-int): syscall(2) numbers are longs
constexpr long Number(SyscallNumber n) { return static_cast<long>(n); }
// NOLINTEND(google-runtime-int)

// The sendfile that takes a 64-bit offset: 32-bit ABIs have it as sendfile64
// (their plain sendfile takes a 32-bit off_t), 64-bit ABIs only as sendfile.
#ifdef __NR_sendfile64
constexpr long kKernelSendfile = __NR_sendfile64;  // NOLINT(google-runtime-int)
#else
constexpr long kKernelSendfile = __NR_sendfile;  // NOLINT(google-runtime-int)
#endif

static_assert(Number(sysnum::kCopyFileRange) == __NR_copy_file_range);
static_assert(Number(sysnum::kSendfile) == kKernelSendfile);
static_assert(Number(sysnum::kSplice) == __NR_splice);
static_assert(Number(sysnum::kOpenat2) == __NR_openat2);
static_assert(Number(sysnum::kRenameat2) == __NR_renameat2);
static_assert(Number(sysnum::kGetdents64) == __NR_getdents64);

TEST(SysnumTest, CopyFileRangeMatchesKernelHeaders) {
  EXPECT_EQ(Number(sysnum::kCopyFileRange), __NR_copy_file_range)
      << "table sysnum_linux_" << sysnum::kTable << ".h";
}

TEST(SysnumTest, SendfileWith64BitOffsetMatchesKernelHeaders) {
  EXPECT_EQ(Number(sysnum::kSendfile), kKernelSendfile)
      << "table sysnum_linux_" << sysnum::kTable << ".h";
}

TEST(SysnumTest, SpliceMatchesKernelHeaders) {
  EXPECT_EQ(Number(sysnum::kSplice), __NR_splice)
      << "table sysnum_linux_" << sysnum::kTable << ".h";
}

TEST(SysnumTest, RootCallsMatchKernelHeaders) {
  EXPECT_EQ(Number(sysnum::kOpenat2), __NR_openat2)
      << "table sysnum_linux_" << sysnum::kTable << ".h";
  EXPECT_EQ(Number(sysnum::kRenameat2), __NR_renameat2)
      << "table sysnum_linux_" << sysnum::kTable << ".h";
  EXPECT_EQ(Number(sysnum::kGetdents64), __NR_getdents64)
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
