"""One macro that turns a row of targets.bzl into a Bazel C++ toolchain.

The compilers are Debian's gcc packages: g++-12 for the host and g++-<triple>
(gcc 12) for every other target, installed by tools/bazel when a config asks
for them. The feature machinery (compile, link, archive, dependency files,
pic, ...) is Bazel's own unix_cc_toolchain_config, the one Bazel's
autoconfigured host toolchain uses; this macro only fills in paths and flags.
Bazel 8 moved that file from @bazel_tools//tools/cpp into rules_cc (bazelbuild/bazel#23809),
at the label loaded below; on Bazel 4.2.3 tools/workspace/debian.bzl makes the
same label re-export 4.2.3's @bazel_tools file, so the toolchains are unchanged.
"""

load("@rules_cc//cc:defs.bzl", "cc_toolchain")

# buildifier: disable=bzl-visibility
load("@rules_cc//cc/private/toolchain:unix_cc_toolchain_config.bzl", "cc_toolchain_config")

# Where the compilers run: every toolchain here is a cross (or native) compiler
# hosted on x86_64 Linux.
_EXEC_TRIPLE = "x86_64-linux-gnu"

_EXEC_CONSTRAINTS = [
    "@platforms//os:linux",
    "@platforms//cpu:x86_64",
]

def gcc_toolchain(name, triple, constraint_values, link_libs = [], gcc_version = "12"):
    """A C++ toolchain for Debian's gcc that targets `triple`.

    Defines `<name>` (the `toolchain`, for --extra_toolchains or
    register_toolchains), `<name>_cc` (the cc_toolchain) and `<name>_config`.

    Args:
      name: the target's name, e.g. "linux_s390x".
      triple: Debian's GNU triple, e.g. "s390x-linux-gnu"; the tools are
        /usr/bin/<triple>-gcc-<gcc_version>, /usr/bin/<triple>-ar, ...
      constraint_values: the target platform's constraint values.
      link_libs: libraries every link needs on this target (after all others).
      gcc_version: gcc's major version, as in Debian's package names.
    """
    tool = "/usr/bin/%s-" % triple
    if triple == _EXEC_TRIPLE:
        # The native compiler searches the machine's own headers.
        include_dirs = [
            "/usr/lib/gcc/%s/%s" % (triple, gcc_version),
            "/usr/local/include",
            "/usr/include",
        ]
    else:
        # A Debian cross compiler's headers: libstdc++ and libc (from the
        # libc6-dev-<arch>-cross package, kernel uapi headers included) under
        # /usr/<triple>/include, gcc's own under /usr/lib/gcc-cross. Its search
        # path also ends in the host's /usr/include; leaving that out here
        # makes Bazel's include check fail on any host header leaking in.
        include_dirs = [
            "/usr/lib/gcc-cross/%s/%s" % (triple, gcc_version),
            "/usr/%s/include" % triple,
        ]

    cc_toolchain_config(
        name = name + "_config",
        cpu = name,
        compiler = "gcc",
        toolchain_identifier = name,
        # Bazel 4.2.3 makes this mandatory, though nothing reads it.
        host_system_name = _EXEC_TRIPLE,
        target_system_name = triple,
        target_libc = "glibc",
        abi_version = "gcc-" + gcc_version,
        abi_libc_version = "glibc",
        cxx_builtin_include_directories = include_dirs,
        tool_paths = {
            "ar": tool + "ar",
            "cpp": tool + "cpp-" + gcc_version,
            # Used only with --fission; binutils has no dwp for riscv64.
            "dwp": tool + "dwp",
            "gcc": tool + "gcc-" + gcc_version,
            "gcov": tool + "gcov-" + gcc_version,
            "ld": tool + "ld",
            "nm": tool + "nm",
            "objcopy": tool + "objcopy",
            "objdump": tool + "objdump",
            "strip": tool + "strip",
            # Bazel 4.2.3 requires the key; sysport collects no LLVM coverage.
            "llvm-cov": "/bin/false",
        },
        # The same flags as Bazel's autoconfigured gcc toolchain, except
        # -fuse-ld=gold (binutils has no gold for riscv64).
        compile_flags = [
            "-U_FORTIFY_SOURCE",
            "-fstack-protector",
            "-Wall",
            "-Wunused-but-set-parameter",
            "-Wno-free-nonheap-object",
            "-fno-omit-frame-pointer",
        ],
        opt_compile_flags = [
            "-g0",
            "-O2",
            "-D_FORTIFY_SOURCE=1",
            "-DNDEBUG",
            "-ffunction-sections",
            "-fdata-sections",
        ],
        dbg_compile_flags = ["-g"],
        link_flags = [
            "-Wl,-no-as-needed",
            "-Wl,-z,relro,-z,now",
            "-pass-exit-codes",
        ],
        link_libs = ["-lstdc++", "-lm"] + link_libs,
        opt_link_flags = ["-Wl,--gc-sections"],
        unfiltered_compile_flags = [
            "-fno-canonical-system-headers",
            "-Wno-builtin-macro-redefined",
            "-D__DATE__=\"redacted\"",
            "-D__TIMESTAMP__=\"redacted\"",
            "-D__TIME__=\"redacted\"",
        ],
        coverage_compile_flags = ["--coverage"],
        coverage_link_flags = ["--coverage"],
        supports_start_end_lib = False,
    )

    # The compiler and its libraries live in /usr, outside the workspace, and
    # are named by absolute path: the sandbox sees them without declared inputs.
    native.filegroup(name = name + "_files")

    cc_toolchain(
        name = name + "_cc",
        toolchain_identifier = name,
        toolchain_config = ":%s_config" % name,
        all_files = ":%s_files" % name,
        ar_files = ":%s_files" % name,
        as_files = ":%s_files" % name,
        compiler_files = ":%s_files" % name,
        dwp_files = ":%s_files" % name,
        linker_files = ":%s_files" % name,
        objcopy_files = ":%s_files" % name,
        strip_files = ":%s_files" % name,
        supports_param_files = True,
    )

    native.toolchain(
        name = name,
        exec_compatible_with = _EXEC_CONSTRAINTS,
        target_compatible_with = constraint_values,
        toolchain = ":%s_cc" % name,
        toolchain_type = "@bazel_tools//tools/cpp:toolchain_type",
    )
