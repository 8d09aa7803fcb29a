#ifndef SYSPORT_OS_ROOT_H_
#define SYSPORT_OS_ROOT_H_

// Go's os.Root (Go 1.24, widened in 1.25): a directory handle whose
// operations cannot leave it.
//
//   auto root = sysport::os::OpenRoot("/srv/uploads");    // resolved normally
//   auto f = (*root)->Open("user/42/avatar.png");        // os::File, beneath it
//   auto g = (*root)->Open("../etc/passwd");
//   // g.status(): "openat ../etc/passwd: path escapes from the root"
//
// The root itself is opened as any path is (a symbolic link in it is
// trusted: the caller chose it). Every name given to a Root's methods is
// resolved beneath it, component by component: `..` above the root, an
// absolute symbolic link, or a chain of relative links that climbs out is
// refused with an error that says so (os::IsPathEscape), before anything is
// created. Symbolic links that stay inside are followed, except where a
// method says not to (Lstat, Readlink, Lchown, Remove, RemoveAll, Rename,
// Link, and OpenFile with O_NOFOLLOW). A chain of more than 40 links ends in
// ELOOP, as in the kernel. Names of any length work: no step passes the
// kernel more than what remains below a directory already open, so a tree
// deeper than PATH_MAX is reachable.
//
// How a name is resolved (docs/root.md): openat2(2) with
// RESOLVE_BENEATH on Linux 5.6 and later; where the kernel or a sandbox lacks
// it (ENOSYS, a seccomp EPERM: learned once per process), a walk that opens
// each directory with O_NOFOLLOW and resolves in-root links itself. A name of
// a single component (what a tree copy uses) needs neither: the call is made
// on the directory the Root holds. On platforms other than Linux every method
// fails with "not supported on this platform".
//
// A Root may be used from many threads at once. Close waits for calls in
// flight, as File's does.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "os/file.h"

namespace sysport::poll {
class FD;
}  // namespace sysport::poll

namespace sysport::os {

class Root;

namespace internal {
struct RootAccess;
}  // namespace internal

// Go's os.OpenRoot: opens the directory `name` (resolved as open(2) resolves
// it) as a Root. "openat NAME: not a directory" if it is none.
absl::StatusOr<std::unique_ptr<Root>> OpenRoot(std::string name);

// One entry of a directory, as getdents64(2) gives it: no stat(2) per entry.
struct DirEntry {
  std::string name;
  // kUnknown where the filesystem does not say (d_type DT_UNKNOWN: some XFS
  // v4, reiserfs, network filesystems): Lstat it.
  FileType type = FileType::kUnknown;
  uint64_t inode = 0;
};

// A directory being read, a buffer of entries at a time (Root::ReadDir), so
// that a directory of a million entries is never one vector. Not for use
// from two threads at once.
class DirReader {
 public:
  // Reads `dir`, an open directory (Root::Open of one, or File::Open).
  explicit DirReader(std::unique_ptr<File> dir);
  ~DirReader();
  DirReader(const DirReader&) = delete;
  DirReader& operator=(const DirReader&) = delete;

  // Appends up to `max` (> 0) more entries to `entries`, never "." or "..";
  // returns how many. 0 means the directory has no more.
  absl::StatusOr<size_t> Read(std::vector<DirEntry>& entries, size_t max);

  // Reads the directory again from its start (after entries were removed,
  // reading on may skip some: the filesystem can reorder the rest).
  absl::Status Rewind();

  // The directory itself, open for reading: Stat, Chmod, Chtimes, ...
  File& file() { return *dir_; }

 private:
  std::unique_ptr<File> dir_;
  std::vector<char> buf_;  // what getdents64 filled, from pos_ to end_
  size_t pos_ = 0;
  size_t end_ = 0;
};

class Root {
 public:
  ~Root();  // closes the directory if Close() was not called
  Root(const Root&) = delete;
  Root& operator=(const Root&) = delete;

  // The name the Root was opened with (for a sub-root, joined to its
  // parent's); error messages show the names given to the methods.
  const std::string& Name() const { return name_; }
  // Closes the directory; a second Close reports "file already closed".
  absl::Status Close();

  // --- opening ---
  // Go's Root.Open: read-only.
  absl::StatusOr<std::unique_ptr<File>> Open(std::string_view name);
  // Go's Root.Create: read-write, created with mode 0666 (before umask) if
  // it does not exist, truncated if it does.
  absl::StatusOr<std::unique_ptr<File>> Create(std::string_view name);
  // Go's Root.OpenFile: open(2) flags (O_CLOEXEC is always added; O_NOFOLLOW
  // leaves a final symbolic link unfollowed: ELOOP) and mode. A dangling link
  // named with O_CREAT creates its target, if that is beneath the root.
  absl::StatusOr<std::unique_ptr<File>> OpenFile(std::string_view name, int flags, mode_t perm);
  // Go's Root.OpenRoot: the directory `name` as a Root of its own. With
  // `flags` O_NOFOLLOW, a final symbolic link is not followed (ELOOP), as a
  // tree walk wants: a directory swapped for a link is not entered.
  absl::StatusOr<std::unique_ptr<Root>> OpenRoot(std::string_view name, int flags = 0);

  // --- directories ---
  absl::Status Mkdir(std::string_view name, mode_t perm);
  // Every missing directory on the way, each with `perm`; no error if `name`
  // is a directory already (or a link to one beneath the root).
  absl::Status MkdirAll(std::string_view name, mode_t perm);
  // The entries of the directory `name` ("." for the root itself).
  absl::StatusOr<std::unique_ptr<DirReader>> ReadDir(std::string_view name);
  // Removes a file, a symbolic link (not its target) or an empty directory.
  absl::Status Remove(std::string_view name);
  // Removes `name` and everything beneath it, never following a symbolic
  // link: each directory is opened with O_NOFOLLOW from its parent's
  // descriptor, so a directory swapped for a link meanwhile loses the link,
  // not what it points at (Rust's CVE-2022-21658). No error if `name` does
  // not exist.
  absl::Status RemoveAll(std::string_view name);

  // --- links and names ---
  // Creates `link` holding `target`, which is not checked (as symlink(2);
  // following it later is confined like any other name).
  absl::Status Symlink(std::string_view target, std::string_view link);
  absl::StatusOr<std::string> Readlink(std::string_view name);
  // A hard link `newname` to `oldname` (a final symbolic link in oldname is
  // linked itself, as linkat(2) without AT_SYMLINK_FOLLOW).
  absl::Status Link(std::string_view oldname, std::string_view newname);
  enum class RenameFlags : uint8_t {
    kNone,       // replace newname if it exists, as rename(2)
    kNoReplace,  // fail with EEXIST if newname exists (RENAME_NOREPLACE)
    kExchange,   // swap the two, both of which must exist (RENAME_EXCHANGE)
  };
  // Both names beneath this root. The flags need renameat2(2) and a
  // filesystem that has them (EINVAL otherwise).
  absl::Status Rename(std::string_view oldname, std::string_view newname,
                      RenameFlags flags = RenameFlags::kNone);

  // --- metadata ---
  absl::StatusOr<FileInfo> Stat(std::string_view name);   // follows a final link
  absl::StatusOr<FileInfo> Lstat(std::string_view name);  // describes the link itself
  absl::Status Chmod(std::string_view name, mode_t mode);
  absl::Status Chown(std::string_view name, uid_t uid, gid_t gid);   // follows
  absl::Status Lchown(std::string_view name, uid_t uid, gid_t gid);  // the link itself
  // Access and modification times, to the nanosecond; absl::InfinitePast()
  // leaves that time as it is (UTIME_OMIT).
  absl::Status Chtimes(std::string_view name, absl::Time access, absl::Time modification);
  // The same on a final symbolic link itself (utimensat AT_SYMLINK_NOFOLLOW).
  absl::Status Lchtimes(std::string_view name, absl::Time access, absl::Time modification);
  // Extended attributes of what `name` names (following a final link).
  absl::StatusOr<std::vector<std::string>> ListXattr(std::string_view name);
  absl::StatusOr<std::string> GetXattr(std::string_view name, const std::string& attr);
  // `flags`: 0, XATTR_CREATE or XATTR_REPLACE (<sys/xattr.h>).
  absl::Status SetXattr(std::string_view name, const std::string& attr, std::string_view value,
                        int flags = 0);

  // --- special files ---
  absl::Status Mkfifo(std::string_view name, mode_t perm);
  // mknod(2): `mode` holds the type (S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK, S_IFREG)
  // and the permission bits; devices need CAP_MKNOD.
  absl::Status Mknod(std::string_view name, mode_t mode, uint64_t device);

 private:
  friend absl::StatusOr<std::unique_ptr<Root>> OpenRoot(std::string name);
  friend struct internal::RootAccess;
  Root(int fd, std::string name);

  std::unique_ptr<poll::FD> pfd_;
  const std::string name_;
};

}  // namespace sysport::os

#endif  // SYSPORT_OS_ROOT_H_
