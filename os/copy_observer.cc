#include "os/copy_observer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "poll/copy_result.h"

namespace sysport::os {
namespace {

std::string Count(int64_t n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

std::string Reason(const CopyCounters::FallbackKey& key) {
  if (key.err.ok()) return std::string(poll::Describe(key.reason));
  if (key.reason == poll::Fallback::kRefused) {
    return absl::StrCat(key.err.Name(), " (", key.err.Message(), ")");
  }
  return absl::StrCat(poll::Describe(key.reason), ", ", key.err.Name());
}

}  // namespace

void CopyCounters::Totals::Add(const Totals& other) {
  for (size_t i = 0; i < kernel.size(); ++i) {
    MethodCounts& m = kernel[i];
    const MethodCounts& o = other.kernel[i];
    m.reports += o.reports;
    m.attempts += o.attempts;
    m.syscalls += o.syscalls;
    m.bytes += o.bytes;
    m.failures += o.failures;
  }
  for (const auto& [key, count] : other.fallbacks) fallbacks[key] += count;
  read_write.bytes += other.read_write.bytes;
  read_write.reads += other.read_write.reads;
  read_write.writes += other.read_write.writes;
  whole_file_copies += other.whole_file_copies;
  hole_bytes += other.hole_bytes;
}

void CopyCounters::OnKernelCopy(const poll::CopyResult& result) {
  absl::MutexLock lock(&mu_);
  MethodCounts& m = totals_.kernel[static_cast<size_t>(result.method())];
  const bool tried = result.syscalls() > 0;
  ++m.reports;
  if (tried) ++m.attempts;
  m.syscalls += result.syscalls();
  m.bytes += result.n();
  switch (result.outcome()) {
    case poll::CopyResult::Outcome::kEnded:
      break;
    case poll::CopyResult::Outcome::kFailed:
      ++m.failures;
      break;
    case poll::CopyResult::Outcome::kFellBack:
      ++totals_.fallbacks[{result.method(), tried, result.fallback(), result.fallback_errno()}];
      break;
  }
}

void CopyCounters::OnReadWrite(const ReadWriteCounts& counts) {
  absl::MutexLock lock(&mu_);
  totals_.read_write.bytes += counts.bytes;
  totals_.read_write.reads += counts.reads;
  totals_.read_write.writes += counts.writes;
}

void CopyCounters::OnHoles(int64_t bytes) {
  absl::MutexLock lock(&mu_);
  ++totals_.whole_file_copies;
  totals_.hole_bytes += bytes;
}

CopyCounters::Totals CopyCounters::totals() const {
  absl::MutexLock lock(&mu_);
  return totals_;
}

int64_t CopyCounters::Totals::kernel_bytes() const {
  return std::accumulate(kernel.begin(), kernel.end(), int64_t{0},
                         [](int64_t sum, const MethodCounts& m) { return sum + m.bytes; });
}

std::string CopyCounters::Totals::ToString() const {
  std::vector<std::string> lines;
  for (int i = 0; i < poll::kNumCopyMethods; ++i) {
    const auto method = static_cast<poll::CopyMethod>(i);
    const MethodCounts& m = of(method);
    // A method nothing was reported about (not the pair's, not tried) says nothing.
    if (m.reports == 0) continue;
    std::string line = absl::StrCat(
        poll::Name(method), ": ", Count(m.attempts, "attempt", "attempts"), ", ",
        Count(m.syscalls, "system call", "system calls"), ", ", Count(m.bytes, "byte", "bytes"));
    if (m.failures > 0) absl::StrAppend(&line, ", ", Count(m.failures, "failure", "failures"));
    for (const bool tried : {true, false}) {
      std::vector<std::string> reasons;
      for (const auto& [key, n] : fallbacks) {
        if (key.method == method && key.tried == tried) {
          reasons.push_back(absl::StrCat(Reason(key), " ", n, "x"));
        }
      }
      if (!reasons.empty()) {
        absl::StrAppend(&line,
                        tried ? "; fell back: " : "; not tried: ", absl::StrJoin(reasons, ", "));
      }
    }
    lines.push_back(std::move(line));
  }
  lines.push_back(absl::StrCat("read/write: ", Count(read_write.reads, "read", "reads"), ", ",
                               Count(read_write.writes, "write", "writes"), ", ",
                               Count(read_write.bytes, "byte", "bytes")));
  if (whole_file_copies > 0) {
    lines.push_back(absl::StrCat("holes: ", Count(hole_bytes, "byte", "bytes"), " skipped"));
  }
  return absl::StrJoin(lines, "\n");
}

}  // namespace sysport::os
