#include "poll/fd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "syscall/unix.h"
#include "testutil/testutil.h"

namespace sysport::poll {
namespace {

using testutil::MakeFile;
using testutil::Pattern;

std::unique_ptr<FD> OpenFD(const std::string& path, int flags) {
  return std::make_unique<FD>(testutil::MustOpen(path, flags));
}

bool IsOpen(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

// The open file behind a descriptor number. After close(2) the number itself
// proves nothing: any thread of the process may get it back from the kernel
// at once (under --config=tsan, the sanitizer's symbolizer pipes do; under
// qemu-user on ppc64 and ppc64le, glibc opens /proc/cpuinfo whenever a
// contended absl::Mutex asks for the timebase frequency, as there is no vDSO).
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  friend bool operator==(const FileId&, const FileId&) = default;
};

std::optional<FileId> OpenFileId(int fd) {
  struct stat st = {};
  if (::fstat(fd, &st) != 0) return std::nullopt;
  return FileId{st.st_dev, st.st_ino};
}

// Whether `fd` still refers to the file it referred to when `id` was taken.
bool IsOpen(int fd, const FileId& id) { return OpenFileId(fd) == id; }

TEST(FDTest, ReadWriteSeekFstatFsync) {
  const std::string path = MakeFile("");
  auto fd = OpenFD(path, O_RDWR);
  const std::string data = Pattern(10000);
  IoResult w = fd->Write(data);
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(w.n, 10000);
  EXPECT_EQ(fd->Seek(0, SEEK_CUR).n, 10000);
  ASSERT_EQ(fd->Seek(100, SEEK_SET).n, 100);
  std::string buf(50, '\0');
  IoResult r = fd->Read(absl::MakeSpan(buf));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.n, 50);
  EXPECT_EQ(buf, data.substr(100, 50));
  EXPECT_EQ(fd->Seek(0, SEEK_CUR).n, 150);
  ASSERT_EQ(fd->Seek(20000, SEEK_SET).n, 20000);
  EXPECT_EQ(fd->Write(std::string("xyz")).n, 3);
  EXPECT_EQ(fd->Fstat().value().st_size, 20003);
  EXPECT_TRUE(fd->Fsync().ok());
  // An empty read is 0 without a system call, not end of file.
  EXPECT_EQ(fd->Read({}).n, 0);
  EXPECT_TRUE(fd->Close().ok());
}

TEST(FDTest, FtruncateAndStatusFlags) {
  auto fd = OpenFD(MakeFile("hello, world"), O_WRONLY | O_APPEND);
  EXPECT_TRUE(fd->Truncate(5).ok());
  EXPECT_EQ(fd->Fstat().value().st_size, 5);
  EXPECT_EQ(fd->Truncate(-1), Error(syscall::Errno(EINVAL)));
  syscall::Result<int> flags = fd->StatusFlags();
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags.value() & O_ACCMODE, O_WRONLY);
  EXPECT_NE(flags.value() & O_APPEND, 0);
}

TEST(FDTest, ReadAtEndOfFileIsZero) {
  auto fd = OpenFD(MakeFile("ab"), O_RDONLY);
  std::string buf(10, '\0');
  EXPECT_EQ(fd->Read(absl::MakeSpan(buf)).n, 2);
  IoResult eof = fd->Read(absl::MakeSpan(buf));
  EXPECT_TRUE(eof.ok());
  EXPECT_EQ(eof.n, 0);
}

TEST(FDTest, ErrorsAreErrnos) {
  auto fd = OpenFD(MakeFile("ab"), O_RDONLY);
  IoResult w = fd->Write(std::string("x"));
  EXPECT_EQ(w.n, 0);
  EXPECT_EQ(w.err, Error(syscall::Errno(EBADF)));  // not open for writing
  EXPECT_EQ(fd->Seek(-5, SEEK_SET).err, Error(syscall::Errno(EINVAL)));
}

// A descriptor in non-blocking mode behaves as a blocking one: EAGAIN waits
// with poll(2) (Go's pollable descriptors), for reads and for writes.
TEST(FDTest, NonBlockingDescriptorsWaitInsteadOfFailing) {
  auto p = syscall::Pipe(O_CLOEXEC | O_NONBLOCK);
  ASSERT_TRUE(p.ok());
  FD reader(p.value()[0]);
  FD writer(p.value()[1]);
  const std::string data = Pattern(1 << 20);  // far more than the 64 KiB pipe holds
  std::string got;
  std::thread drain([&] {
    std::vector<char> buf(4096);
    while (got.size() < data.size()) {
      IoResult r = reader.Read(absl::MakeSpan(buf));  // waits while the pipe is empty
      ASSERT_TRUE(r.ok()) << r.err.Message();
      ASSERT_GT(r.n, 0);
      got.append(buf.data(), static_cast<size_t>(r.n));
      if (got.size() % (256 << 10) < 4096) absl::SleepFor(absl::Milliseconds(2));
    }
  });
  absl::SleepFor(absl::Milliseconds(20));  // the reader finds the pipe empty first
  IoResult w = writer.Write(data);         // and the writer finds it full, often
  EXPECT_TRUE(w.ok()) << w.err.Message();
  EXPECT_EQ(w.n, static_cast<int64_t>(data.size()));
  drain.join();
  EXPECT_EQ(got, data);
}

TEST(FDTest, EveryOperationAfterCloseFails) {
  auto fd = OpenFD(MakeFile("abc"), O_RDWR);
  const int sysfd = fd->UnsafeSysfd();
  const std::optional<FileId> id = OpenFileId(sysfd);
  ASSERT_TRUE(id.has_value());
  ASSERT_TRUE(fd->Close().ok());
  EXPECT_FALSE(IsOpen(sysfd, *id));
  EXPECT_EQ(fd->UnsafeSysfd(), -1);
  std::string buf(3, '\0');
  EXPECT_EQ(fd->Read(absl::MakeSpan(buf)).err, Error::Closing());
  EXPECT_EQ(fd->Write(buf).err, Error::Closing());
  EXPECT_EQ(fd->Seek(0, SEEK_SET).err, Error::Closing());
  EXPECT_EQ(fd->Fsync(), Error::Closing());
  EXPECT_EQ(fd->Fstat().error(), syscall::Errno(EBADF));
  EXPECT_EQ(fd->Truncate(0), Error::Closing());
  EXPECT_EQ(fd->StatusFlags().error(), syscall::Errno(EBADF));
  EXPECT_EQ(fd->Close(), Error::Closing());
  EXPECT_EQ(Error::Closing().Message(), "use of closed file");
}

// Close while a read is blocked in the kernel: the descriptor must stay open
// until the read returns, later callers must fail at once, and close(2) must
// run exactly once.
TEST(FDTest, CloseWaitsForInFlightReadAndClosesOnce) {
  auto p = syscall::Pipe(O_CLOEXEC);
  ASSERT_TRUE(p.ok());
  auto reader_fd = std::make_unique<FD>(p.value()[0]);
  const int write_end = p.value()[1];
  const int sysfd = reader_fd->UnsafeSysfd();
  const std::optional<FileId> id = OpenFileId(sysfd);
  ASSERT_TRUE(id.has_value());

  absl::Notification read_started;
  std::string got;
  std::thread reader([&] {
    std::string buf(16, '\0');
    read_started.Notify();
    IoResult r = reader_fd->Read(absl::MakeSpan(buf));
    EXPECT_TRUE(r.ok()) << r.err.Message();  // never EBADF: no use after close
    got.assign(buf.data(), static_cast<size_t>(r.n));
  });
  read_started.WaitForNotification();
  absl::SleepFor(absl::Milliseconds(20));  // let the reader block in read(2)

  absl::Notification close_returned;
  Error close_err = Error::Closing();
  std::thread closer([&] {
    close_err = reader_fd->Close();
    close_returned.Notify();
  });
  // Wait until Close has marked the FD closed.
  while (reader_fd->UnsafeSysfd() != -1) absl::SleepFor(absl::Milliseconds(1));
  // Late callers fail at once, while the read is still in flight...
  std::string buf(4, '\0');
  EXPECT_EQ(reader_fd->Read(absl::MakeSpan(buf)).err, Error::Closing());
  EXPECT_EQ(reader_fd->Seek(0, SEEK_CUR).err, Error::Closing());
  // ...and the descriptor is still open for the read that is.
  absl::SleepFor(absl::Milliseconds(20));
  EXPECT_TRUE(IsOpen(sysfd, *id));
  EXPECT_FALSE(close_returned.HasBeenNotified());

  ASSERT_EQ(::write(write_end, "hello", 5), 5);
  reader.join();
  closer.join();
  EXPECT_EQ(got, "hello");
  EXPECT_TRUE(close_err.ok()) << close_err.Message();
  EXPECT_FALSE(IsOpen(sysfd, *id));

  // The number is free; a new descriptor may take it. Destroying the closed
  // FD must not close(2) that number a second time.
  auto again = syscall::Pipe(O_CLOEXEC);
  ASSERT_TRUE(again.ok());
  reader_fd.reset();
  EXPECT_TRUE(IsOpen(again.value()[0]));
  EXPECT_TRUE(IsOpen(again.value()[1]));
  (void)syscall::Close(again.value()[0]);
  (void)syscall::Close(again.value()[1]);
  (void)syscall::Close(write_end);
}

// Many readers and writers, and a Close in the middle of them: every
// operation either completes or reports Error::Closing(); none sees EBADF.
TEST(FDTest, CloseRacesReadersAndWriters) {
  const std::string path = MakeFile(Pattern(1 << 16));
  auto fd = OpenFD(path, O_RDWR);
  const int sysfd = fd->UnsafeSysfd();
  const std::optional<FileId> id = OpenFileId(sysfd);
  ASSERT_TRUE(id.has_value());
  std::atomic<int> ok_ops{0};
  std::atomic<int> closed_ops{0};
  std::atomic<int> bad_ops{0};
  std::atomic<bool> stop{false};
  auto count = [&](const Error& err) {
    if (err.ok()) {
      ++ok_ops;
    } else if (err.closing()) {
      ++closed_ops;
    } else {
      ++bad_ops;
    }
  };
  constexpr int kThreads = 6;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::string buf(512, static_cast<char>('a' + t));
      while (!stop.load()) {
        switch (t % 3) {  // readers, writers, and reference-only operations
          case 0:
            count(fd->Read(absl::MakeSpan(buf)).err);
            break;
          case 1:
            count(fd->Write(buf).err);
            break;
          default:
            count(fd->Fsync());
            break;
        }
      }
    });
  }
  while (ok_ops.load() < 2000) std::this_thread::yield();
  EXPECT_TRUE(fd->Close().ok());
  EXPECT_FALSE(IsOpen(sysfd, *id));
  while (closed_ops.load() < kThreads) std::this_thread::yield();
  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad_ops.load(), 0);
  EXPECT_GE(closed_ops.load(), kThreads);
}

TEST(FDTest, DestructorClosesAnOpenFD) {
  auto fd = OpenFD(MakeFile("x"), O_RDONLY);
  const int sysfd = fd->UnsafeSysfd();
  const std::optional<FileId> id = OpenFileId(sysfd);
  ASSERT_TRUE(id.has_value());
  fd.reset();
  EXPECT_FALSE(IsOpen(sysfd, *id));
}

}  // namespace
}  // namespace sysport::poll
