// std_copy_tree: the C++ standard library's tree copy, a peer in
// tools/bench/run's tree suite: std::filesystem::copy(SRC, DST) with
// copy_options::recursive and copy_symlinks (links copied as links, as cp -r
// does), libstdc++'s as built with -c opt.
//
//   std_copy_tree SRC DST

#include <cstdio>
#include <filesystem>
#include <system_error>

int main(int argc, char** argv) {
  if (argc != 3) {
    (void)std::fputs("usage: std_copy_tree SRC DST\n", stderr);
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path src(argv[1]);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  const fs::path dst(argv[2]);  // NOLINT(cppcoreguidelines-pro-bounds-pointer-arithmetic)
  std::error_code error;
  fs::copy(src, dst, fs::copy_options::recursive | fs::copy_options::copy_symlinks, error);
  if (error) {
    (void)std::fprintf(stderr, "std_copy_tree: %s\n", error.message().c_str());
    return 1;
  }
  return 0;
}
