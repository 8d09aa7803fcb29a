#include "os/internal/work_pool.h"

#include <cstddef>
#include <thread>
#include <utility>

#include "absl/synchronization/mutex.h"

namespace sysport::os::internal {
namespace {

// How many tasks this thread is running inside one another (Submit's inline
// runs).
thread_local int inline_depth = 0;

}  // namespace

// NOLINTNEXTLINE(bugprone-easily-swappable-parameters): named in the header, threads first
WorkPool::WorkPool(int threads, size_t max_queued)
    : threads_(threads < 1 ? 1 : threads), max_queued_(max_queued < 1 ? 1 : max_queued) {}

WorkPool::~WorkPool() {
  for (std::thread& worker : workers_) worker.join();
}

void WorkPool::Submit(Task task) {
  {
    absl::MutexLock lock(&mu_);
    if (queue_.size() < max_queued_ || inline_depth >= kMaxInlineDepth) {
      queue_.push_back(std::move(task));
      ++outstanding_;
      return;
    }
  }
  ++inline_depth;
  std::move(task)();
  --inline_depth;
}

void WorkPool::Work() {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &WorkPool::HasWorkOrIsDone));
      if (queue_.empty()) return;  // nothing waits and nothing runs: done
      task = std::move(queue_.back());
      queue_.pop_back();
    }
    std::move(task)();
    absl::MutexLock lock(&mu_);
    --outstanding_;
  }
}

void WorkPool::Run() {
  workers_.reserve(static_cast<size_t>(threads_ - 1));
  for (int i = 1; i < threads_; ++i) workers_.emplace_back([this] { Work(); });
  Work();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

}  // namespace sysport::os::internal
