#ifndef SYSPORT_OS_INTERNAL_WORK_POOL_H_
#define SYSPORT_OS_INTERNAL_WORK_POOL_H_

// The tree copy's threads: a fixed set, owned and joined, working through
// tasks most recently submitted first, so that a tree is copied depth first
// and few of its directories are open at once.

#include <cstddef>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace sysport::os::internal {

class WorkPool {
 public:
  using Task = absl::AnyInvocable<void() &&>;

  // `threads` (at least 1) run the tasks: the caller of Run and threads - 1
  // more. At most `max_queued` tasks wait at once.
  WorkPool(int threads, size_t max_queued);
  ~WorkPool();  // joins the workers, if Run did not
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Adds a task, from any thread, a running task's included. Where
  // max_queued tasks wait already, the task runs at once in the calling
  // thread instead: the queue, and what its tasks hold, stay bounded
  // whatever the shape of the work. (Not beyond kMaxInlineDepth tasks run so
  // inside one another: past that the task waits in the queue anyway, so
  // the stack stays bounded too.)
  void Submit(Task task);

  // Starts the workers and works with them until no task waits or runs;
  // then joins them. Once.
  void Run();

  static constexpr int kMaxInlineDepth = 16;

 private:
  // Each thread's loop.
  void Work();
  bool HasWorkOrIsDone() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !queue_.empty() || outstanding_ == 0;
  }

  const int threads_;
  const size_t max_queued_;
  absl::Mutex mu_;
  std::vector<Task> queue_ ABSL_GUARDED_BY(mu_);  // used as a stack
  // Tasks queued or running; a running task may add more, so the work is
  // done only when this is 0.
  size_t outstanding_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::thread> workers_;
};

}  // namespace sysport::os::internal

#endif  // SYSPORT_OS_INTERNAL_WORK_POOL_H_
