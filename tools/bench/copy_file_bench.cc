// copy_file_bench: whole-file copies, os::CopyFile against
// std::filesystem::copy_file (libstdc++'s, in this process) and GNU cp (a
// subprocess, one figure for reference), with plain Google Benchmark
// registration. Families, each per filesystem and implementation:
//
//   copy_file/LABEL/SIZE/IMPL    a file of random bytes (the size matrix)
//   sparse/LABEL/4GiB/IMPL       4 GiB with 1 MiB of data at 1 GiB, holes elsewhere
//
// where IMPL is sysport, std_filesystem or cp. Each iteration copies into a
// new file; only the copy is timed (manual time), then the destination is
// measured (allocated bytes, as a counter), synced and deleted untimed.
// tools/bench/report.py (copy_file_report) turns the JSON output
// (--benchmark_out) into docs/benchmarks.md's table of medians and ratios.
//
//   copy_file_bench --fs=LABEL=DIR[:DST_DIR],... [--sizes=4096,1048576,...]
//                   [--sparse_on=LABEL,...] [--benchmark_repetitions=5] [--benchmark_*]
//
// `tools/bench/run copy_file` sets up the filesystems (ext4, tmpfs, tmpfs to
// ext4, XFS with reflink=1) and runs it.

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "io/io.h"
#include "os/copy_file.h"

extern char** environ;  // NOLINT: posix_spawn's environment

namespace sysport::bench {
namespace {

enum class Impl : uint8_t { kSysport, kStdFilesystem, kCp };
constexpr std::array<Impl, 3> kImpls = {Impl::kSysport, Impl::kStdFilesystem, Impl::kCp};

std::string_view ImplName(Impl impl) {
  switch (impl) {
    case Impl::kSysport:
      return "sysport";
    case Impl::kStdFilesystem:
      return "std_filesystem";
    case Impl::kCp:
      return "cp";
  }
  return "?";
}

struct Target {
  std::string label;
  std::string src_dir;
  std::string dst_dir;
};

[[noreturn]] void Die(const std::string& what) {
  std::cerr << "copy_file_bench: " << what << "\n";
  std::exit(1);  // NOLINT(concurrency-mt-unsafe): single-threaded setup
}

std::string SizeName(int64_t size) {
  if (size % (int64_t{1} << 30) == 0) return absl::StrCat(size >> 30, "GiB");
  if (size % (int64_t{1} << 20) == 0) return absl::StrCat(size >> 20, "MiB");
  if (size % (int64_t{1} << 10) == 0) return absl::StrCat(size >> 10, "KiB");
  return absl::StrCat(size, "B");
}

void WriteAll(int fd, absl::Span<const char> data, int64_t offset) {
  while (!data.empty()) {
    const ssize_t w = ::pwrite(fd, data.data(), data.size(), offset);
    if (w <= 0) Die("pwrite failed");
    data.remove_prefix(static_cast<size_t>(w));
    offset += w;
  }
}

// A source file: `size` bytes, random where `data` says (all of it if empty),
// holes elsewhere; written and fsync()ed once.
std::string MakeSource(const std::string& dir, const std::string& name, int64_t size,
                       std::vector<std::pair<int64_t, int64_t>> data) {
  std::string path = absl::StrCat(dir, "/", name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) Die(absl::StrCat("cannot create ", path));
  if (data.empty()) data.emplace_back(0, size);
  // A fixed seed: the same bytes in every run and every repetition.
  std::mt19937_64 random(42);  // NOLINT(cert-msc32-c,cert-msc51-cpp)
  std::vector<char> chunk(size_t{4} << 20);
  for (const auto& [offset, length] : data) {
    for (int64_t done = 0; done < length;) {
      const auto n =
          static_cast<size_t>(std::min<int64_t>(length - done, static_cast<int64_t>(chunk.size())));
      for (size_t i = 0; i < n; i += 8) {
        const uint64_t r = random();
        std::memcpy(&chunk[i], &r, std::min<size_t>(8, n - i));
      }
      WriteAll(fd, absl::MakeConstSpan(chunk).first(n), offset + done);
      done += static_cast<int64_t>(n);
    }
  }
  if (::ftruncate(fd, size) != 0 || ::fsync(fd) != 0 || ::close(fd) != 0) Die("write " + path);
  return path;
}

void RunCp(const std::string& src, const std::string& dst) {
  // cp's defaults (coreutils 9: --reflink=auto, --sparse=auto).
  std::string cp = "cp";
  std::vector<char*> argv = {cp.data(), const_cast<char*>(src.c_str()),  // NOLINT
                             const_cast<char*>(dst.c_str()), nullptr};   // NOLINT
  pid_t pid = 0;
  if (::posix_spawnp(&pid, "cp", nullptr, nullptr, argv.data(), environ) != 0) Die("spawn cp");
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Die("cp failed");
  }
}

bool CopyOnce(Impl impl, const std::string& src, const std::string& dst) {
  switch (impl) {
    case Impl::kSysport:
      return os::CopyFile(src, dst).ok();
    case Impl::kStdFilesystem: {
      std::error_code ec;
      return std::filesystem::copy_file(src, dst, std::filesystem::copy_options::overwrite_existing,
                                        ec) &&
             !ec;
    }
    case Impl::kCp:
      RunCp(src, dst);
      return true;
  }
  return false;
}

void SyncDir(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    (void)::syncfs(fd);
    (void)::close(fd);
  }
}

void BM_Copy(benchmark::State& state, Impl impl, const std::string& src, const std::string& dst_dir,
             int64_t size) {
  const std::string dst = absl::StrCat(dst_dir, "/copy_file_bench.dst");
  (void)::unlink(dst.c_str());
  int64_t allocated = 0;
  for (auto _ : state) {
    const auto start = std::chrono::steady_clock::now();
    const bool ok = CopyOnce(impl, src, dst);
    const auto end = std::chrono::steady_clock::now();
    state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    struct stat st = {};
    if (!ok || ::stat(dst.c_str(), &st) != 0 || st.st_size != size) {
      state.SkipWithError("the copy failed or has the wrong size");
      break;
    }
    allocated = st.st_blocks * 512;
    SyncDir(dst_dir);
    (void)::unlink(dst.c_str());
  }
  state.SetBytesProcessed(state.iterations() * size);
  state.counters["dst_allocated_MiB"] = static_cast<double>(allocated) / (1 << 20);
}

// Iterations per repetition: enough for a stable figure at small sizes,
// one for the copies that take a second.
int64_t IterationsFor(int64_t size) {
  if (size <= (int64_t{64} << 10)) return 200;
  if (size <= (int64_t{4} << 20)) return 30;
  if (size <= (int64_t{64} << 20)) return 4;
  return 1;
}

// Our own flags, taken out of argv before Google Benchmark sees it.
std::string TakeFlag(int& argc, char** argv, std::string_view name, std::string fallback) {
  const std::string prefix = absl::StrCat("--", name, "=");
  const absl::Span<char*> args(argv, static_cast<size_t>(argc));
  for (size_t i = 1; i < args.size(); ++i) {
    const std::string_view arg(args[i]);
    if (arg.starts_with(prefix)) {
      std::string value(arg.substr(prefix.size()));
      std::rotate(args.begin() + static_cast<ptrdiff_t>(i),
                  args.begin() + static_cast<ptrdiff_t>(i) + 1, args.end());
      --argc;
      return value;
    }
  }
  return fallback;
}

int Main(int argc, char** argv) {
  const std::string fs_flag = TakeFlag(argc, argv, "fs", "tmp=/tmp");
  const std::string sizes_flag = TakeFlag(argc, argv, "sizes", "4096,1048576,67108864,536870912");
  const std::string sparse_flag = TakeFlag(argc, argv, "sparse_on", "");
  benchmark::Initialize(&argc, argv);

  std::vector<Target> targets;
  for (std::string_view entry : absl::StrSplit(fs_flag, ',', absl::SkipEmpty())) {
    const size_t eq = entry.find('=');
    if (eq == std::string_view::npos) Die(absl::StrCat("--fs: want LABEL=DIR[:DST], got ", entry));
    const std::string_view dirs = entry.substr(eq + 1);
    const size_t colon = dirs.find(':');
    targets.push_back(
        {std::string(entry.substr(0, eq)), std::string(dirs.substr(0, colon)),
         std::string(colon == std::string_view::npos ? dirs : dirs.substr(colon + 1))});
  }
  std::vector<int64_t> sizes;
  for (std::string_view text : absl::StrSplit(sizes_flag, ',', absl::SkipEmpty())) {
    int64_t size = 0;
    if (!absl::SimpleAtoi(text, &size) || size <= 0) Die(absl::StrCat("--sizes: ", text));
    sizes.push_back(size);
  }
  const std::vector<std::string> sparse_on = absl::StrSplit(sparse_flag, ',', absl::SkipEmpty());

  std::vector<std::string> sources;
  auto add = [&](const std::string& family, const Target& t, const std::string& src, int64_t size) {
    for (Impl impl : kImpls) {
      benchmark::RegisterBenchmark(
          absl::StrCat(family, "/", t.label, "/", SizeName(size), "/", ImplName(impl)).c_str(),
          BM_Copy, impl, src, t.dst_dir, size)
          ->UseManualTime()
          ->Iterations(IterationsFor(size))
          ->Unit(benchmark::kMillisecond);
    }
  };
  for (const Target& t : targets) {
    for (int64_t size : sizes) {
      const std::string src = MakeSource(t.src_dir, "copy_file_bench." + SizeName(size), size, {});
      sources.push_back(src);
      add("copy_file", t, src, size);
    }
    if (std::find(sparse_on.begin(), sparse_on.end(), t.label) != sparse_on.end()) {
      const int64_t size = int64_t{4} << 30;
      const std::string src = MakeSource(t.src_dir, "copy_file_bench.sparse", size,
                                         {{int64_t{1} << 30, int64_t{1} << 20}});
      sources.push_back(src);
      add("sparse", t, src, size);
    }
  }

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  for (const std::string& src : sources) (void)::unlink(src.c_str());
  return 0;
}

}  // namespace
}  // namespace sysport::bench

int main(int argc, char** argv) { return sysport::bench::Main(argc, argv); }
