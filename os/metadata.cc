// The metadata rules of every copy in //os (see os/internal/metadata.h).

#include "os/internal/metadata.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "os/error.h"
#include "os/file.h"
#include "os/internal/file_access.h"
#include "poll/error.h"
#include "poll/fd.h"
#include "syscall/errno.h"

namespace sysport::os::internal {
namespace {

constexpr mode_t kRwxBits = S_IRWXU | S_IRWXG | S_IRWXO;
constexpr mode_t kSetIdBits = S_ISUID | S_ISGID;
constexpr mode_t kOthersWrite = S_IWGRP | S_IWOTH;
// What the umask is taken to be where /proc cannot say: group and others get
// nothing, so a file is never left wider than the user meant.
constexpr mode_t kUmaskUnknown = 077;

absl::Status MetadataError(const char* op, const File& file, const poll::Error& err) {
  if (err.ok()) return absl::OkStatus();
  if (err.closing()) return ClosedError(op, file.Name());
  return PathError(op, file.Name(), err.errno_value());
}

}  // namespace

std::optional<mode_t> ReadUmask() {
  absl::StatusOr<std::unique_ptr<File>> status = File::Open("/proc/self/status");
  if (!status.ok()) return std::nullopt;
  // The line is among the first few; 4 KiB holds them all.
  std::array<char, 4096> buf{};
  size_t filled = 0;
  while (filled < buf.size()) {
    absl::StatusOr<int64_t> n = (*status)->Read(absl::MakeSpan(buf).subspan(filled));
    if (!n.ok() || *n == 0) break;
    filled += static_cast<size_t>(*n);
  }
  (void)(*status)->Close();
  for (std::string_view line : absl::StrSplit(std::string_view(buf.data(), filled), '\n')) {
    if (!absl::ConsumePrefix(&line, "Umask:")) continue;
    line = absl::StripLeadingAsciiWhitespace(line);
    if (line.empty()) return std::nullopt;
    mode_t mask = 0;
    for (const char c : line) {
      if (c < '0' || c > '7') return std::nullopt;
      mask = mask * 8 + static_cast<mode_t>(c - '0');
    }
    return mask & kRwxBits;
  }
  return std::nullopt;
}

MetadataPlan::MetadataPlan(Kind kind, const FileInfo& src, Preserve keep, const FileInfo* before)
    : kind_(kind),
      keep_(keep),
      directory_(src.IsDirectory()),
      src_{.perm = src.permissions(), .uid = src.uid, .gid = src.gid},
      access_time_(src.access_time),
      modification_time_(src.modification_time) {
  if (before != nullptr) {
    before_ = {.perm = before->permissions(), .uid = before->uid, .gid = before->gid};
  }
  if (kind_ != Kind::kExisting) return;
  // While the data is written, an existing destination lets in nobody its
  // final mode leaves out, nor anyone but its owner when its owner or group
  // is to change. Without keep.mode or keep.ownership its mode stays its own
  // (cp), but a directory's owner must be able to make its entries.
  mode_t writing = before_.perm & kRwxBits;
  if (keep_.mode || keep_.ownership) {
    writing &= (keep_.mode ? src_.perm : before_.perm);
    if (keep_.ownership && (before_.uid != src_.uid || before_.gid != src_.gid)) writing &= S_IRWXU;
  } else if (!directory_) {
    return;
  }
  if (directory_) {
    // setgid and sticky steer what is made inside, as the directory says.
    writing |= S_IRWXU | (before_.perm & ~kRwxBits);
  }
  if (writing != before_.perm) narrowed_ = writing;
}

MetadataPlan MetadataPlan::ForNew(const FileInfo& src, Preserve keep, const Creator* creator) {
  MetadataPlan plan(Kind::kNew, src, keep, nullptr);
  if (creator != nullptr) plan.creator_ = *creator;
  return plan;
}

std::optional<mode_t> MetadataPlan::Umask() const {
  if (creator_.has_value()) return creator_->umask;
  return ReadUmask();
}

MetadataPlan MetadataPlan::ForExisting(const FileInfo& src, Preserve keep,
                                       const FileInfo& existing) {
  return MetadataPlan(Kind::kExisting, src, keep, &existing);
}

MetadataPlan MetadataPlan::ForReplacement(const FileInfo& src, Preserve keep,
                                          const FileInfo& replaced) {
  return MetadataPlan(Kind::kReplacement, src, keep, &replaced);
}

std::optional<MetadataPlan::Owned> MetadataPlan::OwnerToGive() const {
  if (keep_.ownership) {
    // A new file that its creator's ids make the source's already.
    if (kind_ == Kind::kNew && creator_.has_value() && creator_->uid == src_.uid &&
        creator_->gid == src_.gid) {
      return std::nullopt;
    }
    return src_;
  }
  if (kind_ == Kind::kReplacement) return before_;
  return std::nullopt;
}

mode_t MetadataPlan::CreationMode() const {
  const bool from_replaced = kind_ == Kind::kReplacement && !keep_.mode;
  mode_t mode = (from_replaced ? before_.perm : src_.perm) & kRwxBits;
  const bool given_away = OwnerToGive().has_value();
  if (given_away) mode &= S_IRWXU;
  if (directory_) {
    // cp: nobody else adds entries while the copy makes them.
    if (!given_away) mode &= ~kOthersWrite;
    mode |= S_IRWXU;
  }
  return mode;
}

std::optional<MetadataPlan::Owned> MetadataPlan::FinalMode() const {
  if (keep_.mode) {
    // A new file created with them already (no set-id or sticky bit, which
    // creation never gives; no owner given, whose chown would clear them).
    if (kind_ == Kind::kNew && creator_.has_value() && !OwnerToGive().has_value() &&
        (CreationMode() & ~creator_->umask) == src_.perm) {
      return std::nullopt;
    }
    return src_;
  }
  switch (kind_) {
    case Kind::kReplacement:
      return before_;
    case Kind::kExisting:
      if (narrowed_.has_value()) return before_;
      return std::nullopt;
    case Kind::kNew:
      break;
  }
  // The source's rwx bits less the umask, which the kernel applied at open(2)
  // already unless the file was created narrower than that.
  const mode_t wanted = src_.perm & kRwxBits;
  if (CreationMode() == wanted) return std::nullopt;
  Owned final = src_;
  final.perm = wanted & ~Umask().value_or(kUmaskUnknown);
  return final;
}

absl::Status MetadataPlan::BeforeData(File& dst) const {
  if (!narrowed_.has_value()) return absl::OkStatus();
  return MetadataError("chmod", dst, FileAccess::Fd(dst).Chmod(*narrowed_));
}

absl::Status MetadataPlan::Restore(File& dst) const {
  if (!narrowed_.has_value()) return absl::OkStatus();
  return MetadataError("chmod", dst, FileAccess::Fd(dst).Chmod(before_.perm));
}

// What AfterData changes, and how each change is said in an error.
class MetadataTarget {
 public:
  virtual ~MetadataTarget() = default;
  virtual absl::Status Chown(uid_t uid, gid_t gid) = 0;
  virtual absl::Status Chmod(mode_t mode) = 0;
  virtual absl::Status SetTimes(absl::Time access, absl::Time modification) = 0;
  virtual absl::StatusOr<FileInfo> Stat() = 0;
};

namespace {

// An open File: fchown(2), fchmod(2), futimens(2), fstat(2).
class OpenFileTarget final : public MetadataTarget {
 public:
  explicit OpenFileTarget(File& file) : file_(file), fd_(FileAccess::Fd(file)) {}
  absl::Status Chown(uid_t uid, gid_t gid) override {
    return MetadataError("chown", file_, fd_.Chown(uid, gid));
  }
  absl::Status Chmod(mode_t mode) override {
    return MetadataError("chmod", file_, fd_.Chmod(mode));
  }
  absl::Status SetTimes(absl::Time access, absl::Time modification) override {
    return MetadataError("utimes", file_,
                         fd_.SetTimes(absl::ToTimespec(access), absl::ToTimespec(modification)));
  }
  absl::StatusOr<FileInfo> Stat() override { return file_.Stat(); }

 private:
  File& file_;
  poll::FD& fd_;
};

// A name in a Root, acted on without following it where the call allows:
// lchown, chmod (a FIFO or device just made: no link to follow), utimensat
// AT_SYMLINK_NOFOLLOW, lstat.
class NameTarget final : public MetadataTarget {
 public:
  // NOLINTNEXTLINE(bugprone-easily-swappable-parameters): the name in dir, then its whole path
  NameTarget(Root& dir, std::string_view name, std::string_view path)
      : dir_(dir), name_(name), path_(path) {}
  absl::Status Chown(uid_t uid, gid_t gid) override {
    return Said(dir_.Lchown(name_, uid, gid), "chown");
  }
  absl::Status Chmod(mode_t mode) override { return Said(dir_.Chmod(name_, mode), "chmod"); }
  absl::Status SetTimes(absl::Time access, absl::Time modification) override {
    return Said(dir_.Lchtimes(name_, access, modification), "utimes");
  }
  absl::StatusOr<FileInfo> Stat() override {
    absl::StatusOr<FileInfo> st = dir_.Lstat(name_);
    if (!st.ok()) return Said(st.status(), "stat");
    return st;
  }

 private:
  // Root's message names the name in the root; a copy's names the path.
  absl::Status Said(const absl::Status& s, const char* op) const {
    if (s.ok()) return s;
    if (IsPathEscape(s)) return PathEscapeError(op, path_);
    if (std::optional<int> err = ErrnoOf(s)) return PathError(op, path_, syscall::Errno(*err));
    return s;
  }

  Root& dir_;
  std::string_view name_;
  std::string_view path_;
};

// Whether fchown(2) was refused as something a copy does only where
// permitted: EPERM (not root, or a group the process is not in; fs/attr.c)
// and EINVAL (an id with no mapping in this user namespace, as in Bazel's
// sandbox; fs/open.c chown_common). cp's chown_failure_ok takes the same two.
bool NotPermitted(const absl::Status& s) {
  const int err = ErrnoOf(s).value_or(0);
  return err == EPERM || err == EINVAL;
}

}  // namespace

absl::Status MetadataPlan::GiveOwner(MetadataTarget& dst) const {
  const std::optional<Owned> owner = OwnerToGive();
  if (!owner.has_value()) return absl::OkStatus();
  if (kind_ == Kind::kExisting && before_.uid == owner->uid && before_.gid == owner->gid) {
    return absl::OkStatus();  // it has them already
  }
  absl::Status s = dst.Chown(owner->uid, owner->gid);
  // Not permitted to give the file away: the group alone may still be ours
  // to give (an owner who belongs to it), as cp tries.
  if (NotPermitted(s)) {
    s = dst.Chown(static_cast<uid_t>(-1), owner->gid);
    if (NotPermitted(s)) s = absl::OkStatus();
  }
  return s;
}

absl::Status MetadataPlan::SetFinalMode(MetadataTarget& dst) const {
  const std::optional<Owned> mode = FinalMode();
  if (!mode.has_value()) return absl::OkStatus();
  mode_t perm = mode->perm;
  if ((perm & kSetIdBits) != 0) {
    // Who the owner became, whatever chown could do: a set-id bit stays only
    // for the owner (group) whose mode it is.
    absl::StatusOr<FileInfo> now = dst.Stat();
    if (!now.ok()) return now.status();
    if (now->uid != mode->uid) perm &= ~static_cast<mode_t>(S_ISUID);
    if (now->gid != mode->gid) perm &= ~static_cast<mode_t>(S_ISGID);
  }
  return dst.Chmod(perm);
}

absl::Status MetadataPlan::Apply(MetadataTarget& dst) const {
  if (absl::Status s = GiveOwner(dst); !s.ok()) return s;
  // After chown, which clears setuid and setgid, as writing the data does.
  if (absl::Status s = SetFinalMode(dst); !s.ok()) return s;
  if (!keep_.timestamps) return absl::OkStatus();
  return dst.SetTimes(access_time_, modification_time_);
}

bool MetadataPlan::HasAfterData() const {
  return OwnerToGive().has_value() || FinalMode().has_value() || keep_.timestamps;
}

absl::Status MetadataPlan::AfterData(File& dst) const {
  OpenFileTarget target(dst);
  return Apply(target);
}

absl::Status MetadataPlan::AfterDataAt(Root& dir, std::string_view name,
                                       std::string_view path) const {
  NameTarget target(dir, name, path);
  return Apply(target);
}

}  // namespace sysport::os::internal
