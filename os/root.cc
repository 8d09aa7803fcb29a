// os::Root (see os/root.h): each method is one operation at the last
// component of a name, made on the directory that holds it, which
// internal::AtFinal finds beneath the root (os/internal/root_resolve.h).
// Every operation here acts on the name itself (O_NOFOLLOW,
// AT_SYMLINK_NOFOLLOW); where a method follows a final symbolic link, it
// says so to AtFinal, which resolves the link's target beneath the root.

#include "os/root.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "os/error.h"
#include "os/file.h"
#include "os/internal/attr_calls.h"
#include "os/internal/file_access.h"
#include "os/internal/open_at.h"
#include "os/internal/root_access.h"
#include "os/internal/root_resolve.h"
#include "poll/fd.h"
#include "poll/internal/eintr.h"
#include "syscall/errno.h"
#include "syscall/result.h"
#include "syscall/unix.h"

namespace sysport::os {
namespace {

using internal::FinalStep;
using internal::Refusal;
using poll::internal::IgnoringEintr;
using syscall::Errno;

// Go's os.Create: read and write for everyone, less the umask.
constexpr mode_t kCreatePerm = 0666;

// getdents64's buffer: glibc's readdir uses 32 KiB, several hundred entries.
constexpr size_t kDirBufferSize = size_t{32} << 10;

// Directory entries RemoveAll reads at a time before removing them.
constexpr size_t kRemoveBatch = 1024;

// A name in messages and File::Name(): the root's name joined to it.
std::string Join(const std::string& root, std::string_view name) {
  if (name.empty() || name == ".") return root;
  return absl::StrCat(root, "/", name);
}

absl::Status StatusOf(const Refusal& r, std::string_view op, std::string_view name) {
  if (r.escapes) return PathEscapeError(op, name);
  if (!r.err.ok()) return PathError(op, name, r.err);
  return absl::OkStatus();
}

// Runs f(root_fd) -> Refusal under a reference on the root's descriptor
// (Go's root.incref), so Close waits for it.
template <typename F>
absl::Status WithRoot(poll::FD& pfd, std::string_view op, std::string_view name, const F& f) {
  if (!pfd.Incref()) return ClosedError(op, name);
  const Refusal r = f(pfd.SysfdForRef());
  pfd.Decref();
  return StatusOf(r, op, name);
}

// The two-name form, for Link and Rename.
template <typename F>
absl::Status WithRoot2(poll::FD& pfd, std::string_view op, std::string_view old_name,
                       std::string_view new_name, const F& f) {
  if (!pfd.Incref()) return ClosedError(op, old_name);
  const Refusal r = f(pfd.SysfdForRef());
  pfd.Decref();
  if (r.escapes) return LinkEscapeError(op, old_name, new_name);
  if (!r.err.ok()) return LinkError(op, old_name, new_name, r.err);
  return absl::OkStatus();
}

// AtFinal for the calls on two names (link, rename): op(old_dir, old_last,
// new_dir, new_last) -> Errno, neither final link followed.
template <typename Op>
Refusal AtFinal2(int root_fd, std::string_view oldname, std::string_view newname, const Op& op) {
  Refusal at_new;
  const Refusal at_old =
      internal::AtFinal(root_fd, oldname, [&](int old_dir, const char* old_last, bool) {
        at_new = internal::AtFinal(root_fd, newname, [&](int new_dir, const char* new_last, bool) {
          return FinalStep{op(old_dir, old_last, new_dir, new_last)};
        });
        return FinalStep{};
      });
  return at_old.ok() ? at_new : at_old;
}

// What lstat says of `last` in `dir_fd`: a link to follow (for the methods
// that follow one), the error, or nothing in the way.
FinalStep CheckFinal(int dir_fd, const char* last, bool must_be_dir, struct stat* st) {
  const syscall::Result<struct stat> got = syscall::Fstatat(dir_fd, last, AT_SYMLINK_NOFOLLOW);
  if (!got.ok()) return {got.error()};
  if (S_ISLNK(got.value().st_mode)) return {{}, true};
  if (must_be_dir && !S_ISDIR(got.value().st_mode)) return {Errno(ENOTDIR)};
  if (st != nullptr) *st = got.value();
  return {};
}

// A metadata call on what `last` is, after following it if it is a link.
// Between the check and the call, the name may be swapped for a link: the
// call acts on the link then (AT_SYMLINK_NOFOLLOW), never through it, so
// the wrong file may change but never one outside the root (Go's
// afterResolvingSymlink makes the same trade).
template <typename Call>
FinalStep AfterFollowing(int dir_fd, const char* last, bool must_be_dir, const Call& call) {
  const FinalStep checked = CheckFinal(dir_fd, last, must_be_dir, nullptr);
  if (!checked.err.ok() || checked.follow_link) return checked;
  return {IgnoringEintr(call)};
}

// "/proc/self/fd/N" of an O_PATH descriptor of what `last` is: the path
// through which the xattr calls, which have no *at forms before Linux 6.13,
// act on exactly that file (procfs's link names the open file, not a path
// to resolve again).
class PinnedFile {
 public:
  // Opens `last` in dir_fd with O_PATH | O_NOFOLLOW; a link is to be followed.
  FinalStep Open(int dir_fd, const char* last, bool must_be_dir) {
    const syscall::Result<int> fd =
        internal::OpenAt(dir_fd, last, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0);
    if (!fd.ok()) return {fd.error()};
    fd_ = fd.value();
    const syscall::Result<struct stat> st = syscall::Fstat(fd_);
    if (!st.ok()) return {st.error()};
    if (S_ISLNK(st.value().st_mode)) return {{}, true};
    if (must_be_dir && !S_ISDIR(st.value().st_mode)) return {Errno(ENOTDIR)};
    path_ = absl::StrCat("/proc/self/fd/", fd_);
    return {};
  }
  ~PinnedFile() {
    if (fd_ >= 0) (void)syscall::Close(fd_);
  }
  PinnedFile() = default;
  PinnedFile(const PinnedFile&) = delete;
  PinnedFile& operator=(const PinnedFile&) = delete;

  const char* path() const { return path_.c_str(); }

 private:
  int fd_ = -1;
  std::string path_;
};

// unlink(2), or rmdir(2) where the name is a directory: Linux answers
// unlink of a directory with EISDIR (POSIX allows EPERM; Linux never).
Errno RemoveAt(int dir_fd, const char* name) {
  const Errno unlinked = syscall::Unlinkat(dir_fd, name, 0);
  if (unlinked != Errno(EISDIR)) return unlinked;
  return syscall::Unlinkat(dir_fd, name, AT_REMOVEDIR);
}

Errno RemoveAllAt(int parent_fd, const char* name);

// Empties the open directory `dir`, never following a link.
// NOLINTNEXTLINE(misc-no-recursion): one level per directory of the tree, as rm -r
Errno RemoveEntries(DirReader& dir) {
  std::vector<DirEntry> batch;
  while (true) {
    batch.clear();
    const absl::StatusOr<size_t> n = dir.Read(batch, kRemoveBatch);
    if (!n.ok()) return Errno(ErrnoOf(n.status()).value_or(EIO));
    if (*n == 0) return {};
    Errno first;
    bool removed_any = false;
    for (const DirEntry& e : batch) {
      const Errno err = RemoveAllAt(dir.file().Fd(), e.name.c_str());
      removed_any = removed_any || err.ok();
      if (!err.ok() && first.ok()) first = err;
    }
    // Only what cannot be removed is left in the way.
    if (!removed_any) return first;
    // Removals may have reordered what is left: read it again from the
    // start (bounded: every round removes something).
    if (absl::Status s = dir.Rewind(); !s.ok()) return Errno(ErrnoOf(s).value_or(EIO));
  }
}

// `name` in `parent_fd` and all beneath it. Directories are opened with
// O_NOFOLLOW | O_DIRECTORY from their parent's descriptor: a name swapped
// for a link meanwhile is not a directory then, and is unlinked itself.
// NOLINTNEXTLINE(misc-no-recursion): one level per directory of the tree, as rm -r
Errno RemoveAllAt(int parent_fd, const char* name) {
  for (int attempt = 0;; ++attempt) {
    const Errno unlinked = syscall::Unlinkat(parent_fd, name, 0);
    if (unlinked.ok() || unlinked == Errno(ENOENT)) return {};
    if (unlinked != Errno(EISDIR)) return unlinked;
    const syscall::Result<int> fd =
        internal::OpenAt(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, 0);
    if (fd.error() == Errno(ENOENT)) return {};
    // No longer a directory (swapped for a link or a file since unlink
    // said it was one): unlink it again, a few times at most.
    if ((fd.error() == Errno(ENOTDIR) || fd.error() == Errno(ELOOP)) && attempt < 8) continue;
    if (!fd.ok()) return fd.error();
    Errno emptied;
    {
      DirReader reader(internal::FileAccess::Adopt(fd.value(), name, O_RDONLY | O_DIRECTORY));
      emptied = RemoveEntries(reader);
    }
    const Errno removed = syscall::Unlinkat(parent_fd, name, AT_REMOVEDIR);
    if (!emptied.ok()) return emptied;
    if (removed.ok() || removed == Errno(ENOENT)) return {};
    return removed;
  }
}

FileType TypeOfDirent(unsigned char d_type) {
  switch (d_type) {
    case DT_REG:
      return FileType::kRegular;
    case DT_DIR:
      return FileType::kDirectory;
    case DT_LNK:
      return FileType::kSymlink;
    case DT_FIFO:
      return FileType::kFifo;
    case DT_SOCK:
      return FileType::kSocket;
    case DT_CHR:
      return FileType::kCharDevice;
    case DT_BLK:
      return FileType::kBlockDevice;
    default:
      return FileType::kUnknown;
  }
}

}  // namespace

// --- DirReader ---

DirReader::DirReader(std::unique_ptr<File> dir) : dir_(std::move(dir)), buf_(kDirBufferSize) {}

DirReader::~DirReader() = default;

absl::StatusOr<size_t> DirReader::Read(std::vector<DirEntry>& entries, size_t max) {
  // struct linux_dirent64: d_ino (8 bytes), d_off (8), d_reclen (2),
  // d_type (1), then the NUL-terminated name; records are 8-byte aligned
  // in the buffer, read here with memcpy all the same.
  constexpr size_t kInoAt = 0;
  constexpr size_t kReclenAt = 16;
  constexpr size_t kTypeAt = 18;
  constexpr size_t kNameAt = 19;
  size_t added = 0;
  while (added < max) {
    if (pos_ == end_) {
      poll::FD& fd = internal::FileAccess::Fd(*dir_);
      if (!fd.ReadLock()) return ClosedError("readdirent", dir_->Name());
      const syscall::Result<size_t> n =
          internal::ReadDirEntries(fd.SysfdForRead(), absl::MakeSpan(buf_));
      fd.ReadUnlock();
      if (!n.ok()) return PathError("readdirent", dir_->Name(), n.error());
      if (n.value() == 0) break;
      pos_ = 0;
      end_ = n.value();
    }
    const absl::Span<const char> record = absl::MakeConstSpan(buf_).subspan(pos_, end_ - pos_);
    uint64_t inode = 0;
    uint16_t length = 0;
    std::memcpy(&inode, record.subspan(kInoAt).data(), sizeof inode);
    std::memcpy(&length, record.subspan(kReclenAt).data(), sizeof length);
    // A record the kernel would never write: stop rather than read past it.
    if (length <= kNameAt || length > record.size()) {
      return PathError("readdirent", dir_->Name(), Errno(EIO));
    }
    const absl::Span<const char> name_bytes = record.subspan(kNameAt, length - kNameAt);
    const std::string_view name(name_bytes.data(), ::strnlen(name_bytes.data(), name_bytes.size()));
    const auto type = static_cast<unsigned char>(record[kTypeAt]);
    pos_ += length;
    if (name == "." || name == "..") continue;
    entries.push_back(DirEntry{std::string(name), TypeOfDirent(type), inode});
    ++added;
  }
  return added;
}

absl::Status DirReader::Rewind() {
  if (absl::StatusOr<int64_t> at = dir_->Seek(0, SEEK_SET); !at.ok()) return at.status();
  pos_ = end_ = 0;
  return absl::OkStatus();
}

// --- Root ---

absl::StatusOr<std::unique_ptr<Root>> OpenRoot(std::string name) {
  if (!internal::RootSupported()) {
    return absl::UnimplementedError(
        absl::StrCat("open ", name, ": os::Root is not supported on this platform"));
  }
  // The root itself is resolved as open(2) resolves any path: trusted.
  // O_PATH: searching it needs no read permission, and the descriptor is
  // only ever a starting point for the *at calls.
  const syscall::Result<int> fd =
      internal::FileAccess::Open(name.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
  if (!fd.ok()) return PathError("open", name, fd.error());
  // The constructor is private: std::make_unique cannot call it.
  return std::unique_ptr<Root>(
      new Root(fd.value(), std::move(name)));  // NOLINT(modernize-make-unique)
}

syscall::Result<int> internal::RootAccess::OpenFollowing(Root& root, const char* name, int flags) {
  if (!root.pfd_->Incref()) return syscall::Result<int>::Error(Errno(EBADF));
  const int root_fd = root.pfd_->SysfdForRef();
  const syscall::Result<int> fd = internal::OpenAt(root_fd, name, flags | O_CLOEXEC, 0);
  root.pfd_->Decref();
  return fd;
}

std::unique_ptr<Root> internal::RootAccess::Adopt(int fd, std::string name) {
  return std::unique_ptr<Root>(new Root(fd, std::move(name)));  // NOLINT(modernize-make-unique)
}

Root::Root(int fd, std::string name)
    : pfd_(std::make_unique<poll::FD>(fd)), name_(std::move(name)) {}

Root::~Root() = default;

absl::Status Root::Close() {
  const poll::Error err = pfd_->Close();
  if (err.closing()) return ClosedError("close", name_);
  if (!err.ok()) return PathError("close", name_, err.errno_value());
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<File>> Root::Open(std::string_view name) {
  return OpenFile(name, O_RDONLY, 0);
}

absl::StatusOr<std::unique_ptr<File>> Root::Create(std::string_view name) {
  return OpenFile(name, O_RDWR | O_CREAT | O_TRUNC, kCreatePerm);
}

absl::StatusOr<std::unique_ptr<File>> Root::OpenFile(std::string_view name, int flags,
                                                     mode_t perm) {
  int fd = -1;
  absl::Status s = WithRoot(*pfd_, "openat", name, [&](int root_fd) {
    return internal::OpenBeneath(root_fd, name, flags, perm, &fd);
  });
  if (!s.ok()) return s;
  return internal::FileAccess::Adopt(fd, Join(name_, name), flags);
}

absl::StatusOr<std::unique_ptr<Root>> Root::OpenRoot(std::string_view name, int flags) {
  int fd = -1;
  absl::Status s = WithRoot(*pfd_, "openat", name, [&](int root_fd) {
    return internal::OpenBeneath(root_fd, name, O_PATH | O_DIRECTORY | (flags & O_NOFOLLOW), 0,
                                 &fd);
  });
  if (!s.ok()) return s;
  return std::unique_ptr<Root>(new Root(fd, Join(name_, name)));  // NOLINT(modernize-make-unique)
}

absl::Status Root::Mkdir(std::string_view name, mode_t perm) {
  return WithRoot(*pfd_, "mkdirat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool) {
      return FinalStep{syscall::Mkdirat(dir_fd, last, perm)};
    });
  });
}

absl::Status Root::MkdirAll(std::string_view name, mode_t perm) {
  return WithRoot(*pfd_, "mkdirat", name,
                  [&](int root_fd) { return internal::MkdirAllBeneath(root_fd, name, perm); });
}

absl::StatusOr<std::unique_ptr<DirReader>> Root::ReadDir(std::string_view name) {
  absl::StatusOr<std::unique_ptr<File>> dir = OpenFile(name, O_RDONLY | O_DIRECTORY, 0);
  if (!dir.ok()) return dir.status();
  return std::make_unique<DirReader>(*std::move(dir));
}

absl::Status Root::Remove(std::string_view name) {
  return WithRoot(*pfd_, "removeat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool) {
      return FinalStep{RemoveAt(dir_fd, last)};
    });
  });
}

absl::Status Root::RemoveAll(std::string_view name) {
  return WithRoot(*pfd_, "removeallat", name, [&](int root_fd) {
    const Refusal r = internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool) {
      // "." (the root, or "a/.."): not a name its directory holds.
      if (std::string_view(last) == ".") return FinalStep{Errno(EINVAL)};
      return FinalStep{RemoveAllAt(dir_fd, last)};
    });
    // Nothing there is nothing to remove, on the way to it too.
    if (r.err == Errno(ENOENT)) return Refusal{};
    return r;
  });
}

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): symlink(2)'s order, target first
absl::Status Root::Symlink(std::string_view target, std::string_view link) {
  if (absl::StrContains(target, '\0')) {
    return PathError("symlinkat", link, Errno(EINVAL));
  }
  const std::string to(target);
  return WithRoot(*pfd_, "symlinkat", link, [&](int root_fd) {
    return internal::AtFinal(root_fd, link, [&](int dir_fd, const char* last, bool) {
      return FinalStep{syscall::Symlinkat(to.c_str(), dir_fd, last)};
    });
  });
}

absl::StatusOr<std::string> Root::Readlink(std::string_view name) {
  std::string target;
  absl::Status s = WithRoot(*pfd_, "readlinkat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool) {
      syscall::Result<std::string> r = internal::ReadLinkAt(dir_fd, last);
      if (r.ok()) target = r.value();
      return FinalStep{r.error()};
    });
  });
  if (!s.ok()) return s;
  return target;
}

absl::Status Root::Link(std::string_view oldname, std::string_view newname) {
  return WithRoot2(*pfd_, "linkat", oldname, newname, [&](int root_fd) {
    return AtFinal2(root_fd, oldname, newname,
                    [](int old_dir, const char* old_last, int new_dir, const char* new_last) {
                      return syscall::Linkat(old_dir, old_last, new_dir, new_last, 0);
                    });
  });
}

absl::Status Root::Rename(std::string_view oldname, std::string_view newname, RenameFlags flags) {
  return WithRoot2(*pfd_, "renameat", oldname, newname, [&](int root_fd) {
    return AtFinal2(root_fd, oldname, newname,
                    [flags](int old_dir, const char* old_last, int new_dir, const char* new_last) {
                      switch (flags) {
                        case RenameFlags::kNoReplace:
                          return internal::RenameWithFlags(old_dir, old_last, new_dir, new_last,
                                                           RENAME_NOREPLACE);
                        case RenameFlags::kExchange:
                          return internal::RenameWithFlags(old_dir, old_last, new_dir, new_last,
                                                           RENAME_EXCHANGE);
                        case RenameFlags::kNone:
                          break;
                      }
                      return syscall::Renameat(old_dir, old_last, new_dir, new_last);
                    });
  });
}

absl::StatusOr<FileInfo> Root::Stat(std::string_view name) {
  struct stat st = {};
  absl::Status s = WithRoot(*pfd_, "statat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool must_be_dir) {
      return CheckFinal(dir_fd, last, must_be_dir, &st);
    });
  });
  if (!s.ok()) return s;
  return internal::FileAccess::Info(st);
}

absl::StatusOr<FileInfo> Root::Lstat(std::string_view name) {
  struct stat st = {};
  absl::Status s = WithRoot(*pfd_, "lstatat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool must_be_dir) {
      // "a/" names the directory a link a leads to (the kernel's rule).
      if (must_be_dir) return CheckFinal(dir_fd, last, must_be_dir, &st);
      const syscall::Result<struct stat> got = syscall::Fstatat(dir_fd, last, AT_SYMLINK_NOFOLLOW);
      if (got.ok()) st = got.value();
      return FinalStep{got.error()};
    });
  });
  if (!s.ok()) return s;
  return internal::FileAccess::Info(st);
}

absl::Status Root::Chmod(std::string_view name, mode_t mode) {
  return WithRoot(*pfd_, "chmodat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool must_be_dir) {
      return AfterFollowing(dir_fd, last, must_be_dir, [&] {
        return syscall::Fchmodat(dir_fd, last, mode, AT_SYMLINK_NOFOLLOW);
      });
    });
  });
}

absl::Status Root::Chown(std::string_view name, uid_t uid, gid_t gid) {
  return WithRoot(*pfd_, "chownat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool must_be_dir) {
      return AfterFollowing(dir_fd, last, must_be_dir, [&] {
        return syscall::Fchownat(dir_fd, last, uid, gid, AT_SYMLINK_NOFOLLOW);
      });
    });
  });
}

absl::Status Root::Lchown(std::string_view name, uid_t uid, gid_t gid) {
  return WithRoot(*pfd_, "lchownat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool) {
      return FinalStep{IgnoringEintr(
          [&] { return syscall::Fchownat(dir_fd, last, uid, gid, AT_SYMLINK_NOFOLLOW); })};
    });
  });
}

absl::Status Root::Chtimes(std::string_view name, absl::Time access, absl::Time modification) {
  const std::array<struct timespec, 2> times = internal::Timespecs(access, modification);
  return WithRoot(*pfd_, "chtimesat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool must_be_dir) {
      return AfterFollowing(dir_fd, last, must_be_dir, [&] {
        return syscall::Utimensat(dir_fd, last, times, AT_SYMLINK_NOFOLLOW);
      });
    });
  });
}

absl::Status Root::Lchtimes(std::string_view name, absl::Time access, absl::Time modification) {
  const std::array<struct timespec, 2> times = internal::Timespecs(access, modification);
  return WithRoot(*pfd_, "lchtimesat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool) {
      return FinalStep{IgnoringEintr(
          [&] { return syscall::Utimensat(dir_fd, last, times, AT_SYMLINK_NOFOLLOW); })};
    });
  });
}

namespace {

// call(path) -> Errno on "/proc/self/fd/N" of what `name` is beneath
// root_fd, its final link followed (the xattr calls).
template <typename Call>
Refusal AtPinnedFile(int root_fd, std::string_view name, const Call& call) {
  return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool must_be_dir) {
    PinnedFile file;
    const FinalStep opened = file.Open(dir_fd, last, must_be_dir);
    if (!opened.err.ok() || opened.follow_link) return opened;
    return FinalStep{call(file.path())};
  });
}

}  // namespace

absl::StatusOr<std::vector<std::string>> Root::ListXattr(std::string_view name) {
  std::string names;
  absl::Status s = WithRoot(*pfd_, "listxattrat", name, [&](int root_fd) {
    return AtPinnedFile(root_fd, name, [&](const char* path) {
      syscall::Result<std::string> r = internal::FillGrowing(
          [&](absl::Span<char> buf) { return syscall::Listxattr(path, buf); });
      if (r.ok()) names = r.value();
      return r.error();
    });
  });
  if (!s.ok()) return s;
  return internal::XattrNames(names);
}

absl::StatusOr<std::string> Root::GetXattr(std::string_view name, const std::string& attr) {
  std::string value;
  absl::Status s = WithRoot(*pfd_, "getxattrat", name, [&](int root_fd) {
    return AtPinnedFile(root_fd, name, [&](const char* path) {
      syscall::Result<std::string> r = internal::FillGrowing(
          [&](absl::Span<char> buf) { return syscall::Getxattr(path, attr.c_str(), buf); });
      if (r.ok()) value = r.value();
      return r.error();
    });
  });
  if (!s.ok()) return s;
  return value;
}

absl::Status Root::SetXattr(std::string_view name, const std::string& attr, std::string_view value,
                            int flags) {
  return WithRoot(*pfd_, "setxattrat", name, [&](int root_fd) {
    return AtPinnedFile(root_fd, name, [&](const char* path) {
      return syscall::Setxattr(path, attr.c_str(), value, flags);
    });
  });
}

absl::Status Root::Mkfifo(std::string_view name, mode_t perm) {
  return Mknod(name, S_IFIFO | (perm & ~static_cast<mode_t>(S_IFMT)), 0);
}

absl::Status Root::Mknod(std::string_view name, mode_t mode, uint64_t device) {
  return WithRoot(*pfd_, "mknodat", name, [&](int root_fd) {
    return internal::AtFinal(root_fd, name, [&](int dir_fd, const char* last, bool) {
      return FinalStep{syscall::Mknodat(dir_fd, last, mode, static_cast<dev_t>(device))};
    });
  });
}

}  // namespace sysport::os
