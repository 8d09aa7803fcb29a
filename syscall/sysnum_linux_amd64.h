#ifndef SYSPORT_SYSCALL_SYSNUM_LINUX_AMD64_H_
#define SYSPORT_SYSCALL_SYSNUM_LINUX_AMD64_H_

// System-call numbers for amd64 (x86-64, LP64 ABI).
// Source: arch/x86/entry/syscalls/syscall_64.tbl.

#ifndef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#error "include syscall/sysnum.h, which picks the table for the target"
#endif
#if !(defined(__linux__) && defined(__x86_64__) && !defined(__ILP32__))
#error "sysnum_linux_amd64.h is for linux/amd64, not for this target"
#endif

namespace sysport::syscall::sysnum {

inline constexpr std::string_view kTable = "amd64";
inline constexpr SyscallNumber kCopyFileRange{326};
// sendfile: its offset is already 64 bits (loff_t) on this 64-bit ABI.
inline constexpr SyscallNumber kSendfile{40};
inline constexpr SyscallNumber kSplice{275};

// openat2 (Linux 5.6), renameat2 (3.15) and getdents64: a directory handle's
// confined opens, renames with flags, and reading a directory (os::Root).
inline constexpr SyscallNumber kOpenat2{437};
inline constexpr SyscallNumber kRenameat2{316};
inline constexpr SyscallNumber kGetdents64{217};

// ioctl(2) FICLONE, _IOW(0x94, 9, int) in the generic _IOC encoding
// (include/uapi/asm-generic/ioctl.h: write is 1, in bits 30-31).
inline constexpr IoctlRequest kFiclone{0x40049409};

}  // namespace sysport::syscall::sysnum

#endif  // SYSPORT_SYSCALL_SYSNUM_LINUX_AMD64_H_
