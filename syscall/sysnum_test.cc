// Compares the table the build picked with the kernel headers of the
// architecture being built: <asm/unistd.h> comes from the target toolchain's
// Linux uapi headers (linux-libc-dev for the host, the cross compiler's own
// for other targets), never from sysport. A wrong number is a compile error
// (the static_asserts) for that architecture's build only; the tests repeat
// the comparison at run time so the matrix log names the table.

#include "syscall/sysnum.h"

#include <asm/unistd.h>

#include "gtest/gtest.h"

namespace sysport::syscall {
namespace {

constexpr long Number(SyscallNumber n) {
  return static_cast<long>(n);
}  // NOLINT(google-runtime-int)

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

}  // namespace
}  // namespace sysport::syscall
