#ifndef SYSPORT_SYSCALL_SYSNUM_LINUX_386_H_
#define SYSPORT_SYSCALL_SYSNUM_LINUX_386_H_

// System-call numbers for 386 (i386 and later, 32-bit).
// Source: arch/x86/entry/syscalls/syscall_32.tbl.

#ifndef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#error "include syscall/sysnum.h, which picks the table for the target"
#endif
#if !(defined(__linux__) && defined(__i386__))
#error "sysnum_linux_386.h is for linux/386, not for this target"
#endif

namespace sysport::syscall::sysnum {

inline constexpr std::string_view kTable = "386";
inline constexpr SyscallNumber kCopyFileRange{377};
// sendfile64: the 32-bit ABI's sendfile with a 64-bit (loff_t) offset.
inline constexpr SyscallNumber kSendfile{239};
inline constexpr SyscallNumber kSplice{313};

// openat2 (Linux 5.6), renameat2 (3.15) and getdents64: a directory handle's
// confined opens, renames with flags, and reading a directory (os::Root).
inline constexpr SyscallNumber kOpenat2{437};
inline constexpr SyscallNumber kRenameat2{353};
inline constexpr SyscallNumber kGetdents64{220};

// ioctl(2) FICLONE, _IOW(0x94, 9, int) in the generic _IOC encoding
// (include/uapi/asm-generic/ioctl.h: write is 1, in bits 30-31).
inline constexpr IoctlRequest kFiclone{0x40049409};

}  // namespace sysport::syscall::sysnum

#endif  // SYSPORT_SYSCALL_SYSNUM_LINUX_386_H_
