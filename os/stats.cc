#include "os/stats.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "os/internal/stats_recorder.h"
#include "syscall/errno.h"

namespace sysport::os {
namespace {

// errno values on Linux are below 134 on every architecture but mips (up to
// 1133, EDQUOT); the table covers them all, and anything else lands in the
// last slot.
constexpr int kErrnoSlots = 1200;

struct Counters {
  std::atomic<int64_t> read_from_calls{0};
  std::atomic<int64_t> fast_calls{0};
  std::atomic<int64_t> fast_bytes{0};
  std::atomic<int64_t> generic_calls{0};
  std::atomic<int64_t> generic_bytes{0};
  std::array<std::atomic<int64_t>, kNumFallbacks> fallbacks{};
  std::array<std::atomic<int64_t>, kErrnoSlots> errnos{};
};

// Constant-initialized and trivially destructible (atomics only): usable from
// any thread at any time, before main() and during exit included.
constinit Counters g_counters;

Counters& Global() { return g_counters; }

}  // namespace

namespace internal {

void RecordReadFrom() { Global().read_from_calls.fetch_add(1, std::memory_order_relaxed); }

void RecordFast(int64_t bytes) {
  Global().fast_calls.fetch_add(1, std::memory_order_relaxed);
  Global().fast_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

void RecordGeneric(int64_t bytes) {
  Global().generic_calls.fetch_add(1, std::memory_order_relaxed);
  Global().generic_bytes.fetch_add(bytes, std::memory_order_relaxed);
}

void RecordFallback(Fallback reason, int errno_value) {
  Global().fallbacks[static_cast<size_t>(reason)].fetch_add(1, std::memory_order_relaxed);
  if (errno_value > 0) {
    const int slot = errno_value < kErrnoSlots ? errno_value : kErrnoSlots - 1;
    Global().errnos[static_cast<size_t>(slot)].fetch_add(1, std::memory_order_relaxed);
  }
}

}  // namespace internal

std::string_view FallbackDescription(Fallback fallback) {
  switch (fallback) {
    case Fallback::kAppendMode:
      return "O_APPEND destination";
    case Fallback::kSourceNotFile:
      return "source not an os::File";
    case Fallback::kSourceClosed:
      return "source closed";
    case Fallback::kStub:
      return "no copy_file_range on this platform";
    case Fallback::kKernelTooOld:
      return "kernel older than 5.3";
    case Fallback::kSyscallUnavailable:
      return "copy_file_range unavailable in this process";
    case Fallback::kNothingCopied:
      return "copy_file_range copied nothing";
    case Fallback::kErrno:
      return "copy_file_range refused these files";
  }
  return "unknown";
}

CopyStats ReadCopyStats() {
  const Counters& c = Global();
  CopyStats s;
  s.read_from_calls = c.read_from_calls.load(std::memory_order_relaxed);
  s.fast_calls = c.fast_calls.load(std::memory_order_relaxed);
  s.fast_bytes = c.fast_bytes.load(std::memory_order_relaxed);
  s.generic_calls = c.generic_calls.load(std::memory_order_relaxed);
  s.generic_bytes = c.generic_bytes.load(std::memory_order_relaxed);
  for (size_t i = 0; i < s.fallbacks.size(); ++i) {
    s.fallbacks[i] = c.fallbacks[i].load(std::memory_order_relaxed);
  }
  for (size_t e = 0; e < c.errnos.size(); ++e) {
    const int64_t n = c.errnos[e].load(std::memory_order_relaxed);
    if (n != 0) s.fallback_errnos[static_cast<int>(e)] = n;
  }
  return s;
}

CopyStats CopyStats::Since(const CopyStats& earlier) const {
  CopyStats d = *this;
  d.read_from_calls -= earlier.read_from_calls;
  d.fast_calls -= earlier.fast_calls;
  d.fast_bytes -= earlier.fast_bytes;
  d.generic_calls -= earlier.generic_calls;
  d.generic_bytes -= earlier.generic_bytes;
  for (size_t i = 0; i < d.fallbacks.size(); ++i) d.fallbacks[i] -= earlier.fallbacks[i];
  for (const auto& [e, n] : earlier.fallback_errnos) {
    auto it = d.fallback_errnos.find(e);
    if (it == d.fallback_errnos.end()) continue;
    it->second -= n;
    if (it->second == 0) d.fallback_errnos.erase(it);
  }
  return d;
}

std::string CopyStats::ToString() const {
  auto calls = [](int64_t n) {
    return absl::StrCat(n, n == 1 ? " call" : " calls");
  };
  std::string out =
      absl::StrCat("copy_file_range: ", calls(fast_calls), ", ", fast_bytes,
                   " bytes; read/write: ", calls(generic_calls), ", ", generic_bytes, " bytes");
  std::vector<std::string> reasons;
  for (int i = 0; i < kNumFallbacks; ++i) {
    const auto reason = static_cast<Fallback>(i);
    if (fallback(reason) == 0) continue;
    reasons.push_back(absl::StrCat(FallbackDescription(reason), " (", fallback(reason), ")"));
  }
  for (const auto& [e, n] : fallback_errnos) {
    reasons.push_back(
        absl::StrCat(syscall::Errno(e).Name(), ": ", syscall::Errno(e).Message(), " (", n, ")"));
  }
  if (!reasons.empty()) absl::StrAppend(&out, "; fallbacks: ", absl::StrJoin(reasons, ", "));
  return out;
}

}  // namespace sysport::os
