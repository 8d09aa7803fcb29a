// usage_of: runs a command and writes what it cost, for tools/bench/run's tree
// suite. Python cannot measure a child's peak RSS itself: a process's
// ru_maxrss never falls below the resident size of the memory it had when it
// called exec(2), and a child of the Python interpreter has the interpreter's
// (tens of MiB). A child of this small program starts from this program's
// (about 1 MiB), so ru_maxrss is the command's own to within that.
//
//   usage_of OUT CMD [ARGS...]
//
// Forks, runs CMD (killed if usage_of dies first), waits for it with
// wait4(2) and writes one line to OUT: the start and end on CLOCK_MONOTONIC
// in nanoseconds (taken around the fork and the wait, so usage_of's own
// start-up is not in them), CMD's user and system CPU in microseconds, its
// peak RSS in KiB and its exit status as a shell gives it (128 + a signal's
// number), which is also usage_of's exit status.

#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>

namespace {

int64_t Now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

int64_t Micros(const timeval& tv) { return int64_t{tv.tv_sec} * 1'000'000 + tv.tv_usec; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    (void)std::fputs("usage: usage_of OUT CMD [ARGS...]\n", stderr);
    return 2;
  }
  char** command = &argv[2];  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  const int64_t start = Now();
  const pid_t pid = ::fork();
  if (pid < 0) {
    std::perror("usage_of: fork");
    return 127;
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // NOLINT(cppcoreguidelines-pro-type-vararg)
    ::execvp(command[0], command);       // NOLINT(*-pointer-arithmetic)
    std::perror(command[0]);             // NOLINT(*-pointer-arithmetic)
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0) {
    if (errno != EINTR) {
      std::perror("usage_of: wait4");
      return 127;
    }
  }
  const int64_t end = Now();
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  std::FILE* out = std::fopen(argv[1], "we");  // NOLINT(*-pointer-arithmetic,*-owning-memory)
  if (out == nullptr) {
    std::perror(argv[1]);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
    return 127;
  }
  const int64_t max_rss = usage.ru_maxrss;  // NOLINT(*-union-access): glibc's anonymous union
  // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg)
  (void)std::fprintf(out, "%lld %lld %lld %lld %lld %d\n", static_cast<long long>(start),
                     static_cast<long long>(end), static_cast<long long>(Micros(usage.ru_utime)),
                     static_cast<long long>(Micros(usage.ru_stime)),
                     static_cast<long long>(max_rss), code);
  (void)std::fclose(out);  // NOLINT(cppcoreguidelines-owning-memory)
  return code;
}
