#ifndef SYSPORT_SYSCALL_SYSNUM_LINUX_MIPSX_H_
#define SYSPORT_SYSCALL_SYSNUM_LINUX_MIPSX_H_

// System-call numbers for mips and mipsle (o32 ABI: the o32 table's number plus 4000).
// Source: arch/mips/kernel/syscalls/syscall_o32.tbl.

#ifndef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#error "include syscall/sysnum.h, which picks the table for the target"
#endif
#if !(defined(__linux__) && defined(__mips__) && defined(_ABIO32) && _MIPS_SIM == _ABIO32)
#error "sysnum_linux_mipsx.h is for linux/mips and mipsle (o32), not for this target"
#endif

namespace sysport::syscall::sysnum {

inline constexpr std::string_view kTable = "mipsx";
inline constexpr SyscallNumber kCopyFileRange{4360};
// sendfile64: the 32-bit ABI's sendfile with a 64-bit (loff_t) offset.
inline constexpr SyscallNumber kSendfile{4237};
inline constexpr SyscallNumber kSplice{4304};

// openat2 (Linux 5.6), renameat2 (3.15) and getdents64: a directory handle's
// confined opens, renames with flags, and reading a directory (os::Root).
inline constexpr SyscallNumber kOpenat2{4437};
inline constexpr SyscallNumber kRenameat2{4351};
inline constexpr SyscallNumber kGetdents64{4219};

// ioctl(2) FICLONE, _IOW(0x94, 9, int) in mips' own _IOC encoding
// (arch/mips/include/uapi/asm/ioctl.h: write is 4, in bits 29-31).
inline constexpr IoctlRequest kFiclone{0x80049409};

}  // namespace sysport::syscall::sysnum

#endif  // SYSPORT_SYSCALL_SYSNUM_LINUX_MIPSX_H_
