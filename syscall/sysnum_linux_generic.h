#ifndef SYSPORT_SYSCALL_SYSNUM_LINUX_GENERIC_H_
#define SYSPORT_SYSCALL_SYSNUM_LINUX_GENERIC_H_

// System-call numbers for the architectures on the kernel's generic table: arm64 and riscv64.
// Source: include/uapi/asm-generic/unistd.h.

#ifndef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#error "include syscall/sysnum.h, which picks the table for the target"
#endif
#if !(defined(__linux__) && (defined(__aarch64__) || (defined(__riscv) && __riscv_xlen == 64)))
#error "sysnum_linux_generic.h is for linux/arm64 and riscv64, not for this target"
#endif

namespace sysport::syscall::sysnum {

inline constexpr std::string_view kTable = "generic";
inline constexpr SyscallNumber kCopyFileRange{285};
// sendfile: its offset is already 64 bits (loff_t) on this 64-bit ABI.
inline constexpr SyscallNumber kSendfile{71};
inline constexpr SyscallNumber kSplice{76};

// openat2 (Linux 5.6), renameat2 (3.15) and getdents64: a directory handle's
// confined opens, renames with flags, and reading a directory (os::Root).
inline constexpr SyscallNumber kOpenat2{437};
inline constexpr SyscallNumber kRenameat2{276};
inline constexpr SyscallNumber kGetdents64{61};

// ioctl(2) FICLONE, _IOW(0x94, 9, int) in the generic _IOC encoding
// (include/uapi/asm-generic/ioctl.h: write is 1, in bits 30-31).
inline constexpr IoctlRequest kFiclone{0x40049409};

}  // namespace sysport::syscall::sysnum

#endif  // SYSPORT_SYSCALL_SYSNUM_LINUX_GENERIC_H_
