"""The Linux targets sysport is built and tested for: one row per target.

Each row names the Bazel config (`--config=<name>` in .bazelrc, which selects
`//tools/platforms:<name>`), the Debian gcc triple that compiles for it and the
constraint values its platform is made of. tools/platforms/BUILD makes a
`platform` from each row and tools/toolchains/BUILD a C++ toolchain, so a
platform and its toolchain cannot disagree.

cpu values are the ones syscall/BUILD's select() reads: @platforms' names where
upstream has one, `//tools/platforms:mips` for 32-bit MIPS (upstream has none).
Upstream @platforms has no big-endian ppc64 value; `@platforms//cpu:ppc` plus
big_endian stands for it. Byte order (//tools/platforms:{big,little}_endian)
is on every row, so mips/mipsle, mips64/mips64le and ppc64/ppc64le differ.
"""

def _row(triple, cpu, endian, link_libs = []):
    return struct(
        triple = triple,
        constraint_values = [
            "@platforms//os:linux",
            cpu,
            "//tools/platforms:%s_endian" % endian,
            # .bazelrc's sysport_gcc links these targets' executables fully
            # static; targets that need a shared library skip them.
            "//tools/platforms:fully_static",
        ],
        link_libs = link_libs,
    )

# Abseil's cord code uses 64-bit atomics, which 32-bit MIPS has no instructions
# for: gcc calls libatomic (`undefined reference to __atomic_load_8` without it).
_LIBATOMIC = ["-latomic"]

SYSPORT_LINUX_TARGETS = {
    "linux_amd64": _row("x86_64-linux-gnu", "@platforms//cpu:x86_64", "little"),
    "linux_386": _row("i686-linux-gnu", "@platforms//cpu:x86_32", "little"),
    "linux_arm": _row("arm-linux-gnueabihf", "@platforms//cpu:arm", "little"),
    "linux_arm64": _row("aarch64-linux-gnu", "@platforms//cpu:aarch64", "little"),
    "linux_riscv64": _row("riscv64-linux-gnu", "@platforms//cpu:riscv64", "little"),
    "linux_mips": _row("mips-linux-gnu", "//tools/platforms:mips", "big", _LIBATOMIC),
    "linux_mipsle": _row("mipsel-linux-gnu", "//tools/platforms:mips", "little", _LIBATOMIC),
    "linux_mips64": _row("mips64-linux-gnuabi64", "@platforms//cpu:mips64", "big"),
    "linux_mips64le": _row("mips64el-linux-gnuabi64", "@platforms//cpu:mips64", "little"),
    "linux_ppc64": _row("powerpc64-linux-gnu", "@platforms//cpu:ppc", "big"),
    "linux_ppc64le": _row("powerpc64le-linux-gnu", "@platforms//cpu:ppc64le", "little"),
    "linux_s390x": _row("s390x-linux-gnu", "@platforms//cpu:s390x", "big"),
}
