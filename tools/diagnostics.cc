#include "tools/diagnostics.h"

#include <unistd.h>

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "os/file.h"

namespace sysport::tools {
namespace {

// Descriptor 2 as a File that is never destroyed: closing it would leave
// what writes there at exit (the sanitizers' reports) nowhere to go.
os::File& StandardError() {
  static os::File* const file = os::File::NewFile(STDERR_FILENO, "/dev/stderr").release();
  return *file;
}

}  // namespace

void Diagnostics::WithholdIfWritingInto(const os::FileInfo& dst) {
  absl::StatusOr<os::FileInfo> info = StandardError().Stat();
  withheld_ = info.ok() && os::SameFile(*info, dst) && info->type() != os::FileType::kCharDevice;
}

void Diagnostics::WithholdIfWritingInto(const std::string& path) {
  absl::StatusOr<os::FileInfo> info = StandardError().Stat();
  if (!info.ok() || !info->IsRegular()) return;
  absl::StatusOr<os::FileInfo> dst = os::Stat(path);
  withheld_ = dst.ok() && os::SameFile(*info, *dst);
}

void Diagnostics::Print(std::string_view text) const {
  if (!withheld_) (void)StandardError().Write(text);
}

void Diagnostics::Error(const absl::Status& status, std::string_view suffix) const {
  Print(absl::StrCat("copy: ", status.message(), suffix, "\n"));
}

bool Diagnostics::tty() { return ::isatty(STDERR_FILENO) != 0; }

}  // namespace sysport::tools
