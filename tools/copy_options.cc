#include "tools/copy_options.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "os/copy_file.h"
#include "os/copy_tree.h"
#include "os/quote.h"
#include "tools/human_bytes.h"
#include "tools/version.h"

namespace sysport::tools {
namespace {

// One option of the tool. A new option is one more row of kOptions (and a
// field of CopyOptions): its parser, its help and its place in --help.
struct Option {
  std::string_view name;        // without the leading "--"; empty for a short option alone
  char short_name;              // cp's one-letter name, or 0
  std::string_view value_name;  // "N" for an option with a value; empty for a switch
  std::string_view help;
  // Sets the option in `o`; `value` is empty for a switch. An error says what
  // is wrong with the value, for "invalid --NAME 'VALUE': <error>".
  absl::Status (*set)(std::string_view value, CopyOptions& o);
};

absl::Status SetSize(std::string_view value, std::optional<int64_t>& field) {
  absl::StatusOr<int64_t> size = ParseByteSize(value);
  if (!size.ok()) return size.status();
  field = *size;
  return absl::OkStatus();
}

// cp's values for --reflink and --sparse.
template <typename When>
absl::StatusOr<When> ParseAutoAlwaysNever(std::string_view value) {
  if (value == "auto") return When::kAuto;
  if (value == "always") return When::kAlways;
  if (value == "never") return When::kNever;
  return absl::InvalidArgumentError("want auto, always or never");
}

// cp's --preserve list: "mode", "timestamps", "ownership", "links", "xattr",
// "all", separated by commas, set in `o` (links and xattr only a tree copy
// keeps).
absl::Status SetPreserve(std::string_view value, CopyOptions& o) {
  os::CopyFileOptions::Preserve& file = o.whole_file_options.preserve;
  os::CopyTreeOptions::Preserve& tree = o.tree_options.preserve;
  for (std::string_view item : absl::StrSplit(value, ',')) {
    if (item == "mode") {
      file.mode = tree.mode = true;
    } else if (item == "timestamps") {
      file.timestamps = tree.timestamps = true;
    } else if (item == "ownership") {
      file.ownership = tree.ownership = true;
    } else if (item == "links") {
      tree.links = true;
      o.tree_option_given = true;
    } else if (item == "xattr") {
      tree.xattrs = true;
      o.tree_option_given = true;
    } else if (item == "all") {
      // Everything each form keeps: a single file's copy (os::CopyFile) its
      // mode, owner and times; a tree copy hard links and xattrs too. "all"
      // alone does not ask for the tree form (links and xattr do).
      file = {.mode = true, .timestamps = true, .ownership = true};
      tree = {.mode = true, .ownership = true, .timestamps = true, .links = true, .xattrs = true};
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(os::QuoteNameAlways(item),
                       " is not one of mode, timestamps, ownership, links, xattr, all"));
    }
  }
  o.whole_file_option_given = true;
  return absl::OkStatus();
}

// A switch of the tree form: sets `field` and says the form was asked for.
template <typename T>
absl::Status SetTree(CopyOptions& o, T& field, T value) {
  field = value;
  o.tree_option_given = true;
  return absl::OkStatus();
}

constexpr std::array<Option, 25> kOptions = {{
    {"append", 0, "", "Append to DST (opened with O_APPEND, not truncated).",
     [](std::string_view, CopyOptions& o) {
       o.append = true;
       return absl::OkStatus();
     }},
    {"skip", 0, "N",
     "Skip N bytes of SRC first: seek past them, or read and discard them if SRC cannot seek.",
     [](std::string_view value, CopyOptions& o) {
       return SetSize(value, o.skip);
     }},
    {"seek", 0, "N", "Write from byte N of DST; DST is not truncated.",
     [](std::string_view value, CopyOptions& o) {
       return SetSize(value, o.seek);
     }},
    {"count", 0, "N", "Copy at most N bytes.",
     [](std::string_view value, CopyOptions& o) {
       return SetSize(value, o.count);
     }},
    {"stats", 0, "",
     "Print to standard error the bytes, seconds, throughput, and which path carried the bytes "
     "(copy_file_range, sendfile, splice or read/write) with the reason for any fallback.",
     [](std::string_view, CopyOptions& o) {
       o.stats = true;
       return absl::OkStatus();
     }},
    {"progress", 0, "", "Show progress on standard error for copies that take more than a second.",
     [](std::string_view, CopyOptions& o) {
       o.progress = true;
       return absl::OkStatus();
     }},
    {"reflink", 0, "WHEN",
     "Whole-file copies: clone (share extents) where the filesystem can (auto, the default), "
     "clone or fail with nothing changed (always), or never clone (never). As cp's --reflink.",
     [](std::string_view value, CopyOptions& o) {
       absl::StatusOr<os::CopyFileOptions::Reflink> reflink =
           ParseAutoAlwaysNever<os::CopyFileOptions::Reflink>(value);
       if (!reflink.ok()) return reflink.status();
       o.whole_file_options.reflink = *reflink;
       o.whole_file_option_given = true;
       return absl::OkStatus();
     }},
    {"sparse", 0, "WHEN",
     "Whole-file copies: keep the source's holes (auto, the default), also turn 4 KiB blocks "
     "of zeros into holes (always), or write every byte, never cloning (never). As cp's "
     "--sparse.",
     [](std::string_view value, CopyOptions& o) {
       absl::StatusOr<os::CopyFileOptions::Sparse> sparse =
           ParseAutoAlwaysNever<os::CopyFileOptions::Sparse>(value);
       if (!sparse.ok()) return sparse.status();
       o.whole_file_options.sparse = *sparse;
       o.whole_file_option_given = true;
       return absl::OkStatus();
     }},
    {"preserve", 0, "LIST",
     "What DST takes from SRC besides its bytes, a comma-separated list of mode, timestamps, "
     "ownership, links (hard links within the copy), xattr, or all, whatever SRC is (a FIFO "
     "or device too). setuid (setgid) stays only where DST ends up with SRC's owner (group). "
     "Without it, a new DST gets SRC's permission bits less the umask, as cp without -p.",
     SetPreserve},
    {"", 'p', "", "Same as --preserve=mode,ownership,timestamps (cp -p).",
     [](std::string_view, CopyOptions& o) {
       return SetPreserve("mode,ownership,timestamps", o);
     }},
    {"atomic", 0, "",
     "Copy each file into a temporary file beside it and rename it over its name when "
     "complete, so a failure leaves the old file as it was.",
     [](std::string_view, CopyOptions& o) {
       o.whole_file_options.atomic = true;
       o.whole_file_option_given = true;
       return absl::OkStatus();
     }},
    {"sync", 0, "",
     "fsync each file copied (before its rename, with --atomic) and each directory given a "
     "new entry, before finishing: on exit 0 the copy survives a crash or power loss.",
     [](std::string_view, CopyOptions& o) {
       o.whole_file_options.sync = true;
       o.whole_file_option_given = true;
       return absl::OkStatus();
     }},
    {"recursive", 'r', "",
     "Copy directories and what they hold (also -R), symbolic links as links: cp -r.",
     [](std::string_view, CopyOptions& o) {
       return SetTree(o, o.recursive, true);
     }},
    {"archive", 'a', "", "Same as -r --preserve=all -P: cp -a.",
     [](std::string_view, CopyOptions& o) {
       o.recursive = true;
       o.tree_options.symlinks = os::CopyTreeOptions::Symlinks::kCopy;
       o.symlinks_given = true;
       return SetPreserve("all", o);
     }},
    {"no-dereference", 'P', "", "Never follow symbolic links in SRC (the default with -r).",
     [](std::string_view, CopyOptions& o) {
       o.symlinks_given = true;
       return SetTree(o, o.tree_options.symlinks, os::CopyTreeOptions::Symlinks::kCopy);
     }},
    {"dereference", 'L', "",
     "Follow every symbolic link in SRC, wherever it leads; a loop is refused.",
     [](std::string_view, CopyOptions& o) {
       o.symlinks_given = true;
       return SetTree(o, o.tree_options.symlinks, os::CopyTreeOptions::Symlinks::kFollowAll);
     }},
    {"dereference-command-line", 'H', "", "Follow a symbolic link named as SRC, none beneath it.",
     [](std::string_view, CopyOptions& o) {
       o.symlinks_given = true;
       return SetTree(o, o.tree_options.symlinks, os::CopyTreeOptions::Symlinks::kFollowSource);
     }},
    {"no-clobber", 'n', "", "Keep whatever exists in DST: no file is replaced.",
     [](std::string_view, CopyOptions& o) {
       return SetTree(o, o.tree_options.existing, os::CopyTreeOptions::Existing::kKeep);
     }},
    {"existing", 0, "WHAT",
     "What becomes of a name that exists in DST: replace (the default; directories are "
     "merged), keep (-n), or fail (an error for each, as Go's os.CopyFS).",
     [](std::string_view value, CopyOptions& o) {
       using Existing = os::CopyTreeOptions::Existing;
       if (value == "replace") return SetTree(o, o.tree_options.existing, Existing::kReplace);
       if (value == "keep") return SetTree(o, o.tree_options.existing, Existing::kKeep);
       if (value == "fail") return SetTree(o, o.tree_options.existing, Existing::kFail);
       return absl::InvalidArgumentError("want replace, keep or fail");
     }},
    {"one-file-system", 'x', "",
     "Stay on SRC's filesystem: a mount point beneath it is copied as an empty directory.",
     [](std::string_view, CopyOptions& o) {
       return SetTree(o, o.tree_options.one_file_system, true);
     }},
    {"no-target-directory", 'T', "",
     "DST is the name of the copy even if it is a directory (SRC's entries are merged into it).",
     [](std::string_view, CopyOptions& o) {
       o.no_target_directory = true;
       return absl::OkStatus();
     }},
    {"target-directory", 't', "DIR", "Copy every SRC into the directory DIR.",
     [](std::string_view value, CopyOptions& o) {
       if (value.empty()) return absl::InvalidArgumentError("want a directory");
       o.target = value;
       o.target_is_directory = true;
       return absl::OkStatus();
     }},
    {"jobs", 0, "N", "Copy with N threads (default: as many as there are online CPUs).",
     [](std::string_view value, CopyOptions& o) {
       int jobs = 0;
       if (!absl::SimpleAtoi(value, &jobs) || jobs < 1 || jobs > 4096 || value.front() == '+' ||
           value.front() == '0') {
         return absl::InvalidArgumentError("want a whole number from 1 to 4096");
       }
       return SetTree(o, o.tree_options.jobs, jobs);
     }},
    {"atomic-tree", 0, "",
     "Build the copy of a directory beside DST and rename it into place at the end: DST is "
     "the old tree or the whole new one, never a part (RENAME_NOREPLACE, or RENAME_EXCHANGE "
     "over an existing DST, which is then removed). An error leaves no copy.",
     [](std::string_view, CopyOptions& o) {
       return SetTree(o, o.tree_options.atomic_tree, true);
     }},
    {"fail-fast", 0, "",
     "Stop at the first error. Without it the rest is copied, each error reported, and the "
     "exit status is 1, as cp's.",
     [](std::string_view, CopyOptions& o) {
       return SetTree(o, o.tree_options.stop_at_first_error, true);
     }},
}};

const Option* FindOption(std::string_view name) {
  const auto* found = std::find_if(kOptions.begin(), kOptions.end(), [name](const Option& option) {
    return !option.name.empty() && option.name == name;
  });
  return found == kOptions.end() ? nullptr : found;
}

const Option* FindShortOption(char c) {
  if (c == 'R') c = 'r';  // cp's -R and -r are one option
  const auto* found = std::find_if(kOptions.begin(), kOptions.end(),
                                   [c](const Option& option) { return option.short_name == c; });
  return found == kOptions.end() ? nullptr : found;
}

// How an option is named in a message: its long name if it has one.
std::string Named(const Option& option) {
  if (option.name.empty()) return absl::StrCat("-", std::string(1, option.short_name));
  return absl::StrCat("--", option.name);
}

absl::Status SetOption(const Option& option, std::string_view value, CopyOptions& o) {
  if (absl::Status set = option.set(value, o); !set.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid ", Named(option), " ", os::QuoteNameAlways(value), ": ", set.message()));
  }
  return absl::OkStatus();
}

absl::Status UsageError(std::string_view message) { return absl::InvalidArgumentError(message); }

// The tree form: what only a byte stream has is refused; the whole-file
// options become the tree's.
absl::Status CompleteTree(CopyOptions& o) {
  if (o.append || o.skip.has_value() || o.seek.has_value() || o.count.has_value()) {
    return UsageError(
        "--append, --skip, --seek and --count copy one SRC to one DST: not with -r, -t, "
        "the tree options, or several SRC");
  }
  if (std::find(o.sources.begin(), o.sources.end(), "-") != o.sources.end() || o.target == "-") {
    return UsageError("'-' (standard input or output) is not a tree: copy it without -r");
  }
  os::CopyTreeOptions& tree = o.tree_options;
  tree.reflink = o.whole_file_options.reflink;
  tree.sparse = o.whole_file_options.sparse;
  tree.atomic_files = o.whole_file_options.atomic;
  tree.sync = o.whole_file_options.sync;
  tree.preserve.mode = o.whole_file_options.preserve.mode;
  tree.preserve.ownership = o.whole_file_options.preserve.ownership;
  tree.preserve.timestamps = o.whole_file_options.preserve.timestamps;
  // cp follows a link named as SRC unless it copies recursively or is told.
  if (!o.recursive && !o.symlinks_given) {
    tree.symlinks = os::CopyTreeOptions::Symlinks::kFollowSource;
  }
  if (tree.atomic_tree && tree.atomic_files) {
    return UsageError("--atomic-tree makes the whole copy at once: not with --atomic");
  }
  return absl::OkStatus();
}

// `text` wrapped to lines of at most `width` columns, the first starting at
// column `start`, each other indented by `indent` spaces.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): columns, in order
std::string Wrap(std::string_view text, size_t start, size_t indent, size_t width) {
  std::string out;
  size_t column = start;
  bool line_empty = true;
  for (std::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (!line_empty && column + 1 + word.size() > width) {
      absl::StrAppend(&out, "\n", std::string(indent, ' '));
      column = indent;
    } else if (!line_empty) {
      out += ' ';
      ++column;
    }
    absl::StrAppend(&out, word);
    column += word.size();
    line_empty = false;
  }
  return out;
}

// "  --count=N      Copy at most N bytes.": a line of --help.
// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): left column, then right
std::string HelpLine(std::string_view usage, std::string_view help) {
  constexpr size_t kHelpColumn = 16;
  constexpr size_t kWidth = 80;
  std::string line = absl::StrCat("  ", usage);
  line.resize(std::max(line.size() + 2, kHelpColumn), ' ');
  absl::StrAppend(&line, Wrap(help, line.size(), kHelpColumn, kWidth), "\n");
  return line;
}

// One option, args[*i] (and args[*i + 1] for "--count 5", which advances
// *i), set in `o`.
absl::Status ParseOption(absl::Span<const char* const> args, size_t* i, CopyOptions& o) {
  const std::string_view arg = args[*i];
  const size_t equals = arg.find('=');
  const std::string_view name = arg.substr(0, equals);
  std::optional<std::string_view> value;
  if (equals != std::string_view::npos) value = arg.substr(equals + 1);
  const Option* option = name.starts_with("--") ? FindOption(name.substr(2)) : nullptr;
  if (option == nullptr) {
    if (name == "--help" || name == "--version") {
      return UsageError(absl::StrCat("option ", os::QuoteNameAlways(name), " takes no value"));
    }
    return UsageError(absl::StrCat("unknown option ", os::QuoteNameAlways(name)));
  }
  if (option->value_name.empty()) {
    if (value.has_value()) {
      return UsageError(absl::StrCat("option ", os::QuoteNameAlways(name), " takes no value"));
    }
    value = "";
  } else if (!value.has_value()) {
    // GNU getopt's "--count 5": the next argument is the value, whatever it
    // looks like.
    if (*i + 1 == args.size()) {
      return UsageError(absl::StrCat("option ", os::QuoteNameAlways(name), " needs a value (", name,
                                     "=", option->value_name, ")"));
    }
    value = args[++*i];
  }
  return SetOption(*option, *value, o);
}

// A cluster of short options, args[*i] ("-rn", "-tDIR", "-t DIR", which
// advances *i), set in `o`.
absl::Status ParseShortOptions(absl::Span<const char* const> args, size_t* i, CopyOptions& o) {
  const std::string_view arg = args[*i];
  for (size_t at = 1; at < arg.size(); ++at) {
    const Option* option = FindShortOption(arg[at]);
    if (option == nullptr) {
      return UsageError(absl::StrCat("unknown option ",
                                     os::QuoteNameAlways(absl::StrCat("-", arg.substr(at, 1)))));
    }
    if (option->value_name.empty()) {
      if (absl::Status s = SetOption(*option, "", o); !s.ok()) return s;
      continue;
    }
    // The rest of the cluster is the value, else the next argument.
    std::string_view value = arg.substr(at + 1);
    if (value.empty()) {
      if (*i + 1 == args.size()) {
        return UsageError(absl::StrCat("option -", arg.substr(at, 1), " needs a value (",
                                       option->value_name, ")"));
      }
      value = args[++*i];
    }
    return SetOption(*option, value, o);
  }
  return absl::OkStatus();
}

// The sources and the target from the operands, and the combinations of
// options that make no sense.
absl::Status Complete(const std::vector<std::string_view>& operands, CopyOptions& o) {
  if (o.target_is_directory) {
    if (o.no_target_directory) return UsageError("-t and -T cannot be used together");
    if (operands.empty()) return UsageError("missing SRC (with -t DIR)");
    o.sources.assign(operands.begin(), operands.end());
  } else {
    if (operands.size() < 2) {
      return UsageError(operands.empty()
                            ? "missing SRC and DST"
                            : absl::StrCat("missing DST after ", os::QuoteNameAlways(operands[0])));
    }
    if (o.no_target_directory && operands.size() > 2) {
      return UsageError(absl::StrCat("extra operand ", os::QuoteNameAlways(operands[2]),
                                     " (with -T: one SRC and DST)"));
    }
    o.sources.assign(operands.begin(), operands.end() - 1);
    o.target = operands.back();
  }
  if (std::any_of(o.sources.begin(), o.sources.end(),
                  [](const std::string& s) { return s.empty(); }) ||
      o.target.empty()) {
    return UsageError("SRC and DST must not be empty");
  }
  if (o.whole_file_options.reflink == os::CopyFileOptions::Reflink::kAlways &&
      o.whole_file_options.sparse != os::CopyFileOptions::Sparse::kAuto) {
    return UsageError("--reflink=always can be used only with --sparse=auto");  // as cp
  }
  if (o.tree()) return CompleteTree(o);
  o.src = o.sources.front();
  o.dst = o.target;
  if (o.append && o.seek.has_value()) {
    return UsageError("--append and --seek cannot be used together");
  }
  if (o.whole_file_option_given && !o.whole_file()) {
    return UsageError(
        "--reflink, --sparse, --preserve, --atomic and --sync are for whole-file copies: "
        "not with --append, --skip, --seek, --count, --progress or '-'");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<CommandLine> ParseCommandLine(absl::Span<const char* const> args) {
  CommandLine command;
  std::vector<std::string_view> operands;
  bool options_ended = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (options_ended || arg == "-" || !arg.starts_with('-')) {
      operands.push_back(arg);
    } else if (arg == "--") {
      options_ended = true;
    } else if (arg == "-h" || arg == "--help" || arg == "--version") {
      command.action =
          arg == "--version" ? CommandLine::Action::kVersion : CommandLine::Action::kHelp;
      return command;
    } else if (!arg.starts_with("--")) {
      if (absl::Status s = ParseShortOptions(args, &i, command.options); !s.ok()) return s;
    } else if (absl::Status s = ParseOption(args, &i, command.options); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = Complete(operands, command.options); !s.ok()) return s;
  return command;
}

std::string HelpText() {
  std::string text =
      "Usage: copy [OPTION]... [-T] SRC DST\n"
      "  or:  copy [OPTION]... SRC... DIRECTORY\n"
      "  or:  copy [OPTION]... -t DIRECTORY SRC...\n"
      "Copies SRC to DST, or each SRC into DIRECTORY (as DIRECTORY/NAME), with\n"
      "sysport: in the kernel with copy_file_range(2), sendfile(2) or splice(2) where\n"
      "it can, with read(2) and write(2) where it cannot. '-' as SRC is standard\n"
      "input, as DST standard output (a file, pipe or socket). With -r or -a,\n"
      "directories are copied with what they hold (os::CopyTree), on every CPU,\n"
      "never reading outside SRC or writing outside DST whatever is renamed meanwhile.\n"
      "\n"
      "Options:\n";
  for (const Option& option : kOptions) {
    std::string usage;
    if (option.short_name != 0) {
      usage = absl::StrCat("-", std::string(1, option.short_name), option.name.empty() ? "" : ", ");
    }
    if (!option.name.empty()) {
      absl::StrAppend(&usage, "--", option.name,
                      option.value_name.empty() ? "" : absl::StrCat("=", option.value_name));
    } else if (!option.value_name.empty()) {
      absl::StrAppend(&usage, " ", option.value_name);
    }
    text += HelpLine(usage, option.help);
  }
  text += HelpLine("-h, --help", "Show this help and exit.");
  text += HelpLine("--version", "Show the version and exit.");
  text += HelpLine("--", "End the options: what follows is SRC and DST, even if it starts with -.");
  text +=
      "\n"
      "N is a decimal number of bytes, optionally with a unit: K, M, G, T, P, E (or\n"
      "KiB, MiB, ...) are powers of 1024; KB, MB, GB, ... are powers of 1000.\n"
      "\n"
      "SRC is opened and checked first (not a directory, readable, not DST under\n"
      "another name); DST is then opened without truncation and checked again, and\n"
      "only then emptied, unless --append or --seek is given. A new DST gets SRC's\n"
      "permission bits less the umask (0666 less the umask when SRC is '-' or a\n"
      "stream option is given). A copy that fails midway leaves in DST what was\n"
      "written, as cp and dd do, and its message says how many bytes that was.\n"
      "\n"
      "A tree copy carries on after an error with the rest (unless --fail-fast),\n"
      "reports each error as it happens, and then exits 1. Sockets are reported and\n"
      "not copied; FIFOs are made anew, devices too where permitted (as root).\n"
      "\n"
      "Exit status: 0 if the copy succeeded, 1 if it failed, 2 for bad options or\n"
      "arguments.\n";
  return text;
}

std::string VersionText() { return absl::StrCat("copy (sysport) ", kVersion, "\n"); }

}  // namespace sysport::tools
