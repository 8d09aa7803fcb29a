#include "poll/copy_result.h"

#include <string_view>

namespace sysport::poll {

std::string_view Name(CopyMethod method) {
  switch (method) {
    case CopyMethod::kCopyFileRange:
      return "copy_file_range";
    case CopyMethod::kSendfile:
      return "sendfile";
    case CopyMethod::kSplice:
      return "splice";
    case CopyMethod::kClone:
      return "FICLONE";
  }
  return "unknown";
}

std::string_view Describe(Fallback fallback) {
  switch (fallback) {
    case Fallback::kAppendMode:
      return "O_APPEND destination";
    case Fallback::kSourceNotFile:
      return "source not an os::File";
    case Fallback::kSourceClosed:
      return "source closed";
    case Fallback::kNoKernelCopy:
      return "no in-kernel copy on this platform";
    case Fallback::kFileTypes:
      return "not for these file types";
    case Fallback::kReadWriteFaster:
      return "read/write measured faster for these file types";
    case Fallback::kKernelTooOld:
      return "kernel older than 5.3";
    case Fallback::kUnavailable:
      return "unavailable in this process";
    case Fallback::kRefused:
      return "refused these files";
    case Fallback::kNothingCopied:
      return "copied nothing";
    case Fallback::kNoPipe:
      return "no intermediate pipe";
    case Fallback::kSameFile:
      return "source and destination are one file";
  }
  return "unknown";
}

}  // namespace sysport::poll
