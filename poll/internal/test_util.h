#ifndef SYSPORT_POLL_INTERNAL_TEST_UTIL_H_
#define SYSPORT_POLL_INTERNAL_TEST_UTIL_H_

// Helpers for poll's tests: temporary files with known content.

#include <cstdint>
#include <memory>
#include <string>

#include "poll/fd.h"

namespace sysport::poll::testutil {

// A directory for test files: $TEST_TMPDIR under Bazel, else /tmp.
std::string TempDir();

// Bytes that differ at every position modulo 251 (a prime), so a shifted or
// misplaced copy never matches.
std::string Pattern(size_t n);

// Creates `dir`/name-XXXXXX with `content`; returns its path.
std::string WriteTempFile(const std::string& dir, const std::string& content);

// Opens `path` with `flags` (O_CLOEXEC added) as a poll::FD; aborts on failure.
std::unique_ptr<FD> OpenFD(const std::string& path, int flags);

// The whole content of `path`, read with pread (no offset change).
std::string ReadFile(const std::string& path);

// The file offset of the descriptor, via lseek(fd, 0, SEEK_CUR).
int64_t Offset(FD& fd);

}  // namespace sysport::poll::testutil

#endif  // SYSPORT_POLL_INTERNAL_TEST_UTIL_H_
