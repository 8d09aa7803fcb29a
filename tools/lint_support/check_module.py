#!/usr/bin/env python3
"""Checks MODULE.bazel against the BUILD and .bzl files that use it (tools/lint module).

Bazel 7+ (Bzlmod) cannot run on sysport's machines, so what can be proven
without it is proven here, statically. Starlark's syntax is a subset of
Python's for these files, so Python's `ast` reads them.

1. Every `@repo` that a BUILD or .bzl file names (in a load() or in any label
   string) is visible to sysport under Bzlmod: a bazel_dep's name or
   repo_name, a use_repo() of a module extension, or one of ALWAYS_VISIBLE.
2. What a consumer builds needs no dev dependency. The consumer's part is
   found by following labels from every non-test target of CONSUMER_PACKAGES
   and from CONSUMER_TARGETS through the targets they name, with every load()
   of every package and .bzl file that is reached; test targets (`*_test`
   rules, `testonly = True`) are not followed. Every repository reached so
   must come from a bazel_dep or use_repo without dev_dependency = True, and
   its @bazel_tools labels must be in CONSUMER_BAZEL_TOOLS_ALLOWED.
3. A repository that only tests, benchmarks and development toolchains name
   (nothing from 2) must come from a dev_dependency, and so must every
   register_toolchains(): a dependent module must not inherit them.
4. Every bazel_dep has a pinned version: a literal, exact version string.
   No *_override: overrides are ignored when sysport is a dependency, so
   sysport's own build would test versions its users never get.
5. Every bazel_dep and use_repo'd repository is used somewhere.
6. buildifier formats MODULE.bazel (with --buildifier).

Files not read: WORKSPACE and WORKSPACE.bzlmod, the offline Debian layer
(OFFLINE_LAYER: repository rules for Bazel 4.2.3, unused under Bzlmod), and
the directories in .bazelignore (tests/consumer, a separate workspace).

    check_module.py [--buildifier BIN] [--self-test] [ROOT]

--self-test seeds mistakes into a copy of MODULE.bazel's text (a missing
bazel_dep, a wrong repo_name, a test-only repository as a regular
dependency, an unpinned version, a toolchain registration that dependents
would inherit, ...) and fails unless the check reports each one.
"""

import ast
import os
import re
import subprocess
import sys

# Directories (relative to the root) with the offline Debian layer, which only
# WORKSPACE (Bazel 4.2.3) loads; the repositories only it names (sysport_clang,
# rules_java, remote_coverage_tools, and Debian's copies of the others) do not
# exist under Bzlmod.
OFFLINE_LAYER = ("tools/workspace/",)

# Repositories every module sees without declaring them.
ALWAYS_VISIBLE = {"bazel_tools"}

# What a consumer builds: every target of these packages except tests, and
# these targets.
CONSUMER_PACKAGES = ("os", "io", "poll", "syscall")
CONSUMER_TARGETS = (("tools", "copy"), ("tools/cross", "qemu_run"))

# The only @bazel_tools labels allowed in what a consumer builds: the ones
# Bazel 9 still defines there (the C++ toolchain code moved to rules_cc).
CONSUMER_BAZEL_TOOLS_ALLOWED = {"@bazel_tools//tools/cpp:toolchain_type"}

BUILD_NAMES = ("BUILD", "BUILD.bazel")
REPO_LABEL = re.compile(r"^@@?([A-Za-z0-9_.~+-]*)//")
MAIN_LABEL = re.compile(r"^(?:@@?(?P<repo>[A-Za-z0-9_.~+-]*))?//(?P<pkg>[^:]*)(?::(?P<name>.*))?$")
# An exact version as the Bazel Central Registry writes them (1.9.2,
# 20260817.0, 2025-11-05.bcr.1, 0.2.12-rc1).
PINNED_VERSION = re.compile(r"^[0-9][0-9A-Za-z.+-]*$")


class Finding(Exception):
    pass


def call_name(node):
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def kwarg(call, name):
    for k in call.keywords:
        if k.arg == name:
            return k.value
    return None


def literal(node):
    return node.value if isinstance(node, ast.Constant) else None


def strings_in(node):
    return [n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def names_in(node):
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def repo_of(label):
    m = REPO_LABEL.match(label)
    return m.group(1) if m else None


class Module:
    """What MODULE.bazel declares."""

    def __init__(self, text, path="MODULE.bazel"):
        self.path = path
        self.name = None
        self.deps = []  # dicts: name, version, repo_name, dev, line
        self.use_repos = []  # dicts: repo, dev, line
        self.toolchains = []  # dicts: labels, dev, line
        self.overrides = []  # (function, line)
        try:
            tree = ast.parse(text, path)
        except SyntaxError as e:
            raise Finding("%s:%s: cannot parse: %s" % (path, e.lineno, e.msg))
        extensions = {}  # variable -> dev
        for stmt in tree.body:
            value = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
            fn = call_name(value)
            if fn is None:
                continue
            dev = literal(kwarg(value, "dev_dependency")) is True
            if fn == "module":
                self.name = literal(kwarg(value, "name"))
                self.repo_name = literal(kwarg(value, "repo_name")) or self.name
            elif fn == "bazel_dep":
                name = literal(kwarg(value, "name"))
                self.deps.append({
                    "name": name,
                    "version": kwarg(value, "version"),
                    "repo_name": literal(kwarg(value, "repo_name")) or name,
                    "dev": dev,
                    "line": stmt.lineno,
                })
            elif fn == "use_extension" and isinstance(stmt, ast.Assign):
                extensions[stmt.targets[0].id] = dev
            elif fn == "use_repo":
                ext = value.args[0].id if value.args and isinstance(value.args[0], ast.Name) else None
                ext_dev = extensions.get(ext, False)
                for a in value.args[1:]:
                    if literal(a):
                        self.use_repos.append({"repo": literal(a), "dev": ext_dev, "line": stmt.lineno})
                for k in value.keywords:  # use_repo(ext, local = "remote")
                    self.use_repos.append({"repo": k.arg, "dev": ext_dev, "line": stmt.lineno})
            elif fn in ("register_toolchains", "register_execution_platforms"):
                self.toolchains.append({"fn": fn, "labels": [literal(a) for a in value.args], "dev": dev,
                                        "line": stmt.lineno})
            elif fn.endswith("_override"):
                self.overrides.append((fn, stmt.lineno))

    def providers(self):
        """Apparent repository name -> (what provides it, dev, line)."""
        out = {}
        for d in self.deps:
            out[d["repo_name"]] = ("bazel_dep(name = %r)" % d["name"], d["dev"], d["line"])
        for u in self.use_repos:
            out[u["repo"]] = ("use_repo(%r)" % u["repo"], u["dev"], u["line"])
        return out


class Workspace:
    """The BUILD and .bzl files, read with ast."""

    def __init__(self, root):
        self.root = root
        ignored = list(OFFLINE_LAYER)
        ignore_file = os.path.join(root, ".bazelignore")
        if os.path.exists(ignore_file):
            for line in open(ignore_file):
                line = line.strip()
                if line and not line.startswith("#"):
                    ignored.append(line.rstrip("/") + "/")
        files = subprocess.run(["git", "-C", root, "ls-files"], check=True, capture_output=True,
                               text=True).stdout.split()
        self.files = sorted(f for f in files if not any(f.startswith(i) for i in ignored) and
                            (os.path.basename(f) in BUILD_NAMES or f.endswith(".bzl")))
        self.trees = {}
        for f in self.files:
            path = os.path.join(root, f)
            if not os.path.exists(path):  # deleted in the work tree
                continue
            try:
                self.trees[f] = ast.parse(open(path).read(), f)
            except SyntaxError as e:
                raise Finding("%s:%s: cannot parse: %s" % (f, e.lineno, e.msg))
        self.packages = {}  # package -> file
        for f in self.trees:
            if os.path.basename(f) in BUILD_NAMES:
                self.packages[os.path.dirname(f)] = f

    @staticmethod
    def loads(tree):
        """(label, {local name: exported name}, line) for each load()."""
        out = []
        for stmt in tree.body:
            if isinstance(stmt, ast.Expr) and call_name(stmt.value) == "load":
                args = stmt.value.args
                syms = {literal(a): literal(a) for a in args[1:]}
                syms.update({k.arg: literal(k.value) for k in stmt.value.keywords})
                out.append((literal(args[0]), syms, stmt.lineno))
        return out

    def resolve(self, label, pkg):
        """A label naming this repository -> (package, name or None for any), else None."""
        if label.startswith(":"):
            return pkg, label[1:]
        m = MAIN_LABEL.match(label)
        if not m or (m.group("repo") not in (None, "", self.module_repo)):
            return None
        p = m.group("pkg")
        return p, m.group("name") if m.group("name") is not None else os.path.basename(p)

    def bzl_file(self, label, pkg):
        r = self.resolve(label, pkg)
        return (r[0] + "/" + r[1]).lstrip("/") if r else None

    def targets(self, pkg):
        """The targets of a package: [(name or None if computed, call node, env)]."""
        tree = self.trees[self.packages[pkg]]
        env = {}
        out = []
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign):
                for t in stmt.targets:
                    if isinstance(t, ast.Name):
                        env[t.id] = stmt.value
            elif isinstance(stmt, ast.Expr):
                node = stmt.value
                calls = [node] if isinstance(node, ast.Call) else (
                    [node.elt] if isinstance(node, ast.ListComp) and isinstance(node.elt, ast.Call) else [])
                for c in calls:
                    if call_name(c) in ("load", "package", "licenses", "exports_files", "package_group"):
                        continue
                    name = literal(kwarg(c, "name"))
                    out.append((name if isinstance(name, str) else None, node, c, env))
        return out


def is_dev_target(call):
    name = call_name(call) or ""
    return name.endswith("_test") or literal(kwarg(call, "testonly")) is True


def bzl_closure(ws, bzl, seen):
    """The main-repository .bzl files `bzl` loads, itself included."""
    if bzl in seen or bzl not in ws.trees:
        return
    seen.add(bzl)
    for label, _, _ in ws.loads(ws.trees[bzl]):
        if repo_of(label) is None or repo_of(label) == ws.module_repo:
            bzl_closure(ws, ws.bzl_file(label, os.path.dirname(bzl)), seen)


def consumer_references(ws):
    """Every @repo label reached from what a consumer builds: {repo: {label: where}}."""
    reached = {}

    def note(label, where):
        repo = repo_of(label)
        if repo is not None and repo != ws.module_repo:
            reached.setdefault(repo, {}).setdefault(label, where)

    loaded_pkgs = set()
    done = set()
    todo = []
    for pkg in CONSUMER_PACKAGES:
        todo += [(pkg, n or "%s") for n, _, c, _ in ws.targets(pkg) if not is_dev_target(c)]
    todo += list(CONSUMER_TARGETS)
    while todo:
        pkg, name = todo.pop()
        if (pkg, name) in done:
            continue
        done.add((pkg, name))
        if pkg not in ws.packages:
            raise Finding("//%s:%s is named by a consumer target, but //%s has no BUILD file" % (pkg, name, pkg))
        build = ws.packages[pkg]
        tree = ws.trees[build]
        loads = ws.loads(tree)
        if pkg not in loaded_pkgs:
            # Loading the package runs every load() in it and in what it loads.
            loaded_pkgs.add(pkg)
            bzls = set()
            for label, _, line in loads:
                note(label, "%s:%d" % (build, line))
                if repo_of(label) in (None, ws.module_repo):
                    bzl_closure(ws, ws.bzl_file(label, pkg), bzls)
            for bzl in bzls:
                for label, _, line in ws.loads(ws.trees[bzl]):
                    note(label, "%s:%d" % (bzl, line))
        symbol_files = {}
        for label, syms, _ in loads:
            if repo_of(label) in (None, ws.module_repo):
                for local in syms:
                    symbol_files[local] = ws.bzl_file(label, pkg)
        # `name` is a literal name or, from a string a .bzl file formats, a
        # pattern ("%s_endian"). A target whose own name is computed (in a list
        # comprehension) may be any name that no literal target has.
        targets = ws.targets(pkg)
        literal_names = {t[0] for t in targets if t[0] is not None}
        is_pattern = re.search(r"%[sd]|\{[^}]*\}", name) is not None
        pattern = re.compile("^" + ".*".join(map(re.escape, re.split(r"%[sd]|\{[^}]*\}", name))) + "$")
        for tname, node, call, env in targets:
            wanted = pattern.match(tname) if tname is not None else (is_pattern or name not in literal_names)
            if not wanted:
                continue
            if is_dev_target(call):
                continue
            # The target's own strings, those of the top-level values it
            # names, and those of the main-repository .bzl files it uses.
            strings = [(s, "%s:%d" % (build, call.lineno)) for s in strings_in(node)]
            names, seen_names = names_in(node), set()
            while names - seen_names:
                n = (names - seen_names).pop()
                seen_names.add(n)
                if n in env:
                    strings += [(s, "%s (%s)" % (build, n)) for s in strings_in(env[n])]
                    names |= names_in(env[n])
                elif n in symbol_files:
                    bzls = set()
                    bzl_closure(ws, symbol_files[n], bzls)
                    for bzl in sorted(bzls):
                        strings += [(s, bzl) for s in strings_in(ws.trees[bzl])]
            for s, where in strings:
                note(s, where)
                r = ws.resolve(s, pkg) if (s.startswith(":") or MAIN_LABEL.match(s)) else None
                if r and not s.endswith(".bzl") and r[0] not in ("conditions", "visibility") and \
                        not (r[1] or "").startswith("__"):
                    todo.append(r)
    return reached


def all_references(ws):
    """Every @repo label in the files read: {repo: {label: where}}."""
    out = {}
    for f, tree in ws.trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                repo = repo_of(node.value)
                if repo is not None and repo != ws.module_repo:
                    out.setdefault(repo, {}).setdefault(node.value, "%s:%d" % (f, node.lineno))
    return out


def check(root, module_text, buildifier=None):
    """Returns (findings, report lines)."""
    findings, report = [], []
    try:
        module = Module(module_text)
        ws = Workspace(root)
    except Finding as e:
        return [str(e)], report
    if module.name is None:
        return ["MODULE.bazel: no module(name = ...)"], report
    ws.module_repo = module.repo_name
    providers = module.providers()
    try:
        consumer = consumer_references(ws)
    except Finding as e:
        return [str(e)], report
    everything = all_references(ws)

    for d in module.deps:
        where = "MODULE.bazel:%d" % d["line"]
        version = literal(d["version"])
        if not isinstance(version, str) or not PINNED_VERSION.match(version):
            findings.append("%s: bazel_dep(name = %r) has no pinned version (want an exact registry version, got %s)"
                            % (where, d["name"], ast.unparse(d["version"]) if d["version"] else "none"))
    for fn, line in module.overrides:
        findings.append("MODULE.bazel:%d: %s(): overrides are ignored when sysport is a dependency; "
                        "put them in the root module that needs them" % (line, fn))
    for t in module.toolchains:
        if not t["dev"]:
            findings.append("MODULE.bazel:%d: %s(%s) without dev_dependency = True: every module that depends on "
                            "sysport would get them" % (t["line"], t["fn"], ", ".join(map(repr, t["labels"]))))

    for repo in sorted(everything):
        labels = everything[repo]
        first_label, first_where = sorted(labels.items(), key=lambda kv: kv[1])[0]
        in_consumer = repo in consumer
        use = "consumer" if in_consumer else "dev only"
        if repo in ALWAYS_VISIBLE:
            report.append("  @%-28s built in                         %s" % (repo, use))
            bad = sorted(set(consumer.get(repo, {})) - CONSUMER_BAZEL_TOOLS_ALLOWED)
            for label in bad:
                findings.append("%s: %s: what a consumer builds must not use @bazel_tools internals (Bazel 8 and 9 "
                                "moved or removed them; allowed: %s)"
                                % (consumer[repo][label], label, ", ".join(sorted(CONSUMER_BAZEL_TOOLS_ALLOWED))))
            continue
        if repo not in providers:
            findings.append("%s: %s: no bazel_dep or use_repo in MODULE.bazel makes @%s visible (a bazel_dep's "
                            "name or repo_name)" % (first_where, first_label, repo))
            continue
        what, dev, line = providers[repo]
        report.append("  @%-28s %-32s %s%s" % (repo, what, use, " (dev_dependency)" if dev else ""))
        if in_consumer and dev:
            label, where = sorted(consumer[repo].items(), key=lambda kv: kv[1])[0]
            findings.append("MODULE.bazel:%d: %s is a dev_dependency, but what a consumer builds needs @%s "
                            "(%s: %s)" % (line, what, repo, where, label))
        if not in_consumer and not dev:
            findings.append("MODULE.bazel:%d: %s: only tests, benchmarks or development tools use @%s (%s: %s); "
                            "make it dev_dependency = True" % (line, what, repo, first_where, first_label))
    for repo, (what, dev, line) in sorted(providers.items()):
        if repo not in everything:
            findings.append("MODULE.bazel:%d: %s: no BUILD or .bzl file uses @%s" % (line, what, repo))

    if buildifier:
        result = subprocess.run([buildifier, "--mode=check", "--lint=warn", "--type=module", "-path=MODULE.bazel"],
                                input=module_text, capture_output=True, text=True)
        if result.returncode != 0:
            findings.append("MODULE.bazel: buildifier: %s (tools/lint --fix buildifier rewrites it)"
                            % (result.stdout + result.stderr).strip().replace("\n", "; "))
    return findings, report


# Seeded mistakes for --self-test: (what, text to replace, replacement, what
# the check must report).
SEEDED = [
    ("a missing bazel_dep (bazel_skylib)",
     'bazel_dep(name = "bazel_skylib", version = "1.9.2")\n', "",
     "no bazel_dep or use_repo in MODULE.bazel makes @bazel_skylib visible"),
    ("a wrong repo_name (Abseil's)",
     'repo_name = "com_google_absl"', 'repo_name = "com_google_abseil"',
     "no bazel_dep or use_repo in MODULE.bazel makes @com_google_absl visible"),
    ("a test-only repository as a regular dependency (googletest)",
     'version = "1.18.0", dev_dependency = True,', 'version = "1.18.0",',
     "only tests, benchmarks or development tools use @com_google_googletest"),
    ("a consumer's dependency as a dev dependency (Abseil)",
     'version = "20260817.0", repo_name', 'version = "20260817.0", dev_dependency = True, repo_name',
     "what a consumer builds needs @com_google_absl"),
    ("an unpinned version (platforms)",
     'bazel_dep(name = "platforms", version = "1.1.0")', 'bazel_dep(name = "platforms", version = "")',
     "bazel_dep(name = 'platforms') has no pinned version"),
    ("toolchains that dependents would inherit",
     '"//tools/toolchains:all",\n    dev_dependency = True,', '"//tools/toolchains:all",',
     "without dev_dependency = True"),
    ("an override",
     'register_toolchains(', 'git_override(module_name = "rules_cc", remote = "x", commit = "y")\n\n'
                              'register_toolchains(',
     "git_override(): overrides are ignored"),
    ("an unused bazel_dep",
     'bazel_dep(name = "rules_cc", version = "0.2.22")\n',
     'bazel_dep(name = "rules_cc", version = "0.2.22")\nbazel_dep(name = "zlib", version = "1.3.1")\n',
     "no BUILD or .bzl file uses @zlib"),
]


def self_test(root, module_text):
    failed = 0
    findings, _ = check(root, module_text)
    if findings:
        print("self-test: MODULE.bazel as it is must pass, but:")
        print("\n".join("  " + f for f in findings))
        return 1
    for what, old, new, expected in SEEDED:
        if old not in module_text:
            print("self-test: FAIL: cannot seed %s: MODULE.bazel has no %r (update SEEDED)" % (what, old))
            failed += 1
            continue
        findings, _ = check(root, module_text.replace(old, new, 1))
        hits = [f for f in findings if expected in f]
        if hits:
            print("self-test: caught %s:\n    %s" % (what, hits[0]))
        else:
            print("self-test: FAIL: %s went unreported (want %r; got %s)" % (what, expected, findings or "nothing"))
            failed += 1
    return 1 if failed else 0


def main(argv):
    args = argv[1:]
    buildifier = None
    run_self_test = False
    if "--self-test" in args:
        args.remove("--self-test")
        run_self_test = True
    if "--buildifier" in args:
        i = args.index("--buildifier")
        buildifier = args[i + 1]
        del args[i:i + 2]
    root = args[0] if args else "."
    module_text = open(os.path.join(root, "MODULE.bazel")).read()
    if run_self_test:
        return self_test(root, module_text)
    findings, report = check(root, module_text, buildifier)
    print("repositories the BUILD and .bzl files name, what provides each under Bzlmod, who needs it:")
    print("\n".join(report))
    if findings:
        print("\n".join(findings))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
