#ifndef SYSPORT_TOOLS_DIAGNOSTICS_H_
#define SYSPORT_TOOLS_DIAGNOSTICS_H_

// Where the copy tool's own messages go: standard error, unless that is the
// file being written (`copy SRC - >OUT 2>&1`, `copy SRC DST 2>>DST`), where a
// message would become part of the copied data; then the tool keeps quiet and
// its exit status alone tells. A terminal (or another character device) is
// no such file: it shows both, and stores neither.

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "os/file.h"

namespace sysport::tools {

class Diagnostics {
 public:
  // Decided once, before the copy (and its progress thread) starts.
  void WithholdIfWritingInto(const os::FileInfo& dst);
  // The same for a destination named `path`, which is stat(2)ed only where
  // standard error is a regular file (`2>>DST`): a terminal or pipe cannot
  // be it.
  void WithholdIfWritingInto(const std::string& path);

  // Writes whole lines, each with one write(2), so lines from several
  // threads do not mix; an error writing them has nowhere to be reported.
  void Print(std::string_view text) const;
  // "copy: MESSAGE SUFFIX\n".
  void Error(const absl::Status& status, std::string_view suffix = {}) const;

  static bool tty();

 private:
  bool withheld_ = false;
};

}  // namespace sysport::tools

#endif  // SYSPORT_TOOLS_DIAGNOSTICS_H_
