#ifndef SYSPORT_SYSCALL_SYSNUM_LINUX_MIPS64X_H_
#define SYSPORT_SYSCALL_SYSNUM_LINUX_MIPS64X_H_

// System-call numbers for mips64 and mips64le (n64 ABI: 5000 + the n64 table's number).
// Source: arch/mips/kernel/syscalls/syscall_n64.tbl.

#ifndef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#error "include syscall/sysnum.h, which picks the table for the target"
#endif
#if !(defined(__linux__) && defined(__mips__) && defined(_ABI64) && _MIPS_SIM == _ABI64)
#error "sysnum_linux_mips64x.h is for linux/mips64 and mips64le (n64), not for this target"
#endif

namespace sysport::syscall::sysnum {

inline constexpr std::string_view kTable = "mips64x";
inline constexpr SyscallNumber kCopyFileRange{5320};
// sendfile: its offset is already 64 bits (loff_t) on this 64-bit ABI.
inline constexpr SyscallNumber kSendfile{5039};
inline constexpr SyscallNumber kSplice{5263};

// openat2 (Linux 5.6), renameat2 (3.15) and getdents64: a directory handle's
// confined opens, renames with flags, and reading a directory (os::Root).
inline constexpr SyscallNumber kOpenat2{5437};
inline constexpr SyscallNumber kRenameat2{5311};
inline constexpr SyscallNumber kGetdents64{5308};

// ioctl(2) FICLONE, _IOW(0x94, 9, int) in mips' own _IOC encoding
// (arch/mips/include/uapi/asm/ioctl.h: write is 4, in bits 29-31).
inline constexpr IoctlRequest kFiclone{0x80049409};

}  // namespace sysport::syscall::sysnum

#endif  // SYSPORT_SYSCALL_SYSNUM_LINUX_MIPS64X_H_
