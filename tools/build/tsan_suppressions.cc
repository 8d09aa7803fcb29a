// ThreadSanitizer suppressions, compiled into every binary of --config=tsan
// (.bazelrc links this library into all of them with --custom_malloc).
//
// One, for a false positive in Debian's Abseil 20220623: absl::Mutex hides
// its internal synchronization from TSan, so TSan does not see that the
// thread identity a waiter allocated (mmap) is handed to the thread that
// wakes it, and reports the wake-up's atomic write in Waiter::Post() as
// racing with that mmap. google/sanitizers#953, abseil/abseil-cpp#1239.
// Abseil fixed it after 20220623 by ignoring memory accesses inside
// Mutex::IncrementSynchSem (which reaches Waiter::Post); this suppresses
// exactly the reports whose access is inside that function, and nothing in
// sysport's own code.

// The hook TSan's runtime calls for built-in suppressions: its name is TSan's.
// NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern "C" const char* __tsan_default_suppressions();

// NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp)
extern "C" const char* __tsan_default_suppressions() {
  return "race:absl::*Mutex::IncrementSynchSem\n";
}
