#ifndef SYSPORT_OS_COPY_FILE_H_
#define SYSPORT_OS_COPY_FILE_H_

// Whole-file copies, as GNU cp makes them and better: a sequence of
// decisions, each made once.
//
//   1. Clone where the filesystem shares extents (XFS with reflink=1,
//      btrfs, bcachefs, OCFS2, NFS 4.2): one call, any size. With
//      reflink=always, ioctl FICLONE; with reflink=auto, copy_file_range(2)
//      in steps 2 and 3, which clones by itself before it would copy, so
//      filesystems that cannot clone pay no refused FICLONE (FICLONE is
//      tried first only where copy_file_range cannot reach the kernel).
//   2. Else, for a source with holes (fewer blocks allocated than its size),
//      copy only its data extents (lseek SEEK_DATA/SEEK_HOLE), each with
//      copy_file_range(2) at explicit offsets and, for what the kernel
//      refuses, a read/write loop; the holes stay holes, and ftruncate(2)
//      sets the final size.
//   3. Else File::ReadFrom: copy_file_range(2), then the read/write loop.
//
// Only the size the source had when the copy began is copied: a source that
// grows meanwhile is not followed, one that shrinks ends the copy where its
// data ends. With `atomic`, the copy is made in a temporary file beside the
// destination and renamed over it only when complete.
//
// Like every type in os/file.h, these have one layout whatever the user's
// compiler flags.

#include <cstdint>
#include <string>

#include "io/io.h"
#include "os/file.h"

namespace sysport::os {

class CopyObserver;

struct CopyFileOptions {
  // Whether to clone (cp's --reflink).
  enum class Reflink : uint8_t {
    kAuto,    // clone where the filesystem can, else copy (cp's default since coreutils 9.0;
              // Go's and Rust's copies, through copy_file_range)
    kAlways,  // clone, or fail with nothing created or truncated
    kNever,   // never clone, nor use copy_file_range(2), which clones by itself on XFS,
              // btrfs and NFS 4.2 (coreutils avoids it too): the read/write loop copies
  };
  // What becomes a hole in the destination (cp's --sparse).
  enum class Sparse : uint8_t {
    kAuto,    // the source's holes (cp's default)
    kAlways,  // the source's holes, and every 4 KiB block of zeros in its data
    kNever,   // nothing: every byte is written, so never cloned (nor copied with
              // copy_file_range(2), which clones by itself), as coreutils 9.4
  };
  // What the destination takes from the source besides its bytes (cp's
  // --preserve), whatever the source's type (a FIFO's or a device's too).
  // Without any, a destination that is created gets the source's permission
  // bits (not setuid, setgid or sticky) less the umask, and one that exists
  // keeps its own, as cp without -p. Nobody the finished file would not let
  // in can open it meanwhile: with ownership, a new destination is created
  // owner-only and widened at the end; an existing one loses, before any
  // data, the bits it will not end with. The rules are os/internal/metadata.h's.
  struct Preserve {
    // All permission bits, sticky included; setuid (setgid) only where the
    // destination ends up owned by the source's owner (group), as POSIX cp -p.
    bool mode = false;
    bool timestamps = false;  // access and modification times, to the nanosecond
    // Owner and group, where the process may give them (EPERM and EINVAL are
    // not errors: the group alone is tried then).
    bool ownership = false;
  };

  Reflink reflink = Reflink::kAuto;
  Sparse sparse = Sparse::kAuto;
  Preserve preserve;
  // Copy into a temporary file in the destination's directory (O_TMPFILE
  // where the filesystem has it, else a unique name ".NAME.PID-N.tmp"), then
  // rename it over the destination (rsync's way; cp has none). A failure,
  // including ENOSPC midway, leaves the old destination as it was and removes
  // the temporary file. A process killed midway leaves nothing with O_TMPFILE
  // and the unique name otherwise (nothing else can remove it). Path overload only.
  bool atomic = false;
  // fsync(2) the destination before returning (before the rename, with
  // atomic), and, in the path overload, its directory where the copy gave it
  // a new name (created it, or renamed the temporary file over it): when the
  // copy returns OK, the file and its name survive a crash or power loss.
  bool sync = false;
  // Where the copy reports its decisions (path overload; the File overload
  // reports to the destination's observer). Not owned; may be nullptr.
  CopyObserver* observer = nullptr;
};

// Copies the file at `src_path` to `dst_path`, creating it if needed.
//
// The result's n is the destination's size when the copy ends: the bytes
// written plus the bytes left as holes (the observer's OnHoles tells the
// two apart). On an error, n is exactly how much of the source, from its
// start, the destination holds (data and holes), and the status says what
// failed ("write /dst: copy_file_range: no space left on device"); with
// atomic, the destination is as it was. Refuses, before changing anything,
// to copy a file onto itself, to write through a symbolic link to nothing
// ("open DST: not writing through a dangling symlink: ..."), to create a
// file under a name ending in a slash ("open DST/: not a directory"), and,
// with atomic, to replace a directory ("open DST: is a directory", before any
// temporary file is made or a byte read).
io::Result CopyFile(const std::string& src_path, const std::string& dst_path,
                    const CopyFileOptions& options = {});

// The same on open files: src must be readable, dst writable. The whole of
// src, from its start whatever its offset, replaces the whole of dst (a dst
// that is not a regular file, or is open for appending, is written at its
// offset through File::ReadFrom; a regular dst is emptied for a src that is
// not a regular file); afterwards both offsets are at the end of what was
// copied. dst keeps its permission bits unless preserve.mode, which is
// applied (with ownership and timestamps) whatever the two types are.
// Reports to dst's observer. `atomic` does not apply.
io::Result CopyFile(File& src, File& dst, const CopyFileOptions& options = {});

}  // namespace sysport::os

#endif  // SYSPORT_OS_COPY_FILE_H_
