#include "os/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <initializer_list>
#include <memory>
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
  EXPECT_EQ(file.Truncate(0).message(), "truncate " + path + ": file already closed");
  EXPECT_EQ(file.CheckReadable().message(), "read " + path + ": file already closed");
  EXPECT_EQ(file.CheckWritable().message(), "write " + path + ": file already closed");
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

std::unique_ptr<File> MustOpenFile(const std::string& path, int flags) {
  absl::StatusOr<std::unique_ptr<File>> f = File::OpenFile(path, flags, 0);
  EXPECT_TRUE(f.ok()) << f.status();
  return f.ok() ? *std::move(f) : nullptr;
}

// SameFile on open files; false (and a failed expectation) on an error.
bool Same(File& a, File& b) {
  absl::StatusOr<bool> same = SameFile(a, b);
  EXPECT_TRUE(same.ok()) << same.status();
  return same.ok() && *same;
}

TEST(SameFileTest, ByDeviceAndInodeWhateverTheName) {
  const std::string path = MakeFile("same");
  const std::string link = TempDir() + "/same-file-hard-link";
  const std::string symlink = TempDir() + "/same-file-symlink";
  ::unlink(link.c_str());
  ::unlink(symlink.c_str());
  ASSERT_EQ(::link(path.c_str(), link.c_str()), 0);
  ASSERT_EQ(::symlink(path.c_str(), symlink.c_str()), 0);
  auto a = MustOpenFile(path, O_RDONLY);
  ASSERT_NE(a, nullptr);
  const std::string through_proc = "/proc/self/fd/" + std::to_string(a->Fd());
  for (const std::string& name : {path, link, symlink, through_proc}) {
    auto b = MustOpenFile(name, O_WRONLY | O_APPEND);
    ASSERT_NE(b, nullptr);
    EXPECT_TRUE(Same(*a, *b)) << name;
    EXPECT_TRUE(SameFile(*a->Stat(), *Stat(name))) << name;
  }
  auto other = MustOpenFile(MakeFile("same"), O_RDONLY);  // same bytes, another file
  ASSERT_NE(other, nullptr);
  EXPECT_FALSE(Same(*a, *other));
}

TEST(SameFileTest, BothEndsOfAPipeAndAFifo) {
  auto p = File::Pipe();
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(Same(*p->first, *p->second));
  auto q = File::Pipe();
  ASSERT_TRUE(q.ok());
  EXPECT_FALSE(Same(*p->first, *q->second));

  const std::string fifo = TempDir() + "/same-file-fifo";
  ::unlink(fifo.c_str());
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // O_RDWR: a FIFO open for both never waits for the other end (Linux).
  auto reader = MustOpenFile(fifo, O_RDWR);
  auto writer = MustOpenFile(fifo, O_RDWR);
  ASSERT_NE(reader, nullptr);
  ASSERT_NE(writer, nullptr);
  EXPECT_TRUE(Same(*reader, *writer));
  EXPECT_EQ(reader->Stat()->type(), FileType::kFifo);
}

TEST(SameFileTest, AClosedFileIsAnError) {
  auto a = MustOpenFile(MakeFile("x"), O_RDONLY);
  auto b = MustOpenFile(MakeFile("x"), O_RDONLY);
  ASSERT_TRUE(b->Close().ok());
  absl::StatusOr<bool> same = SameFile(*a, *b);
  EXPECT_TRUE(IsClosed(same.status())) << same.status();
}

TEST(StatTest, FollowsTheNameAndHasGoShapedErrors) {
  const std::string path = MakeFile("12345");
  absl::StatusOr<FileInfo> info = Stat(path);
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->size, 5);
  EXPECT_TRUE(info->IsRegular());
  absl::StatusOr<FileInfo> missing = Stat("/nope/sysport");
  EXPECT_EQ(missing.status().message(), "stat /nope/sysport: no such file or directory");
  EXPECT_EQ(ErrnoOf(missing.status()), ENOENT);
}

TEST(FileTest, Truncate) {
  const std::string path = MakeFile("hello, world");
  auto f = MustOpenFile(path, O_WRONLY);
  ASSERT_NE(f, nullptr);
  ASSERT_TRUE(f->Truncate(5).ok());
  EXPECT_EQ(Contents(path), "hello");
  absl::Status negative = f->Truncate(-1);
  EXPECT_EQ(negative.message(), "truncate " + path + ": invalid argument");
  EXPECT_EQ(ErrnoOf(negative), EINVAL);
}

TEST(CheckAccessTest, ADirectoryIsNotReadable) {
  auto dir = File::Open(TempDir());
  ASSERT_TRUE(dir.ok());
  absl::Status readable = (*dir)->CheckReadable();
  EXPECT_EQ(readable.message(), "read " + TempDir() + ": is a directory");
  EXPECT_EQ(ErrnoOf(readable), EISDIR);
  // The same error read(2) gives, only earlier.
  std::array<char, 8> buf = {};
  EXPECT_EQ((*dir)->Read(absl::MakeSpan(buf)).status(), readable);
  EXPECT_EQ(ErrnoOf((*dir)->CheckWritable()), EBADF);  // a directory opens read-only
}

TEST(CheckAccessTest, TheAccessModeDecides) {
  const std::string path = MakeFile("abc");
  auto read_only = MustOpenFile(path, O_RDONLY);
  auto write_only = MustOpenFile(path, O_WRONLY | O_APPEND);
  auto read_write = MustOpenFile(path, O_RDWR);
  auto by_path = MustOpenFile(path, O_PATH);
  EXPECT_TRUE(read_only->CheckReadable().ok());
  EXPECT_EQ(read_only->CheckWritable().message(), "write " + path + ": bad file descriptor");
  EXPECT_EQ(write_only->CheckReadable().message(), "read " + path + ": bad file descriptor");
  EXPECT_TRUE(write_only->CheckWritable().ok());
  EXPECT_TRUE(read_write->CheckReadable().ok());
  EXPECT_TRUE(read_write->CheckWritable().ok());
  EXPECT_EQ(ErrnoOf(by_path->CheckReadable()), EBADF);
  EXPECT_EQ(ErrnoOf(by_path->CheckWritable()), EBADF);
  // Each prediction is what the call itself then says.
  std::array<char, 8> buf = {};
  EXPECT_EQ(write_only->Read(absl::MakeSpan(buf)).status(), write_only->CheckReadable());
  EXPECT_EQ(read_only->Write(std::string("x")).status, read_only->CheckWritable());
  EXPECT_EQ(by_path->Read(absl::MakeSpan(buf)).status(), by_path->CheckReadable());
  EXPECT_EQ(Contents(path), "abc");
}

TEST(CheckAccessTest, PipeEnds) {
  auto p = File::Pipe();
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->first->CheckReadable().ok());
  EXPECT_EQ(ErrnoOf(p->first->CheckWritable()), EBADF);
  EXPECT_TRUE(p->second->CheckWritable().ok());
  EXPECT_EQ(ErrnoOf(p->second->CheckReadable()), EBADF);
}

// Whether descriptor `fd` is open on /dev/null.
bool RefersToDevNull(int fd) {
  struct stat fd_st = {};
  struct stat null_st = {};
  return ::fstat(fd, &fd_st) == 0 && ::stat("/dev/null", &null_st) == 0 &&
         fd_st.st_rdev == null_st.st_rdev && S_ISCHR(fd_st.st_mode);
}

// Runs OpenClosedStandardDescriptors in a child process that first closes the
// descriptors in `close_these`; the child's exit status is a bit set of what
// went wrong (0: nothing).
int RunInChildWithClosed(std::initializer_list<int> close_these, ClosedStandardDescriptors want) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    for (const int fd : close_these) ::close(fd);
    absl::StatusOr<ClosedStandardDescriptors> closed = OpenClosedStandardDescriptors();
    int wrong = 0;
    if (!closed.ok()) ::_exit(1);
    if (closed->stdin_closed != want.stdin_closed) wrong |= 2;
    if (closed->stdout_closed != want.stdout_closed) wrong |= 4;
    if (closed->stderr_closed != want.stderr_closed) wrong |= 8;
    if (!std::all_of(close_these.begin(), close_these.end(), RefersToDevNull)) wrong |= 16;
    // The next file opened gets a number above 2.
    const int next = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (next <= STDERR_FILENO) wrong |= 32;
    ::_exit(wrong);
  }
  int status = 0;
  if (pid < 0 || ::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(StandardDescriptorsTest, ClosedOnesAreOpenedOnDevNull) {
  EXPECT_EQ(RunInChildWithClosed({STDOUT_FILENO, STDERR_FILENO}, {false, true, true}), 0);
  EXPECT_EQ(RunInChildWithClosed({STDIN_FILENO}, {true, false, false}), 0);
  EXPECT_EQ(RunInChildWithClosed({STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}, {true, true, true}),
            0);
  EXPECT_EQ(RunInChildWithClosed({STDERR_FILENO}, {false, false, true}), 0);
}

TEST(StandardDescriptorsTest, OpenOnesAreLeftAlone) {
  struct stat before = {};
  ASSERT_EQ(::fstat(STDOUT_FILENO, &before), 0);
  absl::StatusOr<ClosedStandardDescriptors> closed = OpenClosedStandardDescriptors();
  ASSERT_TRUE(closed.ok()) << closed.status();
  EXPECT_FALSE(closed->any());
  struct stat after = {};
  ASSERT_EQ(::fstat(STDOUT_FILENO, &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
}

}  // namespace
}  // namespace sysport::os
