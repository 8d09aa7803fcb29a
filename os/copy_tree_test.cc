// os::CopyTree on real trees: a copy of /usr/include and a tree made to hold
// every kind of entry, compared entry by entry by a walker of the test's own
// (type, bytes, mode, owner, times where preserved, link targets, hard-link
// groups, xattrs); the presets (cp -r, cp -a, Go's CopyFS); existing
// destinations; symbolic links copied and followed, loops; hostile trees: a
// source directory swapped for a link to a secret outside while the copy
// runs, and the same in the destination; a tree deeper than PATH_MAX; names
// with newlines and bytes that are not UTF-8; 100,000 entries in one
// directory; files that change during the copy; copies into and onto
// themselves. What needs mounts, other users or signals is in
// tests/copy_tree_test.sh.

#include "os/copy_tree.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "os/error.h"
#include "os/file.h"
#include "os/root.h"
#include "os/testing/root_testing.h"
#include "testutil/testutil.h"

namespace sysport::os {
namespace {

constexpr bool kSupported = SYSPORT_TEST_KERNEL_COPY != 0;

// Under qemu-user (tools/cross/qemu-run says so) the large trees are made
// smaller: every instruction there costs tens of the host's, and what these
// tests check does not depend on the size.
bool Emulated() { return std::getenv("SYSPORT_EMULATED") != nullptr; }

// --- making trees, with plain POSIX calls ---

void MustMkdir(const std::string& path, mode_t mode = 0755) {
  ASSERT_EQ(::mkdir(path.c_str(), mode), 0) << path << ": " << std::strerror(errno);
}
void MustWrite(const std::string& path, const std::string& content, mode_t mode = 0644) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  const int opened = errno;
  const ssize_t written = ::write(fd, content.data(), content.size());
  const int chmodded = ::fchmod(fd, mode);
  ::close(fd);
  ASSERT_GE(fd, 0) << path << ": " << std::strerror(opened);
  ASSERT_EQ(written, static_cast<ssize_t>(content.size())) << path;
  ASSERT_EQ(chmodded, 0) << path;
}
void MustSymlink(const std::string& target, const std::string& path) {
  ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0) << path << ": " << std::strerror(errno);
}
bool Exists(const std::string& path) {
  struct stat st = {};
  return ::lstat(path.c_str(), &st) == 0;
}

// --- the walker that compares two trees ---

struct Compare {
  bool mode = true;        // all permission bits (else only that they exist)
  bool ownership = false;  // uid and gid
  bool times = false;      // modification time, to the nanosecond
  bool hard_links = false;
  bool xattrs = false;
};

std::string Xattrs(const std::string& path) {
  std::string names(65536, '\0');
  const ssize_t n = ::llistxattr(path.c_str(), names.data(), names.size());
  if (n <= 0) return "";
  names.resize(static_cast<size_t>(n));
  std::vector<std::string> sorted;
  for (std::string_view name : absl::StrSplit(names, '\0', absl::SkipEmpty())) {
    // The security namespace is the kernel's (SELinux labels), not the file's.
    if (absl::StartsWith(name, "security.")) continue;
    std::string value(65536, '\0');
    const std::string key(name);
    const ssize_t v = ::lgetxattr(path.c_str(), key.c_str(), value.data(), value.size());
    value.resize(v < 0 ? 0 : static_cast<size_t>(v));
    sorted.push_back(absl::StrCat(name, "=", value));
  }
  std::sort(sorted.begin(), sorted.end());
  std::string all;
  for (const std::string& s : sorted) absl::StrAppend(&all, s, ";");
  return all;
}

// The names in directory `dir`.
std::set<std::string> NamesIn(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

// One entry of each tree, compared as `c` says; the hard-link groups seen
// so far (source (dev, ino) -> the copy's inode) in `groups`.
void ExpectSameEntry(const std::string& what, const std::string& pa, const struct stat& sa,
                     const std::string& pb, const struct stat& sb, const Compare& c,
                     std::map<std::pair<dev_t, ino_t>, ino_t>& groups) {
  if (c.mode) {
    EXPECT_EQ(sa.st_mode & 07777, sb.st_mode & 07777) << what;
  }
  if (c.ownership) {
    EXPECT_EQ(sa.st_uid, sb.st_uid) << what;
    EXPECT_EQ(sa.st_gid, sb.st_gid) << what;
  }
  if (c.times && !S_ISLNK(sa.st_mode)) {
    EXPECT_EQ(sa.st_mtim.tv_sec, sb.st_mtim.tv_sec) << what;
    EXPECT_EQ(sa.st_mtim.tv_nsec, sb.st_mtim.tv_nsec) << what;
  }
  if (c.xattrs && !S_ISLNK(sa.st_mode)) {
    EXPECT_EQ(Xattrs(pa), Xattrs(pb)) << what;
  }
  if (S_ISLNK(sa.st_mode)) {
    EXPECT_EQ(std::filesystem::read_symlink(pa), std::filesystem::read_symlink(pb)) << what;
  } else if (S_ISCHR(sa.st_mode) || S_ISBLK(sa.st_mode)) {
    EXPECT_EQ(sa.st_rdev, sb.st_rdev) << what;
  } else if (S_ISREG(sa.st_mode)) {
    EXPECT_EQ(sa.st_size, sb.st_size) << what;
    EXPECT_TRUE(testutil::Contents(pa) == testutil::Contents(pb)) << what << ": bytes differ";
    if (!c.hard_links || sa.st_nlink < 2) return;
    auto [it, first] = groups.try_emplace({sa.st_dev, sa.st_ino}, sb.st_ino);
    EXPECT_EQ(it->second, sb.st_ino) << what << ": not linked to its group's copy";
    if (first) {
      EXPECT_EQ(sa.st_nlink, sb.st_nlink) << what;
    }
  }
}

// Walks `a` and `b` together; every difference is a test failure naming
// the entry. Returns the number of entries compared.
size_t ExpectSameTree(const std::string& a, const std::string& b, const Compare& c) {
  size_t entries = 0;
  std::map<std::pair<dev_t, ino_t>, ino_t> groups;
  std::vector<std::string> pending = {""};
  while (!pending.empty()) {
    const std::string rel = pending.back();
    pending.pop_back();
    const std::string pa = rel.empty() ? a : absl::StrCat(a, "/", rel);
    const std::string pb = rel.empty() ? b : absl::StrCat(b, "/", rel);
    struct stat sa = {};
    struct stat sb = {};
    if (::lstat(pa.c_str(), &sa) != 0 || ::lstat(pb.c_str(), &sb) != 0) {
      ADD_FAILURE() << "missing: " << rel << ": " << std::strerror(errno);
      continue;
    }
    ++entries;
    const std::string what = rel.empty() ? "(top)" : rel;
    if ((sa.st_mode & S_IFMT) != (sb.st_mode & S_IFMT)) {
      ADD_FAILURE() << what << ": types differ";
      continue;
    }
    ExpectSameEntry(what, pa, sa, pb, sb, c, groups);
    if (!S_ISDIR(sa.st_mode)) continue;
    const std::set<std::string> names = NamesIn(pa);
    EXPECT_EQ(names, NamesIn(pb)) << what;
    std::transform(
        names.begin(), names.end(), std::back_inserter(pending),
        [&rel](const std::string& n) { return rel.empty() ? n : absl::StrCat(rel, "/", n); });
  }
  return entries;
}

// Collects what the observer hears.
class Recorder final : public CopyTreeObserver {
 public:
  void OnError(const absl::Status& error) override {
    absl::MutexLock lock(&mu_);
    errors_.emplace_back(error.message());
  }
  void OnSkipped(const std::string& what) override {
    absl::MutexLock lock(&mu_);
    skipped_.push_back(what);
  }
  void OnCopied(FileType /*type*/, int64_t bytes) override {
    copied_.fetch_add(1);
    bytes_.fetch_add(bytes);
  }
  std::vector<std::string> errors() {
    absl::MutexLock lock(&mu_);
    return errors_;
  }
  std::vector<std::string> skipped() {
    absl::MutexLock lock(&mu_);
    return skipped_;
  }
  int64_t copied() const { return copied_.load(); }
  int64_t bytes() const { return bytes_.load(); }

 private:
  absl::Mutex mu_;
  std::vector<std::string> errors_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> skipped_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> copied_{0};
  std::atomic<int64_t> bytes_{0};
};

std::string AllErrors(const CopyTreeResult& r) {
  std::string all;
  for (const absl::Status& s : r.errors) absl::StrAppend(&all, s.message(), "\n");
  return all;
}

// Each test runs with the walk forced too, and with one thread and several.
// (cppcheck does not see GetParam's uses of the members.)
struct Variant {
  const char* name;  // cppcheck-suppress unusedStructMember
  bool walk;         // cppcheck-suppress unusedStructMember
  int jobs;          // cppcheck-suppress unusedStructMember
};

class CopyTreeTest : public ::testing::TestWithParam<Variant> {
 protected:
  void SetUp() override {
    if (!kSupported) GTEST_SKIP() << "no os::Root in the stub build";
    if (GetParam().walk) {
      // Where the kernel (or qemu-user 7.2, which does not know openat2)
      // already makes the process walk, the forced variant would repeat the
      // plain one: learn the resolution with one open, then skip if so.
      absl::StatusOr<std::unique_ptr<Root>> probe = OpenRoot(testutil::TempDir());
      ASSERT_TRUE(probe.ok()) << probe.status();
      ASSERT_TRUE((*probe)->OpenRoot(".").ok());
      if (testing::CurrentResolution() == "walk") {
        GTEST_SKIP()
            << "names are resolved by the walk here already: the four_threads variant is this one";
      }
      force_walk_.emplace();
    }
    base_ = testutil::TempDir() + "/copy_tree_test-XXXXXX";
    ASSERT_NE(::mkdtemp(base_.data()), nullptr);
    src_ = base_ + "/src";
    dst_ = base_ + "/dst";
  }
  void TearDown() override {
    if (!base_.empty()) {
      // Leave nothing unremovable behind (modes the tests set).
      std::error_code ignored;
      for (auto it = std::filesystem::recursive_directory_iterator(base_, ignored);
           it != std::filesystem::recursive_directory_iterator(); it.increment(ignored)) {
        if (it->is_directory(ignored) && !it->is_symlink(ignored)) {
          std::filesystem::permissions(it->path(), std::filesystem::perms::owner_all,
                                       std::filesystem::perm_options::add, ignored);
        }
      }
      std::filesystem::remove_all(base_, ignored);
    }
  }

  static CopyTreeOptions Options(CopyTreeOptions o) {
    o.jobs = GetParam().jobs;
    return o;
  }

  std::optional<testing::ScopedForceWalk> force_walk_;
  std::string base_, src_, dst_;
};

INSTANTIATE_TEST_SUITE_P(Threads, CopyTreeTest,
                         ::testing::Values(Variant{"one_thread", false, 1},
                                           Variant{"four_threads", false, 4},
                                           Variant{"walk_four_threads", true, 4}),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_P(CopyTreeTest, CopiesUsrIncludeAsCpArchive) {
  const std::string include = Emulated() ? "/usr/include/linux" : "/usr/include";
  if (!Exists(include)) GTEST_SKIP() << "no " << include << " here";
  Recorder recorder;
  CopyTreeOptions o = Options(CopyTreeOptions::CpArchive());
  o.observer = &recorder;
  const CopyTreeResult r = CopyTree(include, dst_, o);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  const size_t entries = ExpectSameTree(
      include, dst_,
      {.mode = true, .ownership = true, .times = true, .hard_links = true, .xattrs = true});
  EXPECT_GT(entries, 100U);
  EXPECT_EQ(static_cast<size_t>(r.stats.directories + r.stats.files + r.stats.symlinks +
                                r.stats.hard_links + r.stats.special_files),
            entries);
  EXPECT_EQ(recorder.copied(), static_cast<int64_t>(entries));
  // Every regular file's size, by whichever way its bytes went.
  EXPECT_EQ(recorder.bytes(), r.stats.bytes_copied + r.stats.bytes_cloned + r.stats.bytes_holes);
  EXPECT_EQ(r.stats.errors, 0);
  EXPECT_TRUE(recorder.errors().empty());
}

// A tree of every kind of entry: nested directories with their own modes
// and times, files of many sizes (an empty one, a sparse one), set-id bits,
// links (relative, absolute, dangling, to a directory, to outside), hard
// links within a directory and across two, a FIFO, xattrs, odd names.
void MakeEveryKind(const std::string& src, const std::string& outside) {
  MustMkdir(src);
  MustMkdir(src + "/a");
  MustMkdir(src + "/a/b", 0750);
  MustMkdir(src + "/a/b/c", 0700);
  MustMkdir(src + "/empty-dir", 0555);
  MustWrite(src + "/empty", "");
  MustWrite(src + "/small", "small file\n");
  MustWrite(src + "/a/b/c/deep", testutil::Pattern(100000));
  MustWrite(src + "/exec", "#!/bin/sh\n", 0755);
  MustWrite(src + "/setuid", "s", 04755);
  MustWrite(src + "/setgid", "g", 02750);
  MustWrite(src + "/a/odd mode", "m", 0604);
  MustWrite(src + "/name with\nnewline\xff\xfe", "odd name");
  {
    const int fd = ::open((src + "/sparse").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    const ssize_t written = ::pwrite(fd, "x", 1, 8 << 20);
    ::close(fd);
    ASSERT_EQ(written, 1) << "the sparse file";
  }
  ASSERT_EQ(::link((src + "/small").c_str(), (src + "/small-hard").c_str()), 0);
  ASSERT_EQ(::link((src + "/small").c_str(), (src + "/a/b/small-hard-elsewhere").c_str()), 0);
  MustSymlink("small", src + "/rel-link");
  MustSymlink("a/b", src + "/dir-link");
  MustSymlink(outside + "/secret", src + "/abs-link-out");
  MustSymlink("../../outside/secret", src + "/a/rel-link-out");
  MustSymlink("nowhere", src + "/dangling");
  ASSERT_EQ(::mkfifo((src + "/fifo").c_str(), 0640), 0);
  (void)::setxattr((src + "/small").c_str(), "user.sysport", "v1", 2, 0);
  (void)::setxattr((src + "/a").c_str(), "user.dir", "d", 1, 0);
  // Times in the past, to the nanosecond, on files and directories.
  const std::array<struct timespec, 2> times = {{{1000000000, 123456789}, {1100000000, 987654321}}};
  for (const char* rel : {"/small", "/a/b/c/deep", "/a/b", "/a", "/empty-dir", "/fifo"}) {
    ASSERT_EQ(::utimensat(AT_FDCWD, (src + rel).c_str(), times.data(), AT_SYMLINK_NOFOLLOW), 0)
        << rel;
  }
}

TEST_P(CopyTreeTest, CpArchiveKeepsEverything) {
  MustMkdir(base_ + "/outside");
  MustWrite(base_ + "/outside/secret", "secret");
  MakeEveryKind(src_, base_ + "/outside");
  ::umask(022);
  const CopyTreeResult r = CopyTree(src_, dst_, Options(CopyTreeOptions::CpArchive()));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  ExpectSameTree(
      src_, dst_,
      {.mode = true, .ownership = true, .times = true, .hard_links = true, .xattrs = true});
  EXPECT_EQ(r.stats.hard_links, 2);
  EXPECT_EQ(r.stats.special_files, 1);
  EXPECT_EQ(r.stats.symlinks, 5);
  EXPECT_EQ(r.stats.directories, 5);
  // The sparse file's hole stayed a hole.
  struct stat st = {};
  ASSERT_EQ(::stat((dst_ + "/sparse").c_str(), &st), 0);
  EXPECT_LT(st.st_blocks * 512, 1 << 20);
  EXPECT_GT(r.stats.bytes_holes, 0);
  // Links to outside are copied as links, never followed.
  EXPECT_EQ(std::filesystem::read_symlink(dst_ + "/abs-link-out"), base_ + "/outside/secret");
  EXPECT_FALSE(Exists(base_ + "/outside/secret-copy"));
}

// sync adds an fsync per file and directory (which ones, and in what order,
// tests/copy_tree_test.sh checks under strace); here, on every architecture,
// that they succeed on every kind of entry and change nothing else, with
// each atomic mode.
TEST_P(CopyTreeTest, SyncKeepsEverythingTheArchiveDoes) {
  MustMkdir(base_ + "/outside");
  MakeEveryKind(src_, base_ + "/outside");
  for (const bool atomic : {false, true}) {
    SCOPED_TRACE(atomic ? "atomic" : "in place");
    const std::string dst = dst_ + (atomic ? "-atomic" : "");
    CopyTreeOptions o = Options(CopyTreeOptions::CpArchive());
    o.sync = true;
    o.atomic_tree = atomic;
    o.atomic_files = atomic;
    const CopyTreeResult r = CopyTree(src_, dst, o);
    ASSERT_TRUE(r.ok()) << AllErrors(r);
    ExpectSameTree(
        src_, dst,
        {.mode = true, .ownership = true, .times = true, .hard_links = true, .xattrs = true});
    EXPECT_EQ(r.stats.directories, 5);
    EXPECT_EQ(r.stats.errors, 0);
  }
}

TEST_P(CopyTreeTest, CpRecursiveTakesModesLessTheUmaskAndNothingElse) {
  MustMkdir(base_ + "/outside");
  MakeEveryKind(src_, base_ + "/outside");
  const mode_t old = ::umask(027);
  const CopyTreeResult r = CopyTree(src_, dst_, Options(CopyTreeOptions::CpRecursive()));
  ::umask(old);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  ExpectSameTree(src_, dst_, {.mode = false});
  struct stat st = {};
  ASSERT_EQ(::stat((dst_ + "/exec").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750U);
  ASSERT_EQ(::stat((dst_ + "/setuid").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750U) << "no set-id bits without preserve.mode";
  ASSERT_EQ(::stat((dst_ + "/a/b").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0750U);
  ASSERT_EQ(::stat((dst_ + "/empty-dir").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0550U);
  // No times kept, no hard links: each name its own file.
  struct stat a = {};
  struct stat b = {};
  ASSERT_EQ(::stat((dst_ + "/small").c_str(), &a), 0);
  ASSERT_EQ(::stat((dst_ + "/small-hard").c_str(), &b), 0);
  EXPECT_NE(a.st_ino, b.st_ino);
  EXPECT_NE(a.st_mtim.tv_sec, 1100000000);
  EXPECT_EQ(r.stats.hard_links, 0);
}

TEST_P(CopyTreeTest, GoCopyFSFailsOnWhatExistsAndKeepsExecuteBits) {
  MustMkdir(src_);
  MustWrite(src_ + "/tool", "x", 0700);
  MustWrite(src_ + "/data", "d", 0600);
  const mode_t old = ::umask(022);
  CopyTreeResult r = CopyTree(src_, dst_, Options(CopyTreeOptions::GoCopyFS()));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  struct stat st = {};
  // 0666 plus the source's execute bit (u+x), less the umask.
  ASSERT_EQ(::stat((dst_ + "/tool").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0744U);
  ASSERT_EQ(::stat((dst_ + "/data").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644U);
  ASSERT_EQ(::stat(dst_.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755U);
  // Again into the same destination: the first file that exists stops it.
  r = CopyTree(src_, dst_, Options(CopyTreeOptions::GoCopyFS()));
  ::umask(old);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(ErrnoOf(r.status), EEXIST) << r.status;
  EXPECT_EQ(r.stats.errors, 1);
}

TEST_P(CopyTreeTest, ExistingDestinations) {
  MustMkdir(src_);
  MustWrite(src_ + "/f", "new");
  MustWrite(src_ + "/g", "new g");
  MustMkdir(src_ + "/d");
  MustWrite(src_ + "/d/inner", "inner");
  MustMkdir(dst_);
  MustWrite(dst_ + "/f", "old content, longer");
  MustSymlink("elsewhere", dst_ + "/g");
  MustMkdir(dst_ + "/d");
  MustWrite(dst_ + "/d/kept", "kept");
  MustWrite(dst_ + "/only-in-dst", "x");
  // -n: nothing that exists changes.
  CopyTreeOptions keep = Options(CopyTreeOptions::CpRecursive());
  keep.existing = CopyTreeOptions::Existing::kKeep;
  CopyTreeResult r = CopyTree(src_, dst_, keep);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(testutil::Contents(dst_ + "/f"), "old content, longer");
  EXPECT_EQ(std::filesystem::read_symlink(dst_ + "/g"), "elsewhere");
  EXPECT_EQ(testutil::Contents(dst_ + "/d/inner"), "inner");
  EXPECT_EQ(r.stats.skipped, 2);
  // The default replaces files (in place), links (never written through),
  // and merges directories.
  r = CopyTree(src_, dst_, Options(CopyTreeOptions::CpRecursive()));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(testutil::Contents(dst_ + "/f"), "new");
  EXPECT_EQ(testutil::Contents(dst_ + "/g"), "new g");
  EXPECT_FALSE(Exists(base_ + "/elsewhere"));
  EXPECT_EQ(testutil::Contents(dst_ + "/d/kept"), "kept");
  EXPECT_EQ(testutil::Contents(dst_ + "/only-in-dst"), "x");
  // A directory where a file is, and the reverse: errors, the rest copied.
  MustWrite(src_ + "/was-file", "file");
  MustMkdir(dst_ + "/was-file");
  MustMkdir(src_ + "/was-dir");
  MustWrite(dst_ + "/was-dir", "file in dst");
  r = CopyTree(src_, dst_, Options(CopyTreeOptions::CpRecursive()));
  EXPECT_EQ(r.stats.errors, 2) << AllErrors(r);
  EXPECT_NE(AllErrors(r).find("cannot overwrite directory"), std::string::npos) << AllErrors(r);
  EXPECT_NE(AllErrors(r).find("cannot overwrite non-directory"), std::string::npos) << AllErrors(r);
  EXPECT_EQ(testutil::Contents(dst_ + "/f"), "new");
}

TEST_P(CopyTreeTest, IntoItselfOntoItselfOntoANonDirectory) {
  MustMkdir(src_);
  MustMkdir(src_ + "/sub");
  MustWrite(src_ + "/f", "f");
  CopyTreeResult r = CopyTree(src_, src_ + "/sub/copy", Options({}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status.message(), absl::StrCat("cannot copy a directory, '", src_,
                                             "', into itself, '", src_, "/sub/copy'"));
  EXPECT_FALSE(Exists(src_ + "/sub/copy"));
  // Through a link to the source, too.
  MustSymlink(src_, base_ + "/via");
  r = CopyTree(src_, base_ + "/via/sub/copy", Options({}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status.message()).find("into itself"), std::string::npos) << r.status;
  r = CopyTree(src_, src_, Options({}));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(std::string(r.status.message()).find("into itself"), std::string::npos) << r.status;
  r = CopyTree(src_ + "/f", src_ + "/f", Options({}));
  EXPECT_EQ(r.status.message(),
            absl::StrCat("'", src_, "/f' and '", src_, "/f' are the same file"));
  MustWrite(base_ + "/plain", "p");
  r = CopyTree(src_, base_ + "/plain", Options({}));
  EXPECT_EQ(r.status.message(), absl::StrCat("cannot overwrite non-directory '", base_,
                                             "/plain' with directory '", src_, "'"));
  EXPECT_EQ(testutil::Contents(base_ + "/plain"), "p");
}

TEST_P(CopyTreeTest, FollowingLinks) {
  MustMkdir(src_);
  MustMkdir(base_ + "/elsewhere");
  MustWrite(base_ + "/elsewhere/far", "far");
  MustWrite(src_ + "/f", "f");
  MustSymlink("f", src_ + "/to-f");
  MustSymlink(base_ + "/elsewhere", src_ + "/to-elsewhere");
  MustMkdir(src_ + "/d");
  MustSymlink("..", src_ + "/d/loop");  // leads back to src
  // -L: every link followed, wherever it points; the loop refused.
  CopyTreeOptions follow = Options(CopyTreeOptions::CpRecursive());
  follow.symlinks = CopyTreeOptions::Symlinks::kFollowAll;
  CopyTreeResult r = CopyTree(src_, dst_, follow);
  EXPECT_EQ(r.stats.errors, 1) << AllErrors(r);
  EXPECT_NE(AllErrors(r).find("symbolic link loop"), std::string::npos) << AllErrors(r);
  struct stat st = {};
  ASSERT_EQ(::lstat((dst_ + "/to-f").c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(testutil::Contents(dst_ + "/to-elsewhere/far"), "far");
  EXPECT_FALSE(Exists(dst_ + "/d/loop"));
  // -H: the source named is followed, nothing beneath it.
  MustSymlink(src_, base_ + "/src-link");
  CopyTreeOptions top = Options(CopyTreeOptions::CpRecursive());
  top.symlinks = CopyTreeOptions::Symlinks::kFollowSource;
  r = CopyTree(base_ + "/src-link", base_ + "/dst-h", top);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  ASSERT_EQ(::lstat((base_ + "/dst-h").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  ASSERT_EQ(::lstat((base_ + "/dst-h/to-elsewhere").c_str(), &st), 0);
  EXPECT_TRUE(S_ISLNK(st.st_mode));
  // Neither: the source named is a link, copied as one.
  r = CopyTree(base_ + "/src-link", base_ + "/dst-p", Options(CopyTreeOptions::CpRecursive()));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(std::filesystem::read_symlink(base_ + "/dst-p"), src_);
}

TEST_P(CopyTreeTest, SocketsAreReportedAndSkipped) {
  MustMkdir(src_);
  MustWrite(src_ + "/f", "f");
  // A relative name: the test directory is too deep for sun_path. The
  // socket file stays once its descriptor is closed.
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::memcpy(&addr.sun_path, "sock", 5);
  const std::string here = std::filesystem::current_path();
  ASSERT_EQ(::chdir(src_.c_str()), 0);
  const int sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): bind(2)'s generic address
  const int bound = ::bind(sock, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr);
  ::close(sock);
  ASSERT_EQ(::chdir(here.c_str()), 0);
  ASSERT_EQ(bound, 0) << std::strerror(errno);
  Recorder recorder;
  CopyTreeOptions o = Options({});
  o.observer = &recorder;
  const CopyTreeResult r = CopyTree(src_, dst_, o);
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.stats.skipped, 1);
  ASSERT_EQ(recorder.skipped().size(), 1U);
  EXPECT_EQ(recorder.skipped()[0], src_ + "/sock: a socket, not copied");
  EXPECT_FALSE(Exists(dst_ + "/sock"));
  EXPECT_TRUE(Exists(dst_ + "/f"));
}

TEST_P(CopyTreeTest, DevicesAsRoot) {
  if (::geteuid() != 0) GTEST_SKIP() << "devices need CAP_MKNOD";
  MustMkdir(src_);
  if (::mknod((src_ + "/null").c_str(), S_IFCHR | 0666, makedev(1, 3)) != 0) {
    GTEST_SKIP() << "no CAP_MKNOD here: " << std::strerror(errno);
  }
  const CopyTreeResult r = CopyTree(src_, dst_, Options(CopyTreeOptions::CpArchive()));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  ExpectSameTree(src_, dst_, {.mode = true, .ownership = true});
  EXPECT_EQ(r.stats.special_files, 1);
}

// The directory `name` made in `dir_fd` and opened; the old descriptor closed.
int MkdirAt(int dir_fd, const std::string& name) {
  if (::mkdirat(dir_fd, name.c_str(), 0755) != 0) return -1;
  const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ::close(dir_fd);
  return fd;
}

TEST_P(CopyTreeTest, DeeperThanPathMax) {
  // 25 directories of 200 bytes: 5,000 bytes below src, past PATH_MAX, so
  // the tree is made (and read back) a directory at a time.
  MustMkdir(src_);
  int fd = ::open(src_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; i < 25 && fd >= 0; ++i) {
    fd = MkdirAt(fd, std::string(200, static_cast<char>('a' + i)));
  }
  ASSERT_GE(fd, 0) << std::strerror(errno);
  const int made = ::openat(fd, "bottom", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  ::close(fd);
  ASSERT_GE(made, 0);
  ASSERT_EQ(::write(made, "bottom", 6), 6);
  ::close(made);
  const CopyTreeResult r = CopyTree(src_, dst_, Options(CopyTreeOptions::CpArchive()));
  ASSERT_TRUE(r.ok()) << r.status.code() << " (" << r.errors.size() << " errors)";
  EXPECT_EQ(r.stats.directories, 26);
  EXPECT_EQ(r.stats.files, 1);
  fd = ::open(dst_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  for (int i = 0; i < 25 && fd >= 0; ++i) {
    const int next = ::openat(fd, std::string(200, static_cast<char>('a' + i)).c_str(),
                              O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ::close(fd);
    fd = next;
  }
  ASSERT_GE(fd, 0);
  const int bottom = ::openat(fd, "bottom", O_RDONLY | O_CLOEXEC);
  ::close(fd);
  ASSERT_GE(bottom, 0);
  std::array<char, 16> buf = {};
  EXPECT_EQ(::read(bottom, buf.data(), buf.size()), 6);
  ::close(bottom);
  // TearDown's removal cannot take paths this long either.
  absl::StatusOr<std::unique_ptr<Root>> root = OpenRoot(base_);
  ASSERT_TRUE(root.ok());
  ASSERT_TRUE((*root)->RemoveAll("src").ok());
  ASSERT_TRUE((*root)->RemoveAll("dst").ok());
}

TEST_P(CopyTreeTest, OneFlatDirectoryOf100000Entries) {
  MustMkdir(src_);
  const int files = Emulated() ? 10000 : 100000;
  for (int i = 0; i < files; ++i) {
    const int fd =
        ::open(absl::StrCat(src_, "/f", i).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    if (i % 1000 == 0) {
      ASSERT_EQ(::write(fd, "x", 1), 1);
    }
    ::close(fd);
  }
  const CopyTreeResult r = CopyTree(src_, dst_, Options(CopyTreeOptions::CpRecursive()));
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.stats.files, files);
  EXPECT_EQ(r.stats.bytes_copied + r.stats.bytes_cloned, files / 1000);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dst_),
                          std::filesystem::directory_iterator()),
            files);
}

TEST_P(CopyTreeTest, ErrorsCarryTheirPathsAndTheRestIsCopied) {
  MustMkdir(src_);
  MustMkdir(src_ + "/a");
  MustWrite(src_ + "/a/one", "1");
  MustWrite(src_ + "/two", "2");
  MustMkdir(dst_);
  MustWrite(dst_ + "/a", "a file where the directory goes");
  Recorder recorder;
  CopyTreeOptions o = Options({});
  o.observer = &recorder;
  CopyTreeResult r = CopyTree(src_, dst_, o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.stats.errors, 1);
  EXPECT_EQ(r.status.message(), absl::StrCat("cannot overwrite non-directory '", dst_,
                                             "/a' with directory '", src_, "/a'"));
  EXPECT_EQ(recorder.errors().size(), 1U);
  EXPECT_EQ(testutil::Contents(dst_ + "/two"), "2");
  // Stopping at the first error copies nothing after it in that task.
  o.stop_at_first_error = true;
  r = CopyTree(src_, dst_, o);
  EXPECT_FALSE(r.ok());
}

TEST_P(CopyTreeTest, FilesThatChangeDuringTheCopy) {
  MustMkdir(src_);
  for (int i = 0; i < 50; ++i) MustWrite(absl::StrCat(src_, "/f", i), testutil::Pattern(200000));
  std::atomic<bool> stop{false};
  // Each file shrinks and is written again, its bytes the pattern's where it
  // has them: a copy is a prefix of the pattern, but for zeros where a
  // truncation raced with the kernel's read of a page (it zeroes the page's
  // tail past the new end).
  const std::string pattern = testutil::Pattern(200000);
  std::thread changer([&] {
    for (int round = 0; !stop.load(); ++round) {
      const std::string path = absl::StrCat(src_, "/f", round % 50);
      if (round % 2 == 0) {
        (void)::truncate(path.c_str(), (round * 7919) % 200000);
      } else {
        const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
        if (fd >= 0) {
          (void)::pwrite(fd, pattern.data(), pattern.size(), 0);
          ::close(fd);
        }
      }
    }
  });
  const CopyTreeResult r = CopyTree(src_, dst_, Options({}));
  stop.store(true);
  changer.join();
  ASSERT_TRUE(r.ok()) << AllErrors(r);
  EXPECT_EQ(r.stats.files, 50);
  for (int i = 0; i < 50; ++i) {
    const std::string got = testutil::Contents(absl::StrCat(dst_, "/f", i));
    EXPECT_LE(got.size(), pattern.size());
    size_t wrong = 0;
    for (size_t j = 0; j < got.size(); ++j) {
      if (got[j] != pattern[j] && got[j] != '\0') ++wrong;
    }
    EXPECT_EQ(wrong, 0U) << i << ": bytes that were never the source's";
  }
}

// --- hostile: directories swapped for links to outside while the copy runs ---

TEST_P(CopyTreeTest, ASourceDirectorySwappedForALinkToASecretNeverCopiesIt) {
  MustMkdir(base_ + "/outside");
  MustWrite(base_ + "/outside/secret", "SECRET");
  MustMkdir(src_);
  MustMkdir(src_ + "/d");
  MustWrite(src_ + "/d/secret", "public");
  for (int i = 0; i < 20; ++i) MustWrite(absl::StrCat(src_, "/d/f", i), "data");
  MustSymlink(base_ + "/outside", src_ + "/swap");
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    while (!stop.load()) {
      (void)::renameat2(AT_FDCWD, (src_ + "/d").c_str(), AT_FDCWD, (src_ + "/swap").c_str(),
                        RENAME_EXCHANGE);
    }
  });
  int copies = 0;
  const int rounds = Emulated() ? 30 : 150;
  for (int round = 0; round < rounds; ++round) {
    const std::string dst = absl::StrCat(dst_, round);
    (void)CopyTree(src_, dst, Options(CopyTreeOptions::CpRecursive()));
    ++copies;
    // Whatever d was at each moment, it is copied as a directory (its own
    // files) or as a link; the secret outside never appears as a file of
    // the copy (links are not followed here either).
    std::error_code none;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dst, none)) {
      if (e.is_symlink() || !e.is_regular_file()) continue;
      EXPECT_NE(testutil::Contents(e.path().string()), "SECRET") << e.path();
    }
  }
  stop.store(true);
  swapper.join();
  EXPECT_EQ(copies, rounds);
}

TEST_P(CopyTreeTest, ADestinationDirectorySwappedForALinkNeverWritesOutside) {
  MustMkdir(base_ + "/outside");
  MustMkdir(src_);
  MustMkdir(src_ + "/d");
  for (int i = 0; i < 50; ++i) MustWrite(absl::StrCat(src_, "/d/f", i), "data");
  MustMkdir(dst_);
  MustSymlink(base_ + "/outside", dst_ + "/swap");
  std::atomic<bool> stop{false};
  std::thread swapper([&] {
    while (!stop.load()) {
      // Once d exists in dst, keep exchanging it with the link.
      (void)::renameat2(AT_FDCWD, (dst_ + "/d").c_str(), AT_FDCWD, (dst_ + "/swap").c_str(),
                        RENAME_EXCHANGE);
    }
  });
  for (int round = 0; round < (Emulated() ? 20 : 100); ++round) {
    (void)CopyTree(src_, dst_, Options(CopyTreeOptions::CpRecursive()));
  }
  stop.store(true);
  swapper.join();
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(base_ + "/outside"),
                          std::filesystem::directory_iterator()),
            0)
      << "something was created outside the destination";
}

}  // namespace
}  // namespace sysport::os
