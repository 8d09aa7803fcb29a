#ifndef SYSPORT_OS_STATS_H_
#define SYSPORT_OS_STATS_H_

// Process-wide counters of which path carried the bytes of File::ReadFrom
// (and so of io::Copy into a File), and why the fast path was not used.
// Lock-free atomics; reading them is cheap enough for a progress line.

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace sysport::os {

// Why File::ReadFrom used the generic copy for (part of) a copy.
enum class Fallback : unsigned char {
  kAppendMode,          // destination opened with O_APPEND: never tried
  kSourceNotFile,       // source is not an os::File (after unwrapping a LimitedReader)
  kSourceClosed,        // source is a closed os::File
  kStub,                // no fast path on this platform (or the stub was forced)
  kKernelTooOld,        // kernel older than 5.3
  kSyscallUnavailable,  // ENOSYS or seccomp EPERM, confirmed for the process
  kNothingCopied,       // copy_file_range copied nothing (procfs, sysfs, empty file)
  kErrno,               // an errno meaning "not for these files" (EXDEV, EINVAL, ...)
};
inline constexpr int kNumFallbacks = 8;

// "O_APPEND destination", "source not an os::File", ...
std::string_view FallbackDescription(Fallback fallback);

struct CopyStats {
  int64_t read_from_calls = 0;                        // File::ReadFrom calls
  int64_t fast_calls = 0;                             // ... that called copy_file_range
  int64_t fast_bytes = 0;                             // bytes copy_file_range moved
  int64_t generic_calls = 0;                          // ... that used the generic read/write copy
  int64_t generic_bytes = 0;                          // bytes the generic copy moved
  std::array<int64_t, kNumFallbacks> fallbacks = {};  // indexed by Fallback
  // errno -> count, for kErrno and kSyscallUnavailable.
  std::map<int, int64_t> fallback_errnos;

  int64_t fallback(Fallback f) const { return fallbacks[static_cast<size_t>(f)]; }
  // The counters accumulated since `earlier` was read.
  CopyStats Since(const CopyStats& earlier) const;
  // One line, e.g. "copy_file_range: 3 calls, 1048576 bytes; read/write: 1 call,
  // 42 bytes; fallbacks: EXDEV (1)".
  std::string ToString() const;
};

// A snapshot of the counters (each read atomically; the set is not a transaction).
CopyStats ReadCopyStats();

}  // namespace sysport::os

#endif  // SYSPORT_OS_STATS_H_
