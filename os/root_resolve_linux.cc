// os::Root's resolution on Linux (see os/internal/root_resolve.h).
//
// Two ways to resolve a name beneath a directory, chosen once per process:
//   - openat2(2) with RESOLVE_BENEATH (Linux 5.6): the kernel resolves the
//     whole name in one call and refuses, with EXDEV, any step that would
//     leave the directory (an absolute link, ".." above it), even if the
//     tree changes meanwhile.
//   - otherwise a walk: each directory opened from its parent with
//     O_PATH | O_DIRECTORY | O_NOFOLLOW, so a component that is (or was
//     swapped for) a symbolic link is never followed by the kernel; the walk
//     reads the link and resolves its target itself, keeping the path of
//     real directories it went through to check every "..". Plain openat(2)
//     is never given a RESOLVE_* flag: it would ignore it.
// A name's last component is the caller's (FinalOp), made at the directory
// that holds it, with O_NOFOLLOW or AT_SYMLINK_NOFOLLOW; when it turns out
// to be a link to follow, AtFinal resolves the link's target in its place.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/types/span.h"
#include "os/internal/open_at.h"
#include "os/internal/root_resolve.h"
#include "poll/internal/eintr.h"
#include "syscall/errno.h"
#include "syscall/linux.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::os::internal {
namespace {

using poll::internal::IgnoringEintr;
using syscall::Errno;

// The kernel's MAXSYMLINKS (include/linux/namei.h): a resolution follows at
// most this many links, then fails with ELOOP.
constexpr int kMaxSymlinks = 40;

// openat2 answers EAGAIN when a rename or mount elsewhere raced with a ".."
// it resolved (RESOLVE_BENEATH's check could not be made safely). Bounded:
// a tree renamed without pause falls back to the walk, which is safe too.
constexpr int kOpenat2Retries = 32;

// A directory a resolution holds: the root's own descriptor (not closed
// here) or one the walk opened.
class DirFd {
 public:
  explicit DirFd(int borrowed) : fd_(borrowed) {}
  ~DirFd() { Reset(-1, false); }
  DirFd(const DirFd&) = delete;
  DirFd& operator=(const DirFd&) = delete;

  int get() const { return fd_; }
  // Takes ownership of `fd` (or borrows it), closing what it owned.
  void Reset(int fd, bool owned) {
    if (owned_) (void)syscall::Close(fd_);
    fd_ = fd;
    owned_ = owned;
  }

 private:
  int fd_;
  bool owned_ = false;
};

std::atomic<Resolution> g_resolution{Resolution::kUnknown};

bool UseOpenat2() { return g_resolution.load(std::memory_order_relaxed) != Resolution::kWalk; }

// openat2(2) is unavailable (ENOSYS: a kernel before 5.6, qemu-user 7.2,
// gVisor; EPERM: a seccomp profile that predates it, as Docker's before
// 20.10). EPERM can also be a real answer (O_NOATIME on another's file, an
// immutable file opened for writing), so it counts only if a call that
// cannot succeed says the same: an invalid descriptor with a relative path
// gives EBADF wherever openat2 reaches the kernel.
bool Openat2Unavailable(Errno err) {
  if (err == Errno(ENOSYS)) return true;
  if (err != Errno(EPERM)) return false;
  syscall::OpenHow probe;
  probe.flags = O_PATH | O_CLOEXEC;
  const syscall::Result<int> r = syscall::Openat2(-1, "probe", probe);
  if (r.ok()) (void)syscall::Close(r.value());
  return r.error() == Errno(ENOSYS) || r.error() == Errno(EPERM);
}

// On 32-bit ABIs glibc's open(2) adds O_LARGEFILE (sysport builds with
// _FILE_OFFSET_BITS=64) and the kernel's openat2 does not: without it a file
// over 2 GiB opens with EOVERFLOW. 0 on 64-bit ABIs, where the kernel forces it.
constexpr uint64_t kLargeFile = O_LARGEFILE;

// One openat2 beneath root_fd; nullopt if openat2 is unavailable (now
// learned) or kept answering EAGAIN: the caller walks instead.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): open(2)'s own order
std::optional<syscall::Result<int>> Openat2Beneath(int root_fd, const char* path, int flags,
                                                   mode_t perm) {
  if (!UseOpenat2()) return std::nullopt;
  syscall::OpenHow how;
  how.flags = static_cast<uint64_t>(static_cast<unsigned>(flags | O_CLOEXEC));
  if ((flags & O_PATH) == 0) how.flags |= kLargeFile;
  // openat2 refuses a mode without O_CREAT or O_TMPFILE (EINVAL).
  if ((flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE) how.mode = perm;
  // RESOLVE_NO_MAGICLINKS: /proc's links to open files lead anywhere.
  how.resolve = syscall::kResolveBeneath | syscall::kResolveNoMagiclinks;
  for (int attempt = 0; attempt < kOpenat2Retries; ++attempt) {
    const syscall::Result<int> r =
        IgnoringEintr([&] { return syscall::Openat2(root_fd, path, how); });
    if (r.error() == Errno(EAGAIN)) continue;
    // Whatever else it answered, openat2 reached the kernel.
    const bool unavailable = !r.ok() && Openat2Unavailable(r.error());
    Resolution expected = Resolution::kUnknown;
    (void)g_resolution.compare_exchange_strong(
        expected, unavailable ? Resolution::kWalk : Resolution::kOpenat2);
    if (unavailable) return std::nullopt;
    return r;
  }
  return std::nullopt;
}

// Appends the components of `path` to `out`, in order; "" and "." dropped.
void AppendComponents(std::string_view path, std::deque<std::string>& out,
                      const std::deque<std::string>::iterator& at) {
  std::vector<std::string> parts;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    const std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") parts.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  out.insert(at, std::make_move_iterator(parts.begin()), std::make_move_iterator(parts.end()));
}

bool IsSymlink(int dir_fd, const char* name) {
  const syscall::Result<struct stat> st = syscall::Fstatat(dir_fd, name, AT_SYMLINK_NOFOLLOW);
  return st.ok() && S_ISLNK(st.value().st_mode);
}

// O_PATH | O_DIRECTORY | O_NOFOLLOW: a directory to resolve beneath, opened
// without reading it (search permission is enough) and without following a
// link in its place.
syscall::Result<int> OpenDirNoFollow(int dir_fd, const char* name) {
  return OpenAt(dir_fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
}

// Back to the parent of the last directory walked, along the same real
// directories from the root: never with "..", whose target may have been
// moved out of the root meanwhile.
Refusal StepBack(int root_fd, std::vector<std::string>& walked, DirFd& dir) {
  if (walked.empty()) return Refusal::Escape();
  walked.pop_back();
  dir.Reset(root_fd, false);
  for (const std::string& step : walked) {
    const syscall::Result<int> fd = OpenDirNoFollow(dir.get(), step.c_str());
    if (!fd.ok()) return {fd.error()};
    dir.Reset(fd.value(), true);
  }
  return {};
}

// The directory `name` in dir_fd, made with `create_perm` if missing.
syscall::Result<int> OpenOrMakeDir(int dir_fd, const char* name,
                                   std::optional<mode_t> create_perm) {
  syscall::Result<int> fd = OpenDirNoFollow(dir_fd, name);
  if (fd.error() != Errno(ENOENT) || !create_perm.has_value()) return fd;
  const Errno made = syscall::Mkdirat(dir_fd, name, *create_perm);
  // EEXIST: made by another caller meanwhile, or a link (read after).
  if (!made.ok() && made != Errno(EEXIST)) return syscall::Result<int>::Error(made);
  return OpenDirNoFollow(dir_fd, name);
}

// The walk: resolves `path` beneath root_fd to a directory, all of its
// links followed (each checked). With `create_perm`, a missing directory is
// made (MkdirAll). Leaves the result in `dir`.
Refusal Walk(int root_fd, std::string_view path, std::optional<mode_t> create_perm, DirFd& dir) {
  dir.Reset(root_fd, /*owned=*/false);
  if (!path.empty() && path.front() == '/') return Refusal::Escape();
  std::deque<std::string> pending;
  AppendComponents(path, pending, pending.end());
  std::vector<std::string> walked;  // the real directories below the root, in order
  int links = 0;
  while (!pending.empty()) {
    std::string name = std::move(pending.front());
    pending.pop_front();
    if (name == "..") {
      if (const Refusal r = StepBack(root_fd, walked, dir); !r.ok()) return r;
      continue;
    }
    const syscall::Result<int> fd = OpenOrMakeDir(dir.get(), name.c_str(), create_perm);
    if (fd.ok()) {
      dir.Reset(fd.value(), true);
      walked.push_back(std::move(name));
      continue;
    }
    // With O_NOFOLLOW | O_DIRECTORY a symbolic link answers ENOTDIR (or
    // ELOOP without O_PATH); so does a file that is no directory, for which
    // readlinkat answers EINVAL.
    if (fd.error() != Errno(ENOTDIR) && fd.error() != Errno(ELOOP)) return {fd.error()};
    const syscall::Result<std::string> target = ReadLinkAt(dir.get(), name.c_str());
    if (!target.ok()) return {target.error() == Errno(EINVAL) ? fd.error() : target.error()};
    if (++links > kMaxSymlinks) return {Errno(ELOOP)};
    if (!target.value().empty() && target.value().front() == '/') return Refusal::Escape();
    AppendComponents(target.value(), pending, pending.begin());
  }
  return {};
}

// The directory `path` beneath root_fd, in `dir` (the root itself for "").
Refusal ResolveDir(int root_fd, std::string_view path, DirFd& dir) {
  dir.Reset(root_fd, false);
  if (path.empty()) return {};
  // openat2 takes the path as one string, so at most PATH_MAX bytes
  // (ENAMETOOLONG); longer ones, reachable only step by step, are walked.
  if (path.size() < PATH_MAX) {
    const std::string copy(path);
    if (std::optional<syscall::Result<int>> fd =
            Openat2Beneath(root_fd, copy.c_str(), O_PATH | O_DIRECTORY, 0)) {
      // EXDEV: RESOLVE_BENEATH refused a step out of the root.
      if (fd->error() == Errno(EXDEV)) return Refusal::Escape();
      if (!fd->ok()) return {fd->error()};
      dir.Reset(fd->value(), true);
      return {};
    }
  }
  return Walk(root_fd, path, std::nullopt, dir);
}

// `name` split for AtFinal: the directory part, the last component, and
// whether the name ended in "/".
struct Split {
  std::string_view dir;
  std::string_view last;
  bool must_be_dir = false;
};

Split SplitLast(std::string_view name) {
  Split s;
  while (name.size() > 1 && name.back() == '/') {
    name.remove_suffix(1);
    s.must_be_dir = true;
  }
  const size_t slash = name.rfind('/');
  s.last = slash == std::string_view::npos ? name : name.substr(slash + 1);
  s.dir = slash == std::string_view::npos ? std::string_view() : name.substr(0, slash);
  if (s.last == "." || s.last == "..") {
    // The name is a directory's: resolve all of it, act on ".".
    s.dir = name;
    s.last = ".";
  }
  return s;
}

// OpenBeneath's last step: openat(2) of `last` in dir_fd with O_NOFOLLOW,
// a link in its place to be followed where `follows` (a name ending in "/"
// follows its last link whatever the flags, as in the kernel).
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): open(2)'s own order
FinalStep OpenFinal(int dir_fd, const char* last, int flags, mode_t perm, bool follows, int* fd) {
  const int at_flags = flags | O_NOFOLLOW | O_CLOEXEC;
  const syscall::Result<int> r = OpenAt(dir_fd, last, at_flags, perm);
  // O_NOFOLLOW at a symbolic link: ELOOP, even with O_CREAT (a dangling link
  // is not created through; AtFinal creates its target beneath the root
  // instead, or refuses). With O_DIRECTORY a link answers ENOTDIR, as a file
  // does: lstat tells them apart.
  if (r.error() == Errno(ELOOP) && follows) return FinalStep{{}, true};
  if (r.error() == Errno(ENOTDIR) && follows && (at_flags & O_DIRECTORY) != 0 &&
      IsSymlink(dir_fd, last)) {
    return FinalStep{{}, true};
  }
  if (r.ok() && (flags & O_PATH) != 0 && follows) {
    // O_PATH | O_NOFOLLOW opens a link itself rather than failing.
    const syscall::Result<struct stat> st = syscall::Fstat(r.value());
    if (st.ok() && S_ISLNK(st.value().st_mode)) {
      (void)syscall::Close(r.value());
      return FinalStep{{}, true};
    }
  }
  if (r.ok()) *fd = r.value();
  return FinalStep{r.error(), false};
}

}  // namespace

syscall::Result<std::string> ReadLinkAt(int dir_fd, const char* name) {
  std::string target(256, '\0');
  while (true) {
    const syscall::Result<size_t> n = syscall::Readlinkat(dir_fd, name, absl::MakeSpan(target));
    if (!n.ok()) return syscall::Result<std::string>::Error(n.error());
    if (n.value() < target.size()) {
      target.resize(n.value());
      return syscall::Result<std::string>::Ok(std::move(target));
    }
    target.resize(target.size() * 2);  // it may have been longer
  }
}

Refusal AtFinal(int root_fd, std::string_view name, FinalOp op) {
  if (name.empty()) return {Errno(ENOENT)};
  if (absl::StrContains(name, '\0')) return {Errno(EINVAL)};
  if (name.front() == '/') return Refusal::Escape();
  std::string path(name);  // the name as it stands after links were substituted
  for (int links = 0;; ++links) {
    const Split s = SplitLast(path);
    DirFd dir(root_fd);
    if (const Refusal r = ResolveDir(root_fd, s.dir, dir); !r.ok()) return r;
    const std::string last(s.last);
    const FinalStep step = op(dir.get(), last.c_str(), s.must_be_dir);
    if (!step.follow_link) return {step.err};
    if (links == kMaxSymlinks) return {Errno(ELOOP)};
    const syscall::Result<std::string> target = ReadLinkAt(dir.get(), last.c_str());
    // No longer a link (replaced since op saw one): make the call again.
    if (target.error() == Errno(EINVAL)) continue;
    if (!target.ok()) return {target.error()};
    const std::string& to = target.value();
    if (!to.empty() && to.front() == '/') return Refusal::Escape();
    // The target is relative to the link's directory; a "/" at its end (or
    // the name's) still asks for a directory.
    path = std::string(s.dir.empty() ? "" : s.dir) + (s.dir.empty() ? "" : "/") + to +
           (s.must_be_dir ? "/" : "");
    if (path.empty()) return {Errno(ENOENT)};  // a link to ""
  }
}

Refusal OpenBeneath(int root_fd, std::string_view name, int flags, mode_t perm, int* fd) {
  *fd = -1;
  if (name.empty()) return {Errno(ENOENT)};
  if (absl::StrContains(name, '\0')) return {Errno(EINVAL)};
  if (name.size() < PATH_MAX) {
    const std::string copy(name);
    if (std::optional<syscall::Result<int>> r =
            Openat2Beneath(root_fd, copy.c_str(), flags, perm)) {
      // EXDEV: RESOLVE_BENEATH refused a step out of the root.
      if (r->error() == Errno(EXDEV)) return Refusal::Escape();
      if (!r->ok()) return {r->error()};
      *fd = r->value();
      return {};
    }
  }
  const bool follow = (flags & O_NOFOLLOW) == 0;
  return AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool must_be_dir) {
    return OpenFinal(dir_fd, last, flags | (must_be_dir ? O_DIRECTORY : 0), perm,
                     follow || must_be_dir, fd);
  });
}

Refusal MkdirAllBeneath(int root_fd, std::string_view name, mode_t perm) {
  if (name.empty()) return {Errno(ENOENT)};
  if (absl::StrContains(name, '\0')) return {Errno(EINVAL)};
  DirFd dir(root_fd);
  return Walk(root_fd, name, perm, dir);
}

syscall::Result<size_t> ReadDirEntries(int dir_fd, absl::Span<char> buf) {
  return IgnoringEintr([&] { return syscall::Getdents64(dir_fd, buf); });
}

syscall::Errno RenameWithFlags(int old_dir_fd, const char* old_name, int new_dir_fd,
                               const char* new_name, unsigned flags) {
  return syscall::Renameat2(old_dir_fd, old_name, new_dir_fd, new_name, flags);
}

bool RootSupported() { return true; }

Resolution CurrentResolution() { return g_resolution.load(std::memory_order_relaxed); }

void SetResolutionForTesting(Resolution resolution) {
  g_resolution.store(resolution, std::memory_order_relaxed);
}

}  // namespace sysport::os::internal
