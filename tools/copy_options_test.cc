#include "tools/copy_options.h"

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tools/version.h"

namespace sysport::tools {
namespace {

absl::StatusOr<CommandLine> Parse(const std::vector<const char*>& args) {
  return ParseCommandLine(args);
}

// The options of a command line that must parse as a copy.
CopyOptions Copy(const std::vector<const char*>& args) {
  absl::StatusOr<CommandLine> command = Parse(args);
  EXPECT_TRUE(command.ok()) << command.status();
  if (!command.ok()) return {};
  EXPECT_EQ(command->action, CommandLine::Action::kCopy);
  return command->options;
}

// The message of a command line that must be a usage error.
std::string Error(const std::vector<const char*>& args) {
  absl::StatusOr<CommandLine> command = Parse(args);
  EXPECT_FALSE(command.ok());
  if (command.ok()) return "(parsed)";
  EXPECT_EQ(command.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(command.status().message());
}

TEST(CopyOptionsTest, OperandsAndDefaults) {
  const CopyOptions o = Copy({"src", "dst"});
  EXPECT_EQ(o.src, "src");
  EXPECT_EQ(o.dst, "dst");
  EXPECT_FALSE(o.append);
  EXPECT_FALSE(o.skip.has_value());
  EXPECT_FALSE(o.seek.has_value());
  EXPECT_FALSE(o.count.has_value());
  EXPECT_FALSE(o.stats);
  EXPECT_FALSE(o.progress);
  EXPECT_TRUE(o.truncates_dst());
  EXPECT_FALSE(o.src_is_stdin());
}

TEST(CopyOptionsTest, EveryOption) {
  const CopyOptions o =
      Copy({"--stats", "--progress", "--skip=1K", "--count", "2MB", "--seek=0", "-", "-"});
  EXPECT_TRUE(o.stats);
  EXPECT_TRUE(o.progress);
  EXPECT_EQ(o.skip, 1024);
  EXPECT_EQ(o.count, 2000000);
  EXPECT_EQ(o.seek, 0);
  EXPECT_TRUE(o.src_is_stdin());
  EXPECT_TRUE(o.dst_is_stdout());
  EXPECT_FALSE(o.truncates_dst());
  EXPECT_TRUE(Copy({"--append", "a", "b"}).append);
  EXPECT_FALSE(Copy({"--append", "a", "b"}).truncates_dst());
  EXPECT_FALSE(Copy({"--seek=5", "a", "b"}).truncates_dst());
  EXPECT_EQ(Copy({"--count=1", "--count=2", "a", "b"}).count, 2);  // the last one wins
}

TEST(CopyOptionsTest, OptionsAnywhereUntilDoubleDash) {
  const CopyOptions after = Copy({"a", "b", "--count=3"});
  EXPECT_EQ(after.count, 3);
  EXPECT_EQ(after.dst, "b");
  const CopyOptions ended = Copy({"--", "-weird", "--count=3"});
  EXPECT_EQ(ended.src, "-weird");
  EXPECT_EQ(ended.dst, "--count=3");
  EXPECT_FALSE(ended.count.has_value());
  EXPECT_EQ(Copy({"a", "--", "--"}).dst, "--");
}

TEST(CopyOptionsTest, BadValuesNameTheOptionAndTheProblem) {
  EXPECT_EQ(Error({"--count=", "a", "b"}), "invalid --count '': empty");
  EXPECT_EQ(Error({"--count=0x10", "a", "b"}), "invalid --count '0x10': not a decimal number");
  EXPECT_EQ(Error({"--skip=010", "a", "b"}),
            "invalid --skip '010': leading zero (octal to C and bash, decimal to dd)");
  EXPECT_EQ(Error({"--seek=99999999999999999999", "a", "b"}),
            "invalid --seek '99999999999999999999': too large (at most 9223372036854775807 bytes)");
  EXPECT_EQ(Error({"--count", "-5", "a", "b"}), "invalid --count '-5': must not be negative");
  EXPECT_EQ(Error({"--count=1\n2", "a", "b"}),
            "invalid --count '1'$'\\n''2': unknown unit (want K, M, G, T, P, E for powers of "
            "1024; KB, MB, ... for powers of 1000)");
  EXPECT_EQ(Error({"a", "b", "--count"}), "option '--count' needs a value (--count=N)");
  EXPECT_EQ(Error({"--stats=yes", "a", "b"}), "option '--stats' takes no value");
  EXPECT_EQ(Error({"--help=all"}), "option '--help' takes no value");
}

TEST(CopyOptionsTest, OnlyTheToolsOwnOptions) {
  // Abseil's parser would read these (and echo the flag file's lines).
  EXPECT_EQ(Error({"--flagfile=/etc/passwd", "a", "b"}), "unknown option '--flagfile'");
  EXPECT_EQ(Error({"--fromenv=count", "a", "b"}), "unknown option '--fromenv'");
  EXPECT_EQ(Error({"--undefok=x", "a", "b"}), "unknown option '--undefok'");
  EXPECT_EQ(Error({"--helpfull"}), "unknown option '--helpfull'");
  EXPECT_EQ(Error({"--nostats", "a", "b"}), "unknown option '--nostats'");
  // A single dash starts cp's short options: "-count" is -c, which there is none of.
  EXPECT_EQ(Error({"-count=5", "a", "b"}), "unknown option '-c'");
  EXPECT_EQ(Error({"-q", "a", "b"}), "unknown option '-q'");
  EXPECT_EQ(Error({"--co", "a", "b"}), "unknown option '--co'");  // no abbreviations
  EXPECT_EQ(Error({"--\033[2J", "a", "b"}), "unknown option '--'$'\\033''[2J'");
}

TEST(CopyOptionsTest, Operands) {
  EXPECT_EQ(Error({}), "missing SRC and DST");
  EXPECT_EQ(Error({"a"}), "missing DST after 'a'");
  // Several sources go into the last operand, a directory (checked when it runs).
  const CopyOptions several = Copy({"a", "b", "c"});
  EXPECT_TRUE(several.tree());
  EXPECT_EQ(several.sources, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(several.target, "c");
  EXPECT_EQ(Error({"-T", "a", "b", "c"}), "extra operand 'c' (with -T: one SRC and DST)");
  EXPECT_EQ(Error({"", "b"}), "SRC and DST must not be empty");
  EXPECT_EQ(Error({"a", ""}), "SRC and DST must not be empty");
  EXPECT_EQ(Error({"--append", "--seek=3", "a", "b"}),
            "--append and --seek cannot be used together");
}

TEST(CopyOptionsTest, HelpAndVersionWinOverWhatFollows) {
  for (const auto& args : std::vector<std::vector<const char*>>{
           {"-h"}, {"--help"}, {"a", "--help", "--bogus"}, {"--count=5", "-h", "x"}}) {
    absl::StatusOr<CommandLine> command = Parse(args);
    ASSERT_TRUE(command.ok()) << command.status();
    EXPECT_EQ(command->action, CommandLine::Action::kHelp);
  }
  absl::StatusOr<CommandLine> version = Parse({"--version", "--bogus"});
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->action, CommandLine::Action::kVersion);
  EXPECT_EQ(Error({"--bogus", "--help"}), "unknown option '--bogus'");
  // After "--", "--help" is a file name.
  EXPECT_EQ(Copy({"--", "--help", "x"}).src, "--help");
}

TEST(CopyOptionsTest, HelpTextDocumentsEveryOptionWithinEightyColumns) {
  const std::string help = HelpText();
  for (const char* option : {"--append", "--skip=N", "--seek=N", "--count=N", "--stats",
                             "--progress", "-h, --help", "--version", "  --  "}) {
    EXPECT_NE(help.find(option), std::string::npos) << option;
  }
  for (const char* unit : {"K, M, G", "KB, MB"}) EXPECT_NE(help.find(unit), std::string::npos);
  for (std::string_view line : absl::StrSplit(help, '\n')) {
    EXPECT_LE(line.size(), 80U) << line;
  }
}

TEST(CopyOptionsTest, VersionIsTheModulesVersion) {
  EXPECT_EQ(VersionText(), absl::StrCat("copy (sysport) ", kVersion, "\n"));
  EXPECT_FALSE(kVersion.empty());
}

TEST(CopyOptionsTest, WholeFileOptionsTakeCpsValues) {
  using Reflink = os::CopyFileOptions::Reflink;
  using Sparse = os::CopyFileOptions::Sparse;
  const CopyOptions defaults = Copy({"a", "b"});
  EXPECT_TRUE(defaults.whole_file());
  EXPECT_EQ(defaults.whole_file_options.reflink, Reflink::kAuto);
  EXPECT_EQ(defaults.whole_file_options.sparse, Sparse::kAuto);
  EXPECT_FALSE(defaults.whole_file_options.atomic);
  const CopyOptions o = Copy({"--reflink=never", "--sparse", "always", "--preserve=mode,timestamps",
                              "--atomic", "--sync", "a", "b"});
  EXPECT_EQ(o.whole_file_options.reflink, Reflink::kNever);
  EXPECT_EQ(o.whole_file_options.sparse, Sparse::kAlways);
  EXPECT_TRUE(o.whole_file_options.preserve.mode);
  EXPECT_TRUE(o.whole_file_options.preserve.timestamps);
  EXPECT_FALSE(o.whole_file_options.preserve.ownership);
  EXPECT_TRUE(o.whole_file_options.atomic);
  EXPECT_TRUE(o.whole_file_options.sync);
  const CopyOptions all = Copy({"--preserve=all", "--reflink=always", "a", "b"});
  EXPECT_TRUE(all.whole_file_options.preserve.ownership);
  EXPECT_EQ(all.whole_file_options.reflink, Reflink::kAlways);
}

TEST(CopyOptionsTest, WholeFileOptionsRefuseWhatCpRefuses) {
  EXPECT_EQ(Error({"--reflink=yes", "a", "b"}),
            "invalid --reflink 'yes': want auto, always or never");
  EXPECT_EQ(Error({"--sparse=", "a", "b"}), "invalid --sparse '': want auto, always or never");
  EXPECT_EQ(Error({"--sparse=Always", "a", "b"}),
            "invalid --sparse 'Always': want auto, always or never");
  EXPECT_EQ(Error({"--preserve=mode,acl", "a", "b"}),
            "invalid --preserve 'mode,acl': 'acl' is not one of mode, timestamps, ownership, "
            "links, xattr, all");
  EXPECT_EQ(Error({"--preserve=mode,", "a", "b"}),
            "invalid --preserve 'mode,': '' is not one of mode, timestamps, ownership, links, "
            "xattr, all");
  EXPECT_EQ(Error({"--reflink=always", "--sparse=never", "a", "b"}),
            "--reflink=always can be used only with --sparse=auto");
  // Partial and stream copies are io::Copy's, which has no such choices.
  for (const char* partial : {"--append", "--count=1", "--skip=1", "--seek=1", "--progress"}) {
    EXPECT_EQ(Error({"--atomic", partial, "a", "b"}),
              "--reflink, --sparse, --preserve, --atomic and --sync are for whole-file copies: "
              "not with --append, --skip, --seek, --count, --progress or '-'")
        << partial;
    EXPECT_FALSE(Copy({partial, "a", "b"}).whole_file()) << partial;
  }
  EXPECT_FALSE(Error({"--sync", "-", "b"}).empty());
  EXPECT_FALSE(Copy({"a", "-"}).whole_file());
}

TEST(CopyOptionsTest, TreeOptionsAreCps) {
  using Existing = os::CopyTreeOptions::Existing;
  using Symlinks = os::CopyTreeOptions::Symlinks;
  const CopyOptions r = Copy({"-r", "src", "dst"});
  EXPECT_TRUE(r.tree());
  EXPECT_TRUE(r.recursive);
  EXPECT_EQ(r.tree_options.symlinks, Symlinks::kCopy);
  EXPECT_FALSE(r.tree_options.preserve.mode);
  EXPECT_TRUE(Copy({"-R", "src", "dst"}).recursive);
  // -a: -r, everything preserved, links copied as links.
  const CopyOptions a = Copy({"-a", "src", "dst"});
  EXPECT_TRUE(a.recursive);
  EXPECT_TRUE(a.tree_options.preserve.mode && a.tree_options.preserve.ownership &&
              a.tree_options.preserve.timestamps && a.tree_options.preserve.links &&
              a.tree_options.preserve.xattrs);
  // Clusters, in any order, and -t with its value attached or not.
  const CopyOptions c = Copy({"-rnLx", "--jobs=3", "-tdir", "s1", "s2"});
  EXPECT_EQ(c.tree_options.existing, Existing::kKeep);
  EXPECT_EQ(c.tree_options.symlinks, Symlinks::kFollowAll);
  EXPECT_TRUE(c.tree_options.one_file_system);
  EXPECT_EQ(c.tree_options.jobs, 3);
  EXPECT_EQ(c.target, "dir");
  EXPECT_TRUE(c.target_is_directory);
  EXPECT_EQ(c.sources, (std::vector<std::string>{"s1", "s2"}));
  EXPECT_EQ(Copy({"-t", "dir", "s"}).target, "dir");
  EXPECT_EQ(Copy({"-H", "-r", "s", "d"}).tree_options.symlinks, Symlinks::kFollowSource);
  EXPECT_EQ(Copy({"--existing=fail", "s", "d"}).tree_options.existing, Existing::kFail);
  EXPECT_TRUE(Copy({"--atomic-tree", "-r", "s", "d"}).tree_options.atomic_tree);
  EXPECT_TRUE(Copy({"--fail-fast", "-r", "s", "d"}).tree_options.stop_at_first_error);
  EXPECT_TRUE(Copy({"-T", "-r", "s", "d"}).no_target_directory);
  // -p is cp's mode,ownership,timestamps; --atomic applies per file.
  const CopyOptions p = Copy({"-rp", "--atomic", "s", "d"});
  EXPECT_TRUE(p.tree_options.preserve.mode && p.tree_options.preserve.timestamps);
  EXPECT_FALSE(p.tree_options.preserve.links);
  EXPECT_TRUE(p.tree_options.atomic_files);
  EXPECT_FALSE(p.tree_options.sync);
  EXPECT_TRUE(Copy({"-r", "--sync", "s", "d"}).tree_options.sync);
  // Without -r, a link named as SRC is followed, as cp does.
  EXPECT_EQ(Copy({"-n", "s", "d"}).tree_options.symlinks, Symlinks::kFollowSource);
  // A plain copy of one file is not the tree form.
  EXPECT_FALSE(Copy({"s", "d"}).tree());
}

TEST(CopyOptionsTest, TreeOptionsRefuseWhatHasNoMeaningForATree) {
  EXPECT_EQ(Error({"-r", "--count=5", "s", "d"}),
            "--append, --skip, --seek and --count copy one SRC to one DST: not with -r, -t, "
            "the tree options, or several SRC");
  EXPECT_EQ(Error({"-r", "-", "d"}),
            "'-' (standard input or output) is not a tree: copy it "
            "without -r");
  EXPECT_EQ(Error({"-t", "d", "-T", "s"}), "-t and -T cannot be used together");
  EXPECT_EQ(Error({"-t"}), "option -t needs a value (DIR)");
  EXPECT_EQ(Error({"-t", "d"}), "missing SRC (with -t DIR)");
  EXPECT_EQ(Error({"--jobs=0", "-r", "s", "d"}),
            "invalid --jobs '0': want a whole number from 1 to 4096");
  EXPECT_EQ(Error({"--jobs=2x", "-r", "s", "d"}),
            "invalid --jobs '2x': want a whole number from 1 to 4096");
  EXPECT_EQ(Error({"--existing=skip", "s", "d"}),
            "invalid --existing 'skip': want replace, keep or fail");
  EXPECT_EQ(Error({"--atomic-tree", "--atomic", "-r", "s", "d"}),
            "--atomic-tree makes the whole copy at once: not with --atomic");
}

}  // namespace
}  // namespace sysport::tools
