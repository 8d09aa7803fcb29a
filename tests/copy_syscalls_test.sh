#!/usr/bin/env bash
# Which system calls one io::Copy between two os::Files makes, counted with
# strace on real filesystems: tools/bench/small_copy copies a file COUNT times
# into a new File each time (whose type nobody has asked for), and the counts
# of COUNT copies less those of none are the copies' own.
#
# What must hold: the fast path learns that both files are regular from
# copy_file_range(2) itself, so no copy makes an fstat(2) of either file, not
# even when the kernel refuses two filesystems (EXDEV, then sendfile) or the
# source is empty.
# Usage (from Bazel): copy_syscalls_test.sh PATH_TO_SMALL_COPY
set -euo pipefail

SMALL_COPY=$(realpath "$1")
T=${TEST_TMPDIR:-$(mktemp -d)}
COUNT=20
failures=0
passes=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }

if ! command -v strace >/dev/null || ! strace -f -o /dev/null true 2>/dev/null; then
  echo "SKIP: strace cannot trace here"
  exit 0
fi

# calls DIRS COUNT SIZE FILTER: how many system calls strace's FILTER
# (-e trace=FILTER) selects when small_copy makes COUNT fast-path copies of a
# SIZE-byte file.
calls() {
  strace -f -qq -o "$T/trace" -e trace="$4" "$SMALL_COPY" "$1" "$2" fast "$3"
  grep -cE '^([0-9]+ +)?[a-z_0-9]+\(' "$T/trace" || true
}

# per_copies DIRS SIZE FILTER: the calls of COUNT copies, less those of none.
per_copies() {
  echo $(($(calls "$1" "$COUNT" "$2" "$3") - $(calls "$1" 0 "$2" "$3")))
}

# Every way to ask a file's type by descriptor (fstat, newfstatat, fstat64,
# fstatat64 where the architecture has them), and statx.
STAT_CALLS=%fstat,statx

# expect NAME WHAT GOT WANT: WANT is "0", or ">=N".
expect() {
  local name=$1 what=$2 got=$3 want=$4
  if [[ $want == ">="* ]]; then
    if ((got >= ${want#>=})); then passes=$((passes + 1)); return; fi
  elif ((got == want)); then
    passes=$((passes + 1)); return
  fi
  fail "$name: $what: $got calls for $COUNT copies, want $want"
}

# Two regular files on one filesystem: copy_file_range, nothing else.
mkdir -p "$T/same"
expect "one filesystem" "fstat" "$(per_copies "$T/same" 4096 "$STAT_CALLS")" 0
expect "one filesystem" "copy_file_range" "$(per_copies "$T/same" 4096 copy_file_range)" ">=$COUNT"

# An empty source: copy_file_range returns 0 at once, a read(2) confirms it.
expect "empty source" "fstat" "$(per_copies "$T/same" 0 "$STAT_CALLS")" 0
expect "empty source" "copy_file_range" "$(per_copies "$T/same" 0 copy_file_range)" ">=$COUNT"

# Two filesystems: tmpfs (/dev/shm) into the test's directory, where they
# differ. copy_file_range answers EXDEV, sendfile copies.
shm=""
if [[ -d /dev/shm && -w /dev/shm ]] && shm=$(mktemp -d /dev/shm/copy_syscalls_test.XXXXXX); then
  trap 'rm -rf "$shm"' EXIT
fi
if [[ -n $shm && $(stat -c %d "$shm") != $(stat -c %d "$T/same") ]]; then
  expect "two filesystems" "fstat" "$(per_copies "$shm:$T/same" 4096 "$STAT_CALLS")" 0
  expect "two filesystems" "sendfile" "$(per_copies "$shm:$T/same" 4096 sendfile)" ">=$COUNT"
else
  echo "SKIP: two filesystems: /dev/shm is missing, not writable or on the test directory's filesystem"
fi

echo "copy_syscalls_test: $passes passed, $failures failed"
((failures == 0))
