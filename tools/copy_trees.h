#ifndef SYSPORT_TOOLS_COPY_TREES_H_
#define SYSPORT_TOOLS_COPY_TREES_H_

// The copy tool's tree form (CopyOptions::tree()): each SRC with
// os::CopyTree, to DST or into DIRECTORY as cp places it, with its errors
// reported as they happen, a progress line and the stats.

#include "tools/copy_options.h"
#include "tools/diagnostics.h"

namespace sysport::tools {

// Where a copy of `src` goes: `target` itself, or with `into` (a target that
// is a directory, without -T) target/NAME, where NAME is src's last
// component; a source named "." or ".." (or "/") is merged into the target.
std::string Placement(const std::string& src, const std::string& target, bool into);

// Runs the copies; the exit status: 0, or 1 if any entry failed.
int RunTrees(const CopyOptions& options, const Diagnostics& diagnostics);

}  // namespace sysport::tools

#endif  // SYSPORT_TOOLS_COPY_TREES_H_
