#ifndef SYSPORT_TOOLS_WHOLE_FILE_COPY_H_
#define SYSPORT_TOOLS_WHOLE_FILE_COPY_H_

// The copy tool's whole-file mode: its cp-style flags (--reflink, --sparse,
// --preserve, --atomic, --sync) turned into os::CopyFileOptions, and the copy
// itself through os::CopyFile. Kept apart from the tool's flag parsing and
// partial-copy paths so each can change without the other.

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "os/copy_file.h"

namespace sysport::tools {

// cp's values: "auto", "always", "never".
absl::StatusOr<os::CopyFileOptions::Reflink> ParseReflink(std::string_view value);
absl::StatusOr<os::CopyFileOptions::Sparse> ParseSparse(std::string_view value);
// cp's comma-separated list: "mode", "timestamps", "ownership", "all"; empty for none.
absl::StatusOr<os::CopyFileOptions::Preserve> ParsePreserve(std::string_view value);

// The flags as given on the command line, before parsing.
struct WholeFileFlags {
  std::string reflink = "auto";
  std::string sparse = "auto";
  std::string preserve;
  bool atomic = false;
  bool sync = false;
};

// The options the flags ask for (the observer left unset), or what is wrong
// with them.
absl::StatusOr<os::CopyFileOptions> OptionsFromFlags(const WholeFileFlags& flags);

}  // namespace sysport::tools

#endif  // SYSPORT_TOOLS_WHOLE_FILE_COPY_H_
