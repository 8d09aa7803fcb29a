// os::CopyFile on real files, on the test directory's filesystem (ext4 here,
// whatever CI's is) and on tmpfs (/dev/shm): the bytes, the holes (st_blocks),
// the metadata, the path each byte took (the observer), and what a failure
// leaves. Loop-mounted XFS and btrfs images, ENOSPC on a small filesystem
// and a killed process are in tests/copy_file_fs_test.sh.
//
// The same tests run in the forced-stub build (--//os:readfrom_stub): no
// clone and no copy_file_range there, and atomic copies use a unique name.

#include "os/copy_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "gtest/gtest.h"
#include "io/io.h"
#include "os/copy_observer.h"
#include "os/error.h"
#include "os/file.h"
#include "poll/copy_result.h"
#include "poll/testing/fake_syscalls.h"
#include "syscall/errno.h"
#include "testutil/testutil.h"

namespace sysport::os {
namespace {

using poll::CopyMethod;
using poll::testing::FakeSyscalls;
using syscall::Errno;
using testutil::Contents;
using testutil::Pattern;
using Reflink = CopyFileOptions::Reflink;
using Sparse = CopyFileOptions::Sparse;

constexpr bool kKernelCopy = SYSPORT_TEST_KERNEL_COPY != 0;
constexpr int64_t kMiB = int64_t{1} << 20;

// A fresh directory for one test, on the test directory's filesystem or on
// tmpfs, so that what a copy leaves behind can be listed.
std::string FreshDir(const std::string& parent) {
  std::string dir = parent + "/copy_file_test-XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp in " << parent;
    std::abort();
  }
  return dir;
}

std::vector<std::string> Names(const std::string& dir) {
  std::vector<std::string> names;
  std::transform(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator(),
                 std::back_inserter(names),
                 [](const auto& e) { return e.path().filename().string(); });
  std::sort(names.begin(), names.end());
  return names;
}

struct stat Stat(const std::string& path) {
  struct stat st = {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st;
}

void Write(const std::string& path, const std::string& data, mode_t mode = 0644) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    ADD_FAILURE() << "open " << path;
    return;
  }
  const ssize_t written = ::write(fd, data.data(), data.size());
  const int closed = ::close(fd);
  ASSERT_EQ(written, static_cast<ssize_t>(data.size()));
  ASSERT_EQ(closed, 0);
}

// A sparse file: `size` bytes, data only in the given [offset, length) pieces
// (pattern bytes), holes elsewhere. Returns the file's bytes as a string.
std::string WriteSparse(const std::string& path, int64_t size,
                        const std::vector<std::pair<int64_t, int64_t>>& data) {
  std::string bytes(static_cast<size_t>(size), '\0');
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  EXPECT_GE(fd, 0) << path;
  for (const auto& [offset, length] : data) {
    const std::string piece = Pattern(static_cast<size_t>(length), static_cast<unsigned>(offset));
    EXPECT_EQ(::pwrite(fd, piece.data(), piece.size(), offset), length);
    bytes.replace(static_cast<size_t>(offset), piece.size(), piece);
  }
  EXPECT_EQ(::ftruncate(fd, size), 0);
  EXPECT_EQ(::close(fd), 0);
  return bytes;
}

// Compares a file with the bytes it should hold, saying where they first
// differ rather than printing megabytes.
void ExpectBytes(const std::string& path, const std::string& want) {
  const std::string got = Contents(path);
  EXPECT_EQ(got.size(), want.size()) << path;
  const auto diff = std::mismatch(got.begin(), got.end(), want.begin(), want.end());
  EXPECT_TRUE(diff.first == got.end() && diff.second == want.end())
      << path << " differs from byte " << (diff.first - got.begin());
}

// CopyFile with `options`, reporting to `counters`.
io::Result CopyCounted(const std::string& src, const std::string& dst, CopyCounters& counters,
                       CopyFileOptions options = {}) {
  options.observer = &counters;
  return CopyFile(src, dst, options);
}

// The test directory's filesystem and tmpfs, where there is one.
std::vector<std::string> Parents() {
  std::vector<std::string> parents = {testutil::TempDir()};
  if (::access("/dev/shm", W_OK) == 0) parents.emplace_back("/dev/shm");
  return parents;
}

// Scripts a copy whose first copy_file_range round copies
// `first_round_bytes` and whose second fails with `err`.
void CopyFileRangeFailsInRoundTwo(FakeSyscalls& fake, size_t first_round_bytes, Errno err) {
  fake.copy_file_range.ShortRound(1, first_round_bytes);
  fake.copy_file_range.FailRound(2, err);
}

class CopyFileTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { dir_ = FreshDir(GetParam()); }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return dir_ + "/" + name; }

  std::string dir_;
};

INSTANTIATE_TEST_SUITE_P(Filesystems, CopyFileTest, ::testing::ValuesIn(Parents()),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           return param.param == "/dev/shm" ? std::string("tmpfs")
                                                            : std::string("testdir");
                         });

TEST_P(CopyFileTest, PlainFileBytesCountAndNewMode) {
  const std::string data = Pattern(300000);
  Write(Path("src"), data, 0754);
  const mode_t old_umask = ::umask(027);
  CopyCounters counters;
  io::Result r = CopyCounted(Path("src"), Path("dst"), counters);
  ::umask(old_umask);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 300000);
  ExpectBytes(Path("dst"), data);
  // cp without -p: the source's bits less the umask.
  EXPECT_EQ(Stat(Path("dst")).st_mode & 07777, 0750U);
  const CopyCounters::Totals t = counters.totals();
  EXPECT_EQ(t.whole_file_copies, 1);
  EXPECT_EQ(t.hole_bytes, 0);
  EXPECT_EQ(t.kernel_bytes() + t.read_write.bytes, 300000);
  if (kKernelCopy) {
    // reflink=auto leaves the clone to copy_file_range, which shares extents
    // by itself where the filesystem can: no FICLONE of its own. (The stub
    // build has neither, and reports its clone as not tried.)
    EXPECT_EQ(t.of(CopyMethod::kClone).reports, 0) << t.ToString();
    EXPECT_GE(t.of(CopyMethod::kCopyFileRange).attempts, 1) << t.ToString();
  }
}

// Where copy_file_range cannot reach the kernel (here: a kernel it does not
// trust, older than 5.3), reflink=auto tries FICLONE itself, then copies
// (sendfile, as Rust's std on such kernels). reflink=always always does.
TEST_P(CopyFileTest, ReflinkAutoClonesItselfOnlyWhereCopyFileRangeCannot) {
  if (!kKernelCopy) GTEST_SKIP() << "no clone in the stub build";
  const std::string data = Pattern(100000);
  Write(Path("src"), data);
  {
    FakeSyscalls fake;
    io::Result r = CopyFile(Path("src"), Path("auto"));
    ASSERT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(fake.ficlone_calls(), 0);
    EXPECT_FALSE(fake.copy_file_range_calls().empty());
  }
  {
    FakeSyscalls fake;
    fake.SetKernelVersion({.major = 5, .minor = 2});
    io::Result r = CopyFile(Path("src"), Path("old_kernel"));
    ASSERT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(r.n, 100000);
    ExpectBytes(Path("old_kernel"), data);
    EXPECT_EQ(fake.ficlone_calls(), 1);
    EXPECT_TRUE(fake.copy_file_range_calls().empty());
  }
  {
    FakeSyscalls fake;
    CopyFileOptions always;
    always.reflink = Reflink::kAlways;
    (void)CopyFile(Path("src"), Path("always"), always);  // clones, or fails where it cannot
    EXPECT_EQ(fake.ficlone_calls(), 1);
  }
}

TEST_P(CopyFileTest, ExistingDestinationIsReplacedAndKeepsItsMode) {
  Write(Path("src"), "new", 0600);
  Write(Path("dst"), Pattern(100000), 0640);
  ASSERT_EQ(::chmod(Path("dst").c_str(), 0640), 0);
  io::Result r = CopyFile(Path("src"), Path("dst"));
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 3);
  EXPECT_EQ(Contents(Path("dst")), "new");
  EXPECT_EQ(Stat(Path("dst")).st_mode & 07777, 0640U);
}

TEST_P(CopyFileTest, EmptySource) {
  Write(Path("src"), "");
  Write(Path("dst"), "old");
  io::Result r = CopyFile(Path("src"), Path("dst"));
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 0);
  EXPECT_EQ(Stat(Path("dst")).st_size, 0);
}

// The holes stay holes: the copy allocates no more than the source, reads
// no hole, and says how many bytes were holes.
TEST_P(CopyFileTest, SparseSourceKeepsItsHoles) {
  const int64_t size = 8 * kMiB;
  const std::string bytes =
      WriteSparse(Path("src"), size, {{2 * kMiB, 256 << 10}, {size - 100, 100}});
  const struct stat src = Stat(Path("src"));
  ASSERT_LT(src.st_blocks * 512, size / 2) << "this filesystem made no holes";
  CopyCounters counters;
  io::Result r = CopyCounted(Path("src"), Path("dst"), counters);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, size);
  const struct stat dst = Stat(Path("dst"));
  EXPECT_EQ(dst.st_size, size);
  EXPECT_LE(dst.st_blocks, src.st_blocks);
  ExpectBytes(Path("dst"), bytes);
  const CopyCounters::Totals t = counters.totals();
  const int64_t data = t.kernel_bytes() - t.of(CopyMethod::kClone).bytes + t.read_write.bytes;
  if (t.of(CopyMethod::kClone).bytes == size) return;  // cloned: holes shared as they are
  // The data extents as the filesystem reports them: at least the data
  // written, at most its blocks.
  EXPECT_GE(data, (256 << 10) + 100);
  EXPECT_LE(data, src.st_blocks * 512);
  EXPECT_EQ(t.hole_bytes, size - data);
  if (kKernelCopy) {
    EXPECT_EQ(t.read_write.bytes, 0) << t.ToString();
    EXPECT_EQ(t.of(CopyMethod::kCopyFileRange).bytes, data);
  }
}

// --sparse=never writes every byte whatever --reflink says (coreutils 9.4:
// it implies no clone): no FICLONE, and no copy_file_range either, which
// clones by itself on XFS, btrfs and NFS 4.2. For a source with holes and for
// a fully allocated one (the plain path), with reflink left at auto too.
TEST_P(CopyFileTest, SparseNeverWritesEveryByte) {
  const int64_t size = 2 * kMiB;
  for (const bool holes : {true, false}) {
    for (const Reflink reflink : {Reflink::kAuto, Reflink::kNever}) {
      SCOPED_TRACE(::testing::Message()
                   << "holes " << holes << ", reflink " << static_cast<int>(reflink));
      const std::string bytes =
          holes ? WriteSparse(Path("src"), size, {{kMiB, 4096}}) : Pattern(size);
      if (!holes) Write(Path("src"), bytes);
      ASSERT_EQ(::unlink(Path("dst").c_str()) == 0 || errno == ENOENT, true);
      FakeSyscalls fake;  // records every copy_file_range and FICLONE call
      CopyCounters counters;
      CopyFileOptions options;
      options.sparse = Sparse::kNever;
      options.reflink = reflink;
      io::Result r = CopyCounted(Path("src"), Path("dst"), counters, options);
      ASSERT_TRUE(r.ok()) << r.status;
      EXPECT_EQ(r.n, size);
      ExpectBytes(Path("dst"), bytes);
      const CopyCounters::Totals t = counters.totals();
      EXPECT_EQ(t.hole_bytes, 0);
      EXPECT_EQ(t.of(CopyMethod::kClone).reports, 0) << t.ToString();
      EXPECT_EQ(t.of(CopyMethod::kCopyFileRange).reports, 0) << t.ToString();
      EXPECT_TRUE(fake.copy_file_range_calls().empty());
      EXPECT_EQ(fake.ficlone_calls(), 0);
      EXPECT_EQ(t.read_write.bytes, size);
      EXPECT_GE(Stat(Path("dst")).st_blocks * 512, size);
    }
  }
}

// cp --sparse=always: runs of zeros in the data become holes too, in whole
// 4 KiB blocks; zeros that do not fill a block are written.
TEST_P(CopyFileTest, SparseAlwaysTurnsZeroBlocksIntoHoles) {
  constexpr size_t kBlock = 4096;
  std::string data = Pattern(16 * kBlock);
  data.replace(kBlock, 3 * kBlock, 3 * kBlock, '\0');       // three whole blocks of zeros
  data.replace(8 * kBlock + 1, 4000, 4000, '\0');           // zeros inside one block
  data.replace(13 * kBlock, 3 * kBlock, 3 * kBlock, '\0');  // zeros to the end
  Write(Path("src"), data);
  CopyCounters counters;
  CopyFileOptions options;
  options.sparse = Sparse::kAlways;
  io::Result r = CopyCounted(Path("src"), Path("dst"), counters, options);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, static_cast<int64_t>(data.size()));
  ExpectBytes(Path("dst"), data);
  const CopyCounters::Totals t = counters.totals();
  EXPECT_EQ(t.hole_bytes, 6 * 4096);
  EXPECT_EQ(t.read_write.bytes, 10 * 4096);
  EXPECT_EQ(t.kernel_bytes(), 0);  // zeros are found by reading
  EXPECT_LE(Stat(Path("dst")).st_blocks * 512, 10 * 4096);
}

// reflink=always where the filesystem cannot clone (or the build has no
// clone): an error, and nothing created or truncated.
TEST_P(CopyFileTest, ReflinkAlwaysRefusedChangesNothing) {
  Write(Path("src"), Pattern(10000));
  CopyFileOptions options;
  options.reflink = Reflink::kAlways;
  io::Result r = CopyFile(Path("src"), Path("new"), options);
  if (r.ok()) {  // a filesystem that clones (XFS, btrfs as the test directory)
    ExpectBytes(Path("new"), Pattern(10000));
    return;
  }
  EXPECT_EQ(r.n, 0);
  EXPECT_NE(std::string(r.status.message()).find("FICLONE"), std::string::npos) << r.status;
  EXPECT_FALSE(std::filesystem::exists(Path("new")));
  Write(Path("old"), "keep me");
  r = CopyFile(Path("src"), Path("old"), options);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Contents(Path("old")), "keep me");
}

TEST_P(CopyFileTest, ReflinkAlwaysNeedsSparseAuto) {
  Write(Path("src"), "x");
  CopyFileOptions options;
  options.reflink = Reflink::kAlways;
  options.sparse = Sparse::kNever;
  io::Result r = CopyFile(Path("src"), Path("dst"), options);
  EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(std::filesystem::exists(Path("dst")));
}

TEST_P(CopyFileTest, SameFileIsRefusedBeforeAnyChange) {
  const std::string data = Pattern(5000);
  Write(Path("src"), data);
  ASSERT_EQ(::link(Path("src").c_str(), Path("hard").c_str()), 0);
  for (const bool atomic : {false, true}) {
    CopyFileOptions options;
    options.atomic = atomic;
    io::Result r = CopyFile(Path("src"), Path("hard"), options);
    EXPECT_EQ(r.status.code(), absl::StatusCode::kInvalidArgument) << r.status;
    ExpectBytes(Path("src"), data);
  }
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"hard", "src"}));
}

TEST_P(CopyFileTest, PreserveModeTimesAndOwnership) {
  Write(Path("src"), "meta");
  ASSERT_EQ(::chmod(Path("src").c_str(), 02751), 0);
  const std::array<struct timespec, 2> times = {{{1000000000, 111}, {1234567890, 987654321}}};
  ASSERT_EQ(::utimensat(AT_FDCWD, Path("src").c_str(), times.data(), 0), 0);
  // Root outside a user namespace can give the file away; inside Bazel's
  // sandbox (a user namespace mapping only root), 1234 does not exist: EINVAL.
  const bool root = ::chown(Path("src").c_str(), 1234, 5678) == 0;
  if (root) {
    ASSERT_EQ(::chmod(Path("src").c_str(), 02751), 0);  // chown cleared setgid
  }
  CopyFileOptions options;
  options.preserve = {.mode = true, .timestamps = true, .ownership = true};
  io::Result r = CopyFile(Path("src"), Path("dst"), options);
  ASSERT_TRUE(r.ok()) << r.status;
  const struct stat dst = Stat(Path("dst"));
  EXPECT_EQ(dst.st_mtim.tv_sec, 1234567890);
  EXPECT_EQ(dst.st_mtim.tv_nsec, 987654321);
  EXPECT_EQ(dst.st_atim.tv_sec, 1000000000);
  if (root) {
    EXPECT_EQ(dst.st_uid, 1234U);
    EXPECT_EQ(dst.st_gid, 5678U);
    EXPECT_EQ(dst.st_mode & 07777, 02751U);
  } else {
    // Not permitted to give the file away: not an error, the owner is ours.
    EXPECT_EQ(dst.st_uid, ::geteuid());
  }
  // Without preserve: the bits less the umask, no setgid, the times of now.
  r = CopyFile(Path("src"), Path("plain"));
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(Stat(Path("plain")).st_mode & 07000, 0U);
  EXPECT_GT(Stat(Path("plain")).st_mtim.tv_sec, 1234567890);
}

// CopyFile(src, dst) by the names, or with `open_files` the File overload on
// the two files those names open (dst must exist then).
io::Result CopyNamedOrOpen(const std::string& src, const std::string& dst,
                           const CopyFileOptions& options, bool open_files) {
  if (!open_files) return CopyFile(src, dst, options);
  absl::StatusOr<std::unique_ptr<File>> in = File::Open(src);
  if (!in.ok()) return {0, in.status()};
  absl::StatusOr<std::unique_ptr<File>> out = File::OpenFile(dst, O_WRONLY, 0);
  if (!out.ok()) return {0, out.status()};
  return CopyFile(**in, **out, options);
}

// The destination's permission bits while its data is written: looked at
// when the first copy_file_range round arrives (the first data), by name.
void ModeWhenTheDataArrives(FakeSyscalls& fake, const std::string& path,
                            const std::shared_ptr<mode_t>& seen) {
  fake.copy_file_range.BeforeRound(1, [path, seen] { *seen = Stat(path).st_mode & 07777; });
}

// --preserve=ownership: the file is for the source's owner and group, so
// nobody else may open it while it holds part of the data (an early open
// reads everything written later): created owner-only, as cp does, and given
// its final mode (the source's bits less the umask, or all of them with
// mode) at the end, after the chown.
TEST_P(CopyFileTest, PreservedOwnershipCreatesTheFileOwnerOnlyUntilTheEnd) {
  if (!kKernelCopy) GTEST_SKIP() << "the mode is looked at from inside copy_file_range";
  Write(Path("src"), Pattern(100000), 0640);
  ASSERT_EQ(::chmod(Path("src").c_str(), 0664), 0);
  const mode_t old_umask = ::umask(022);
  for (const bool mode : {false, true}) {
    SCOPED_TRACE(::testing::Message() << "mode " << mode);
    ASSERT_EQ(::unlink(Path("dst").c_str()) == 0 || errno == ENOENT, true);
    FakeSyscalls fake;
    auto seen = std::make_shared<mode_t>(07777);
    ModeWhenTheDataArrives(fake, Path("dst"), seen);
    CopyFileOptions options;
    options.preserve = {.mode = mode, .ownership = true};
    io::Result r = CopyFile(Path("src"), Path("dst"), options);
    ASSERT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(*seen, 0600U);
    EXPECT_EQ(Stat(Path("dst")).st_mode & 07777, mode ? 0664U : 0644U);
  }
  // Without ownership, the kernel's mode at open(2) is the final one.
  ASSERT_EQ(::unlink(Path("dst").c_str()), 0);
  FakeSyscalls fake;
  auto seen = std::make_shared<mode_t>(07777);
  ModeWhenTheDataArrives(fake, Path("dst"), seen);
  io::Result r = CopyFile(Path("src"), Path("dst"));
  ::umask(old_umask);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(*seen, 0644U);
  EXPECT_EQ(Stat(Path("dst")).st_mode & 07777, 0644U);
}

// An existing destination whose mode is wider than the one it will end with
// (the source's, with --preserve=mode) is narrowed before the data, not after;
// without --preserve it keeps its own mode throughout (cp). Through the path
// and the File overloads.
TEST_P(CopyFileTest, ExistingWiderDestinationIsNarrowedBeforeTheData) {
  if (!kKernelCopy) GTEST_SKIP() << "the mode is looked at from inside copy_file_range";
  Write(Path("src"), Pattern(100000), 0600);
  for (const bool open_files : {false, true}) {
    for (const bool mode : {true, false}) {
      SCOPED_TRACE(::testing::Message() << "open files " << open_files << ", mode " << mode);
      Write(Path("dst"), "old secret-free contents");
      ASSERT_EQ(::chmod(Path("dst").c_str(), 0666), 0);
      FakeSyscalls fake;
      auto seen = std::make_shared<mode_t>(07777);
      ModeWhenTheDataArrives(fake, Path("dst"), seen);
      CopyFileOptions options;
      options.preserve.mode = mode;
      io::Result r = CopyNamedOrOpen(Path("src"), Path("dst"), options, open_files);
      ASSERT_TRUE(r.ok()) << r.status;
      EXPECT_EQ(*seen, mode ? 0600U : 0666U);
      EXPECT_EQ(Stat(Path("dst")).st_mode & 07777, mode ? 0600U : 0666U);
    }
  }
}

// A copy into an existing destination that is refused before any byte
// (reflink=always where the filesystem cannot clone) leaves its mode as it was.
TEST_P(CopyFileTest, RefusedCopyPutsBackTheNarrowedMode) {
  Write(Path("src"), Pattern(1000), 0600);
  Write(Path("dst"), "old");
  ASSERT_EQ(::chmod(Path("dst").c_str(), 0644), 0);
  FakeSyscalls fake;
  fake.ficlone.FailRound(1, Errno(EOPNOTSUPP));
  CopyFileOptions options;
  options.reflink = Reflink::kAlways;
  options.preserve.mode = true;
  io::Result r = CopyFile(Path("src"), Path("dst"), options);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(Contents(Path("dst")), "old");
  EXPECT_EQ(Stat(Path("dst")).st_mode & 07777, 0644U);
}

// --preserve applies whatever the source's type: a FIFO's or a character
// device's bytes are read as data, and its mode is still given, to a new
// destination and to an existing one, which is emptied first (was: the
// option silently ignored, and an existing destination's tail left).
TEST_P(CopyFileTest, PreserveAppliesToAFifoOrDeviceSource) {
  ASSERT_EQ(::mkfifo(Path("fifo").c_str(), 0600), 0);
  ASSERT_EQ(::chmod(Path("fifo").c_str(), 0660), 0);
  CopyFileOptions options;
  options.preserve = {.mode = true};
  const mode_t old_umask = ::umask(077);
  for (const bool existing : {false, true}) {
    SCOPED_TRACE(::testing::Message() << "existing " << existing);
    if (existing) Write(Path("from-fifo"), "old contents, longer", 0644);
    std::thread writer([this] {
      const int fd = ::open(Path("fifo").c_str(), O_WRONLY | O_CLOEXEC);
      EXPECT_GE(fd, 0);
      EXPECT_EQ(::write(fd, "piped", 5), 5);
      EXPECT_EQ(::close(fd), 0);
    });
    io::Result r = CopyFile(Path("fifo"), Path("from-fifo"), options);
    writer.join();
    ASSERT_TRUE(r.ok()) << r.status;
    EXPECT_EQ(Contents(Path("from-fifo")), "piped");
    EXPECT_EQ(Stat(Path("from-fifo")).st_mode & 07777, 0660U);
  }
  // A character device (/dev/null, mode 0666): its mode whatever the umask.
  io::Result r = CopyFile("/dev/null", Path("from-null"), options);
  ::umask(old_umask);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(Stat(Path("from-null")).st_mode & 07777, Stat("/dev/null").st_mode & 07777);
  // The File overload, from a pipe (pipefs makes it 0600), with its
  // modification time.
  auto pipe = File::Pipe();
  ASSERT_TRUE(pipe.ok());
  ASSERT_TRUE(pipe->second->Write(absl::MakeConstSpan("pipe", 4)).ok());
  ASSERT_TRUE(pipe->second->Close().ok());
  absl::StatusOr<FileInfo> pipe_info = pipe->first->Stat();
  ASSERT_TRUE(pipe_info.ok());
  ASSERT_NE(pipe_info->permissions(), 0644U);
  Write(Path("from-pipe"), "old contents, longer", 0644);
  auto dst = File::OpenFile(Path("from-pipe"), O_WRONLY, 0);
  ASSERT_TRUE(dst.ok());
  options.preserve.timestamps = true;
  r = CopyFile(*pipe->first, **dst, options);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(Contents(Path("from-pipe")), "pipe");
  const struct stat st = Stat(Path("from-pipe"));
  EXPECT_EQ(st.st_mode & 07777, pipe_info->permissions());
  EXPECT_EQ(absl::TimeFromTimespec(st.st_mtim), pipe_info->modification_time);
}

// --sync into a destination with no storage (/dev/null: fsync(2) says
// EINVAL) has nothing to make durable: not an error.
TEST_P(CopyFileTest, SyncIntoADeviceIsNotAnError) {
  Write(Path("src"), Pattern(1000));
  CopyFileOptions options;
  options.sync = true;
  io::Result r = CopyFile(Path("src"), "/dev/null", options);
  EXPECT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 1000);
}

// setuid (setgid) survives only where the destination ends up owned by the
// owner (group) whose mode it is: the source's, with --preserve=mode. As root
// (outside a user namespace) a file of uid 1234 copied with mode but not
// ownership becomes root's, without the set-id bits; with ownership too it
// is 1234's again, with them. Path, atomic and File overloads.
TEST_P(CopyFileTest, SetIdBitsOnlyForTheOwnerWhoseModeTheyAre) {
  Write(Path("src"), "#!/bin/sh\n");
  if (::chown(Path("src").c_str(), 1234, 5678) != 0) {
    GTEST_SKIP() << "needs root outside a user namespace to make another user's file";
  }
  ASSERT_EQ(::chmod(Path("src").c_str(), 06755), 0);
  for (const bool ownership : {false, true}) {
    for (const int overload : {0, 1, 2}) {  // path, atomic, File
      SCOPED_TRACE(::testing::Message() << "ownership " << ownership << ", overload " << overload);
      ASSERT_EQ(::unlink(Path("dst").c_str()) == 0 || errno == ENOENT, true);
      CopyFileOptions options;
      options.preserve = {.mode = true, .ownership = ownership};
      options.atomic = overload == 1;
      if (overload == 2) Write(Path("dst"), "", 0600);
      io::Result r = CopyNamedOrOpen(Path("src"), Path("dst"), options, overload == 2);
      ASSERT_TRUE(r.ok()) << r.status;
      const struct stat st = Stat(Path("dst"));
      EXPECT_EQ(st.st_uid, ownership ? 1234U : ::geteuid());
      EXPECT_EQ(st.st_mode & 07777, ownership ? 06755U : 0755U);
    }
  }
}

TEST_P(CopyFileTest, AtomicReplacesAndLeavesNoTemporary) {
  Write(Path("src"), Pattern(200000));
  Write(Path("dst"), "old contents");
  ASSERT_EQ(::chmod(Path("dst").c_str(), 0604), 0);
  const ino_t old_inode = Stat(Path("dst")).st_ino;
  CopyFileOptions options;
  options.atomic = true;
  options.sync = true;
  io::Result r = CopyFile(Path("src"), Path("dst"), options);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 200000);
  ExpectBytes(Path("dst"), Pattern(200000));
  EXPECT_NE(Stat(Path("dst")).st_ino, old_inode);       // a new file took the name
  EXPECT_EQ(Stat(Path("dst")).st_mode & 07777, 0604U);  // with the old file's mode
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"dst", "src"}));
  // And to a name that does not exist yet.
  r = CopyFile(Path("src"), Path("fresh"), options);
  ASSERT_TRUE(r.ok()) << r.status;
  ExpectBytes(Path("fresh"), Pattern(200000));
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"dst", "fresh", "src"}));
}

// A copy that fails midway (ENOSPC from the kernel on its second round) leaves
// the old destination as it was, and no temporary file.
TEST_P(CopyFileTest, AtomicFailureMidwayLeavesTheOldFile) {
  if (!kKernelCopy) GTEST_SKIP() << "the fault is injected into copy_file_range";
  FakeSyscalls fake;
  CopyFileRangeFailsInRoundTwo(fake, 65536, Errno(ENOSPC));
  Write(Path("src"), Pattern(300000));
  Write(Path("dst"), "old contents");
  CopyFileOptions options;
  options.atomic = true;
  io::Result r = CopyFile(Path("src"), Path("dst"), options);
  EXPECT_EQ(ErrnoOf(r.status), ENOSPC) << r.status;
  EXPECT_EQ(r.n, 65536);
  EXPECT_EQ(Contents(Path("dst")), "old contents");
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"dst", "src"}));
  // Without atomic, the same failure leaves the partial copy (as cp does).
  options.atomic = false;
  FakeSyscalls again;
  CopyFileRangeFailsInRoundTwo(again, 65536, Errno(ENOSPC));
  r = CopyFile(Path("src"), Path("dst"), options);
  EXPECT_EQ(ErrnoOf(r.status), ENOSPC) << r.status;
  EXPECT_EQ(r.n, 65536);
  ExpectBytes(Path("dst"), Pattern(65536));
}

TEST_P(CopyFileTest, AtomicWithABadSourceCreatesNothing) {
  Write(Path("dst"), "old");
  CopyFileOptions options;
  options.atomic = true;
  io::Result r = CopyFile(Path("missing"), Path("dst"), options);
  EXPECT_EQ(ErrnoOf(r.status), ENOENT);
  EXPECT_EQ(Contents(Path("dst")), "old");
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"dst"}));
}

// An extent the kernel refuses midway (EXDEV on the second round) is
// finished by the read/write loop, and later extents go there directly; the
// count, the bytes and the holes stay exact.
TEST_P(CopyFileTest, ExtentCopyFallsBackMidwayWithExactCounts) {
  if (!kKernelCopy) GTEST_SKIP() << "the fault is injected into copy_file_range";
  FakeSyscalls fake;
  CopyFileRangeFailsInRoundTwo(fake, 4096, Errno(EXDEV));
  const int64_t size = 4 * kMiB;
  const std::string bytes =
      WriteSparse(Path("src"), size, {{kMiB / 2, 64 << 10}, {2 * kMiB, 64 << 10}});
  ASSERT_LT(Stat(Path("src")).st_blocks * 512, size / 2);
  CopyCounters counters;
  io::Result r = CopyCounted(Path("src"), Path("dst"), counters);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, size);
  ExpectBytes(Path("dst"), bytes);
  const CopyCounters::Totals t = counters.totals();
  EXPECT_EQ(t.of(CopyMethod::kCopyFileRange).bytes, 4096);
  EXPECT_EQ(t.of(CopyMethod::kCopyFileRange).attempts, 1);  // one report for all extents
  EXPECT_EQ(t.fallbacks.size(), 1U) << t.ToString();        // copy_file_range's
  EXPECT_EQ(t.kernel_bytes() + t.read_write.bytes + t.hole_bytes, size);
  EXPECT_EQ(fake.copy_file_range_calls().size(), 2U);
  for (const auto& call : fake.copy_file_range_calls()) {
    EXPECT_FALSE(call.in_off_null);  // explicit offsets, per extent
  }
}

// A source that shrinks or grows when the first copy_file_range round
// arrives.
void ResizeOnFirstRound(FakeSyscalls& fake, const std::string& path, int64_t new_size) {
  fake.copy_file_range.BeforeRound(
      1, [path, new_size] { EXPECT_EQ(::truncate(path.c_str(), new_size), 0); });
}

TEST_P(CopyFileTest, SourceShrinkingDuringTheCopyEndsItExactly) {
  if (!kKernelCopy) GTEST_SKIP() << "the source is resized from inside copy_file_range";
  const int64_t size = 4 * kMiB;
  const std::string bytes = WriteSparse(Path("src"), size, {{kMiB, kMiB}, {3 * kMiB, 4096}});
  FakeSyscalls fake;
  ResizeOnFirstRound(fake, Path("src"), kMiB + 4096);
  io::Result r = CopyFile(Path("src"), Path("dst"));
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, kMiB + 4096);
  EXPECT_EQ(Stat(Path("dst")).st_size, kMiB + 4096);
  ExpectBytes(Path("dst"), bytes.substr(0, kMiB + 4096));
}

TEST_P(CopyFileTest, SourceGrowingDuringTheCopyIsNotFollowed) {
  if (!kKernelCopy) GTEST_SKIP() << "the source is resized from inside copy_file_range";
  const int64_t size = 4 * kMiB;
  const std::string bytes = WriteSparse(Path("src"), size, {{kMiB, kMiB}, {size - 10, 10}});
  FakeSyscalls fake;
  ResizeOnFirstRound(fake, Path("src"), 2 * size);
  io::Result r = CopyFile(Path("src"), Path("dst"));
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, size);
  ExpectBytes(Path("dst"), bytes);
}

// The File overload: the whole source, from its start, replaces the whole
// destination; both offsets end at the end.
TEST_P(CopyFileTest, OpenFilesWholeSourceReplacesWholeDestination) {
  const std::string data = Pattern(100000);
  Write(Path("src"), data);
  Write(Path("dst"), Pattern(300000, 7));
  auto src = File::Open(Path("src"));
  auto dst = File::OpenFile(Path("dst"), O_RDWR, 0);
  ASSERT_TRUE(src.ok() && dst.ok());
  ASSERT_TRUE((*src)->Seek(5000, SEEK_SET).ok());
  CopyCounters counters;
  (*dst)->SetCopyObserver(&counters);
  io::Result r = CopyFile(**src, **dst);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, 100000);
  ExpectBytes(Path("dst"), data);
  EXPECT_EQ(testutil::Offset((*src)->Fd()), 100000);
  EXPECT_EQ(testutil::Offset((*dst)->Fd()), 100000);
  EXPECT_EQ(counters.totals().whole_file_copies, 1);
}

// procfs says 0 bytes for files that have data: they are copied whole.
TEST_P(CopyFileTest, ProcfsFileIsCopiedWhole) {
  io::Result r = CopyFile("/proc/self/status", Path("status"));
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_GT(r.n, 0);
  EXPECT_EQ(Contents(Path("status")).substr(0, 5), "Name:");
}

// The destination's name, checked before anything is made, truncated or
// read: a symbolic link to nothing (cp: "not writing through dangling
// symlink"; was "open dangle: no such file or directory"), a name with a
// trailing slash that is no directory (cp: "Not a directory"; open(2) says
// EISDIR), and, for an atomic copy, a directory, which it used to find only
// at the rename, after copying every byte into a temporary file.
TEST_P(CopyFileTest, DestinationNamesAreCheckedBeforeAnything) {
  Write(Path("src"), Pattern(100000));
  ASSERT_EQ(::symlink("missing", Path("dangle").c_str()), 0);
  ASSERT_EQ(::mkdir(Path("dir").c_str(), 0755), 0);
  for (const bool atomic : {false, true}) {
    SCOPED_TRACE(::testing::Message() << "atomic " << atomic);
    CopyFileOptions options;
    options.atomic = atomic;
    if (!atomic) {  // an atomic copy replaces the link itself, never writing through it
      io::Result r = CopyFile(Path("src"), Path("dangle"), options);
      EXPECT_EQ(ErrnoOf(r.status), ENOENT);
      EXPECT_EQ(r.status.message(),
                "open " + Path("dangle") +
                    ": not writing through a dangling symlink: no such file or directory");
    }
    for (const std::string name : {"no-such/", "src/"}) {
      io::Result r = CopyFile(Path("src"), Path(name), options);
      EXPECT_EQ(ErrnoOf(r.status), ENOTDIR) << r.status;
      EXPECT_EQ(r.status.message(), "open " + Path(name) + ": not a directory");
    }
    FakeSyscalls fake;  // records every in-kernel copy
    CopyCounters counters;
    io::Result r = CopyCounted(Path("src"), Path("dir"), counters, options);
    EXPECT_EQ(ErrnoOf(r.status), EISDIR) << r.status;
    EXPECT_EQ(r.status.message(), "open " + Path("dir") + ": is a directory");
    EXPECT_EQ(r.n, 0);
    EXPECT_TRUE(fake.copy_file_range_calls().empty());
    EXPECT_EQ(counters.totals().read_write.reads, 0);
    EXPECT_TRUE(Names(Path("dir")).empty());  // no temporary file was made there
  }
  EXPECT_EQ(Names(dir_), (std::vector<std::string>{"dangle", "dir", "src"}));
  EXPECT_FALSE(std::filesystem::exists(Path("missing")));
}

TEST_P(CopyFileTest, DirectorySourceIsRefused) {
  io::Result r = CopyFile(dir_, Path("dst"));
  EXPECT_EQ(ErrnoOf(r.status), EISDIR);
  EXPECT_FALSE(std::filesystem::exists(Path("dst")));
}

// Across filesystems (tmpfs to the test directory): copy_file_range refuses
// (EXDEV), the read/write loop copies, holes kept.
TEST(CopyFileAcrossFilesystemsTest, TmpfsToTestDirectory) {
  if (::access("/dev/shm", W_OK) != 0) GTEST_SKIP() << "no /dev/shm";
  const std::string shm = FreshDir("/dev/shm");
  const std::string dir = FreshDir(testutil::TempDir());
  if (Stat(shm).st_dev == Stat(dir).st_dev) GTEST_SKIP() << "one filesystem";
  const int64_t size = 8 * kMiB;
  const std::string bytes = WriteSparse(shm + "/src", size, {{2 * kMiB, kMiB}});
  CopyCounters counters;
  io::Result r = CopyCounted(shm + "/src", dir + "/dst", counters);
  ASSERT_TRUE(r.ok()) << r.status;
  EXPECT_EQ(r.n, size);
  ExpectBytes(dir + "/dst", bytes);
  EXPECT_LE(Stat(dir + "/dst").st_blocks * 512, 2 * kMiB);
  const CopyCounters::Totals t = counters.totals();
  EXPECT_EQ(t.hole_bytes, size - kMiB) << t.ToString();
  EXPECT_EQ(t.read_write.bytes, kMiB);
  if (kKernelCopy) {
    EXPECT_EQ(t.fallbacks.count(
                  {CopyMethod::kCopyFileRange, true, poll::Fallback::kRefused, Errno(EXDEV)}),
              1U)
        << t.ToString();
  }
  std::filesystem::remove_all(shm);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sysport::os
