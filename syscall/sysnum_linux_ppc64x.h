#ifndef SYSPORT_SYSCALL_SYSNUM_LINUX_PPC64X_H_
#define SYSPORT_SYSCALL_SYSNUM_LINUX_PPC64X_H_

// System-call numbers for ppc64 and ppc64le.
// Source: arch/powerpc/kernel/syscalls/syscall.tbl.

#ifndef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#error "include syscall/sysnum.h, which picks the table for the target"
#endif
#if !(defined(__linux__) && defined(__powerpc64__))
#error "sysnum_linux_ppc64x.h is for linux/ppc64 and ppc64le, not for this target"
#endif

namespace sysport::syscall::sysnum {

inline constexpr std::string_view kTable = "ppc64x";
inline constexpr SyscallNumber kCopyFileRange{379};
// sendfile: its offset is already 64 bits (loff_t) on this 64-bit ABI.
inline constexpr SyscallNumber kSendfile{186};
inline constexpr SyscallNumber kSplice{283};

// openat2 (Linux 5.6), renameat2 (3.15) and getdents64: a directory handle's
// confined opens, renames with flags, and reading a directory (os::Root).
inline constexpr SyscallNumber kOpenat2{437};
inline constexpr SyscallNumber kRenameat2{357};
inline constexpr SyscallNumber kGetdents64{202};

// ioctl(2) FICLONE, _IOW(0x94, 9, int) in powerpc's own _IOC encoding
// (arch/powerpc/include/uapi/asm/ioctl.h: write is 4, in bits 29-31).
inline constexpr IoctlRequest kFiclone{0x80049409};

}  // namespace sysport::syscall::sysnum

#endif  // SYSPORT_SYSCALL_SYSNUM_LINUX_PPC64X_H_
