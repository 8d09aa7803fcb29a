#ifndef SYSPORT_TOOLS_HUMAN_BYTES_H_
#define SYSPORT_TOOLS_HUMAN_BYTES_H_

// Byte counts for people, both ways: the one place sysport's tools format and
// parse them, so the units mean the same everywhere.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sysport::tools {

// A byte count for people, in powers of 1024: "0 B", "1023 B", "1.0 KiB",
// "512.0 MiB", "2.0 GiB". The one byte formatter of sysport's tools (the
// copy tool's --stats and --progress, the benchmarks' labels).
std::string HumanBytes(int64_t bytes);

// A size as users of dd, head and truncate write it: decimal digits, then
// optionally a unit. K (or k), M, G, T, P, E and KiB, MiB, ... EiB are powers
// of 1024; KB (or kB), MB, ... EB powers of 1000 (coreutils' meanings; its
// b, c and w, 512, 1 and 2, are not taken: "b" reads as "bytes").
//
// Anything else is an error whose message says what is wrong with `text`:
// empty ("--count=" with an unset variable must not mean "everything"), a
// sign, a leading zero (010 is 8 to C and bash, 10 to dd: ambiguous), hex,
// a fraction, an unknown unit, or more than 2^63 - 1 bytes.
absl::StatusOr<int64_t> ParseByteSize(std::string_view text);

}  // namespace sysport::tools

#endif  // SYSPORT_TOOLS_HUMAN_BYTES_H_
