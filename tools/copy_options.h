#ifndef SYSPORT_TOOLS_COPY_OPTIONS_H_
#define SYSPORT_TOOLS_COPY_OPTIONS_H_

// The copy tool's command line: what users of cp and dd expect, and nothing
// they did not ask for.
//
//   copy [OPTION]... [-T] SRC DST
//   copy [OPTION]... SRC... DIRECTORY
//   copy [OPTION]... -t DIRECTORY SRC...
//
// Options are GNU-style, anywhere before "--": long ones as `--name` for a
// switch, `--name=VALUE` or `--name VALUE` for the others; cp's short ones
// (-r, -a, -n, ...) alone or clustered (-rn), `-t DIR` or `-tDIR`; `-h` is
// --help.
// Sizes are parsed in one place, tools/human_bytes.h's ParseByteSize.
//
// Why not absl::ParseCommandLine: it always accepts --flagfile, --fromenv,
// --tryfromenv and --undefok (so `--flagfile=/etc/passwd` reads that file and
// echoes its lines in errors), reports errors itself with "ERROR:" and
// exit(1), and reads integers loosely (0x10; `--count=` as "no limit" for an
// optional flag). None of that can be turned off, so the tool takes its
// options from its own table (copy_options.cc), where each option is declared
// once with its help text and the function that parses its value.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "os/copy_file.h"
#include "os/copy_tree.h"

namespace sysport::tools {

// What a copy is asked to do.
struct CopyOptions {
  // The operands. A copy of one SRC to one DST: src and dst. The tree form
  // (tree()): sources, and target, the name of the copy or the directory the
  // copies go into (-t, or the last operand when it is a directory).
  std::string src;  // a path, or "-": standard input
  std::string dst;  // a path, or "-": standard output
  std::vector<std::string> sources;
  std::string target;
  bool target_is_directory = false;  // -t: target must be a directory
  bool no_target_directory = false;  // -T: target is the copy's own name
  bool append = false;
  std::optional<int64_t> skip;
  std::optional<int64_t> seek;
  std::optional<int64_t> count;
  bool stats = false;
  bool progress = false;
  // --reflink, --sparse, --preserve, --atomic, --sync (cp's names and
  // defaults): for whole-file copies only.
  os::CopyFileOptions whole_file_options;
  bool whole_file_option_given = false;
  // -r and the other tree options (cp's); preserve.links and .xattrs, and
  // what os::CopyTree alone does, need the tree form.
  bool recursive = false;
  bool symlinks_given = false;  // -P, -L, -H or -a said how to treat links
  os::CopyTreeOptions tree_options;
  bool tree_option_given = false;

  // Whether the copy takes the tree form: os::CopyTree for each source,
  // into the target as cp would (DST/basename(SRC) when DST is a
  // directory). Any tree option, more than one SRC, or -t.
  bool tree() const {
    return recursive || tree_option_given || target_is_directory || sources.size() > 1;
  }

  bool src_is_stdin() const { return src == "-"; }
  bool dst_is_stdout() const { return dst == "-"; }
  // Whether DST is emptied before the copy: a path, without --append or
  // --seek. Standard output never is: its shell's > or >> has decided.
  bool truncates_dst() const { return !dst_is_stdout() && !append && !seek.has_value(); }
  // Whether this is a whole-file copy, which os::CopyFile makes: two paths,
  // and none of --append, --skip, --seek, --count, --progress (which copies
  // in chunks to report between them).
  bool whole_file() const {
    return !src_is_stdin() && !dst_is_stdout() && !append && !skip.has_value() &&
           !seek.has_value() && !count.has_value() && !progress;
  }
};

// What the command line asks for.
struct CommandLine {
  enum class Action { kCopy, kHelp, kVersion };
  Action action = Action::kCopy;
  CopyOptions options;  // for kCopy
};

// Parses the arguments that follow the program's name. --help, -h and
// --version win over what follows them, as in GNU tools; an error before
// them wins over them. A usage error is an InvalidArgument status whose
// message follows "copy: ", e.g. "invalid --count '0x10': not a decimal
// number", "unknown option '--flagfile'".
absl::StatusOr<CommandLine> ParseCommandLine(absl::Span<const char* const> args);

// What --help prints: the usage, every option with its help, the units of
// sizes, and the exit statuses.
std::string HelpText();

// What --version prints: "copy (sysport) 0.1.0", the version of MODULE.bazel.
std::string VersionText();

}  // namespace sysport::tools

#endif  // SYSPORT_TOOLS_COPY_OPTIONS_H_
