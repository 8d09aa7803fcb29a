#ifndef SYSPORT_SYSCALL_SYSNUM_LINUX_S390X_H_
#define SYSPORT_SYSCALL_SYSNUM_LINUX_S390X_H_

// System-call numbers for s390x.
// Source: arch/s390/kernel/syscalls/syscall.tbl.

#ifndef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#error "include syscall/sysnum.h, which picks the table for the target"
#endif
#if !(defined(__linux__) && defined(__s390x__))
#error "sysnum_linux_s390x.h is for linux/s390x, not for this target"
#endif

namespace sysport::syscall::sysnum {

inline constexpr std::string_view kTable = "s390x";
inline constexpr SyscallNumber kCopyFileRange{375};
// sendfile: its offset is already 64 bits (loff_t) on this 64-bit ABI.
inline constexpr SyscallNumber kSendfile{187};
inline constexpr SyscallNumber kSplice{306};

// openat2 (Linux 5.6), renameat2 (3.15) and getdents64: a directory handle's
// confined opens, renames with flags, and reading a directory (os::Root).
inline constexpr SyscallNumber kOpenat2{437};
inline constexpr SyscallNumber kRenameat2{347};
inline constexpr SyscallNumber kGetdents64{220};

// ioctl(2) FICLONE, _IOW(0x94, 9, int) in the generic _IOC encoding
// (include/uapi/asm-generic/ioctl.h: write is 1, in bits 30-31).
inline constexpr IoctlRequest kFiclone{0x40049409};

}  // namespace sysport::syscall::sysnum

#endif  // SYSPORT_SYSCALL_SYSNUM_LINUX_S390X_H_
