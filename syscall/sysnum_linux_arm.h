#ifndef SYSPORT_SYSCALL_SYSNUM_LINUX_ARM_H_
#define SYSPORT_SYSCALL_SYSNUM_LINUX_ARM_H_

// System-call numbers for arm (32-bit, EABI).
// Source: arch/arm/tools/syscall.tbl.

#ifndef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#error "include syscall/sysnum.h, which picks the table for the target"
#endif
#if !(defined(__linux__) && defined(__arm__) && defined(__ARM_EABI__))
#error "sysnum_linux_arm.h is for linux/arm (EABI), not for this target"
#endif

namespace sysport::syscall::sysnum {

inline constexpr std::string_view kTable = "arm";
inline constexpr SyscallNumber kCopyFileRange{391};
// sendfile64: the 32-bit ABI's sendfile with a 64-bit (loff_t) offset.
inline constexpr SyscallNumber kSendfile{239};
inline constexpr SyscallNumber kSplice{340};

// openat2 (Linux 5.6), renameat2 (3.15) and getdents64: a directory handle's
// confined opens, renames with flags, and reading a directory (os::Root).
inline constexpr SyscallNumber kOpenat2{437};
inline constexpr SyscallNumber kRenameat2{382};
inline constexpr SyscallNumber kGetdents64{217};

// ioctl(2) FICLONE, _IOW(0x94, 9, int) in the generic _IOC encoding
// (include/uapi/asm-generic/ioctl.h: write is 1, in bits 30-31).
inline constexpr IoctlRequest kFiclone{0x40049409};

}  // namespace sysport::syscall::sysnum

#endif  // SYSPORT_SYSCALL_SYSNUM_LINUX_ARM_H_
