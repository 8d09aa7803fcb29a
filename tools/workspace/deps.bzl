"""sysport's external repositories for WORKSPACE (Bazel 4.2.3), all resolved offline from Debian packages.

A monorepo that already declares rules_cc (0.0.10 or newer), rules_shell,
platforms, bazel_skylib, Abseil and GoogleTest under their upstream names can
skip this file: sysport's BUILD files name only those upstream labels.
Repositories already declared are left alone. Under Bzlmod (Bazel 7 and
later) none of this is used: MODULE.bazel names the same repositories as
Bazel Central Registry modules.
"""

load("//tools/workspace:benchmark.bzl", "debian_benchmark")
load(
    "//tools/workspace:debian.bzl",
    "coverage_tools_stub",
    "debian_abseil",
    "debian_googletest",
    "debian_platforms",
    "debian_rules_cc",
)
load("//tools/workspace:rules_shell.bzl", "bazel4_rules_shell")

def _maybe(rule, name, **kwargs):
    if name not in native.existing_rules():
        rule(name = name, **kwargs)

def sysport_dependencies():
    """Declares every external repository sysport needs that is not declared yet."""
    _maybe(debian_rules_cc, "rules_cc")
    _maybe(bazel4_rules_shell, "rules_shell")
    _maybe(native.local_repository, "rules_java", path = "/usr/share/bazel/rules/java")
    _maybe(debian_platforms, "platforms")
    _maybe(native.local_repository, "bazel_skylib", path = "/usr/share/bazel/tools/skylib")
    _maybe(debian_abseil, "com_google_absl")
    _maybe(
        debian_googletest,
        "com_google_googletest",
        build_file = "@sysport//tools/workspace:googletest.BUILD",
    )
    _maybe(debian_benchmark, "com_github_google_benchmark")
    _maybe(coverage_tools_stub, "remote_coverage_tools")
