#include "tools/human_bytes.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace sysport::tools {
namespace {

TEST(HumanBytesTest, PowersOf1024) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1024), "1.0 KiB");
  EXPECT_EQ(HumanBytes(int64_t{512} << 20), "512.0 MiB");
}

TEST(ParseByteSizeTest, DecimalNumbersAndUnits) {
  EXPECT_EQ(*ParseByteSize("0"), 0);
  EXPECT_EQ(*ParseByteSize("4096"), 4096);
  EXPECT_EQ(*ParseByteSize("0K"), 0);
  EXPECT_EQ(*ParseByteSize("4K"), 4096);
  EXPECT_EQ(*ParseByteSize("4k"), 4096);
  EXPECT_EQ(*ParseByteSize("4KiB"), 4096);
  EXPECT_EQ(*ParseByteSize("4KB"), 4000);
  EXPECT_EQ(*ParseByteSize("4kB"), 4000);
  EXPECT_EQ(*ParseByteSize("3M"), 3 << 20);
  EXPECT_EQ(*ParseByteSize("3MiB"), 3 << 20);
  EXPECT_EQ(*ParseByteSize("3MB"), 3000000);
  EXPECT_EQ(*ParseByteSize("2G"), int64_t{2} << 30);
  EXPECT_EQ(*ParseByteSize("2GB"), 2000000000);
  EXPECT_EQ(*ParseByteSize("1T"), int64_t{1} << 40);
  EXPECT_EQ(*ParseByteSize("1P"), int64_t{1} << 50);
  EXPECT_EQ(*ParseByteSize("7E"), int64_t{7} << 60);
  EXPECT_EQ(*ParseByteSize("9EB"), int64_t{9'000'000'000'000'000'000});
  EXPECT_EQ(*ParseByteSize("9223372036854775807"), std::numeric_limits<int64_t>::max());
}

// What is wrong, for each kind of mistake.
std::string Why(const std::string& text) {
  absl::StatusOr<int64_t> size = ParseByteSize(text);
  EXPECT_FALSE(size.ok()) << text << " parsed as " << *size;
  EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(size.status().message());
}

TEST(ParseByteSizeTest, MistakesAreRefusedWithTheReason) {
  EXPECT_EQ(Why(""), "empty");
  EXPECT_EQ(Why("-5"), "must not be negative");
  EXPECT_EQ(Why("+5"), "not a decimal number");
  EXPECT_EQ(Why(" 5"), "not a decimal number");
  EXPECT_EQ(Why("K"), "not a decimal number");
  EXPECT_EQ(Why("0x10"), "not a decimal number");
  EXPECT_EQ(Why("0X10"), "not a decimal number");
  EXPECT_EQ(Why("010"), "leading zero (octal to C and bash, decimal to dd)");
  EXPECT_EQ(Why("00"), "leading zero (octal to C and bash, decimal to dd)");
  EXPECT_EQ(Why("1.5K"), "not a whole number of bytes");
  EXPECT_EQ(Why("1,000"), "not a whole number of bytes");
  for (const char* unit :
       {"5X", "5 K", "5K ", "5b", "5c", "5w", "5Ki", "5KIB", "5m", "5Z", "5KBB"}) {
    EXPECT_EQ(Why(unit),
              "unknown unit (want K, M, G, T, P, E for powers of 1024; KB, MB, ... for "
              "powers of 1000)")
        << unit;
  }
  const std::string too_large = "too large (at most 9223372036854775807 bytes)";
  EXPECT_EQ(Why("9223372036854775808"), too_large);
  EXPECT_EQ(Why("99999999999999999999"), too_large);
  EXPECT_EQ(Why("8E"), too_large);
  EXPECT_EQ(Why("8388608T"), too_large);
  EXPECT_EQ(Why("10EB"), too_large);
}

}  // namespace
}  // namespace sysport::tools
