#ifndef SYSPORT_TOOLS_COPY_OPTIONS_H_
#define SYSPORT_TOOLS_COPY_OPTIONS_H_

// The copy tool's command line: what users of cp and dd expect, and nothing
// they did not ask for.
//
//   copy [OPTION]... SRC DST
//
// Options are GNU-style long options, anywhere before "--": `--name` for a
// switch, `--name=VALUE` or `--name VALUE` for the others; `-h` is --help.
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

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "os/copy_file.h"

namespace sysport::tools {

// What a copy is asked to do.
struct CopyOptions {
  std::string src;  // a path, or "-": standard input
  std::string dst;  // a path, or "-": standard output
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
