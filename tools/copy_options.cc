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
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "os/copy_file.h"
#include "os/quote.h"
#include "tools/human_bytes.h"
#include "tools/version.h"

namespace sysport::tools {
namespace {

// One option of the tool. A new option is one more row of kOptions (and a
// field of CopyOptions): its parser, its help and its place in --help.
struct Option {
  std::string_view name;        // without the leading "--"
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

// cp's --preserve list: "mode", "timestamps", "ownership", "all", separated
// by commas.
absl::StatusOr<os::CopyFileOptions::Preserve> ParsePreserve(std::string_view value) {
  os::CopyFileOptions::Preserve preserve;
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
          os::QuoteNameAlways(item), " is not one of mode, timestamps, ownership, all"));
    }
  }
  return preserve;
}

constexpr std::array<Option, 11> kOptions = {{
    {"append", "", "Append to DST (opened with O_APPEND, not truncated).",
     [](std::string_view, CopyOptions& o) {
       o.append = true;
       return absl::OkStatus();
     }},
    {"skip", "N",
     "Skip N bytes of SRC first: seek past them, or read and discard them if SRC cannot seek.",
     [](std::string_view value, CopyOptions& o) {
       return SetSize(value, o.skip);
     }},
    {"seek", "N", "Write from byte N of DST; DST is not truncated.",
     [](std::string_view value, CopyOptions& o) {
       return SetSize(value, o.seek);
     }},
    {"count", "N", "Copy at most N bytes.",
     [](std::string_view value, CopyOptions& o) {
       return SetSize(value, o.count);
     }},
    {"stats", "",
     "Print to standard error the bytes, seconds, throughput, and which path carried the bytes "
     "(copy_file_range, sendfile, splice or read/write) with the reason for any fallback.",
     [](std::string_view, CopyOptions& o) {
       o.stats = true;
       return absl::OkStatus();
     }},
    {"progress", "", "Show progress on standard error for copies that take more than a second.",
     [](std::string_view, CopyOptions& o) {
       o.progress = true;
       return absl::OkStatus();
     }},
    {"reflink", "WHEN",
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
    {"sparse", "WHEN",
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
    {"preserve", "LIST",
     "Whole-file copies: what DST takes from SRC besides its bytes, a comma-separated list of "
     "mode, timestamps, ownership, or all, whatever SRC is (a FIFO or device too). setuid (setgid) "
     "stays only where DST ends up with SRC's owner (group). Without it, a new DST gets "
     "SRC's permission bits less the umask, as cp without -p.",
     [](std::string_view value, CopyOptions& o) {
       absl::StatusOr<os::CopyFileOptions::Preserve> preserve = ParsePreserve(value);
       if (!preserve.ok()) return preserve.status();
       o.whole_file_options.preserve = *preserve;
       o.whole_file_option_given = true;
       return absl::OkStatus();
     }},
    {"atomic", "",
     "Whole-file copies: copy into a temporary file beside DST and rename it over DST when "
     "complete, so a failure leaves the old DST as it was.",
     [](std::string_view, CopyOptions& o) {
       o.whole_file_options.atomic = true;
       o.whole_file_option_given = true;
       return absl::OkStatus();
     }},
    {"sync", "", "Whole-file copies: fsync DST before finishing (before the rename).",
     [](std::string_view, CopyOptions& o) {
       o.whole_file_options.sync = true;
       o.whole_file_option_given = true;
       return absl::OkStatus();
     }},
}};

const Option* FindOption(std::string_view name) {
  const auto* found = std::find_if(kOptions.begin(), kOptions.end(),
                                   [name](const Option& option) { return option.name == name; });
  return found == kOptions.end() ? nullptr : found;
}

absl::Status UsageError(std::string_view message) { return absl::InvalidArgumentError(message); }

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
  if (absl::Status set = option->set(*value, o); !set.ok()) {
    return UsageError(
        absl::StrCat("invalid ", name, " ", os::QuoteNameAlways(*value), ": ", set.message()));
  }
  return absl::OkStatus();
}

// SRC and DST from the operands, and the combinations of options that make
// no sense.
absl::Status Complete(const std::vector<std::string_view>& operands, CopyOptions& o) {
  if (operands.size() < 2) {
    return UsageError(operands.empty()
                          ? "missing SRC and DST"
                          : absl::StrCat("missing DST after ", os::QuoteNameAlways(operands[0])));
  }
  if (operands.size() > 2) {
    return UsageError(
        absl::StrCat("extra operand ", os::QuoteNameAlways(operands[2]), " (want SRC and DST)"));
  }
  o.src = operands[0];
  o.dst = operands[1];
  if (o.src.empty() || o.dst.empty()) return UsageError("SRC and DST must not be empty");
  if (o.append && o.seek.has_value()) {
    return UsageError("--append and --seek cannot be used together");
  }
  if (o.whole_file_option_given && !o.whole_file()) {
    return UsageError(
        "--reflink, --sparse, --preserve, --atomic and --sync are for whole-file copies: "
        "not with --append, --skip, --seek, --count, --progress or '-'");
  }
  if (o.whole_file_options.reflink == os::CopyFileOptions::Reflink::kAlways &&
      o.whole_file_options.sparse != os::CopyFileOptions::Sparse::kAuto) {
    return UsageError("--reflink=always can be used only with --sparse=auto");  // as cp
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
    } else if (absl::Status s = ParseOption(args, &i, command.options); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = Complete(operands, command.options); !s.ok()) return s;
  return command;
}

std::string HelpText() {
  std::string text =
      "Usage: copy [OPTION]... SRC DST\n"
      "Copies SRC to DST with sysport's io::Copy: in the kernel with\n"
      "copy_file_range(2), sendfile(2) or splice(2) where it can, with read(2) and\n"
      "write(2) where it cannot. '-' as SRC is standard input, as DST standard output\n"
      "(a file, pipe or socket).\n"
      "\n"
      "Options:\n";
  for (const Option& option : kOptions) {
    const std::string usage = option.value_name.empty()
                                  ? absl::StrCat("--", option.name)
                                  : absl::StrCat("--", option.name, "=", option.value_name);
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
      "only then emptied, unless --append or --seek is given. A new DST gets mode\n"
      "0666 less the umask. A copy that fails midway leaves in DST what was written,\n"
      "as cp and dd do, and its message says how many bytes that was.\n"
      "\n"
      "Exit status: 0 if the copy succeeded, 1 if it failed, 2 for bad options or\n"
      "arguments.\n";
  return text;
}

std::string VersionText() { return absl::StrCat("copy (sysport) ", kVersion, "\n"); }

}  // namespace sysport::tools
