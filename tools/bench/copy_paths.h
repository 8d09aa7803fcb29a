#ifndef SYSPORT_TOOLS_BENCH_COPY_PATHS_H_
#define SYSPORT_TOOLS_BENCH_COPY_PATHS_H_

// The ways the benchmarks copy bytes from one open file to another,
// shared by the benchmark (copy_bench.cc) and small_copy (strace, callgrind),
// so both measure exactly the same code.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "io/io.h"
#include "os/file.h"

namespace sysport::bench {

enum class Path : uint8_t {
  // io::Copy(dst, src) with both os::Files: File::ReadFrom tries
  // copy_file_range(2) and falls back to its read/write loop.
  kFast,
  // io::Copy(dst, ReaderOnly(src)): the source is not an os::File, so
  // File::ReadFrom goes straight to its read/write loop (the generic path, with
  // io::Copy's own buffer of io::kCopyBufferSize), as for any other reader.
  kGeneric,
  // read(2)/write(2) with a 32 KiB stack buffer (Go's io.Copy size) on the two
  // descriptors, no sysport code: the reference the generic path is held to.
  kPlain32k,
  // The plain loop's read/write calls made with os::File::Read and
  // os::File::Write instead (a 32 KiB stack buffer): what sysport's File
  // costs per system call (its FD's lock word, errors as values) without io's
  // loop or File::ReadFrom. The floor under the generic path; paths_paired only.
  kFileCalls,
  // The same loop calling Read and Write through io::Reader& and io::Writer&
  // (virtual calls, as Go's interfaces): file_calls plus what any copy through
  // Go's interfaces costs. paths_paired only.
  kInterfaceCalls,
  // dst.ReadFrom(ReaderOnly(src)): the generic path without io::Copy's
  // dispatch (the queries for WriterTo and ReaderFrom, io::CopyBuffer's frame);
  // interface_calls plus the reader's own frame, io's loop and File::ReadFrom.
  // paths_paired only.
  kReadFrom,
  // The fast path's system calls on the two descriptors, made by hand with no
  // sysport code: copy_file_range(2) until it returns 0 (sendfile(2) where it
  // refuses two filesystems). The fast path's floor, as plain32k is the
  // generic path's: its ratio to plain32k is the kernel's own difference
  // between the two ways, which no user-space code can remove. paths_paired
  // only.
  kPlainKernel,
};

// The paths file_to_file and its neighbours compare.
inline constexpr std::array<Path, 3> kAllPaths = {Path::kFast, Path::kGeneric, Path::kPlain32k};
// paths_paired's: the same, the floor and the layers between the floor and
// the generic path, one at a time, and the fast path's floor.
inline constexpr std::array<Path, 7> kPairedPaths = {
    Path::kFast,           Path::kGeneric,  Path::kPlain32k,   Path::kFileCalls,
    Path::kInterfaceCalls, Path::kReadFrom, Path::kPlainKernel};

// "fast", "generic", "plain32k", "file_calls", "interface_calls", "read_from",
// "plain_kernel": the names the report and small_copy use.
std::string_view PathName(Path path);
std::optional<Path> ParsePath(std::string_view name);

// A Reader that is not an os::File: File::ReadFrom cannot give it to
// copy_file_range, so io::Copy(file, ReaderOnly(other)) takes exactly the
// generic path that any non-file source takes.
class ReaderOnly final : public io::Reader {
 public:
  explicit ReaderOnly(io::Reader& reader) : reader_(&reader) {}
  absl::StatusOr<int64_t> Read(absl::Span<char> buf) override { return reader_->Read(buf); }

 private:
  io::Reader* reader_;
};

// A Writer that is not an io::ReaderFrom: io::CopyBuffer cannot hand the copy
// to File::ReadFrom and runs its loop with the caller's buffer.
class WriterOnly final : public io::Writer {
 public:
  explicit WriterOnly(io::Writer& writer) : writer_(&writer) {}
  io::Result Write(absl::Span<const char> buf) override { return writer_->Write(buf); }

 private:
  io::Writer* writer_;
};

// Copies from src's offset to its end into dst, the way `path` says.
io::Result CopyOnce(Path path, os::File& dst, os::File& src);

}  // namespace sysport::bench

#endif  // SYSPORT_TOOLS_BENCH_COPY_PATHS_H_
