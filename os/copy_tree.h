#ifndef SYSPORT_OS_COPY_TREE_H_
#define SYSPORT_OS_COPY_TREE_H_

// Tree copies: Go's os.CopyFS, done as cp -a does it, on os::Roots, with
// every core.
//
//   sysport::os::CopyTreeOptions options = sysport::os::CopyTreeOptions::CpArchive();
//   sysport::os::CopyTreeResult r = sysport::os::CopyTree("src", "dst", options);
//   // r.stats: directories, files, symlinks, hard links, bytes ...; r.status:
//   // OK, or the first error ("open src/a/b: permission denied") with r.errors
//   // holding each one.
//
// The source is read through an os::Root on SRC and the destination written
// through one on DST: whatever is renamed or swapped for a symbolic link
// while the copy runs, nothing outside SRC is read (unless links are followed
// on purpose, -L) and nothing outside DST is written. Directories are read
// with getdents64 (no stat per entry); each regular file is one open, fstat,
// create, in-kernel copy and two closes where nothing is to be preserved
// beyond the mode (os::CopyFile's decisions: clone, data extents,
// copy_file_range, the read/write loop). A directory gets its final mode,
// owner and times after its children, and is owner-only until then.
//
// The work is spread over threads by directory, and a large directory's
// entries in batches across them, so one flat directory of 100,000 files
// uses every core too. Memory is bounded by the directories in flight and
// the hard-link map (files with more than one link), never by the tree.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "os/copy_file.h"
#include "os/copy_observer.h"
#include "os/file.h"

namespace sysport::os {

// What a tree copy tells as it goes, from its worker threads, concurrently:
// implementations must be thread-safe.
class CopyTreeObserver {
 public:
  virtual ~CopyTreeObserver() = default;
  // An entry could not be copied; the message names its path
  // ("open src/a/f: permission denied"). The copy goes on unless
  // CopyTreeOptions::stop_at_first_error.
  virtual void OnError(const absl::Status& error) = 0;
  // An entry that was deliberately not copied, and why ("src/s: socket not
  // copied", "dst/f: exists, kept (-n)"). Not an error.
  virtual void OnSkipped(const std::string& what) = 0;
  // An entry was copied: its type and, for a regular file, its size.
  virtual void OnCopied(FileType type, int64_t bytes) = 0;
};

struct CopyTreeOptions {
  // What each entry takes from its source besides its bytes.
  struct Preserve {
    bool mode = false;        // all permission bits (else the source's rwx less the umask)
    bool ownership = false;   // owner and group, where permitted (else setuid/setgid dropped)
    bool timestamps = false;  // access and modification times, to the nanosecond
    bool links = false;       // hard links: later names of a file become links of its first copy
    bool xattrs = false;      // extended attributes the destination accepts
  };
  enum class Symlinks : uint8_t {
    kCopy,          // copied as symbolic links, never followed (cp -P; cp -r's default)
    kFollowSource,  // SRC itself followed if it is a link, none beneath it (cp -H)
    kFollowAll,     // every link followed wherever it points (cp -L); loops are refused
  };
  enum class Existing : uint8_t {
    kReplace,  // a file that exists is replaced, a directory merged into (cp's default)
    kKeep,     // what exists is left as it is (cp -n)
    kFail,     // a file that exists is an error, as Go's os.CopyFS
  };

  Preserve preserve;
  Symlinks symlinks = Symlinks::kCopy;
  Existing existing = Existing::kReplace;
  // For each regular file, as os::CopyFile's (cp's --reflink and --sparse).
  CopyFileOptions::Reflink reflink = CopyFileOptions::Reflink::kAuto;
  CopyFileOptions::Sparse sparse = CopyFileOptions::Sparse::kAuto;
  // Replace an existing file through a temporary file and a rename, so it
  // is never seen half-written (os::CopyFileOptions::atomic, per file).
  bool atomic_files = false;
  // Build the whole copy in a temporary directory beside DST, then rename it
  // to DST in one step (RENAME_NOREPLACE; RENAME_EXCHANGE over an existing
  // DST, which is then removed): DST is the old tree or the whole new one,
  // never a part. On an error nothing is left.
  bool atomic_tree = false;
  // Do not descend into directories on another filesystem (cp -x); their
  // mount points are copied, empty.
  bool one_file_system = false;
  // Stop at the first error (Go's and std::filesystem's behaviour), rather
  // than copy the rest and report each (cp's, rsync's).
  bool stop_at_first_error = false;
  // New files get mode 0666 plus the source's execute bits, directories
  // 0777, both less the umask (Go's os.CopyFS), where preserve.mode is off.
  bool execute_bits_only = false;
  // fsync(2) each regular file copied, each directory once its entries are
  // made, and DST's directory once DST has its name (after the rename, with
  // atomic_tree): when the copy returns OK, what it wrote survives a crash
  // or power loss. One more system call per file and per directory.
  bool sync = false;
  // Threads; 0: as many as the CPUs that are online.
  int jobs = 0;
  CopyTreeObserver* observer = nullptr;  // not owned; may be nullptr

  // cp -r: symbolic links copied, new entries get the source's rwx less
  // the umask, nothing else kept.
  static CopyTreeOptions CpRecursive() { return {}; }
  // cp -a: -r with mode, ownership, timestamps, hard links and xattrs kept.
  static CopyTreeOptions CpArchive() {
    CopyTreeOptions o;
    o.preserve = {
        .mode = true, .ownership = true, .timestamps = true, .links = true, .xattrs = true};
    return o;
  }
  // Go's os.CopyFS (1.25): modes' execute bits as written with 0666/0777
  // less the umask, symbolic links copied, any existing file an error, stop
  // at the first.
  static CopyTreeOptions GoCopyFS() {
    CopyTreeOptions o;
    o.existing = Existing::kFail;
    o.stop_at_first_error = true;
    o.execute_bits_only = true;
    return o;
  }
};

struct CopyTreeStats {
  int64_t directories = 0;
  int64_t files = 0;  // regular files, hard links not counted
  int64_t symlinks = 0;
  int64_t hard_links = 0;     // names linked to an earlier copy
  int64_t special_files = 0;  // FIFOs and devices
  int64_t skipped = 0;        // sockets, and what Existing::kKeep kept
  int64_t errors = 0;
  // Of regular files' sizes: the bytes written (in the kernel or by the
  // read/write loop), cloned (extents shared, FICLONE), and left as holes.
  int64_t bytes_copied = 0;
  int64_t bytes_cloned = 0;
  int64_t bytes_holes = 0;
};

struct CopyTreeResult {
  CopyTreeStats stats;
  // How the bytes moved, method by method (the copy tool's --stats).
  CopyCounters::Totals methods;
  // The errors, each naming its path: all of them up to kMaxErrorsKept, then
  // only counted (stats.errors) and told to the observer.
  std::vector<absl::Status> errors;
  static constexpr size_t kMaxErrorsKept = 1000;
  // OK, or the first error.
  absl::Status status;
  bool ok() const { return status.ok(); }
};

// Copies `src` to `dst`, as cp -r copies a directory to a name that does
// not exist: DST becomes the copy (or, if it is a directory already, SRC's
// entries are merged into it, per `existing`). A SRC that is not a
// directory is copied as that one entry. Refused before anything is
// written: a directory into itself ("cannot copy a directory, 'a', into
// itself, 'a/b'"), onto itself, or onto a non-directory.
CopyTreeResult CopyTree(const std::string& src, const std::string& dst,
                        const CopyTreeOptions& options = {});

// For a program's main(), as Go's runtime does since 1.19: raises the soft
// limit on open files (RLIMIT_NOFILE) to the hard one. A tree copy holds
// four descriptors for each directory in flight (its two Roots and, while
// it is read or finished, a descriptor of each side), so a deep tree copied
// by many threads outgrows the usual soft limit of 1024. Best effort:
// nothing changes where the limits cannot be read or set.
void RaiseOpenFileLimit();

}  // namespace sysport::os

#endif  // SYSPORT_OS_COPY_TREE_H_
