"""Repository rules that adapt files installed by Debian packages for Bazel 4.2.3.

Nothing third-party is committed to sysport: each rule below links or extracts
what a Debian package installed (or, for Abseil, what `tools/debian/fetch-source`
downloaded from Debian's archive) into Bazel's external directory and writes
only the few lines that Debian's copy lacks.
"""

def _link_tree(rctx, src, skip = []):
    """Symlinks every top-level entry of `src` into the repository root, except `skip`."""
    for entry in rctx.path(src).readdir():
        if entry.basename not in skip:
            rctx.symlink(entry, entry.basename)

def _mark_system_headers(rctx, directory):
    """Adds `#pragma GCC system_header` to every header under `directory`.

    Bazel includes external repositories with -iquote, so GCC would apply
    sysport's strict warnings (-Wconversion, -Wsign-conversion, ...) to
    Abseil's and GoogleTest's headers as if they were project code. The pragma
    (honoured by GCC, clang and clang-tidy) gives them the treatment that
    installed library headers get: their own warnings are not ours to fix.
    This edits only the copy in Bazel's external directory.
    """
    result = rctx.execute([
        "find",
        directory,
        "-type",
        "f",
        "(",
        "-name",
        "*.h",
        "-o",
        "-name",
        "*.inc",
        ")",
        "-exec",
        "sed",
        "-i",
        "1i #pragma GCC system_header",
        "{}",
        "+",
    ])
    if result.return_code != 0:
        fail("marking headers in %s as system headers failed: %s" % (directory, result.stderr))

def _require_dir(rctx, path, package):
    if not rctx.path(path).exists:
        fail("%s is missing: install the Debian package `%s` (tools/bazel does this for you)" % (path, package))

# ---------------------------------------------------------------------------
# rules_cc: Debian's bazel-rules-cc 0.0.4 is newer than Bazel 4.2.3 in places
# and older than the rules_cc a Bazel 8/9 monorepo has in others. sysport's
# BUILD and .bzl files use the labels of current rules_cc (the Bzlmod build
# gets rules_cc from the Bazel Central Registry, see MODULE.bazel); the files
# below make the same labels work on Bazel 4.2.3. Each is either Debian's file
# with a fix, or a few lines of our own that give a Bazel 4.2.3 built-in the
# label rules_cc gives it now. Everything else is Debian's file, linked.

def _rules_cc_without_use_cpp_toolchain(rctx, root, rel):
    # Two of Debian's files load `use_cpp_toolchain` from @bazel_tools, which
    # 4.2.3 does not have. `@bazel_tools//tools/cpp` itself loads @rules_cc,
    # so whatever is called rules_cc must load; we name the C++ toolchain type
    # directly, which is exactly what use_cpp_toolchain() returns there.
    text = rctx.read(root + "/" + rel)
    text = text.replace(', "use_cpp_toolchain")', ")")
    text = text.replace("use_cpp_toolchain()", '["@bazel_tools//tools/cpp:toolchain_type"]')
    if "use_cpp_toolchain" in text:
        fail("rules_cc: %s changed upstream; update tools/workspace/debian.bzl" % rel)
    return text

_WRITTEN_BY_SYSPORT = "# Written by sysport's tools/workspace/debian.bzl for Bazel 4.2.3.\n"

# Path in the repository -> its text, or None for Debian's file with the
# use_cpp_toolchain fix.
_RULES_CC_FILES = {
    "cc/private/rules_impl/cc_flags_supplier.bzl": None,
    "cc/private/rules_impl/compiler_flag.bzl": None,
    # cc_common and CcInfo: Bazel 9 has no such globals any more, rules_cc
    # 0.0.10 and later export them from cc/common; Bazel 4.2.3 has only the
    # globals. A .bzl file cannot re-export a global under its own name, so
    # bazel_builtins.bzl renames them first.
    "cc/common/BUILD": _WRITTEN_BY_SYSPORT + 'package(default_visibility = ["//visibility:public"])\n',
    "cc/common/bazel_builtins.bzl": '"""Bazel 4.2.3\'s built-in C++ symbols, renamed for re-export."""\n\n' +
                                    "BUILTIN_CC_COMMON = cc_common\n\nBUILTIN_CC_INFO = CcInfo\n",
    "cc/common/cc_common.bzl": '"""cc_common: Bazel 4.2.3\'s built-in, at rules_cc\'s label."""\n\n' +
                               'load(":bazel_builtins.bzl", "BUILTIN_CC_COMMON")\n\ncc_common = BUILTIN_CC_COMMON\n',
    "cc/common/cc_info.bzl": '"""CcInfo: Bazel 4.2.3\'s built-in, at rules_cc\'s label."""\n\n' +
                             'load(":bazel_builtins.bzl", "BUILTIN_CC_INFO")\n\nCcInfo = BUILTIN_CC_INFO\n',
    # The compiler config_settings rules_cc has had since 0.0.9 (Debian's
    # 0.0.4 has none), on Bazel 4.2.3's own compiler flag.
    "cc/compiler/BUILD": _WRITTEN_BY_SYSPORT + """package(default_visibility = ["//visibility:public"])

config_setting(
    name = "clang",
    flag_values = {"@bazel_tools//tools/cpp:compiler": "clang"},
)

config_setting(
    name = "gcc",
    flag_values = {"@bazel_tools//tools/cpp:compiler": "gcc"},
)
""",
    # Bazel 8 moved the Unix toolchain configuration out of @bazel_tools into
    # rules_cc, at this label. On Bazel 4.2.3 it stays Bazel's own, the one
    # @local_config_cc uses (Debian's rules_cc copy is a different version).
    "cc/private/toolchain/unix_cc_toolchain_config.bzl": '"""Bazel 4.2.3\'s unix cc_toolchain_config, at rules_cc\'s label."""\n\n' +
                                                         'load("@bazel_tools//tools/cpp:unix_cc_toolchain_config.bzl", ' +
                                                         '_cc_toolchain_config = "cc_toolchain_config")\n\n' +
                                                         "cc_toolchain_config = _cc_toolchain_config\n",
}

def _debian_rules_cc_impl(rctx):
    root = rctx.attr.path
    _require_dir(rctx, root, "bazel-rules-cc")

    # Link Debian's tree, descending only into the directories that hold a
    # file of _RULES_CC_FILES (Starlark has no recursion: a work list).
    todo = [""]
    for _ in range(1000):
        if not todo:
            break
        rel = todo.pop()
        for entry in rctx.path(root + "/" + rel if rel else root).readdir():
            path = rel + "/" + entry.basename if rel else entry.basename
            if path in _RULES_CC_FILES:
                continue
            if [f for f in _RULES_CC_FILES if f.startswith(path + "/")]:
                todo.append(path)
            else:
                rctx.symlink(entry, path)
    for path, text in _RULES_CC_FILES.items():
        if text == None:
            text = _rules_cc_without_use_cpp_toolchain(rctx, root, path)
        rctx.file(path, text, executable = False)

debian_rules_cc = repository_rule(
    implementation = _debian_rules_cc_impl,
    attrs = {"path": attr.string(default = "/usr/share/bazel/rules/cc")},
    local = True,
)

# ---------------------------------------------------------------------------
# platforms: Debian ships two copies of bazelbuild/platforms (bazel-bootstrap's
# and bazel-platforms'), each missing some cpu values that upstream has
# (wasm32/wasm64, which Abseil's BUILD files name; mips64, riscv64, ppc64le,
# which our per-architecture select()s name). We take bazel-platforms' copy and
# add each upstream value it lacks, with upstream's name, so the same labels
# work against a monorepo's real @platforms. Values upstream has no name for
# (32-bit mips, byte order) are project constraints in //tools/platforms.

_UPSTREAM_CPUS = [
    "aarch64",
    "arm",
    "arm64",
    "armv7",
    "i386",
    "mips64",
    "ppc",
    "ppc64le",
    "riscv64",
    "s390x",
    "wasm32",
    "wasm64",
    "x86_32",
    "x86_64",
]

def _debian_platforms_impl(rctx):
    root = None
    for candidate in rctx.attr.paths:
        if rctx.path(candidate + "/cpu/BUILD").exists:
            root = candidate
            break
    if root == None:
        fail("no platforms repository in %s: install the Debian package `bazel-platforms`" % rctx.attr.paths)
    _link_tree(rctx, root, skip = ["cpu", "WORKSPACE"])
    rctx.file("WORKSPACE", 'workspace(name = "platforms")\n', executable = False)
    cpu_build = rctx.read(root + "/cpu/BUILD")
    added = []
    for cpu in _UPSTREAM_CPUS:
        if ('name = "%s"' % cpu) not in cpu_build:
            added.append('constraint_value(\n    name = "%s",\n    constraint_setting = ":cpu",\n)\n' % cpu)
    if added:
        cpu_build += "\n# Added by sysport's tools/workspace/debian.bzl (upstream has these values).\n"
        cpu_build += "\n".join(added)
    rctx.file("cpu/BUILD", cpu_build, executable = False)

debian_platforms = repository_rule(
    implementation = _debian_platforms_impl,
    attrs = {"paths": attr.string_list(default = [
        "/usr/share/bazel/tools/platforms",
        "/usr/share/bazel/platforms",
    ])},
    local = True,
)

# ---------------------------------------------------------------------------
# GoogleTest: Debian's `googletest` package installs the sources and CMake
# files under /usr/src/googletest, but no Bazel BUILD file.

def _debian_googletest_impl(rctx):
    root = rctx.attr.path
    _require_dir(rctx, root + "/googletest/src/gtest-all.cc", "googletest")

    # Copied rather than linked: the headers get the system-header pragma.
    for part in ["googletest", "googlemock"]:
        result = rctx.execute(["cp", "-R", root + "/" + part, part])
        if result.return_code != 0:
            fail("copying %s/%s failed: %s" % (root, part, result.stderr))
        _mark_system_headers(rctx, part + "/include")
    rctx.file("WORKSPACE", 'workspace(name = "com_google_googletest")\n', executable = False)
    rctx.symlink(rctx.attr.build_file, "BUILD.bazel")

debian_googletest = repository_rule(
    implementation = _debian_googletest_impl,
    attrs = {
        "path": attr.string(default = "/usr/src/googletest"),
        "build_file": attr.label(allow_single_file = True),
    },
    local = True,
)

# ---------------------------------------------------------------------------
# Abseil from Debian's source package. Debian's binary libabsl-dev exists for
# only some of the architectures sysport targets; the source builds for all
# of them with the same Bazel toolchains as sysport itself. The upstream
# tarball carries Abseil's own WORKSPACE and BUILD.bazel files. We apply the
# Debian patches that change C++ code (the security fix and the CPU feature
# baseline); the others only touch CMake packaging.

_ABSEIL_DEBIAN_PATCHES = [
    "cpu-features.diff",
    "CVE-2025-0838.patch",
]

def _debian_source_dir(rctx):
    src = rctx.os.environ.get("SYSPORT_DEBIAN_SRC")
    if not src:
        fail("SYSPORT_DEBIAN_SRC is not set: run Bazel through tools/bazel, which downloads " +
             "Debian's source packages (tools/debian/fetch-source) and sets it")
    return src

def _debian_abseil_impl(rctx):
    src = _debian_source_dir(rctx) + "/abseil"
    tarballs = [p for p in rctx.path(src).readdir() if p.basename.endswith(".orig.tar.gz")] if rctx.path(src).exists else []
    debian = [p for p in rctx.path(src).readdir() if p.basename.endswith(".debian.tar.xz")] if tarballs else []
    if len(tarballs) != 1 or len(debian) != 1:
        fail("expected one abseil_*.orig.tar.gz and one abseil_*.debian.tar.xz in %s; " % src +
             "run tools/debian/fetch-source abseil " + _debian_source_dir(rctx))
    rctx.extract(tarballs[0], stripPrefix = tarballs[0].basename.replace("_", "-").replace(".orig.tar.gz", ""))
    rctx.extract(debian[0], output = "debian-packaging")
    for patch in _ABSEIL_DEBIAN_PATCHES:
        result = rctx.execute(["patch", "-p1", "--forward", "--quiet", "-i", "debian-packaging/debian/patches/" + patch])
        if result.return_code != 0:
            fail("applying Debian's %s to Abseil failed:\n%s%s" % (patch, result.stdout, result.stderr))
    rctx.delete("debian-packaging")
    _mark_system_headers(rctx, "absl")

debian_abseil = repository_rule(
    implementation = _debian_abseil_impl,
    environ = ["SYSPORT_DEBIAN_SRC"],
)

# ---------------------------------------------------------------------------
# @remote_coverage_tools is named by Bazel's test rules even without coverage;
# Bazel 4.2.3 would download it. sysport does not collect coverage through
# Bazel, so two empty public filegroups satisfy the reference.

def _coverage_tools_stub_impl(rctx):
    rctx.file("WORKSPACE", 'workspace(name = "remote_coverage_tools")\n', executable = False)
    rctx.file("BUILD", """package(default_visibility = ["//visibility:public"])

filegroup(name = "coverage_report_generator")

filegroup(name = "lcov_merger")
""", executable = False)

coverage_tools_stub = repository_rule(implementation = _coverage_tools_stub_impl)
