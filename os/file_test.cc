#include "os/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <string>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "poll/copy_result.h"
#include "testutil/testutil.h"

namespace sysport::os {
namespace {

using testutil::Contents;
using testutil::MakeFile;
using testutil::TempDir;

TEST(FileTest, OpenMissingFileHasGoShapedError) {
  auto f = File::Open("/nope/sysport");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.status().message(), "open /nope/sysport: no such file or directory");
  EXPECT_EQ(f.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ErrnoOf(f.status()), ENOENT);
  EXPECT_FALSE(IsClosed(f.status()));
}

TEST(FileTest, OpenIsReadOnly) {
  const std::string path = MakeFile("abc");
  auto f = File::Open(path);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ((*f)->Name(), path);
  EXPECT_GE((*f)->Fd(), 0);
  EXPECT_EQ(fcntl((*f)->Fd(), F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
  io::Result w = (*f)->Write(std::string("x"));
  EXPECT_EQ(w.status.message(), "write " + path + ": bad file descriptor");
  EXPECT_EQ(ErrnoOf(w.status), EBADF);
}

TEST(FileTest, CreateTruncatesAndUsesUmaskedMode) {
  const std::string path = MakeFile("old content");
  const mode_t old_mask = ::umask(022);
  const std::string fresh = TempDir() + "/created-by-file-test";
  ::unlink(fresh.c_str());
  auto created = File::Create(fresh);
  ::umask(old_mask);
  ASSERT_TRUE(created.ok());
  struct stat st = {};
  ASSERT_EQ(::stat(fresh.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644U);  // 0666 & ~022

  auto f = File::Create(path);
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Contents(path), "");
  ASSERT_TRUE((*f)->Write(std::string("new")).ok());
  ASSERT_TRUE((*f)->Seek(0, SEEK_SET).ok());
  std::array<char, 8> buf = {};
  auto n = (*f)->Read(absl::MakeSpan(buf));  // Create opens read-write
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf.data(), static_cast<size_t>(*n)), "new");
}

TEST(FileTest, ReadWriteSeekStat) {
  const std::string path = MakeFile("");
  auto f = File::OpenFile(path, O_RDWR, 0);
  ASSERT_TRUE(f.ok());
  io::Result w = (*f)->Write(std::string("hello world"));
  EXPECT_TRUE(w.ok());
  EXPECT_EQ(w.n, 11);
  EXPECT_EQ(*(*f)->Seek(6, SEEK_SET), 6);
  std::array<char, 16> buf = {};
  EXPECT_EQ(*(*f)->Read(absl::MakeSpan(buf)), 5);
  EXPECT_EQ(std::string(buf.data(), 5), "world");
  EXPECT_EQ(*(*f)->Read(absl::MakeSpan(buf)), 0);  // end of file
  EXPECT_EQ((*f)->Stat()->size, 11);
  EXPECT_TRUE((*f)->Sync().ok());
  auto bad = (*f)->Seek(-1, SEEK_SET);
  EXPECT_EQ(bad.status().message(), "seek " + path + ": invalid argument");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(FileTest, EveryMethodOfAClosedFileSaysSo) {
  const std::string path = MakeFile("abc");
  auto f = File::OpenFile(path, O_RDWR, 0);
  ASSERT_TRUE(f.ok());
  File& file = **f;
  ASSERT_TRUE(file.Close().ok());
  EXPECT_EQ(file.Fd(), -1);
  std::array<char, 4> buf = {};
  auto r = file.Read(absl::MakeSpan(buf));
  EXPECT_EQ(r.status().message(), "read " + path + ": file already closed");
  EXPECT_TRUE(IsClosed(r.status()));
  EXPECT_EQ(file.Write(std::string("x")).status.message(),
            "write " + path + ": file already closed");
  EXPECT_TRUE(IsClosed(file.Seek(0, SEEK_SET).status()));
  EXPECT_TRUE(IsClosed(file.Stat().status()));
  EXPECT_EQ(file.Sync().message(), "sync " + path + ": file already closed");
  testutil::StringReader src("data");
  io::Result rf = file.ReadFrom(src);
  EXPECT_EQ(rf.n, 0);
  EXPECT_EQ(rf.status.message(), "write " + path + ": file already closed");
  absl::Status again = file.Close();
  EXPECT_EQ(again.message(), "close " + path + ": file already closed");
  EXPECT_TRUE(IsClosed(again));
  EXPECT_FALSE(ErrnoOf(again).has_value());
}

TEST(FileTest, PipeEnds) {
  auto p = File::Pipe();
  ASSERT_TRUE(p.ok());
  auto& [r, w] = *p;
  EXPECT_EQ(r->Name(), "|0");
  EXPECT_EQ(w->Name(), "|1");
  ASSERT_TRUE(w->Write(std::string("ping")).ok());
  ASSERT_TRUE(w->Close().ok());
  std::array<char, 8> buf = {};
  EXPECT_EQ(*r->Read(absl::MakeSpan(buf)), 4);
  EXPECT_EQ(*r->Read(absl::MakeSpan(buf)), 0);
  EXPECT_EQ(r->Stat()->type(), FileType::kFifo);
  auto seek = r->Seek(0, SEEK_SET);
  EXPECT_EQ(ErrnoOf(seek.status()), ESPIPE);
}

TEST(FileTest, NewFile) {
  EXPECT_EQ(File::NewFile(-1, "nothing"), nullptr);
  const std::string path = MakeFile("");
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  auto f = File::NewFile(fd, "appender");  // owns fd from here on; nullptr if fd < 0
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->Name(), "appender");
  EXPECT_EQ(f->Fd(), fd);
  // O_APPEND is read from the descriptor's flags: the in-kernel copy, which
  // refuses appending destinations, is not even tried.
  CopyCounters counters;
  f->SetCopyObserver(&counters);
  auto src = File::Open(MakeFile("appended"));
  ASSERT_TRUE(src.ok());
  ASSERT_TRUE(f->ReadFrom(**src).ok());
  const CopyCounters::Totals totals = counters.totals();
  EXPECT_EQ(totals.fallbacks.size(), 1U);
  EXPECT_EQ(totals.fallbacks.begin()->first.reason,
            SYSPORT_TEST_KERNEL_COPY ? poll::Fallback::kAppendMode : poll::Fallback::kNoKernelCopy);
  EXPECT_EQ(Contents(path), "appended");
}

TEST(FileTest, StatDescribesTheFile) {
  const absl::Time before = absl::Now() - absl::Seconds(2);
  const std::string path = MakeFile(std::string(10000, 'x'));
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  auto f = File::Open(path);
  ASSERT_TRUE(f.ok());
  absl::StatusOr<FileInfo> info = (*f)->Stat();
  ASSERT_TRUE(info.ok()) << info.status();
  struct stat st = {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(info->size, 10000);
  EXPECT_EQ(info->type(), FileType::kRegular);
  EXPECT_TRUE(info->IsRegular());
  EXPECT_FALSE(info->IsDirectory());
  EXPECT_EQ(info->permissions(), 0640U);
  EXPECT_EQ(info->device, st.st_dev);
  EXPECT_EQ(info->inode, st.st_ino);
  EXPECT_EQ(info->links, 1U);
  EXPECT_EQ(info->uid, ::getuid());
  EXPECT_EQ(info->blocks, st.st_blocks);
  EXPECT_GE(info->modification_time, before);
  EXPECT_LE(info->modification_time, absl::Now() + absl::Seconds(2));
  EXPECT_EQ(info->modification_time, absl::TimeFromTimespec(st.st_mtim));

  auto dir = File::Open(TempDir());
  ASSERT_TRUE(dir.ok());
  EXPECT_TRUE((*dir)->Stat()->IsDirectory());
}

}  // namespace
}  // namespace sysport::os
