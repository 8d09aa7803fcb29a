#ifndef SYSPORT_SYSCALL_SYSNUM_H_
#define SYSPORT_SYSCALL_SYSNUM_H_

// Linux system-call numbers (and ioctl request numbers) of the target
// architecture, as typed constants.
//
// As in Go's internal/syscall/unix (sysnum_linux_$GOARCH.go), each
// architecture family has one small file of constants. The build picks the
// file with select() on the target platform's @platforms cpu value and defines
// the matching SYSPORT_SYSNUM_LINUX_* macro (see syscall/BUILD); the chosen
// file then checks the compiler's own target macros, so a wrong pairing of
// platform and compiler is a compile error, not a wrong system call at run
// time. syscall/sysnum_test.cc compares every entry with the kernel headers of
// the architecture being built.

#include <string_view>

namespace sysport::syscall {

// A system-call number. Its own type, so that only the constants below can be
// passed where a number is expected.
enum class SyscallNumber : long {};  // NOLINT(google-runtime-int): syscall(2) takes long

// An ioctl(2) request number. Its encoding (_IOC: direction, size, type and
// number bits) differs between architectures, so requests live in the same
// per-architecture tables as the system-call numbers.
// NOLINTNEXTLINE(google-runtime-int): ioctl(2) takes unsigned long
enum class IoctlRequest : unsigned long {};

}  // namespace sysport::syscall

#define SYSPORT_SYSCALL_SYSNUM_H_INSIDE_
#if defined(SYSPORT_SYSNUM_LINUX_AMD64)
#include "syscall/sysnum_linux_amd64.h"
#elif defined(SYSPORT_SYSNUM_LINUX_386)
#include "syscall/sysnum_linux_386.h"
#elif defined(SYSPORT_SYSNUM_LINUX_ARM)
#include "syscall/sysnum_linux_arm.h"
#elif defined(SYSPORT_SYSNUM_LINUX_GENERIC)
#include "syscall/sysnum_linux_generic.h"
#elif defined(SYSPORT_SYSNUM_LINUX_MIPSX)
#include "syscall/sysnum_linux_mipsx.h"
#elif defined(SYSPORT_SYSNUM_LINUX_MIPS64X)
#include "syscall/sysnum_linux_mips64x.h"
#elif defined(SYSPORT_SYSNUM_LINUX_PPC64X)
#include "syscall/sysnum_linux_ppc64x.h"
#elif defined(SYSPORT_SYSNUM_LINUX_S390X)
#include "syscall/sysnum_linux_s390x.h"
#else
#error "no system-call table for this target: the build defined no SYSPORT_SYSNUM_LINUX_* macro"
#endif
#undef SYSPORT_SYSCALL_SYSNUM_H_INSIDE_

#endif  // SYSPORT_SYSCALL_SYSNUM_H_
