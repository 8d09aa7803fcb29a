#!/usr/bin/env python3
"""Turns `bazel aquery --output=jsonproto` output into compile databases.

Bazel 4.2.3 has no compile-database output of its own; its aquery lists every
CppCompile action with the exact command line the build runs. This writes two:

  TIDY_DB      for clang-tidy (and editors: clangd), the build's commands as
               they are, run from the execution root;
  CPPCHECK_DB  for cppcheck: the same commands with project include
               directories only (`-iquote` becomes `-I`, which cppcheck
               understands; Abseil's and GoogleTest's directories are left
               out, as cppcheck cannot preprocess them without a compiler's
               predefined macros; the Abseil macros sysport's code uses come
               from tools/lint_support/abseil.cfg instead).

Usage: compile_commands.py EXECROOT TIDY_DB CPPCHECK_DB AQUERY_JSON...
Each source appears once (the first aquery output that compiles it wins).
"""

import json
import os
import sys

# Arguments that only make the build reproducible, or that check the layering
# (the build does that: layering_check's module maps, which name generated
# files that only the last build's execution root is sure to hold); clang-tidy
# would report the __DATE__ redefinitions as warnings.
_DROPPED_PREFIXES = (
    "-D__DATE__=",
    "-D__TIME__=",
    "-D__TIMESTAMP__=",
    "-fmodule-name=",
    "-fmodule-map-file=",
    "-fmodules-strict-decluse",
)


def _source_of(arguments):
    return arguments[arguments.index("-c") + 1]


def _for_cppcheck(arguments):
    """The compiler, project include directories as -I, -D and -std options."""
    out = [arguments[0]]
    i = 1
    while i < len(arguments):
        arg = arguments[i]
        if arg in ("-iquote", "-I", "-isystem") and i + 1 < len(arguments):
            directory = arguments[i + 1]
            i += 2
            if not directory.startswith(("external/", "bazel-out/")):
                out.append("-I" + directory)
            continue
        if arg.startswith(("-D", "-U", "-std=")) and not arg.startswith(_DROPPED_PREFIXES):
            out.append(arg)
        elif arg == "-c":
            out += ["-c", arguments[i + 1]]
            i += 1
        i += 1
    return out


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    execroot, tidy_db, cppcheck_db, aquery_files = argv[1], argv[2], argv[3], argv[4:]
    tidy, cppcheck, seen = [], [], set()
    for path in aquery_files:
        with open(path, encoding="utf-8") as f:
            aquery = json.load(f)
        for action in aquery.get("actions", []):
            if action.get("mnemonic") != "CppCompile":
                continue
            arguments = [a for a in action["arguments"] if not a.startswith(_DROPPED_PREFIXES)]
            source = _source_of(arguments)
            if source in seen or source.startswith(("external/", "bazel-out/")):
                continue
            seen.add(source)
            tidy.append({"directory": execroot, "file": source, "arguments": arguments})
            cppcheck.append({"directory": execroot, "file": source, "arguments": _for_cppcheck(arguments)})
    if not tidy:
        sys.exit("compile_commands.py: no CppCompile actions in " + " ".join(aquery_files))
    tidy.sort(key=lambda entry: entry["file"])
    cppcheck.sort(key=lambda entry: entry["file"])
    for path, entries in ((tidy_db, tidy), (cppcheck_db, cppcheck)):
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(entries, f, indent=1)
            f.write("\n")
        os.replace(path + ".tmp", path)
    print("compile_commands.py: %d sources" % len(tidy))


if __name__ == "__main__":
    main(sys.argv)
