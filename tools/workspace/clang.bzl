"""A second auto-configured C++ toolchain: Debian's clang 14, for sysport's own checks.

`--config=clang` (and the sanitizer configs built on it, see .bazelrc) select
this toolchain with `--crosstool_top=@sysport_clang//:toolchain`. It is Bazel's
own `cc_autoconf` (the code behind @local_config_cc) with the compiler forced
to clang: builtin include directories, linker and tools are detected the same
way, and the generated toolchain reports `compiler = "clang"`, so
`@bazel_tools//tools/cpp:compiler` (and //tools/build:clang) select on it.

A separate repository rather than `--repo_env=CC=clang`: that would re-run
@local_config_cc on every switch between the gcc and clang builds.
"""

load("@bazel_tools//tools/cpp:cc_configure.bzl", "cc_autoconf_impl")

def _sysport_clang_impl(rctx):
    clang = rctx.which(rctx.attr.compiler)
    if clang == None:
        fail("%s not found: install the Debian package `clang` (tools/bazel does this for --config=clang)" %
             rctx.attr.compiler)
    cc_autoconf_impl(rctx, overriden_tools = {"gcc": str(clang)})

sysport_clang = repository_rule(
    implementation = _sysport_clang_impl,
    attrs = {"compiler": attr.string(default = "clang-14")},
    environ = ["PATH"],
    configure = True,
    local = True,
)
