// os::Root on real directories, in the spirit of Go's os/root_test.go: a
// table of names that stay beneath the root and names that leave it, each
// made for real (directories, symbolic links, dangling ones, loops) beside a
// directory "outside" that must never be read, written or created in; the
// other methods; a path deeper than PATH_MAX; and a race in which another
// thread swaps a directory for a link to outside while the root is used.
//
// Every test runs twice: with the resolution the kernel gives ("kernel":
// openat2 on Linux 5.6 and later, the walk where openat2 is missing, as under
// qemu-user 7.2) and with the walk forced. In the forced-stub build
// (--//os:readfrom_stub) OpenRoot must refuse, and only that is tested.

#include "os/root.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "os/error.h"
#include "os/file.h"
#include "os/testing/root_testing.h"
#include "testutil/testutil.h"

namespace sysport::os {
namespace {

constexpr bool kSupported = SYSPORT_TEST_KERNEL_COPY != 0;

// What the test directory holds, made with plain POSIX calls (not Root's).
void MustMkdir(const std::string& path, mode_t mode = 0755) {
  ASSERT_EQ(::mkdir(path.c_str(), mode), 0) << path << ": " << std::strerror(errno);
}
void MustWrite(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const int opened = errno;
  const ssize_t written = ::write(fd, content.data(), content.size());
  ::close(fd);
  ASSERT_GE(fd, 0) << path << ": " << std::strerror(opened);
  ASSERT_EQ(written, static_cast<ssize_t>(content.size())) << path;
}
void MustSymlink(const std::string& target, const std::string& path) {
  ASSERT_EQ(::symlink(target.c_str(), path.c_str()), 0) << path << ": " << std::strerror(errno);
}
bool Exists(const std::string& path) {
  struct stat st = {};
  return ::lstat(path.c_str(), &st) == 0;
}
std::set<std::string> Names(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

std::string ReadAll(File& f) {
  absl::StatusOr<std::string> all = testutil::ReadAll(f);
  return all.ok() ? *all : "<" + std::string(all.status().message()) + ">";
}

class RootTest : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!kSupported) GTEST_SKIP() << "the stub build has no os::Root (RootStubTest)";
    if (std::string(GetParam()) == "walk") force_walk_.emplace();
    base_ = testutil::TempDir() + "/root_test-XXXXXX";
    ASSERT_NE(::mkdtemp(base_.data()), nullptr);
    dir_ = base_ + "/root";
    outside_ = base_ + "/outside";
    MustMkdir(dir_);
    MustMkdir(outside_);
    MustWrite(outside_ + "/secret", "secret");
    absl::StatusOr<std::unique_ptr<Root>> root = OpenRoot(dir_);
    ASSERT_TRUE(root.ok()) << root.status();
    root_ = *std::move(root);
  }

  void TearDown() override {
    if (!kSupported) return;
    // Nothing new outside, and the secret as it was.
    EXPECT_EQ(Names(outside_), (std::set<std::string>{"secret"}));
    EXPECT_EQ(testutil::Contents(outside_ + "/secret"), "secret");
    std::cerr << "resolution: " << testing::CurrentResolution() << "\n";
    std::filesystem::remove_all(base_);
  }

  std::string In(const std::string& name) const { return dir_ + "/" + name; }

  std::optional<testing::ScopedForceWalk> force_walk_;
  std::string base_, dir_, outside_;
  std::unique_ptr<Root> root_;
};

INSTANTIATE_TEST_SUITE_P(Resolution, RootTest, ::testing::Values("kernel", "walk"),
                         [](const auto& param_info) { return std::string(param_info.param); });

// --- the table: opens that stay beneath the root, and those that leave it ---

struct Entry {
  enum Kind { kDir, kFile, kLink } kind;
  std::string path;  // beneath the root
  std::string what;  // a file's content, a link's target ("$OUT" is outside's path)
};

struct OpenCase {
  const char* description;
  std::vector<Entry> tree;
  std::string name;
  // What opening `name` read-only gives: the content, or "escape", or an errno.
  std::string want_content;
  int want_errno = 0;
  bool want_escape = false;
};

std::vector<OpenCase> OpenCases() {
  std::vector<OpenCase> cases = {
      {"a file", {{Entry::kFile, "target", "in"}}, "target", "in"},
      {"a file two directories down",
       {{Entry::kDir, "a", ""}, {Entry::kDir, "a/b", ""}, {Entry::kFile, "a/b/target", "in"}},
       "a/b/target",
       "in"},
      {"dot-dot that stays inside",
       {{Entry::kDir, "a", ""}, {Entry::kDir, "a/b", ""}, {Entry::kFile, "target", "in"}},
       "a/b/../../target",
       "in"},
      {"dot components and doubled slashes",
       {{Entry::kDir, "a", ""}, {Entry::kFile, "a/target", "in"}},
       "./a//./target",
       "in"},
      {"dot-dot at the root", {}, "../outside/secret", "", 0, true},
      {"dot-dot one below the root",
       {{Entry::kDir, "a", ""}},
       "a/../../outside/secret",
       "",
       0,
       true},
      {"dot-dot three below the root",
       {{Entry::kDir, "a", ""}, {Entry::kDir, "a/b", ""}, {Entry::kDir, "a/b/c", ""}},
       "a/b/c/../../../../outside/secret",
       "",
       0,
       true},
      {"dot-dot alone", {}, "..", "", 0, true},
      {"an absolute name", {}, "/etc/passwd", "", 0, true},
      {"an absolute link out", {{Entry::kLink, "link", "$OUT/secret"}}, "link", "", 0, true},
      {"an absolute link that points inside",
       {{Entry::kFile, "target", "in"}, {Entry::kLink, "link", "$ROOT/target"}},
       "link",
       "",
       0,
       true},
      {"a relative link out", {{Entry::kLink, "link", "../outside/secret"}}, "link", "", 0, true},
      {"a chain of relative links that climbs out",
       {{Entry::kDir, "a", ""},
        {Entry::kLink, "a/one", "../two"},
        {Entry::kLink, "two", "a/../../outside/secret"}},
       "a/one",
       "",
       0,
       true},
      {"a link to a directory out, as a directory",
       {{Entry::kLink, "d", "../outside"}},
       "d/secret",
       "",
       0,
       true},
      {"a link to /proc's view of the root",
       {{Entry::kLink, "p", "/proc/self/root/etc/passwd"}},
       "p",
       "",
       0,
       true},
      {"a link that stays inside",
       {{Entry::kDir, "a", ""},
        {Entry::kFile, "a/target", "in"},
        {Entry::kLink, "link", "a/target"}},
       "link",
       "in"},
      {"a link with dot-dot that stays inside",
       {{Entry::kDir, "a", ""},
        {Entry::kFile, "target", "in"},
        {Entry::kLink, "a/link", "../target"}},
       "a/link",
       "in"},
      {"a link to a directory, as a directory",
       {{Entry::kDir, "a", ""}, {Entry::kFile, "a/target", "in"}, {Entry::kLink, "d", "a"}},
       "d/target",
       "in"},
      {"dot-dot after a link to a directory is the link's target's parent",
       {{Entry::kDir, "a", ""},
        {Entry::kDir, "a/b", ""},
        {Entry::kFile, "a/target", "in a"},
        {Entry::kLink, "d", "a/b"}},
       "d/../target",
       "in a"},
      {"a dangling link", {{Entry::kLink, "link", "missing"}}, "link", "", ENOENT},
      {"a loop of two links",
       {{Entry::kLink, "one", "two"}, {Entry::kLink, "two", "one"}},
       "one",
       "",
       ELOOP},
      {"a link to itself", {{Entry::kLink, "self", "self"}}, "self", "", ELOOP},
      {"a loop through a directory link", {{Entry::kLink, "d", "d/x"}}, "d/y", "", ELOOP},
      {"a file as a directory", {{Entry::kFile, "target", "in"}}, "target/x", "", ENOTDIR},
      {"a file named with a trailing slash",
       {{Entry::kFile, "target", "in"}},
       "target/",
       "",
       ENOTDIR},
      {"a missing file", {}, "missing", "", ENOENT},
      {"an empty name", {}, "", "", ENOENT},
      {"a name with a newline and bytes that are not UTF-8",
       {{Entry::kFile, "new\nline\xff\xfe", "odd"}},
       "new\nline\xff\xfe",
       "odd"},
  };
  // The kernel follows at most 40 links in one resolution (MAXSYMLINKS):
  // l0 -> l1 -> ... -> l39 -> target is 40 links, one more is too many.
  for (int total : {40, 41}) {
    OpenCase c{total == 40 ? "a chain of 40 links" : "a chain of 41 links", {}, "l0", "", 0};
    c.tree.push_back({Entry::kFile, "target", "in"});
    for (int i = 0; i < total; ++i) {
      c.tree.push_back({Entry::kLink, absl::StrCat("l", i),
                        i + 1 == total ? std::string("target") : absl::StrCat("l", i + 1)});
    }
    if (total == 40) {
      c.want_content = "in";
    } else {
      c.want_errno = ELOOP;
    }
    cases.push_back(c);
  }
  return cases;
}

std::string Expand(const std::string& s, const std::string& root, const std::string& outside) {
  std::string out = s;
  for (const auto& [var, value] :
       {std::pair<std::string, std::string>{"$OUT", outside}, {"$ROOT", root}}) {
    if (size_t at = out.find(var); at != std::string::npos) out.replace(at, var.size(), value);
  }
  return out;
}

void MakeTree(const std::vector<Entry>& tree, const std::string& root, const std::string& outside) {
  for (const Entry& e : tree) {
    const std::string path = root + "/" + e.path;
    switch (e.kind) {
      case Entry::kDir:
        MustMkdir(path);
        break;
      case Entry::kFile:
        MustWrite(path, e.what);
        break;
      case Entry::kLink:
        MustSymlink(Expand(e.what, root, outside), path);
        break;
    }
  }
}

TEST_P(RootTest, OpenTable) {
  const std::vector<OpenCase> cases = OpenCases();
  for (size_t i = 0; i < cases.size(); ++i) {
    const OpenCase& c = cases[i];
    SCOPED_TRACE(c.description);
    const std::string sub = absl::StrCat("case", i);
    // Each case in a directory of its own, as a root of its own.
    MustMkdir(In(sub));
    MakeTree(c.tree, In(sub), outside_);
    absl::StatusOr<std::unique_ptr<Root>> root = root_->OpenRoot(sub);
    ASSERT_TRUE(root.ok()) << root.status();
    absl::StatusOr<std::unique_ptr<File>> f = (*root)->Open(c.name);
    if (c.want_escape) {
      ASSERT_FALSE(f.ok()) << c.name << " opened";
      EXPECT_TRUE(IsPathEscape(f.status())) << f.status();
      EXPECT_EQ(f.status().message(),
                absl::StrCat("openat ", c.name, ": path escapes from the root"));
    } else if (c.want_errno != 0) {
      ASSERT_FALSE(f.ok()) << c.name << " opened";
      EXPECT_FALSE(IsPathEscape(f.status())) << f.status();
      EXPECT_EQ(ErrnoOf(f.status()), c.want_errno) << f.status();
    } else {
      ASSERT_TRUE(f.ok()) << f.status();
      EXPECT_EQ(ReadAll(**f), c.want_content);
    }
  }
}

TEST_P(RootTest, FileNamesJoinTheRootsName) {
  MustMkdir(In("a"));
  MustWrite(In("a/f"), "x");
  absl::StatusOr<std::unique_ptr<Root>> a = root_->OpenRoot("a");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ((*a)->Name(), dir_ + "/a");
  absl::StatusOr<std::unique_ptr<File>> f = (*a)->Open("f");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ((*f)->Name(), dir_ + "/a/f");
}

TEST_P(RootTest, OpenDotIsTheRootItself) {
  MustWrite(In("f"), "x");
  absl::StatusOr<std::unique_ptr<File>> dot = root_->Open(".");
  ASSERT_TRUE(dot.ok()) << dot.status();
  absl::StatusOr<FileInfo> info = (*dot)->Stat();
  ASSERT_TRUE(info.ok());
  EXPECT_TRUE(info->IsDirectory());
}

TEST_P(RootTest, NulInNameIsInvalid) {
  absl::StatusOr<std::unique_ptr<File>> f = root_->Open(std::string_view("a\0b", 3));
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(ErrnoOf(f.status()), EINVAL);
}

TEST_P(RootTest, NoFollowLeavesAFinalLinkUnfollowed) {
  MustWrite(In("target"), "in");
  MustSymlink("target", In("link"));
  absl::StatusOr<std::unique_ptr<File>> f = root_->OpenFile("link", O_RDONLY | O_NOFOLLOW, 0);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(ErrnoOf(f.status()), ELOOP);
  // An intermediate link is still followed.
  MustMkdir(In("d"));
  MustWrite(In("d/x"), "dx");
  MustSymlink("d", In("dlink"));
  f = root_->OpenFile("dlink/x", O_RDONLY | O_NOFOLLOW, 0);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(ReadAll(**f), "dx");
}

TEST_P(RootTest, SubRootConfinesToItself) {
  MustMkdir(In("sub"));
  MustWrite(In("beside"), "beside");
  absl::StatusOr<std::unique_ptr<Root>> sub = root_->OpenRoot("sub");
  ASSERT_TRUE(sub.ok()) << sub.status();
  absl::StatusOr<std::unique_ptr<File>> f = (*sub)->Open("../beside");
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(IsPathEscape(f.status())) << f.status();
}

TEST_P(RootTest, TheRootsOwnPathMayHoldLinks) {
  // Trust the root: only what lies beneath it is confined.
  MustWrite(In("f"), "in");
  const std::string via_link = base_ + "/rootlink";
  MustSymlink(dir_, via_link);
  absl::StatusOr<std::unique_ptr<Root>> root = OpenRoot(via_link);
  ASSERT_TRUE(root.ok()) << root.status();
  absl::StatusOr<std::unique_ptr<File>> f = (*root)->Open("f");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(ReadAll(**f), "in");
}

TEST(RootOpenTest, ARootMustBeADirectory) {
  if (!kSupported) GTEST_SKIP() << "stub build";
  const std::string file = testutil::MakeFile("x");
  absl::StatusOr<std::unique_ptr<Root>> root = OpenRoot(file);
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().message(), absl::StrCat("open ", file, ": not a directory"));
}

// --- creating: nothing outside, whatever a dangling link says ---

TEST_P(RootTest, CreateThroughDanglingLinks) {
  MustSymlink(outside_ + "/absolute-new", In("abs"));
  MustSymlink("../outside/relative-new", In("rel"));
  MustMkdir(In("a"));
  MustSymlink("../../outside/deep-new", In("a/deep"));
  for (const char* name : {"abs", "rel", "a/deep", "../outside/direct-new"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<std::unique_ptr<File>> f = root_->Create(name);
    ASSERT_FALSE(f.ok()) << name << " created";
    EXPECT_TRUE(IsPathEscape(f.status())) << f.status();
  }
  // TearDown checks that outside holds only its secret. A dangling link
  // whose target is beneath the root creates the target, as open(2) does.
  MustSymlink("made-through-link", In("inside"));
  absl::StatusOr<std::unique_ptr<File>> f = root_->Create("inside");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_TRUE((*f)->Write(std::string("new")).ok());
  EXPECT_EQ(testutil::Contents(In("made-through-link")), "new");
  // With O_EXCL a link is never followed: EEXIST.
  f = root_->OpenFile("rel", O_WRONLY | O_CREAT | O_EXCL, 0644);
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(ErrnoOf(f.status()), EEXIST);
}

TEST_P(RootTest, WritingThroughAnEscapingLinkIsRefused) {
  MustSymlink("../outside/secret", In("s"));
  absl::StatusOr<std::unique_ptr<File>> f = root_->OpenFile("s", O_WRONLY | O_TRUNC, 0);
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(IsPathEscape(f.status()));
}

// --- directories ---

TEST_P(RootTest, MkdirAndMkdirAll) {
  ASSERT_TRUE(root_->Mkdir("a", 0750).ok());
  struct stat st = {};
  ASSERT_EQ(::stat(In("a").c_str(), &st), 0);
  EXPECT_TRUE(S_ISDIR(st.st_mode));
  absl::Status again = root_->Mkdir("a", 0750);
  EXPECT_EQ(ErrnoOf(again), EEXIST) << again;
  ASSERT_TRUE(root_->MkdirAll("a/b/c/d", 0755).ok());
  EXPECT_TRUE(Exists(In("a/b/c/d")));
  EXPECT_TRUE(root_->MkdirAll("a/b/c/d", 0755).ok()) << "an existing directory is fine";
  // Through an in-root link to a directory.
  MustSymlink("a/b", In("ab"));
  ASSERT_TRUE(root_->MkdirAll("ab/x/y", 0755).ok());
  EXPECT_TRUE(Exists(In("a/b/x/y")));
  // Through a link out: refused, nothing made outside.
  MustSymlink("../outside", In("out"));
  absl::Status out = root_->MkdirAll("out/evil/deeper", 0755);
  EXPECT_TRUE(IsPathEscape(out)) << out;
  EXPECT_TRUE(IsPathEscape(root_->Mkdir("out/evil", 0755)));
  EXPECT_TRUE(IsPathEscape(root_->MkdirAll("../outside/evil", 0755)));
  // A file in the way.
  MustWrite(In("file"), "f");
  EXPECT_EQ(ErrnoOf(root_->MkdirAll("file/x", 0755)), ENOTDIR);
}

TEST_P(RootTest, ReadDirStreamsNamesAndTypesWithoutStat) {
  constexpr int kFiles = 3000;  // several getdents64 buffers
  MustMkdir(In("big"));
  std::set<std::string> want;
  for (int i = 0; i < kFiles; ++i) {
    const std::string name = absl::StrCat("file-with-a-longish-name-", i);
    MustWrite(In("big/" + name), "");
    want.insert(name);
  }
  MustMkdir(In("big/sub"));
  MustSymlink("nowhere", In("big/link"));
  ASSERT_EQ(::mkfifo(In("big/fifo").c_str(), 0600), 0);
  absl::StatusOr<std::unique_ptr<DirReader>> dir = root_->ReadDir("big");
  ASSERT_TRUE(dir.ok()) << dir.status();
  std::vector<DirEntry> entries;
  size_t reads = 0;
  while (true) {
    absl::StatusOr<size_t> n = (*dir)->Read(entries, 100);
    ASSERT_TRUE(n.ok()) << n.status();
    ASSERT_LE(*n, 100U);
    if (*n == 0) break;
    ++reads;
  }
  EXPECT_GE(reads, kFiles / 100U);
  std::set<std::string> got;
  for (const DirEntry& e : entries) {
    EXPECT_TRUE(got.insert(e.name).second) << "twice: " << e.name;
    struct stat st = {};
    ASSERT_EQ(::lstat(In("big/" + e.name).c_str(), &st), 0);
    EXPECT_EQ(e.inode, st.st_ino) << e.name;
    if (e.type == FileType::kUnknown) continue;  // the filesystem may not say
    FileType want_type = FileType::kRegular;
    if (e.name == "sub") want_type = FileType::kDirectory;
    if (e.name == "link") want_type = FileType::kSymlink;
    if (e.name == "fifo") want_type = FileType::kFifo;
    EXPECT_EQ(e.type, want_type) << e.name;
  }
  want.insert({"sub", "link", "fifo"});
  EXPECT_EQ(got, want);
  // Rewind reads the same again.
  ASSERT_TRUE((*dir)->Rewind().ok());
  std::vector<DirEntry> again;
  while (true) {
    absl::StatusOr<size_t> n = (*dir)->Read(again, 1000);
    ASSERT_TRUE(n.ok());
    if (*n == 0) break;
  }
  EXPECT_EQ(again.size(), entries.size());
  // A link out as the directory to read: refused.
  MustSymlink("../outside", In("out"));
  absl::StatusOr<std::unique_ptr<DirReader>> out = root_->ReadDir("out");
  EXPECT_TRUE(IsPathEscape(out.status())) << out.status();
}

TEST_P(RootTest, RemoveTakesTheLinkNotItsTarget) {
  MustWrite(In("target"), "in");
  MustSymlink("target", In("link"));
  MustSymlink("../outside/secret", In("out"));
  ASSERT_TRUE(root_->Remove("link").ok());
  EXPECT_FALSE(Exists(In("link")));
  EXPECT_TRUE(Exists(In("target")));
  ASSERT_TRUE(root_->Remove("out").ok());  // the link; the secret stays (TearDown)
  MustMkdir(In("empty"));
  ASSERT_TRUE(root_->Remove("empty").ok());
  EXPECT_FALSE(Exists(In("empty")));
  MustMkdir(In("full"));
  MustWrite(In("full/f"), "");
  EXPECT_EQ(ErrnoOf(root_->Remove("full")), ENOTEMPTY);
  EXPECT_EQ(ErrnoOf(root_->Remove("missing")), ENOENT);
  EXPECT_TRUE(IsPathEscape(root_->Remove("../outside/secret")));
}

TEST_P(RootTest, RemoveAllNeverFollowsALink) {
  // A tree with links to outside at every level: each link goes, what it
  // points at stays.
  MustMkdir(In("t"));
  MustMkdir(In("t/a"));
  MustMkdir(In("t/a/b"));
  MustWrite(In("t/a/b/f"), "f");
  MustSymlink(outside_, In("t/abs"));
  MustSymlink("../../../outside", In("t/a/b/rel"));
  MustSymlink("../outside/secret", In("t/a/file-link"));
  ASSERT_EQ(::mkfifo(In("t/a/fifo").c_str(), 0600), 0);
  for (int i = 0; i < 1500; ++i) MustWrite(In(absl::StrCat("t/a/n", i)), "");
  ASSERT_TRUE(root_->RemoveAll("t").ok());
  EXPECT_FALSE(Exists(In("t")));
  // A link named directly: the link goes.
  MustSymlink("../outside", In("out"));
  ASSERT_TRUE(root_->RemoveAll("out").ok());
  EXPECT_FALSE(Exists(In("out")));
  // Missing is fine; through a link out is refused.
  EXPECT_TRUE(root_->RemoveAll("missing/below").ok());
  MustSymlink("../outside", In("out2"));
  EXPECT_TRUE(IsPathEscape(root_->RemoveAll("out2/secret")));
  EXPECT_TRUE(IsPathEscape(root_->RemoveAll("..")));
  EXPECT_EQ(ErrnoOf(root_->RemoveAll(".")), EINVAL);
}

// --- links, names and metadata ---

TEST_P(RootTest, SymlinkAndReadlink) {
  ASSERT_TRUE(root_->Symlink("../anything/at/all", "l").ok());
  absl::StatusOr<std::string> target = root_->Readlink("l");
  ASSERT_TRUE(target.ok()) << target.status();
  EXPECT_EQ(*target, "../anything/at/all");
  const std::string long_target(3000, 'x');
  ASSERT_TRUE(root_->Symlink(long_target, "long").ok());
  EXPECT_EQ(root_->Readlink("long").value_or(""), long_target);
  EXPECT_EQ(ErrnoOf(root_->Readlink(".").status()), EINVAL);
  EXPECT_EQ(ErrnoOf(root_->Symlink("x", "l")), EEXIST);
  EXPECT_TRUE(IsPathEscape(root_->Symlink("x", "../outside/l")));
}

TEST_P(RootTest, LinkAndRenameKeepBothNamesInside) {
  MustWrite(In("f"), "data");
  ASSERT_TRUE(root_->Link("f", "g").ok());
  struct stat f = {};
  struct stat g = {};
  ASSERT_EQ(::stat(In("f").c_str(), &f), 0);
  ASSERT_EQ(::stat(In("g").c_str(), &g), 0);
  EXPECT_EQ(f.st_ino, g.st_ino);
  absl::Status out = root_->Link("f", "../outside/f");
  EXPECT_TRUE(IsPathEscape(out)) << out;
  EXPECT_EQ(out.message(), "linkat f ../outside/f: path escapes from the root");
  EXPECT_TRUE(IsPathEscape(root_->Link("../outside/secret", "stolen")));
  ASSERT_TRUE(root_->Rename("g", "h").ok());
  EXPECT_TRUE(Exists(In("h")));
  EXPECT_FALSE(Exists(In("g")));
  EXPECT_TRUE(IsPathEscape(root_->Rename("h", "../outside/h")));
  EXPECT_TRUE(IsPathEscape(root_->Rename("../outside/secret", "mine")));
  absl::Status missing = root_->Rename("nope", "x");
  EXPECT_EQ(missing.message(), "renameat nope x: no such file or directory");
  // RENAME_NOREPLACE and RENAME_EXCHANGE.
  MustWrite(In("other"), "other");
  absl::Status kept = root_->Rename("h", "other", Root::RenameFlags::kNoReplace);
  EXPECT_EQ(ErrnoOf(kept), EEXIST) << kept;
  ASSERT_TRUE(root_->Rename("h", "other", Root::RenameFlags::kExchange).ok());
  EXPECT_EQ(testutil::Contents(In("other")), "data");
  EXPECT_EQ(testutil::Contents(In("h")), "other");
}

TEST_P(RootTest, StatFollowsLstatDoesNot) {
  MustWrite(In("target"), "12345");
  MustSymlink("target", In("link"));
  MustSymlink("../outside/secret", In("out"));
  absl::StatusOr<FileInfo> st = root_->Stat("link");
  ASSERT_TRUE(st.ok()) << st.status();
  EXPECT_TRUE(st->IsRegular());
  EXPECT_EQ(st->size, 5);
  absl::StatusOr<FileInfo> lst = root_->Lstat("link");
  ASSERT_TRUE(lst.ok()) << lst.status();
  EXPECT_EQ(lst->type(), FileType::kSymlink);
  EXPECT_TRUE(IsPathEscape(root_->Stat("out").status()));
  absl::StatusOr<FileInfo> out = root_->Lstat("out");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->type(), FileType::kSymlink);
  EXPECT_EQ(root_->Stat("missing").status().message(), "statat missing: no such file or directory");
}

TEST_P(RootTest, ChmodChownChtimesFollowOnlyInside) {
  MustWrite(In("target"), "x");
  MustSymlink("target", In("link"));
  MustSymlink("../outside/secret", In("out"));
  struct stat before = {};
  ASSERT_EQ(::stat((outside_ + "/secret").c_str(), &before), 0);
  ASSERT_TRUE(root_->Chmod("link", 0600).ok());
  struct stat st = {};
  ASSERT_EQ(::stat(In("target").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600U);
  EXPECT_TRUE(IsPathEscape(root_->Chmod("out", 0777)));
  const absl::Time t = absl::FromUnixNanos(1234567890123456789);
  ASSERT_TRUE(root_->Chtimes("link", t, t).ok());
  ASSERT_EQ(::stat(In("target").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_sec, 1234567890);
  EXPECT_EQ(st.st_mtim.tv_nsec, 123456789);
  EXPECT_EQ(st.st_atim.tv_nsec, 123456789);
  // InfinitePast leaves a time as it was.
  ASSERT_TRUE(root_->Chtimes("target", absl::InfinitePast(), absl::FromUnixSeconds(5)).ok());
  ASSERT_EQ(::stat(In("target").c_str(), &st), 0);
  EXPECT_EQ(st.st_atim.tv_sec, 1234567890);
  EXPECT_EQ(st.st_mtim.tv_sec, 5);
  EXPECT_TRUE(IsPathEscape(root_->Chtimes("out", t, t)));
  // Ownership: to our own ids always works; as root, to any.
  ASSERT_TRUE(root_->Chown("link", ::getuid(), ::getgid()).ok());
  EXPECT_TRUE(IsPathEscape(root_->Chown("out", ::getuid(), ::getgid())));
  ASSERT_TRUE(root_->Lchown("out", ::getuid(), ::getgid()).ok());  // the link itself
  // As root, to any id this user namespace maps (Bazel's sandbox maps only
  // root's: chown(2) answers EINVAL for the others there).
  if (::geteuid() == 0 && ::chown(In("target").c_str(), 65534, 65534) == 0) {
    ASSERT_TRUE(root_->Chown("link", 0, 0).ok());
    ASSERT_EQ(::stat(In("target").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 0U);
    ASSERT_TRUE(root_->Chown("link", 65534, 65534).ok());
    ASSERT_EQ(::stat(In("target").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534U);
    ASSERT_TRUE(root_->Lchown("link", 65533, 65533).ok());
    ASSERT_EQ(::lstat(In("link").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65533U);
  }
  struct stat after = {};
  ASSERT_EQ(::stat((outside_ + "/secret").c_str(), &after), 0);
  EXPECT_EQ(after.st_mode, before.st_mode);
  EXPECT_EQ(after.st_uid, before.st_uid);
  EXPECT_EQ(after.st_mtim.tv_sec, before.st_mtim.tv_sec);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
}

TEST_P(RootTest, ExtendedAttributes) {
  MustWrite(In("target"), "x");
  MustSymlink("target", In("link"));
  absl::Status set = root_->SetXattr("link", "user.sysport", "value\0with nul");
  if (ErrnoOf(set) == EOPNOTSUPP) GTEST_SKIP() << "no user xattrs here: " << set;
  ASSERT_TRUE(set.ok()) << set;
  std::array<char, 64> buf = {};
  const ssize_t n = ::getxattr(In("target").c_str(), "user.sysport", buf.data(), buf.size());
  EXPECT_EQ(std::string(buf.data(), n > 0 ? static_cast<size_t>(n) : 0), "value");
  absl::StatusOr<std::string> got = root_->GetXattr("link", "user.sysport");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(*got, "value");
  absl::StatusOr<std::vector<std::string>> names = root_->ListXattr("target");
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_NE(std::find(names->begin(), names->end(), "user.sysport"), names->end());
  EXPECT_EQ(ErrnoOf(root_->SetXattr("target", "user.sysport", "v", XATTR_CREATE)), EEXIST);
  EXPECT_EQ(ErrnoOf(root_->GetXattr("target", "user.none").status()), ENODATA);
  MustSymlink("../outside/secret", In("out"));
  EXPECT_TRUE(IsPathEscape(root_->SetXattr("out", "user.evil", "x")));
  EXPECT_TRUE(IsPathEscape(root_->ListXattr("out").status()));
  EXPECT_LT(::getxattr((outside_ + "/secret").c_str(), "user.evil", buf.data(), buf.size()), 0);
  // The same on an open File.
  absl::StatusOr<std::unique_ptr<File>> f = root_->Open("target");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ((*f)->GetXattr("user.sysport").value_or(""), "value");
  ASSERT_TRUE((*f)->SetXattr("user.second", "2").ok());
  absl::StatusOr<std::vector<std::string>> file_names = (*f)->ListXattr();
  ASSERT_TRUE(file_names.ok());
  EXPECT_EQ(file_names->size(), names->size() + 1);
}

TEST_P(RootTest, FifosAndDevices) {
  ASSERT_TRUE(root_->Mkfifo("fifo", 0640).ok());
  struct stat st = {};
  ASSERT_EQ(::lstat(In("fifo").c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  EXPECT_TRUE(IsPathEscape(root_->Mkfifo("../outside/fifo", 0600)));
  if (::geteuid() != 0) GTEST_SKIP() << "devices need CAP_MKNOD";
  absl::Status dev = root_->Mknod("null", S_IFCHR | 0666, makedev(1, 3));
  if (ErrnoOf(dev) == EPERM) GTEST_SKIP() << "no CAP_MKNOD here: " << dev;
  ASSERT_TRUE(dev.ok()) << dev;
  ASSERT_EQ(::lstat(In("null").c_str(), &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
  EXPECT_EQ(st.st_rdev, makedev(1, 3));
}

TEST_P(RootTest, APathDeeperThanPathMax) {
  // 30 directories of 200 bytes: 6,000 bytes, past PATH_MAX (4,096), which
  // no single system call could take.
  std::string path;
  for (int i = 0; i < 30; ++i) {
    absl::StrAppend(&path, path.empty() ? "" : "/", std::string(199, 'd'), i % 10);
  }
  ASSERT_GT(path.size(), static_cast<size_t>(PATH_MAX));
  ASSERT_TRUE(root_->MkdirAll(path, 0755).ok());
  absl::StatusOr<std::unique_ptr<File>> f = root_->Create(path + "/deep-file");
  ASSERT_TRUE(f.ok()) << f.status().code();
  ASSERT_TRUE((*f)->Write(std::string("deep")).ok());
  f = root_->Open(path + "/deep-file");
  ASSERT_TRUE(f.ok()) << f.status().code();
  EXPECT_EQ(ReadAll(**f), "deep");
  absl::StatusOr<FileInfo> st = root_->Stat(path + "/../" + std::string(199, 'd') + "9/deep-file");
  ASSERT_TRUE(st.ok()) << st.status().code();
  EXPECT_EQ(st->size, 4);
  // Climbing out from the bottom: as many ".." as there are directories,
  // plus one.
  std::string climb = path;
  for (int i = 0; i <= 30; ++i) climb += "/..";
  EXPECT_TRUE(IsPathEscape(root_->Open(climb + "/outside/secret").status()));
  ASSERT_TRUE(root_->RemoveAll(path.substr(0, 200)).ok());
  EXPECT_EQ(Names(dir_).size(), 0U);
}

TEST_P(RootTest, ClosedRootRefusesEverything) {
  ASSERT_TRUE(root_->Close().ok());
  absl::StatusOr<std::unique_ptr<File>> f = root_->Open("x");
  ASSERT_FALSE(f.ok());
  EXPECT_TRUE(IsClosed(f.status()));
  EXPECT_EQ(f.status().message(), "openat x: file already closed");
  EXPECT_TRUE(IsClosed(root_->Mkdir("x", 0755)));
  EXPECT_TRUE(IsClosed(root_->Close()));
}

// --- the race: a directory swapped for a link to outside, thousands of times ---

TEST_P(RootTest, SwappingADirectoryForALinkOutsideNeverReachesOutside) {
  // root/d is a real directory with `file`; root/swap a link to outside.
  // Another thread exchanges the two names as fast as it can, while this
  // one opens, creates, writes and removes through "d/...". Whatever the
  // timing, a call either acts inside or fails: outside's secret is never
  // read, written or removed, and nothing is created there (TearDown).
  MustMkdir(In("d"));
  MustWrite(In("d/file"), "inside");
  MustSymlink(outside_, In("swap"));
  // A second handle for the swapping thread.
  absl::StatusOr<std::unique_ptr<Root>> swapper_root = OpenRoot(dir_);
  ASSERT_TRUE(swapper_root.ok());
  std::atomic<bool> stop{false};
  std::atomic<int> swaps{0};
  std::thread swapper([&] {
    while (!stop.load()) {
      if ((*swapper_root)->Rename("d", "swap", Root::RenameFlags::kExchange).ok()) ++swaps;
    }
  });
  struct stat before = {};
  ASSERT_EQ(::stat((outside_ + "/secret").c_str(), &before), 0);
  int opened = 0;
  constexpr int kRounds = 4000;
  for (int i = 0; i < kRounds; ++i) {
    absl::StatusOr<std::unique_ptr<File>> f = root_->Open("d/secret");
    if (f.ok()) ADD_FAILURE() << "read outside: " << ReadAll(**f);
    f = root_->Open("d/file");
    if (f.ok()) {
      ++opened;
      EXPECT_EQ(ReadAll(**f), "inside");
    }
    f = root_->OpenFile("d/secret", O_WRONLY | O_TRUNC, 0);
    EXPECT_FALSE(f.ok()) << "opened outside's secret for writing";
    f = root_->OpenFile("d/made", O_WRONLY | O_CREAT, 0644);
    if (f.ok()) (void)root_->Remove("d/made");
    (void)root_->Remove("d/secret");
    (void)root_->Chmod("d/secret", 0777);
    (void)root_->Mkdir("d/newdir", 0755);
    (void)root_->RemoveAll("d/newdir");
  }
  stop.store(true);
  swapper.join();
  std::cerr << swaps.load() << " swaps, d/file opened " << opened << " of " << kRounds
            << " times\n";
  EXPECT_GT(swaps.load(), 100) << "the race hardly ran";
  struct stat after = {};
  ASSERT_EQ(::stat((outside_ + "/secret").c_str(), &after), 0);
  EXPECT_EQ(after.st_mode, before.st_mode);
  EXPECT_EQ(after.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
  EXPECT_EQ(after.st_ctim.tv_nsec, before.st_ctim.tv_nsec);
}

// --- other platforms ---

TEST(RootStubTest, RefusedWhereNotSupported) {
  if (kSupported) GTEST_SKIP() << "os::Root is supported in this build";
  absl::StatusOr<std::unique_ptr<Root>> root = OpenRoot(testutil::TempDir());
  ASSERT_FALSE(root.ok());
  EXPECT_EQ(root.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_EQ(root.status().message(), absl::StrCat("open ", testutil::TempDir(),
                                                  ": os::Root is not supported on this platform"));
}

}  // namespace
}  // namespace sysport::os
