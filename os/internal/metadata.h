#ifndef SYSPORT_OS_INTERNAL_METADATA_H_
#define SYSPORT_OS_INTERNAL_METADATA_H_

// What a copy's destination gets besides its bytes (cp's --preserve), decided
// in one place for every copy in //os: os::CopyFile's file, and each file and
// directory of a tree copy. A MetadataPlan is made once per destination, from
// the source's FileInfo, the Preserve options and what the destination's name
// held, and applied in steps around the data:
//
//   plan = MetadataPlan::ForNew(src, keep);         // or ForExisting, ForReplacement
//   open(name, O_CREAT | O_EXCL, plan.CreationMode())   // a new destination
//   plan.BeforeData(dst);                           // an existing one: narrowed
//   ... the data (or, for a directory, its entries) ...
//   plan.AfterData(dst);                            // chown, chmod, times
//
// The rules, cp's (coreutils copy.c) where it has one:
//   - Nobody the finished file would not let in may open it while it holds
//     part of the data (permissions are checked at open(2); a descriptor
//     opened early reads everything written later). A new destination whose
//     owner is to be given away is created owner-only (0700 at most) and
//     widened at the end; an existing one first loses the bits its final mode
//     lacks, and all but its owner's when its owner or group is to change.
//   - chown(2) comes before chmod(2): a chown clears setuid and setgid, and so
//     does writing data, so the final mode is set after both.
//   - A setuid bit is kept only if the destination ends up owned by the owner
//     whose mode it is (the source's with keep.mode, else the file the
//     destination replaces), and setgid only if it ends up in that group:
//     never a set-id program for an owner who did not make it one (POSIX cp
//     -p; coreutils 6.7 fixed the same hole). Sticky grants nothing: kept.
//   - Owner and group are given where permitted: EPERM (not root, or a group
//     the process is not in) and EINVAL (an id not mapped in this user
//     namespace) are not errors; the group alone is tried then, as cp does.
//   - A directory is writable and searchable by its owner while its entries
//     are made, and not writable by group or others unless ownership goes to
//     another owner (then owner-only); AfterData gives it its final mode.
//
// What a destination ends with, by what its name held and the options:
//
//   mode:  keep.mode: the source's permission bits, all 07777 of them (less
//          the set-id bits above); else, a destination that existed (or the
//          file an atomic copy replaces): its own; else the source's rwx bits
//          less the umask (the kernel's, at open(2), unless the file had to
//          be created narrower: then the umask is read from /proc/self/status,
//          and taken as 077 where that cannot be read).
//   owner: keep.ownership: the source's, where permitted; else, the file an
//          atomic copy replaces: that file's, where permitted; else as made.
//   times: keep.timestamps: the source's access and modification times.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "os/copy_file.h"
#include "os/file.h"
#include "os/root.h"

namespace sysport::os::internal {

using Preserve = CopyFileOptions::Preserve;

// The process's umask, from the "Umask:" line of /proc/self/status (Linux
// 4.7 and later): umask(2) reads it only by setting it, which would give any
// other thread that creates a file meanwhile the wrong mode. nullopt where
// /proc is not mounted or the kernel is older.
std::optional<mode_t> ReadUmask();

// What AfterData changes: an open File, or a name in a Root (metadata.cc).
class MetadataTarget;

class MetadataPlan {
 public:
  // What a caller that creates many destinations (a tree copy) knows of
  // them, so that a plan asks nothing and leaves out the calls that would
  // change nothing: the umask, and the owner and group a new one gets (the
  // process's effective ids; a setgid directory's group).
  struct Creator {
    mode_t umask = 0;
    uid_t uid = 0;
    gid_t gid = 0;
  };

  // A destination the copy creates where its name held nothing.
  static MetadataPlan ForNew(const FileInfo& src, Preserve keep, const Creator* creator = nullptr);
  // A destination that was there and is written in place (cp's way):
  // `existing` as fstat(2) saw it once opened, before anything changed it.
  static MetadataPlan ForExisting(const FileInfo& src, Preserve keep, const FileInfo& existing);
  // A new file that will take the name of `replaced` (an atomic copy's
  // temporary file): it ends with replaced's mode and, where permitted,
  // owner, unless `keep` asks for the source's.
  static MetadataPlan ForReplacement(const FileInfo& src, Preserve keep, const FileInfo& replaced);

  // The mode to create a new destination with: open(2)'s or mkdir(2)'s
  // argument, which the umask then narrows. Never setuid, setgid or sticky
  // (AfterData sets them, after the chown that would clear them).
  mode_t CreationMode() const;

  // Before any data: narrows an existing destination's permission bits (one
  // fchmod(2), where they must change; nothing for a new one). Errors are
  // "chmod DST: ...".
  absl::Status BeforeData(File& dst) const;

  // After the data: fchown(2) where ownership is to be given, then fchmod(2)
  // to the final mode (with fstat(2) first where it has setuid or setgid bits,
  // to see who the owner became), then futimens(2) where times are kept.
  // Errors are "chown DST: ...", "chmod DST: ...", "utimes DST: ...".
  absl::Status AfterData(File& dst) const;
  // The same for a destination that is not opened to be changed (a FIFO or
  // device: opening one waits for a writer or acts on the device), by its
  // name `name` in `dir` (symbolic links not followed beyond the name's
  // own confinement); `path` is what messages call it.
  absl::Status AfterDataAt(Root& dir, std::string_view name, std::string_view path) const;
  // Whether AfterData has anything to do (a tree copy then need not open a
  // directory it made only to leave it as it is).
  bool HasAfterData() const;

  // For a copy into an existing destination that failed before writing any
  // of the source's bytes: puts back the permission bits BeforeData took.
  absl::Status Restore(File& dst) const;

 private:
  enum class Kind : uint8_t { kNew, kExisting, kReplacement };
  // Owner and group, with the permission bits that belong to them.
  struct Owned {
    mode_t perm = 0;  // 07777
    uid_t uid = 0;
    gid_t gid = 0;
  };

  MetadataPlan(Kind kind, const FileInfo& src, Preserve keep, const FileInfo* before);

  // Whose owner and group AfterData gives, if anyone's.
  std::optional<Owned> OwnerToGive() const;
  // The final permission bits and whose they are; nullopt: leave them.
  std::optional<Owned> FinalMode() const;
  absl::Status Apply(MetadataTarget& dst) const;
  // Apply's steps: fchown(2) where an owner is to be given, fchmod(2) to
  // FinalMode less the set-id bits the owner it got does not allow.
  absl::Status GiveOwner(MetadataTarget& dst) const;
  absl::Status SetFinalMode(MetadataTarget& dst) const;
  // The umask: the creator's, else /proc's.
  std::optional<mode_t> Umask() const;

  Kind kind_;
  Preserve keep_;
  bool directory_;
  Owned src_;
  Owned before_;  // the existing or replaced file's (kind_ != kNew)
  absl::Time access_time_;
  absl::Time modification_time_;
  // The bits an existing destination has while the data is written, if
  // BeforeData changes them.
  std::optional<mode_t> narrowed_;
  std::optional<Creator> creator_;
};

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_METADATA_H_
