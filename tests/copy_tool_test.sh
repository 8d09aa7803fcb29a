#!/usr/bin/env bash
# End-to-end tests of the `copy` tool on real files, pipes and devices.
# Usage (from Bazel): copy_tool_test.sh PATH_TO_COPY
set -euo pipefail

COPY=$(realpath "$1")
T=${TEST_TMPDIR:-$(mktemp -d)}
cd "$T"
failures=0
passes=0

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { passes=$((passes + 1)); }
check() {  # check NAME CMD...: CMD must succeed
  local name=$1; shift
  if "$@"; then pass; else fail "$name"; fi
}

head -c 3000000 /dev/urandom >src.bin
printf 'abcdefghijklmnopqrstuvwxyz' >alpha.txt

# --- a plain copy goes through copy_file_range and says so ---
"$COPY" --stats src.bin dst.bin 2>stats.txt
check "plain copy content" cmp -s src.bin dst.bin
check "plain copy stats: path" grep -q '^path: copy_file_range 100%$' stats.txt
check "plain copy stats: bytes" grep -q '^copied 3000000 bytes' stats.txt

# --- DST is truncated, and created with 0666 & ~umask ---
head -c 5000000 /dev/zero >big.bin
"$COPY" alpha.txt big.bin
check "truncates" cmp -s alpha.txt big.bin
rm -f fresh.txt
(umask 027 && "$COPY" alpha.txt fresh.txt)
check "mode 0640 under umask 027" test "$(stat -c %a fresh.txt)" = 640

# --- --append: no truncation, O_APPEND, the fast path never tried ---
printf 'HEAD' >app.txt
"$COPY" --append --stats alpha.txt app.txt 2>stats.txt
check "append content" test "$(cat app.txt)" = "HEADabcdefghijklmnopqrstuvwxyz"
check "append stats" grep -q 'not tried: O_APPEND destination 1x' stats.txt

# --- --skip, --seek and --count against dd ---
printf '0123456789012345678901234567890123456789' >seekdst.txt
cp seekdst.txt ref.txt
"$COPY" --skip=3 --seek=5 --count=10 alpha.txt seekdst.txt
dd if=alpha.txt of=ref.txt bs=1 skip=3 seek=5 count=10 conv=notrunc status=none
check "skip/seek/count like dd" cmp -s seekdst.txt ref.txt
"$COPY" --count=7 src.bin c7.bin
check "count" cmp -s c7.bin <(head -c 7 src.bin)
"$COPY" --count=0 src.bin c0.bin
check "count 0" test ! -s c0.bin
"$COPY" --skip=99999999 src.bin past.bin
check "skip past the end" test ! -s past.bin

# --- '-' is stdin and stdout; --skip on a pipe reads and discards ---
"$COPY" --skip=2 --count=5 - - <alpha.txt >out.txt
check "stdin to stdout" test "$(cat out.txt)" = "cdefg"
cat src.bin | "$COPY" --skip=1000 - piped.bin
check "skip on a pipe" cmp -s piped.bin <(tail -c +1001 src.bin)
"$COPY" src.bin - | cmp -s - src.bin
check "file to stdout pipe" test "${PIPESTATUS[0]}" = 0

# --- '-' as a pipe or socket: sendfile from a file, splice from a socket,
# the read/write loop from a pipe into a file (measured faster than splice),
# and --stats names the path and why ---
"$COPY" --stats src.bin - 2>stats.txt | cmp -s - src.bin
check "file to stdout pipe: content" test "${PIPESTATUS[0]}${PIPESTATUS[1]}" = 00
check "file to stdout pipe: sendfile" grep -q '^path: sendfile 100%$' stats.txt
cat src.bin | "$COPY" --stats - fromcat.bin 2>stats.txt
check "stdin pipe to file: content" cmp -s src.bin fromcat.bin
check "stdin pipe to file: read/write" grep -q '^path: read/write 100%$' stats.txt
check "stdin pipe to file: why not splice" \
  grep -q '^splice: .*not tried: read/write measured faster' stats.txt
# A connected Unix socket on standard output, then on standard input.
sock() {  # sock out|in FILE ARGS...: runs copy with a socket on stdout or stdin
  python3 - "$@" <<'PY'
import socket, subprocess, sys, threading
way, data_file, args = sys.argv[1], sys.argv[2], sys.argv[3:]
ours, theirs = socket.socketpair()
if way == "out":
    p = subprocess.Popen(args, stdout=theirs, stderr=open("stats.txt", "w"))
    theirs.close()
    got = bytearray()
    while chunk := ours.recv(1 << 20):
        got += chunk
    sys.exit(p.wait() or (0 if bytes(got) == open(data_file, "rb").read() else 3))
else:
    p = subprocess.Popen(args, stdin=theirs, stderr=open("stats.txt", "w"))
    theirs.close()
    ours.sendall(open(data_file, "rb").read())
    ours.shutdown(socket.SHUT_WR)
    sys.exit(p.wait())
PY
}
check "file to stdout socket" sock out src.bin "$COPY" --stats src.bin -
check "file to stdout socket: sendfile" grep -q '^path: sendfile 100%$' stats.txt
check "stdin socket to file" sock in src.bin "$COPY" --stats - fromsock.bin
check "stdin socket to file: content" cmp -s src.bin fromsock.bin
check "stdin socket to file: path named" grep -Eq '^path: (splice|read/write) 100%$' stats.txt

# --- /proc files, whose size is 0, are copied whole ---
"$COPY" /proc/self/status status.txt
check "procfs" grep -q '^Name:' status.txt

# --- cross-filesystem (tmpfs to disk) falls back and is correct ---
if [[ -w /dev/shm ]]; then
  shm=$(mktemp /dev/shm/copy-test.XXXXXX)
  cp src.bin "$shm"
  "$COPY" --stats "$shm" xdev.bin 2>stats.txt
  rm -f "$shm"
  check "tmpfs to disk" cmp -s src.bin xdev.bin
  check "tmpfs to disk: all bytes accounted" grep -q '^copied 3000000 bytes' stats.txt
fi

# --- --progress copies correctly (chunked through the same library path) ---
head -c $((150 << 20)) /dev/urandom >prog.bin
"$COPY" --progress --stats prog.bin prog-out.bin 2>stats.txt
check "progress copy" cmp -s prog.bin prog-out.bin
check "progress copy stats" grep -q '^path: copy_file_range 100%$' stats.txt
"$COPY" --progress --stats --skip=1000 --count=$((100 << 20)) prog.bin prog-count.bin 2>stats.txt
check "progress with --count" cmp -s prog-count.bin <(tail -c +1001 prog.bin | head -c $((100 << 20)))
check "progress with --count keeps the fast path" grep -q '^path: copy_file_range 100%$' stats.txt

# --- errors: exit 1 with "copy: <error>" ---
set +e
"$COPY" /nope/missing out.bin 2>err.txt; rc=$?
set -e
check "missing source exit 1" test "$rc" = 1
check "missing source message" grep -qx 'copy: open /nope/missing: no such file or directory' err.txt
set +e
"$COPY" src.bin /dev/full 2>err.txt; rc=$?
set -e
check "ENOSPC exit 1" test "$rc" = 1
check "ENOSPC message" grep -qx 'copy: write /dev/full: no space left on device (after 0 bytes)' err.txt
set +e
"$COPY" src.bin src.bin 2>err.txt; rc=$?
set -e
check "same file refused" test "$rc" = 1
check "same file intact" cmp -s src.bin <(cat src.bin)
check "same file message" grep -q 'are the same file' err.txt
set +e
"$COPY" src.bin /nope/dir/out 2>err.txt; rc=$?
set -e
check "unwritable destination" test "$rc" = 1

# --- bad flags and arguments: exit 2; --help: exit 0 ---
for args in "--bogus src.bin x" "src.bin" "-T a b c" "--count=-5 src.bin x" "--count=abc src.bin x" \
  "--append --seek=3 src.bin x"; do
  set +e
  # shellcheck disable=SC2086
  "$COPY" $args >/dev/null 2>&1; rc=$?
  set -e
  check "usage error exit 2: $args" test "$rc" = 2
done
set +e
"$COPY" --help >help.txt 2>&1; rc=$?
set -e
check "--help exit 0" test "$rc" = 0
for flag in --append --skip --seek --count --stats --progress --reflink --sparse --preserve --atomic --sync; do
  check "--help documents $flag" grep -q -- "$flag" help.txt
done

# --- faults injected into the real binary with strace ---
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  # LeakSanitizer (--config=asan) cannot work under ptrace; the runs above check for leaks.
  inject() {
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
      strace -f -o /dev/null -e trace=copy_file_range -e inject=copy_file_range:"$1" "${@:2}"
  }
  inject error=ENOSYS "$COPY" --stats src.bin enosys.bin 2>stats.txt
  check "ENOSYS content" cmp -s src.bin enosys.bin
  check "ENOSYS stats" grep -q 'ENOSYS' stats.txt
  # EXDEV: two filesystems as far as the tool can tell, so sendfile copies.
  inject error=EXDEV "$COPY" --stats src.bin exdev.bin 2>stats.txt
  check "EXDEV content" cmp -s src.bin exdev.bin
  check "EXDEV stats" grep -q '^path: sendfile 100%$' stats.txt
  inject error=EPERM "$COPY" --stats src.bin eperm.bin 2>stats.txt
  check "EPERM content" cmp -s src.bin eperm.bin
  inject retval=0 "$COPY" --stats src.bin zero.bin 2>stats.txt
  check "zero first round content" cmp -s src.bin zero.bin
  check "zero first round stats" grep -q 'fell back: copied nothing 1x' stats.txt
  # A switch midway: the first 64 MiB chunk goes through copy_file_range, the
  # second call fails with EXDEV, and sendfile finishes the copy.
  inject error=EXDEV:when=2+ "$COPY" --progress --stats prog.bin midway.bin 2>stats.txt
  check "midway switch content" cmp -s prog.bin midway.bin
  check "midway switch both paths" grep -q '^path: copy_file_range 42%, sendfile 58%$' stats.txt
  check "midway switch total" grep -q "^copied $((150 << 20)) bytes" stats.txt
  # sendfile and splice refusing: the read/write loop copies, --stats says why.
  injectcall() {  # injectcall SYSCALL SPEC CMD...
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
      strace -f -o /dev/null -e trace="$1" -e inject="$1:$2" "${@:3}"
  }
  injectcall sendfile error=EINVAL "$COPY" --stats src.bin - 2>stats.txt | cmp -s - src.bin
  check "sendfile EINVAL: content" test "${PIPESTATUS[0]}${PIPESTATUS[1]}" = 00
  check "sendfile EINVAL: stats" grep -q '^sendfile: .*fell back: EINVAL' stats.txt
  check "sendfile EINVAL: read/write" grep -q '^path: read/write 100%$' stats.txt
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" sock in src.bin \
    strace -f -o /dev/null -e trace=splice -e inject=splice:error=EINVAL \
    "$COPY" --stats - splice-einval.bin
  check "splice EINVAL: content" cmp -s src.bin splice-einval.bin
  check "splice EINVAL: stats" grep -q '^splice: .*fell back: EINVAL' stats.txt
  set +e
  injectcall sendfile error=EIO "$COPY" src.bin - 2>err.txt >/dev/null; rc=$?
  set -e
  check "sendfile EIO: exit 1" test "$rc" = 1
  check "sendfile EIO: message" grep -qxE 'copy: write /dev/stdout: sendfile: input/output error \(after [0-9]+ bytes\)' err.txt
  set +e
  inject error=ENOSPC "$COPY" src.bin nospc.bin 2>err.txt; rc=$?
  set -e
  check "ENOSPC injected: exit 1" test "$rc" = 1
  check "ENOSPC injected: message" grep -qx 'copy: write nospc.bin: copy_file_range: no space left on device (after 0 bytes)' err.txt

  # --sync: the file fsync'd, then its directory, which holds the new name
  # (the directory after the rename, with --atomic); nothing without it.
  # sync_events TRACE: "file", "dir" and "rename", in the order traced.
  sync_events() {
    sed -nE "s#.*fsync\([0-9]+<$PWD/syncdir>\).*#dir#p; s#.*fsync\([0-9]+<$PWD/syncdir/.*#file#p;
      s#.*rename[a-z0-9]*\(.*#rename#p" "$1" | tr '\n' ' '
  }
  mkdir -p syncdir
  trace_sync() {
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
      strace -f -y -e trace=fsync,fdatasync,rename,renameat,renameat2 -o sync.txt "$@"
  }
  trace_sync "$COPY" --sync alpha.txt syncdir/new
  check "--sync: the file, then its directory" test "$(sync_events sync.txt)" = "file dir "
  trace_sync "$COPY" --sync --atomic src.bin syncdir/new
  check "--sync --atomic: content" cmp -s src.bin syncdir/new
  check "--sync --atomic: the file, the rename, then the directory" \
    test "$(sync_events sync.txt)" = "file rename dir "
  trace_sync "$COPY" --sync alpha.txt syncdir/new
  check "--sync into an existing file: no new name, the file only" test "$(sync_events sync.txt)" = "file "
  trace_sync "$COPY" alpha.txt syncdir/plain
  check "without --sync: no fsync" test "$(sync_events sync.txt)" = ""
else
  echo "strace cannot trace here; skipping fault injection"
fi

echo "$passes passed, $failures failed"
((failures == 0))
