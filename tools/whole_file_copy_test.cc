#include "tools/whole_file_copy.h"

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "os/copy_file.h"

namespace sysport::tools {
namespace {

using Reflink = os::CopyFileOptions::Reflink;
using Sparse = os::CopyFileOptions::Sparse;

TEST(WholeFileCopyTest, ReflinkAndSparseTakeCpsValues) {
  EXPECT_EQ(*ParseReflink("auto"), Reflink::kAuto);
  EXPECT_EQ(*ParseReflink("always"), Reflink::kAlways);
  EXPECT_EQ(*ParseReflink("never"), Reflink::kNever);
  EXPECT_EQ(*ParseSparse("auto"), Sparse::kAuto);
  EXPECT_EQ(*ParseSparse("always"), Sparse::kAlways);
  EXPECT_EQ(*ParseSparse("never"), Sparse::kNever);
  EXPECT_EQ(ParseReflink("yes").status().message(), "--reflink=yes: want auto, always or never");
  EXPECT_FALSE(ParseSparse("").ok());
  EXPECT_FALSE(ParseSparse("Always").ok());
}

TEST(WholeFileCopyTest, PreserveLists) {
  const os::CopyFileOptions::Preserve none = *ParsePreserve("");
  EXPECT_FALSE(none.mode || none.timestamps || none.ownership);
  const os::CopyFileOptions::Preserve two = *ParsePreserve("mode,timestamps");
  EXPECT_TRUE(two.mode && two.timestamps);
  EXPECT_FALSE(two.ownership);
  const os::CopyFileOptions::Preserve all = *ParsePreserve("all");
  EXPECT_TRUE(all.mode && all.timestamps && all.ownership);
  EXPECT_EQ(ParsePreserve("mode,links").status().message(),
            "--preserve=mode,links: 'links' is not one of mode, timestamps, ownership, all");
  EXPECT_FALSE(ParsePreserve("mode,").ok());
}

TEST(WholeFileCopyTest, OptionsFromFlags) {
  WholeFileFlags flags;
  flags.reflink = "never";
  flags.sparse = "always";
  flags.preserve = "ownership";
  flags.atomic = true;
  flags.sync = true;
  const absl::StatusOr<os::CopyFileOptions> options = OptionsFromFlags(flags);
  ASSERT_TRUE(options.ok()) << options.status();
  EXPECT_EQ(options->reflink, Reflink::kNever);
  EXPECT_EQ(options->sparse, Sparse::kAlways);
  EXPECT_TRUE(options->preserve.ownership);
  EXPECT_FALSE(options->preserve.mode);
  EXPECT_TRUE(options->atomic);
  EXPECT_TRUE(options->sync);
  EXPECT_EQ(options->observer, nullptr);
  flags.reflink = "always";
  EXPECT_EQ(OptionsFromFlags(flags).status().message(),
            "--reflink=always can be used only with --sparse=auto");
  flags.sparse = "auto";
  EXPECT_TRUE(OptionsFromFlags(flags).ok());
  flags.preserve = "bogus";
  EXPECT_EQ(OptionsFromFlags(flags).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sysport::tools
