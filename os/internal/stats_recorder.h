#ifndef SYSPORT_OS_INTERNAL_STATS_RECORDER_H_
#define SYSPORT_OS_INTERNAL_STATS_RECORDER_H_

#include <cstdint>

#include "os/stats.h"

namespace sysport::os::internal {

void RecordReadFrom();
void RecordFast(int64_t bytes);
void RecordGeneric(int64_t bytes);
// `errno_value` is 0 unless the reason is kErrno or kSyscallUnavailable.
void RecordFallback(Fallback reason, int errno_value);

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_STATS_RECORDER_H_
