#include "poll/internal/fd_mutex.h"

#include <atomic>
#include <thread>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace sysport::poll::internal {
namespace {

// These tests drive the state machine directly, which the thread-safety
// analysis cannot follow through bool results; they are exempt from it.

TEST(FdMutexTest, ReferencesAndClose) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  FdMutex mu;
  ASSERT_TRUE(mu.Incref());
  ASSERT_TRUE(mu.Incref());
  EXPECT_FALSE(mu.Decref());  // not closed
  ASSERT_TRUE(mu.IncrefAndClose());
  EXPECT_TRUE(mu.closed());
  EXPECT_FALSE(mu.IncrefAndClose());  // closing twice fails
  EXPECT_FALSE(mu.Incref());          // so does every later reference
  EXPECT_FALSE(mu.ReadLock());
  EXPECT_FALSE(mu.WriteLock());
  EXPECT_FALSE(mu.Decref());  // Close's reference; one operation is still in flight
  EXPECT_TRUE(mu.Decref());   // the last one: the caller must close(2) now
}

TEST(FdMutexTest, ReaderAndWriterTogether) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  FdMutex mu;
  ASSERT_TRUE(mu.ReadLock());
  ASSERT_TRUE(mu.WriteLock());  // does not wait for the reader
  EXPECT_FALSE(mu.WriteUnlock());
  EXPECT_FALSE(mu.ReadUnlock());
}

TEST(FdMutexTest, ReadersAreSerialized) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  FdMutex mu;
  ASSERT_TRUE(mu.ReadLock());
  std::atomic<bool> first_released{false};
  std::atomic<bool> second_acquired{false};
  std::thread second([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    ASSERT_TRUE(mu.ReadLock());
    // Only possible once the first reader let go.
    EXPECT_TRUE(first_released.load());
    second_acquired = true;
    EXPECT_FALSE(mu.ReadUnlock());
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(second_acquired.load());
  first_released = true;
  EXPECT_FALSE(mu.ReadUnlock());
  second.join();
  EXPECT_TRUE(second_acquired.load());
}

TEST(FdMutexTest, WritersAreSerialized) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  FdMutex mu;
  constexpr int kThreads = 4;
  constexpr int kIterations = 2000;
  int inside = 0;  // deliberately unsynchronized: the write lock protects it
  int max_inside = 0;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
      for (int i = 0; i < kIterations; ++i) {
        ASSERT_TRUE(mu.WriteLock());
        ++inside;
        if (inside > max_inside) max_inside = inside;
        --inside;
        EXPECT_FALSE(mu.WriteUnlock());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(max_inside, 1);
}

TEST(FdMutexTest, CloseWakesLockWaiters) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  FdMutex mu;
  ASSERT_TRUE(mu.ReadLock());
  ASSERT_TRUE(mu.WriteLock());
  absl::Notification started;
  std::atomic<int> failed{0};
  std::thread reader([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    started.Notify();
    if (!mu.ReadLock()) ++failed;
  });
  std::thread writer([&]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    if (!mu.WriteLock()) ++failed;
  });
  started.WaitForNotification();
  ASSERT_TRUE(mu.IncrefAndClose());
  reader.join();
  writer.join();
  EXPECT_EQ(failed.load(), 2);
  EXPECT_FALSE(mu.ReadUnlock());
  EXPECT_FALSE(mu.Decref());
  EXPECT_TRUE(mu.WriteUnlock());  // the last operation in flight
}

TEST(FdMutexDeathTest, InconsistentStateAborts) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  EXPECT_DEATH(
      {
        FdMutex mu;
        (void)mu.Decref();
      },
      "reference count underflow");
  EXPECT_DEATH(
      {
        FdMutex mu;
        (void)mu.ReadUnlock();
      },
      "read unlock without the read lock");
  EXPECT_DEATH(
      {
        FdMutex mu;
        (void)mu.WriteUnlock();
      },
      "write unlock without the write lock");
}

}  // namespace
}  // namespace sysport::poll::internal
