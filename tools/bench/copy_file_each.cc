// copy_file_each: os::CopyFile once per regular file of a flat directory, in
// one process: the big-file target's yardstick in tools/bench/run's tree suite
// (a tree copy of a few large files should take at most 2% more than
// os::CopyFile's own copies of them). DST is made like SRC (its permission
// bits, less the umask); each file with CopyFile's defaults.
//
//   copy_file_each SRC_DIR DST_DIR

#include <dirent.h>
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "io/io.h"
#include "os/copy_file.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    (void)std::fputs("usage: copy_file_each SRC_DIR DST_DIR\n", stderr);
    return 2;
  }
  const std::string src(argv[1]);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  const std::string dst(argv[2]);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  struct stat st {};
  DIR* dir = ::opendir(src.c_str());
  if (dir == nullptr || ::fstat(::dirfd(dir), &st) != 0 ||
      ::mkdir(dst.c_str(), st.st_mode & 07777) != 0) {
    std::perror(src.c_str());
    return 1;
  }
  int status = 0;
  // readdir(3) is safe here: one thread reads one stream (readdir_r is deprecated).
  // cppcheck-suppress readdirCalled
  while (const dirent* entry = ::readdir(dir)) {  // NOLINT(concurrency-mt-unsafe)
    const std::string_view name(&entry->d_name[0]);
    if (entry->d_type != DT_REG) continue;
    const sysport::io::Result copied =
        sysport::os::CopyFile(src + "/" + std::string(name), dst + "/" + std::string(name));
    if (!copied.ok()) {
      (void)std::fprintf(stderr, "copy_file_each: %s\n",
                         std::string(copied.status.message()).c_str());
      status = 1;
    }
  }
  ::closedir(dir);
  return status;
}
