// floor_tree: a measuring stick for tree copies, not a copier. It makes the
// fewest system calls a copy of each regular file needs on Linux: open the
// source, fstat it (its size and mode), open the destination with
// O_CREAT|O_EXCL, copy_file_range until the size is copied, close both.
// Directories are made and symbolic links copied by one walker, in one pass
// before any file is copied; the files are then copied by THREADS threads
// taking the next file from one shared counter. Nothing is preserved beyond
// the permission bits (as given to mkdir and open, so less the umask), and
// the first error stops the program: tools/bench/run's tree suite compares
// copiers against its time.
//
//   floor_tree SRC DST THREADS

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace sysport::bench {
namespace {

struct FileToCopy {
  std::string src;
  std::string dst;
};

[[noreturn]] void Fail(std::string_view what, const std::string& path) {
  (void)std::fprintf(stderr, "floor_tree: %.*s %s: %s\n", static_cast<int>(what.size()),
                     what.data(), path.c_str(),
                     std::strerror(errno));  // NOLINT(concurrency-mt-unsafe)
  std::_Exit(1);
}

// A directory to make, like the source directory it copies.
struct Directory {
  std::string src;
  std::string dst;
  mode_t mode;
};

// Copies one entry of the directory `here`: a directory goes on the work
// list, a symbolic link is made at once, a regular file goes on `files`.
void Entry(const Directory& here, const dirent& entry, std::vector<Directory>& todo,
           std::vector<FileToCopy>& files) {
  const std::string_view name(&entry.d_name[0]);
  if (name == "." || name == "..") return;
  std::string from = here.src + "/" + std::string(name);
  std::string to = here.dst + "/" + std::string(name);
  unsigned char type = entry.d_type;
  struct stat st {};
  if (type == DT_DIR || type == DT_UNKNOWN) {  // a directory's mode needs a stat
    if (::lstat(from.c_str(), &st) != 0) Fail("lstat", from);
    type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
  }
  if (type == DT_DIR) {
    todo.push_back({std::move(from), std::move(to), st.st_mode});
  } else if (type == DT_LNK) {
    std::string target(PATH_MAX, '\0');
    const ssize_t n = ::readlink(from.c_str(), target.data(), target.size());
    if (n < 0) Fail("readlink", from);
    target.resize(static_cast<size_t>(n));
    if (::symlink(target.c_str(), to.c_str()) != 0) Fail("symlink", to);
  } else {
    files.push_back({std::move(from), std::move(to)});
  }
}

// Makes dst (a directory like src) and, below it, every directory and
// symbolic link of src, one directory after another (a work list, not
// recursion); appends src's regular files to `files`.
void Walk(Directory top, std::vector<FileToCopy>& files) {
  std::vector<Directory> todo = {std::move(top)};
  while (!todo.empty()) {
    const Directory here = std::move(todo.back());
    todo.pop_back();
    if (::mkdir(here.dst.c_str(), here.mode & 07777) != 0) Fail("mkdir", here.dst);
    DIR* dir = ::opendir(here.src.c_str());
    if (dir == nullptr) Fail("opendir", here.src);
    // readdir(3) is safe here: one thread reads one stream (readdir_r is deprecated).
    // cppcheck-suppress readdirCalled
    while (const dirent* entry = ::readdir(dir)) {  // NOLINT(concurrency-mt-unsafe)
      Entry(here, *entry, todo, files);
    }
    ::closedir(dir);
  }
}

void CopyFile(const FileToCopy& file) {
  const int in = ::open(file.src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) Fail("open", file.src);
  struct stat st {};
  if (::fstat(in, &st) != 0) Fail("fstat", file.src);
  const int out =
      ::open(file.dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777);
  if (out < 0) Fail("open", file.dst);
  for (off_t left = st.st_size; left > 0;) {
    const ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, static_cast<size_t>(left), 0);
    if (n <= 0) Fail(n == 0 ? "copy_file_range (source shrank)" : "copy_file_range", file.dst);
    left -= n;
  }
  ::close(out);
  ::close(in);
}

int Main(int argc, char** argv) {
  if (argc != 4) {
    (void)std::fputs("usage: floor_tree SRC DST THREADS\n", stderr);
    return 2;
  }
  const std::vector<std::string> args(argv + 1, argv + argc);  // NOLINT(*-pointer-arithmetic)
  const int threads = std::atoi(args[2].c_str());  // NOLINT(cert-err34-c): checked below
  if (threads < 1) {
    (void)std::fputs("floor_tree: THREADS must be at least 1\n", stderr);
    return 2;
  }
  struct stat st {};
  if (::stat(args[0].c_str(), &st) != 0) Fail("stat", args[0]);
  std::vector<FileToCopy> files;
  Walk({args[0], args[1], st.st_mode}, files);

  std::atomic<size_t> next{0};
  auto copy_files = [&files, &next] {
    for (size_t i = next++; i < files.size(); i = next++) CopyFile(files[i]);
  };
  std::vector<std::thread> workers;
  for (int i = 1; i < threads; ++i) workers.emplace_back(copy_files);
  copy_files();  // the main thread is one of them
  for (std::thread& worker : workers) worker.join();
  return 0;
}

}  // namespace
}  // namespace sysport::bench

int main(int argc, char** argv) { return sysport::bench::Main(argc, argv); }
