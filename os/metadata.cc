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

// Whether fchown(2) was refused as something a copy does only where
// permitted: EPERM (not root, or a group the process is not in; fs/attr.c)
// and EINVAL (an id with no mapping in this user namespace, as in Bazel's
// sandbox; fs/open.c chown_common). cp's chown_failure_ok takes the same two.
bool NotPermitted(const poll::Error& err) {
  return err == poll::Error(syscall::Errno(EPERM)) || err == poll::Error(syscall::Errno(EINVAL));
}

// The process's umask, from the "Umask:" line of /proc/self/status (Linux
// 4.7 and later): umask(2) reads it only by setting it, which would give any
// other thread that creates a file meanwhile the wrong mode. nullopt where
// /proc is not mounted or the kernel is older.
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

}  // namespace

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

MetadataPlan MetadataPlan::ForNew(const FileInfo& src, Preserve keep) {
  return MetadataPlan(Kind::kNew, src, keep, nullptr);
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
  if (keep_.ownership) return src_;
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
  if (keep_.mode) return src_;
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
  final.perm = wanted & ~ReadUmask().value_or(kUmaskUnknown);
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

absl::Status MetadataPlan::GiveOwner(File& dst) const {
  const std::optional<Owned> owner = OwnerToGive();
  if (!owner.has_value()) return absl::OkStatus();
  if (kind_ == Kind::kExisting && before_.uid == owner->uid && before_.gid == owner->gid) {
    return absl::OkStatus();  // it has them already
  }
  poll::FD& out = FileAccess::Fd(dst);
  poll::Error err = out.Chown(owner->uid, owner->gid);
  // Not permitted to give the file away: the group alone may still be ours
  // to give (an owner who belongs to it), as cp tries.
  if (NotPermitted(err)) {
    err = out.Chown(static_cast<uid_t>(-1), owner->gid);
    if (NotPermitted(err)) err = poll::Error();
  }
  return MetadataError("chown", dst, err);
}

absl::Status MetadataPlan::SetFinalMode(File& dst) const {
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
  return MetadataError("chmod", dst, FileAccess::Fd(dst).Chmod(perm));
}

absl::Status MetadataPlan::AfterData(File& dst) const {
  if (absl::Status s = GiveOwner(dst); !s.ok()) return s;
  // After chown, which clears setuid and setgid, as writing the data does.
  if (absl::Status s = SetFinalMode(dst); !s.ok()) return s;
  if (!keep_.timestamps) return absl::OkStatus();
  return MetadataError("utimes", dst,
                       FileAccess::Fd(dst).SetTimes(absl::ToTimespec(access_time_),
                                                    absl::ToTimespec(modification_time_)));
}

}  // namespace sysport::os::internal
