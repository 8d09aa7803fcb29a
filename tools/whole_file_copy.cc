#include "tools/whole_file_copy.h"

#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "os/copy_file.h"

namespace sysport::tools {
namespace {

// auto|always|never into one of the two enums, which share those names.
template <typename Enum>
absl::StatusOr<Enum> ParseAutoAlwaysNever(std::string_view flag, std::string_view value) {
  if (value == "auto") return Enum::kAuto;
  if (value == "always") return Enum::kAlways;
  if (value == "never") return Enum::kNever;
  return absl::InvalidArgumentError(
      absl::StrCat("--", flag, "=", value, ": want auto, always or never"));
}

}  // namespace

absl::StatusOr<os::CopyFileOptions::Reflink> ParseReflink(std::string_view value) {
  return ParseAutoAlwaysNever<os::CopyFileOptions::Reflink>("reflink", value);
}

absl::StatusOr<os::CopyFileOptions::Sparse> ParseSparse(std::string_view value) {
  return ParseAutoAlwaysNever<os::CopyFileOptions::Sparse>("sparse", value);
}

absl::StatusOr<os::CopyFileOptions::Preserve> ParsePreserve(std::string_view value) {
  os::CopyFileOptions::Preserve preserve;
  if (value.empty()) return preserve;
  for (std::string_view item : absl::StrSplit(value, ',')) {
    if (item == "mode") {
      preserve.mode = true;
    } else if (item == "timestamps") {
      preserve.timestamps = true;
    } else if (item == "ownership") {
      preserve.ownership = true;
    } else if (item == "all") {
      preserve = {.mode = true, .timestamps = true, .ownership = true};
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--preserve=", value, ": '", item, "' is not one of mode, timestamps, ownership, all"));
    }
  }
  return preserve;
}

absl::StatusOr<os::CopyFileOptions> OptionsFromFlags(const WholeFileFlags& flags) {
  os::CopyFileOptions options;
  absl::StatusOr<os::CopyFileOptions::Reflink> reflink = ParseReflink(flags.reflink);
  if (!reflink.ok()) return reflink.status();
  absl::StatusOr<os::CopyFileOptions::Sparse> sparse = ParseSparse(flags.sparse);
  if (!sparse.ok()) return sparse.status();
  absl::StatusOr<os::CopyFileOptions::Preserve> preserve = ParsePreserve(flags.preserve);
  if (!preserve.ok()) return preserve.status();
  options.reflink = *reflink;
  options.sparse = *sparse;
  options.preserve = *preserve;
  options.atomic = flags.atomic;
  options.sync = flags.sync;
  if (options.reflink == os::CopyFileOptions::Reflink::kAlways &&
      options.sparse != os::CopyFileOptions::Sparse::kAuto) {
    // cp says the same.
    return absl::InvalidArgumentError("--reflink=always can be used only with --sparse=auto");
  }
  return options;
}

}  // namespace sysport::tools
