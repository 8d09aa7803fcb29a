"""@rules_shell for Bazel 4.2.3: its native sh_binary and sh_test, at rules_shell's labels.

Bazel 8 moved the shell rules to the rules_shell module and Bazel 9 removed
the native ones, so sysport's BUILD files load them:

    load("@rules_shell//shell:sh_test.bzl", "sh_test")
    load("@rules_shell//shell:sh_binary.bzl", "sh_binary")

Under Bzlmod that is the real rules_shell from the Bazel Central Registry
(MODULE.bazel). Bazel 4.2.3 has no rules_shell and Debian packages none; this
rule writes a repository of that name whose two files re-export 4.2.3's own
native rules (what rules_shell itself does on a Bazel that still has them).
Nothing third-party is copied: the files are the few lines below.
"""

_BZL = '''"""{rule}: Bazel 4.2.3's native rule, at rules_shell's label.

Written by sysport's tools/workspace/rules_shell.bzl.
"""

{rule} = native.{rule}
'''

def _bazel4_rules_shell_impl(rctx):
    rctx.file("WORKSPACE", 'workspace(name = "rules_shell")\n', executable = False)
    rctx.file("BUILD", "", executable = False)
    rctx.file("shell/BUILD", 'package(default_visibility = ["//visibility:public"])\n', executable = False)
    for rule in ["sh_binary", "sh_test"]:
        rctx.file("shell/%s.bzl" % rule, _BZL.format(rule = rule), executable = False)

bazel4_rules_shell = repository_rule(implementation = _bazel4_rules_shell_impl)
