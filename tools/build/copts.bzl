"""Compiler options shared by every sysport C++ target (Abseil's habit: one .bzl)."""

# Warnings for project code. -Werror is separate (SYSPORT_COPTS below adds it
# unless //tools/build:werror is false), so a monorepo on a newer compiler can
# build sysport without failing on warnings that compiler invented.
SYSPORT_WARNINGS = [
    "-Wall",
    "-Wextra",
    "-Wconversion",
    "-Wsign-conversion",
    "-Wshadow",
    "-Wnon-virtual-dtor",
    "-Wold-style-cast",
    "-Wcast-align",
    "-Wunused",
    "-Woverloaded-virtual",
    "-Wnull-dereference",
    "-Wdouble-promotion",
    "-Wformat=2",
    "-Wimplicit-fallthrough",
    "-Wmissing-declarations",
]

# Clang only. Its thread-safety analysis proves the locking discipline that
# the ABSL_GUARDED_BY / ABSL_*_LOCKS_REQUIRED annotations state (poll::FD,
# poll::internal::FdMutex, every absl::Mutex user); -beta adds the checks of
# guarded members reached through pointers and of scoped-lockable types.
# //poll:thread_safety_test proves that a missing lock fails the build.
# The rest are clang warnings gcc lacks (or spells differently), on top of
# SYSPORT_WARNINGS.
SYSPORT_CLANG_WARNINGS = [
    "-Wthread-safety",
    "-Wthread-safety-beta",
    "-Wshadow-all",  # also fields, lambda captures and constructor parameters
    "-Wextra-semi",
    "-Wunreachable-code-aggressive",
    "-Wcomma",
    "-Wloop-analysis",
    "-Wundef",
    "-Wzero-as-null-pointer-constant",
    "-Wmissing-prototypes",
    "-Wunused-member-function",
    "-Wunused-template",
    "-Wsuggest-override",
    "-Wimplicit-int-float-conversion",
    "-Wdeprecated",
    "-Wnewline-eof",
]

SYSPORT_COPTS = SYSPORT_WARNINGS + select({
    "//tools/build:clang": SYSPORT_CLANG_WARNINGS,
    "//conditions:default": [],
}) + select({
    "//tools/build:werror_enabled": ["-Werror"],
    "//conditions:default": [],
})

# Preprocessor definitions every sysport target compiles with, as
# `local_defines`: they shape sysport's own translation units only and never
# reach a user's. _FILE_OFFSET_BITS=64 gives 32-bit targets (386, arm, mips)
# 64-bit off_t and struct stat, so files above 2 GiB work. Only sysport's
# internal headers mention such types (syscall/unix.h, poll/fd.h), and
# syscall/unix.h refuses to compile without it; the public headers (os/, io/)
# use fixed-width types only, so a user compiled without it, as the 32-bit
# tests/consumer build is, sees the same layouts sysport was built with.
SYSPORT_LOCAL_DEFINES = ["_FILE_OFFSET_BITS=64"]

# Tests use GoogleTest macros, which trip a few of the warnings above in
# GoogleTest's own headers' expansions. Each relaxation says why.
SYSPORT_TEST_COPTS = SYSPORT_COPTS + [
    # TEST() defines functions with no prior declaration.
    "-Wno-missing-declarations",
]
