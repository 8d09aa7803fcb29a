#include "syscall/errno.h"

#include <cerrno>

#include "gtest/gtest.h"
#include "syscall/result.h"

namespace sysport::syscall {
namespace {

TEST(ErrnoTest, DefaultIsOk) {
  EXPECT_TRUE(Errno().ok());
  EXPECT_FALSE(Errno(EXDEV).ok());
  EXPECT_EQ(Errno(EXDEV).value(), EXDEV);
}

TEST(ErrnoTest, NamesAndGoStyleMessages) {
  EXPECT_EQ(Errno(EXDEV).Name(), "EXDEV");
  EXPECT_EQ(Errno(ENOSPC).Message(), "no space left on device");
  EXPECT_EQ(Errno(ENOENT).Message(), "no such file or directory");
  EXPECT_EQ(Errno(EBADF).Message(), "bad file descriptor");
  EXPECT_EQ(Errno(9999).Name(), "errno 9999");
}

TEST(ResultTest, OkAndError) {
  auto ok = Result<int>::Ok(7);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.value(), 7);
  EXPECT_EQ(ok.error(), Errno());
  auto err = Result<int>::Error(Errno(EINTR));
  EXPECT_FALSE(err.ok());
  EXPECT_EQ(err.error(), Errno(EINTR));
}

}  // namespace
}  // namespace sysport::syscall
