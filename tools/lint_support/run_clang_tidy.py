#!/usr/bin/env python3
"""Runs clang-tidy on every source of a compile database; used by tools/lint.

Usage: run_clang_tidy.py [--fix] [--jobs N] CLANG_TIDY CONFIG COMPILE_DB CACHE_DIR

Every source is checked with CONFIG (the workspace's .clang-tidy), test
sources with TEST_RELAXED_CHECKS below on top. A source with no findings is
remembered in CACHE_DIR under a key made of clang-tidy's version, CONFIG, the
relaxations, the compile command and the preprocessed source (which holds
every header it includes), so an unchanged source is not analysed again;
anything that changes what clang-tidy would see changes the key. Sources with
findings are never cached. --fix runs clang-tidy with --fix, one source at a
time (so that two runs never rewrite the same header at once), and caches
nothing.

Exit status: 0 if there were no findings, 1 otherwise.
"""

import concurrent.futures
import hashlib
import json
import os
import re
import subprocess
import sys

# What test sources (GoogleTest tests, test utilities, test fakes, benchmarks) may do that
# library code may not, each with its reason. Passed as --checks, on top of
# the configuration file.
TEST_RELAXED_CHECKS = {
    # File sizes, offsets and counts are the data of a test (1025, 4097, page
    # + 1, 0x7ffff000 + 5000); naming each would hide what is tested.
    "readability-magic-numbers": "test data",
    "cppcoreguidelines-avoid-magic-numbers": "test data (alias)",
    # Tests check the library's effects with POSIX calls of their own
    # (open, fcntl), independently of syscall/; those are variadic.
    "cppcoreguidelines-pro-type-vararg": "tests call open(2)/fcntl(2) directly",
    # TEST_TMPDIR comes from getenv (Bazel's test protocol); no test calls
    # setenv, the only thing that would make getenv unsafe.
    "concurrency-mt-unsafe": "getenv(\"TEST_TMPDIR\")",
    # Fakes and fixtures expose what they observed to the test body.
    "misc-non-private-member-variables-in-classes": "fakes expose observations",
    "cppcoreguidelines-non-private-member-variables-in-classes": "(alias)",
    # Test helpers take (dir, content) strings; a swap fails the test at once.
    "bugprone-easily-swappable-parameters": "test helpers",
    # The path-sensitive static analyzer spends about 40 s on each test file
    # (GoogleTest's macro expansions), four fifths of the whole lint, and
    # the tests run under ASan, UBSan and TSan (.ci/run), which check the
    # same defects (null dereference, leaks, use after free) as they happen.
    "clang-analyzer-*": "slow on GoogleTest; tests run under the sanitizers",
}

# Benchmarks are measurement programs: their sizes and counts are data, and
# they set up files, sockets and pipes with POSIX calls of their own, as tests do.
_TEST_SOURCE = re.compile(r"(_test\.cc$|^testutil/|/testing/|^tools/bench/)")
# Arguments that make no difference to what clang-tidy sees, or that clang -E
# must not get twice.
_OUTPUT_ARGS = {"-c", "-o", "-MF"}


def _is_test(source):
    return bool(_TEST_SOURCE.search(source))


def _extra_checks(source):
    if not _is_test(source):
        return None
    return ",".join("-" + check for check in TEST_RELAXED_CHECKS)


def _preprocess_command(entry):
    """The entry's compile command, preprocessing to stdout instead."""
    args, out, skip = entry["arguments"], [], False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg in _OUTPUT_ARGS:
            skip = True
            continue
        if arg in ("-MD", "-MMD"):
            continue
        out.append(arg)
    # -C keeps comments (NOLINT is one); line markers keep every token's position.
    return out + ["-E", "-C", entry["file"], "-o", "-"]


def _cache_key(tidy_version, config_text, entry):
    digest = hashlib.sha256()
    for part in (tidy_version, config_text, _extra_checks(entry["file"]) or "",
                 json.dumps(entry["arguments"])):
        digest.update(part.encode())
        digest.update(b"\0")
    preprocessed = subprocess.run(_preprocess_command(entry), cwd=entry["directory"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False)
    if preprocessed.returncode != 0:
        return None  # let clang-tidy report why it does not compile
    digest.update(preprocessed.stdout)
    return digest.hexdigest()


def _tidy(clang_tidy, config, db_dir, entry, fix):
    command = [clang_tidy, "--quiet", "--config-file=" + config, "-p", db_dir]
    extra = _extra_checks(entry["file"])
    if extra:
        command.append("--checks=" + extra)
    if fix:
        command.append("--fix")
    command.append(entry["file"])
    result = subprocess.run(command, cwd=entry["directory"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, check=False)
    # clang-tidy prints "N warnings generated." and, with findings, the findings.
    findings = "\n".join(line for line in result.stdout.splitlines()
                         if not re.match(r"^\d+ warnings? (and \d+ errors? )?generated\.$", line))
    # Paths relative to the workspace, as the execution root mirrors it.
    findings = findings.replace(entry["directory"].rstrip("/") + "/", "")
    return result.returncode, findings.strip()


def main(argv):
    fix = "--fix" in argv
    argv = [a for a in argv if a != "--fix"]
    jobs = os.cpu_count() or 1
    if "--jobs" in argv:
        i = argv.index("--jobs")
        jobs = int(argv[i + 1])
        del argv[i:i + 2]
    if len(argv) != 5:
        sys.exit(__doc__)
    clang_tidy, config, db, cache_dir = argv[1:]
    config = os.path.abspath(config)
    db_dir = os.path.dirname(os.path.abspath(db))
    with open(db, encoding="utf-8") as f:
        entries = json.load(f)
    with open(config, encoding="utf-8") as f:
        config_text = f.read()
    tidy_version = subprocess.run([clang_tidy, "--version"], stdout=subprocess.PIPE, text=True,
                                  check=True).stdout
    os.makedirs(cache_dir, exist_ok=True)

    def check(entry):
        key = None if fix else _cache_key(tidy_version, config_text, entry)
        marker = os.path.join(cache_dir, key) if key else None
        if marker and os.path.exists(marker):
            return entry["file"], 0, "", True
        status, findings = _tidy(clang_tidy, config, db_dir, entry, fix)
        if status == 0 and not findings and marker:
            with open(marker, "w", encoding="utf-8") as f:
                f.write(entry["file"] + "\n")
        return entry["file"], status, findings, False

    failed, cached = [], 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=1 if fix else jobs) as pool:
        for source, status, findings, hit in pool.map(check, entries):
            cached += hit
            if status != 0 or findings:
                failed.append(source)
                print(findings or "%s: clang-tidy exited with %d" % (source, status))
    relaxed = sum(1 for e in entries if _is_test(e["file"]))
    print("clang-tidy: %d sources (%d tests, with relaxed checks), %d unchanged since a clean run, "
          "%d with findings" % (len(entries), relaxed, cached, len(failed)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
