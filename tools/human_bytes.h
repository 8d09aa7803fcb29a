#ifndef SYSPORT_TOOLS_HUMAN_BYTES_H_
#define SYSPORT_TOOLS_HUMAN_BYTES_H_

#include <cstdint>
#include <string>

namespace sysport::tools {

// A byte count for people, in powers of 1024: "0 B", "1023 B", "1.0 KiB",
// "512.0 MiB", "2.0 GiB". The one byte formatter of sysport's tools (the
// copy tool's --stats and --progress, the benchmarks' labels).
std::string HumanBytes(int64_t bytes);

}  // namespace sysport::tools

#endif  // SYSPORT_TOOLS_HUMAN_BYTES_H_
