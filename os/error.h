#ifndef SYSPORT_OS_ERROR_H_
#define SYSPORT_OS_ERROR_H_

// Errors of package os, with Go's message shape:
//   open /nope: no such file or directory
//   write /tmp/dst: copy_file_range: no space left on device
//   read /tmp/src: file already closed
// The path is shown as os/quote.h's QuoteName shows it: as it is when a shell
// would read it back unchanged, else shell-quoted ('a b', 'a'$'\n''b'), where
// Go prints it raw.
// Each carries an absl::StatusCode mapped from the errno (absl::ErrnoToStatusCode)
// and, where one exists, the errno itself, which ErrnoOf() recovers.

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "syscall/errno.h"

namespace sysport::os {

// Go's os.PathError: `op path: message`. With a non-empty `syscall_name`, also
// Go's os.SyscallError inside it: `op path: syscall_name: message`.
absl::Status PathError(std::string_view op, std::string_view path, syscall::Errno err,
                       std::string_view syscall_name = {});

// Go's os.ErrClosed inside a PathError: `op path: file already closed`.
// Code kFailedPrecondition, no errno.
absl::Status ClosedError(std::string_view op, std::string_view path);

// cp's refusal to copy a file onto itself (the same device and inode):
// `'src' and 'dst' are the same file`, names always quoted, then `hint` (a
// caller's advice, from its leading space). Code kInvalidArgument, no errno.
absl::Status SameFileError(std::string_view src, std::string_view dst, std::string_view hint = {});

// Go's os.LinkError: `op old new: message`, for calls on two names (link,
// rename).
absl::Status LinkError(std::string_view op, std::string_view old_path, std::string_view new_path,
                       syscall::Errno err);

// os::Root's refusal of a name whose resolution leaves the root (Go's
// errPathEscapes): `op path: path escapes from the root`, or with two names
// `op old new: path escapes from the root`. Code kPermissionDenied, no errno.
absl::Status PathEscapeError(std::string_view op, std::string_view path);
absl::Status LinkEscapeError(std::string_view op, std::string_view old_path,
                             std::string_view new_path);

// Whether the status is such a refusal.
bool IsPathEscape(const absl::Status& status);

// The errno behind a status made by this package, if any.
std::optional<int> ErrnoOf(const absl::Status& status);

// Whether the status says the file was already closed (Go: errors.Is(err, os.ErrClosed)).
bool IsClosed(const absl::Status& status);

}  // namespace sysport::os

#endif  // SYSPORT_OS_ERROR_H_
