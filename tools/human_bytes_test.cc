#include "tools/human_bytes.h"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
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
  const std::vector<std::pair<const char*, int64_t>> cases = {
      {"0", 0},
      {"4096", 4096},
      {"0K", 0},
      {"4K", 4096},
      {"4k", 4096},
      {"4KiB", 4096},
      {"4KB", 4000},
      {"4kB", 4000},
      {"3M", 3 << 20},
      {"3MiB", 3 << 20},
      {"3MB", 3000000},
      {"2G", int64_t{2} << 30},
      {"2GB", 2000000000},
      {"1T", int64_t{1} << 40},
      {"1P", int64_t{1} << 50},
      {"7E", int64_t{7} << 60},
      {"9EB", int64_t{9'000'000'000'000'000'000}},
      {"9223372036854775807", std::numeric_limits<int64_t>::max()},
  };
  for (const auto& [text, want] : cases) {
    absl::StatusOr<int64_t> size = ParseByteSize(text);
    ASSERT_TRUE(size.ok()) << text << ": " << size.status();
    EXPECT_EQ(*size, want) << text;
  }
}

TEST(ParseByteSizeTest, MistakesAreRefusedWithTheReason) {
  const std::string leading_zero = "leading zero (octal to C and bash, decimal to dd)";
  const std::string unknown_unit =
      "unknown unit (want K, M, G, T, P, E for powers of 1024; KB, MB, ... for powers of 1000)";
  const std::string too_large = "too large (at most 9223372036854775807 bytes)";
  const std::vector<std::pair<const char*, std::string>> cases = {
      {"", "empty"},
      {"-5", "must not be negative"},
      {"+5", "not a decimal number"},
      {" 5", "not a decimal number"},
      {"K", "not a decimal number"},
      {"0x10", "not a decimal number"},
      {"0X10", "not a decimal number"},
      {"010", leading_zero},
      {"00", leading_zero},
      {"1.5K", "not a whole number of bytes"},
      {"1,000", "not a whole number of bytes"},
      {"5X", unknown_unit},
      {"5 K", unknown_unit},
      {"5K ", unknown_unit},
      {"5b", unknown_unit},  // coreutils' 512-byte blocks
      {"5c", unknown_unit},
      {"5w", unknown_unit},
      {"5Ki", unknown_unit},
      {"5KIB", unknown_unit},
      {"5m", unknown_unit},
      {"5Z", unknown_unit},
      {"5KBB", unknown_unit},
      {"9223372036854775808", too_large},
      {"99999999999999999999", too_large},
      {"8E", too_large},
      {"8388608T", too_large},
      {"10EB", too_large},
  };
  for (const auto& [text, why] : cases) {
    absl::StatusOr<int64_t> size = ParseByteSize(text);
    ASSERT_FALSE(size.ok()) << text << " parsed as " << *size;
    EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(size.status().message(), why) << text;
  }
}

}  // namespace
}  // namespace sysport::tools
