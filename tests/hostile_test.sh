#!/usr/bin/env bash
# The copy tool under hostile input and unlucky operators (issue 11): each case
# creates its situation for real (directories, FIFOs, pipes, closed
# descriptors, `ulimit -f`, SIGPIPE, and, as root, loop-mounted ext4 and
# tmpfs that fill up, go read-only, or hold immutable and append-only files)
# and asserts the exit status, the message, the destination's bytes, and that
# nothing else changed. Where GNU cp, cat or dd (coreutils 9.1) should behave
# the same, the case runs them too; where they differ, docs/copy-tool.md's
# "The copy tool under hostile input" says how.
#
# Usage (from Bazel): hostile_test.sh PATH_TO_COPY PATH_TO_MODULE.bazel
set -uo pipefail

COPY=$(realpath "$1")
MODULE=$(realpath "$2")
T=${TEST_TMPDIR:-$(mktemp -d)}
W=$T/hostile # the files of the cases
L=$T/logs    # what the commands printed
M=$T/mnt     # mount points
rm -rf "$W" "$L"
mkdir -p "$W" "$L" "$M"
cd "$W" || exit 1
W=$(pwd -P) # as /proc/PID/fd shows it
# Names are quoted per LC_CTYPE (os/quote.h), by copy and by the coreutils it
# is compared with; the C locale makes both deterministic.
export LC_ALL=C
# mkfs.ext4, losetup: Bazel's test environment has no sbin directories on PATH.
export PATH=$PATH:/usr/sbin:/sbin
# LeakSanitizer (--config=asan) cannot work under ptrace.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

failures=0
passes=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
pass() { passes=$((passes + 1)); }
check() { # check NAME CMD...: CMD must succeed
  local name=$1
  shift
  if "$@"; then pass; else fail "$name"; fi
}
skip() { echo "SKIP: $*"; }

# expect CASE STATUS MESSAGE: the last command (run with `rc=0; CMD 2>"$L/err"
# || rc=$?`) exited with STATUS and printed exactly MESSAGE on stderr.
expect() {
  local got
  got=$(cat "$L/err")
  if [[ $rc == "$2" ]]; then pass; else fail "$1: exit status $rc, want $2"; fi
  if [[ $got == "$3" ]]; then pass; else fail "$1: message $(printf %q "$got"), want $(printf %q "$3")"; fi
}

# Everything under the current directory but the paths given: names, types,
# sizes, inodes and modes, and the bytes of regular files (FIFOs are never
# opened).
fingerprint() {
  local prune=() path
  for path in "$@"; do prune+=(-path "./$path" -prune -o); done
  find . -mindepth 1 "${prune[@]}" -printf '%p %y %s %i %m\n' | sort
  find . -mindepth 1 "${prune[@]}" -type f -print0 | sort -z | xargs -0 -r sha256sum
}
# begin [PATH...]: remembers the fingerprint of all but PATH...; unchanged
# CASE checks it again.
begin() {
  excluded=("$@")
  before=$(fingerprint "$@")
}
unchanged() { check "$1: nothing else changed" test "$(fingerprint "${excluded[@]}")" = "$before"; }

# holds CASE FILE CONTENT: FILE holds CONTENT (and a final newline, if any).
holds() {
  local size
  size=$(stat -c %s -- "$2")
  # A runaway copy (a bug) can have written gigabytes: never read them all.
  check "$1: $2 holds '$3' (size $size)" test "$size" -lt 4096 -a "$(cat -- "$2")" = "$3"
}
# limited CMD...: CMD with files limited to 1 MiB, so that a copy that should
# have been refused and loops (the bugs these cases catch) fills 1 MiB, not
# the disk, and is stopped by SIGXFSZ or EFBIG.
limited() { (
  ulimit -f 1024
  exec "$@"
); }

printf 'important\n' >keep
printf 'hello, world\n' >f
head -c 3000000 /dev/urandom >src.bin
mkdir dir

# === 1. The destination is untouched until the source is known to be copyable.
begin
rc=0
"$COPY" dir keep 2>"$L/err" || rc=$?
expect "directory source" 1 "copy: -r not specified; omitting directory 'dir'"
holds "directory source" keep important
unchanged "directory source"
rc=0
cp dir keep 2>/dev/null || rc=$?
check "cp refuses a directory source too" test "$rc" = 1
holds "cp with a directory source" keep important

rc=0
"$COPY" dir new.txt 2>"$L/err" || rc=$?
expect "directory source, new destination" 1 "copy: -r not specified; omitting directory 'dir'"
check "directory source: the destination is not even created" test ! -e new.txt

begin
rc=0
"$COPY" - keep <dir 2>"$L/err" || rc=$?
expect "directory on stdin" 1 "copy: read /dev/stdin: is a directory"
holds "directory on stdin" keep important
rc=0
cat <dir >/dev/null 2>"$L/err" || rc=$?
expect "cat with a directory on stdin" 1 "cat: -: Is a directory"

rc=0
"$COPY" - keep 0>>"$L/write-only" 2>"$L/err" || rc=$?
expect "write-only stdin" 1 "copy: read /dev/stdin: bad file descriptor"
holds "write-only stdin" keep important

rc=0
"$COPY" missing keep 2>"$L/err" || rc=$?
expect "missing source" 1 "copy: open missing: no such file or directory"
holds "missing source" keep important

unchanged "every refusal above"

# A directory as DST takes the copy as DIR/NAME, as cp (issue 23).
rc=0
"$COPY" f dir 2>"$L/err" || rc=$?
expect "directory destination" 0 ""
holds "directory destination: the copy is dir/f" dir/f "hello, world"
rc=0
"$COPY" -T f dir 2>"$L/err" || rc=$?
expect "directory destination with -T" 1 "copy: open dir: is a directory"
rm dir/f

rc=0
"$COPY" --seek=4 f - 2>"$L/err" | cat >/dev/null || rc=${PIPESTATUS[0]}
expect "--seek on a pipe" 1 "copy: seek /dev/stdout: illegal seek"

# === 2. A file onto itself, whatever the names: refused before damage.
printf 'hello, world\n' >f
ln f f.hard
ln -s f f.sym
exec 3<f
# self_copy CASE MESSAGE: the last command refused with MESSAGE, and f is intact.
self_copy() {
  expect "$1" 1 "$2"
  holds "$1" f 'hello, world'
}
begin
rc=0
limited "$COPY" f f 2>"$L/err" || rc=$?
self_copy "same path" "copy: 'f' and 'f' are the same file"
rc=0
limited "$COPY" f f.hard 2>"$L/err" || rc=$?
self_copy "hard link" "copy: 'f' and 'f.hard' are the same file"
rc=0
limited "$COPY" f.sym f 2>"$L/err" || rc=$?
self_copy "symbolic link" "copy: 'f.sym' and 'f' are the same file"
rc=0
limited "$COPY" f /proc/self/fd/3 2>"$L/err" || rc=$?
self_copy "/proc/self/fd" "copy: 'f' and '/proc/self/fd/3' are the same file"
rc=0
limited timeout 20 "$COPY" f - >>f 2>"$L/err" || rc=$?
self_copy "stdout appending to the source" \
  "copy: 'f' and '/dev/stdout' are the same file (give --count to copy a bounded range within it)"
rc=0
limited timeout 20 cat f >>f 2>"$L/err" || rc=$?
self_copy "cat appending to its input" "cat: f: input file is output file"
rc=0
limited timeout 20 "$COPY" - f <f 2>"$L/err" || rc=$?
self_copy "stdin is the destination" "copy: '/dev/stdin' and 'f' are the same file"
rc=0
limited timeout 20 "$COPY" - - <f >>f 2>"$L/err" || rc=$?
self_copy "stdin and stdout" \
  "copy: '/dev/stdin' and '/dev/stdout' are the same file (give --count to copy a bounded range within it)"
rc=0
limited timeout 20 "$COPY" --append f f 2>"$L/err" || rc=$?
self_copy "--append, unbounded" \
  "copy: 'f' and 'f' are the same file (give --count to copy a bounded range within it)"
rc=0
limited timeout 20 "$COPY" --seek=5 f.hard f 2>"$L/err" || rc=$?
self_copy "--seek, unbounded" \
  "copy: 'f.hard' and 'f' are the same file (give --count to copy a bounded range within it)"
unchanged "every self-copy refusal"
rc=0
cp f f.hard 2>"$L/err" || rc=$?
self_copy "cp onto a hard link" "cp: 'f' and 'f.hard' are the same file"
exec 3<&-

# A bounded copy within one file is dd's conv=notrunc, and allowed.
cp f dd.txt
rc=0
"$COPY" --append --count=5 f f.hard 2>"$L/err" || rc=$?
dd if=dd.txt of=dd.txt bs=1 count=5 oflag=append conv=notrunc status=none
expect "--append --count within one file" 0 ""
check "--append --count within one file: as dd" cmp -s f dd.txt
rc=0
"$COPY" --skip=7 --seek=0 --count=5 f f 2>"$L/err" || rc=$?
dd if=dd.txt of=dd.txt bs=1 skip=7 seek=0 count=5 conv=notrunc status=none
expect "--seek --count within one file" 0 ""
check "--seek --count within one file: as dd" cmp -s f dd.txt
rm -f f.hard f.sym dd.txt

# FIFOs and pipes: what is written would be read back, forever.
mkfifo ff
begin
rc=0
limited timeout 20 "$COPY" ff ff 2>"$L/err" || rc=$?
expect "one FIFO, no writer (was: hung in open)" 1 "copy: 'ff' and 'ff' are the same file"
rc=0
limited timeout 20 cp ff ff 2>"$L/err" || rc=$?
expect "cp: one FIFO" 1 "cp: 'ff' and 'ff' are the same file"
# With a writer and a reader present, every open succeeds at once: only the
# check of the open descriptors can stop the loop.
exec 4<>ff
rc=0
limited timeout 20 "$COPY" ff ff 2>"$L/err" || rc=$?
expect "one FIFO, a writer present" 1 "copy: 'ff' and 'ff' are the same file"
rc=0
limited timeout 20 "$COPY" - ff <ff 2>"$L/err" || rc=$?
expect "FIFO on stdin and as DST" 1 "copy: '/dev/stdin' and 'ff' are the same file"
rc=0
limited timeout 20 "$COPY" ff - >ff 2>"$L/err" || rc=$?
expect "FIFO as SRC and on stdout" 1 "copy: 'ff' and '/dev/stdout' are the same file"
rc=0
limited timeout 20 "$COPY" --append --count=3 - - <ff >>ff 2>"$L/err" || rc=$?
expect "FIFO on stdin and stdout, bounded" 1 "copy: '/dev/stdin' and '/dev/stdout' are the same file"
exec 4<&-
rc=0
printf 'x' | limited timeout 20 "$COPY" - /proc/self/fd/0 2>"$L/err" || rc=${PIPESTATUS[1]}
expect "a pipe into itself" 1 "copy: '/dev/stdin' and '/proc/self/fd/0' are the same file"
unchanged "FIFO refusals"
# A terminal or other character device reads and writes separate streams.
rc=0
"$COPY" - - </dev/null >/dev/null 2>"$L/err" || rc=$?
expect "/dev/null to itself" 0 ""
rm -f ff

# === 3. The tool's own messages never land in the data.
head -c 6000 /dev/urandom >small.bin
for redirections in '>&- 2>&-' '2>&-' '<&- >&- 2>&-' '2>>out.bin'; do
  rm -f out.bin
  rc=0
  eval "\"\$COPY\" --stats small.bin out.bin $redirections" || rc=$?
  check "--stats with $redirections: exit 0 (got $rc)" test "$rc" = 0
  check "--stats with $redirections: DST is the data, only" cmp -s small.bin out.bin
done
rm -f out.bin
rc=0
"$COPY" --stats small.bin - >out.bin 2>&1 || rc=$?
check "stdout and stderr are DST: exit 0" test "$rc" = 0
check "stdout and stderr are DST: the data only" cmp -s small.bin out.bin
# Descriptors 0, 1 and 2 are /dev/null before anything is opened: looked at
# in /proc while copy waits for a FIFO's data.
mkfifo slow
rm -f out.bin
"$COPY" slow out.bin <&- >&- 2>&- &
copier=$!
exec 5>slow # waits for copy to open the FIFO
dst_fd=""
for ((i = 0; i < 200; i++)); do
  for fd in /proc/"$copier"/fd/*; do
    [[ $(readlink "$fd" 2>/dev/null) == "$W/out.bin" ]] && dst_fd=${fd##*/}
  done
  [[ -n $dst_fd ]] && break
  sleep 0.05
done
for fd in 0 1 2; do
  check "closed descriptor $fd is /dev/null" test "$(readlink "/proc/$copier/fd/$fd")" = /dev/null
done
check "DST got a descriptor above 2 (got '$dst_fd')" test "${dst_fd:-0}" -gt 2
printf 'fifo data' >&5
exec 5>&-
rc=0
wait "$copier" || rc=$?
check "copy from a FIFO with 0-2 closed: exit 0 (got $rc)" test "$rc" = 0
holds "copy from a FIFO with 0-2 closed" out.bin 'fifo data'
rm -f slow out.bin
# Messages printed while DST is open: a refusal after DST was opened (an
# offset past ext4's and tmpfs' largest file), and progress lines from a copy
# that waits more than a second for its input.
for redirections in '>&- 2>&-' '2>&-'; do
  rm -f out.bin
  rc=0
  eval "\"\$COPY\" --seek=9223372036854775807 small.bin out.bin $redirections" || rc=$?
  check "refused after opening DST, $redirections: exit 1 (got $rc)" test "$rc" = 1
  check "refused after opening DST, $redirections: DST is empty" test -f out.bin -a ! -s out.bin
  rm -f out.bin
  rc=0
  eval "{ printf a; sleep 2; printf b; } | \"\$COPY\" --progress - out.bin $redirections" || rc=$?
  check "--progress with $redirections: exit 0 (got $rc)" test "$rc" = 0
  holds "--progress with $redirections" out.bin ab
done
# A failing copy, with the message it would print: past `ulimit -f` (4 KiB).
for redirections in '>&- 2>&-' '2>>out.bin'; do
  rm -f out.bin
  rc=0
  (
    ulimit -f 4
    eval "exec \"\$COPY\" small.bin out.bin $redirections"
  ) || rc=$?
  check "failure with $redirections: exit 1 (got $rc)" test "$rc" = 1
  check "failure with $redirections: DST is the first 4096 bytes, only" \
    cmp -s out.bin <(head -c 4096 small.bin)
done
rm -f out.bin
begin
rc=0
"$COPY" - out.bin <&- 2>"$L/err" || rc=$?
expect "closed stdin as SRC" 1 "copy: read /dev/stdin: bad file descriptor"
check "closed stdin as SRC: DST not created" test ! -e out.bin
rc=0
"$COPY" small.bin - >&- 2>"$L/err" || rc=$?
expect "closed stdout as DST" 1 "copy: write /dev/stdout: bad file descriptor"
unchanged "closed standard descriptors"
rc=0
cat <&- 2>"$L/err" || rc=$?
check "cat: closed stdin fails too" test "$rc" = 1
check "cat: closed stdin: EBADF" grep -qx 'cat: -: Bad file descriptor' "$L/err"
rc=0
cat small.bin >&- 2>/dev/null || rc=$?
check "cat: closed stdout fails too" test "$rc" = 1

# === 4. The command line: strict values, only the tool's own options.
begin
usage() { # usage MESSAGE ARGS...
  local want=$1
  shift
  rc=0
  "$COPY" "$@" 2>"$L/err" || rc=$?
  expect "copy $*" 2 "$want
Try 'copy --help' for more information."
}
usage "copy: invalid --count '': empty" --count= src.bin keep
usage "copy: invalid --count '0x10': not a decimal number" --count=0x10 src.bin keep
usage "copy: invalid --count '010': leading zero (octal to C and bash, decimal to dd)" \
  --count=010 src.bin keep
usage "copy: invalid --count '99999999999999999999': too large (at most 9223372036854775807 bytes)" \
  --count=99999999999999999999 src.bin keep
usage "copy: invalid --skip '-5': must not be negative" --skip=-5 src.bin keep
usage "copy: invalid --seek '1.5K': not a whole number of bytes" --seek=1.5K src.bin keep
usage "copy: invalid --count '5X': unknown unit (want K, M, G, T, P, E for powers of 1024; KB, MB, ... for powers of 1000)" \
  --count=5X src.bin keep
usage "copy: option '--count' needs a value (--count=N)" src.bin keep --count
usage "copy: unknown option '--flagfile'" --flagfile=/etc/passwd src.bin keep
usage "copy: unknown option '--fromenv'" --fromenv=count src.bin keep
usage "copy: unknown option '--helpfull'" --helpfull
usage "copy: unknown option '--nostats'" --nostats src.bin keep
usage "copy: option '--stats' takes no value" --stats=1 src.bin keep
usage "copy: unknown option '-w'" -weird keep
usage "copy: missing DST after 'src.bin'" src.bin
usage "copy: extra operand 'c' (with -T: one SRC and DST)" -T src.bin keep c
# Several SRC go into the last operand, which must be a directory.
rc=0
"$COPY" src.bin keep c 2>"$L/err" || rc=$?
expect "copy src.bin keep c" 1 "copy: target 'c': no such file or directory"
rc=0
"$COPY" src.bin f keep 2>"$L/err" || rc=$?
expect "copy src.bin f keep" 1 "copy: target 'keep' is not a directory"
holds "several sources onto a file" keep important
unchanged "usage errors"
rc=0
"$COPY" --count=4K src.bin out.bin 2>"$L/err" || rc=$?
expect "--count=4K" 0 ""
check "--count=4K is 4096 bytes" cmp -s out.bin <(head -c 4096 src.bin)
"$COPY" --count=4KB src.bin out.bin
check "--count=4KB is 4000 bytes" cmp -s out.bin <(head -c 4000 src.bin)
"$COPY" --skip 1KiB --count 1K src.bin out.bin
dd if=src.bin of=dd.bin bs=1024 skip=1 count=1 status=none
check "--skip 1KiB --count 1K: as dd" cmp -s out.bin dd.bin
printf 'dash' >-weird
"$COPY" -- -weird out.bin
holds "-- ends the options" out.bin dash
rm -f -- -weird dd.bin
version=$(sed -n '/^module(/,/^)/s/^ *version = "\(.*\)",$/\1/p' "$MODULE")
check "MODULE.bazel has a version" test -n "$version"
check "--version" test "$("$COPY" --version)" = "copy (sysport) $version"
check "-h is --help" test "$("$COPY" -h)" = "$("$COPY" --help)"
check "--help" grep -q '^Usage: copy \[OPTION\]... \[-T\] SRC DST$' <("$COPY" --help)
rc=0
"$COPY" --help >/dev/full 2>"$L/err" || rc=$?
expect "--help into a full device" 1 "copy: write /dev/stdout: no space left on device"
rc=0
cp --help >/dev/full 2>/dev/null || rc=$?
check "cp --help into a full device fails too" test "$rc" = 1

# === 5. Names are quoted as coreutils quotes them, and read back by a shell.
quoting() { # quoting NAME
  local name=$1 got want back=""
  rc=0
  "$COPY" "$name" out.bin 2>"$L/err" || rc=$?
  check "name $(printf %q "$name"): one line" test "$(wc -l <"$L/err")" = 1
  check "name $(printf %q "$name"): no raw control bytes" \
    test -z "$(LC_ALL=C tr -d '\n[:print:]' <"$L/err")"
  got=$(sed -n 's/^copy: open \(.*\): no such file or directory$/\1/p' "$L/err")
  cp "$name" out.bin 2>"$L/cp-err"
  want=$(sed -n 's/^cp: cannot stat \(.*\): No such file or directory$/\1/p' "$L/cp-err")
  check "name $(printf %q "$name"): quoted as cp quotes it ($got, $want)" test "$got" = "$want"
  eval "back=$got" 2>/dev/null
  check "name $(printf %q "$name"): a shell reads it back" test "$back" = "$name"
}
for name in $'a\nb' $'a\e[31mred' $'a\e]0;title\a' 'a b' "it's" "a'\$b" $'x\xff' $'tab\there' 'a*'; do
  quoting "$name"
done
touch -- $'a\nb'
rc=0
"$COPY" $'a\nb' $'a\nb' 2>"$L/err" || rc=$?
expect "same file, quoted" 1 "copy: 'a'$'\\n''b' and 'a'$'\\n''b' are the same file"
rc=0
cp $'a\nb' $'a\nb' 2>"$L/err" || rc=$?
expect "cp: same file, quoted" 1 "cp: 'a'$'\\n''b' and 'a'$'\\n''b' are the same file"
rm -f -- $'a\nb' out.bin

# === 6. A failed copy says how far it got, and leaves what it wrote.
head -c 100000 /dev/urandom >big.bin
rc=0
(
  ulimit -f 10
  exec "$COPY" big.bin out.bin 2>"$L/err"
) || rc=$?
expect "ulimit -f" 1 "copy: write out.bin: file too large (after 10240 bytes)"
check "ulimit -f: DST is the first 10240 bytes" cmp -s out.bin <(head -c 10240 big.bin)
rc=0
(
  ulimit -f 10
  exec cp big.bin cp.bin 2>/dev/null
) || rc=$?
check "cp is killed by SIGXFSZ at ulimit -f (status $rc)" test "$rc" = $((128 + $(kill -l XFSZ)))
rm -f out.bin cp.bin

head -c $((8 << 20)) /dev/urandom >pipe.bin
# A signal ignored when the shell started cannot be restored (bash).
if (($(grep '^SigIgn:' /proc/self/status | awk '{ print "0x" $2 }') & (1 << ($(kill -l PIPE) - 1)))); then
  skip "SIGPIPE is ignored by whatever started this test: no default-SIGPIPE case"
else
  "$COPY" pipe.bin - 2>"$L/err" | head -c 1 >/dev/null
  rc=${PIPESTATUS[0]}
  check "SIGPIPE kills copy as it kills cat (status $rc)" test "$rc" = $((128 + $(kill -l PIPE)))
  check "SIGPIPE: nothing said" test ! -s "$L/err"
fi
rc=$(
  trap '' PIPE
  "$COPY" pipe.bin - 2>"$L/err" | head -c 1 >/dev/null
  echo "${PIPESTATUS[0]}"
)
check "SIGPIPE ignored: exit 1 (got $rc)" test "$rc" = 1
check "SIGPIPE ignored: EPIPE and the count" \
  grep -qE '^copy: write /dev/stdout: ((sendfile|splice): )?broken pipe \(after [0-9]+ bytes\)$' "$L/err"
rc=$(
  trap '' PIPE
  cat pipe.bin 2>/dev/null | head -c 1 >/dev/null
  echo "${PIPESTATUS[0]}"
)
check "SIGPIPE ignored: cat exits 1 too" test "$rc" = 1
rm -f pipe.bin

# A source that shrinks or grows while it is copied: the copy takes what is
# there when it reads. strace holds the second copy_file_range (the second
# 64 MiB chunk of --progress) for 5 s; the source changes meanwhile, once
# the first chunk is in (the source's offset, in /proc, says so).
change_during_copy() { # change_during_copy CASE COMMAND...
  local name=$1 tracer pid="" fd pos="" i
  shift
  head -c $((100 << 20)) /dev/urandom >moving.bin
  cp moving.bin moving.orig
  strace -f -o /dev/null -e trace=copy_file_range \
    -e inject=copy_file_range:delay_enter=5000000:when=2 \
    "$COPY" --progress --stats moving.bin moved.bin 2>"$L/err" &
  tracer=$!
  for ((i = 0; i < 400; i++)); do
    [[ $pos == 67108864 ]] && break
    sleep 0.05
    read -r pid _ <"/proc/$tracer/task/$tracer/children"
    for fd in /proc/"$pid"/fd/*; do
      [[ $(readlink "$fd" 2>/dev/null) == "$W/moving.bin" ]] || continue
      pos=$(awk '$1 == "pos:" { print $2 }' "/proc/$pid/fdinfo/${fd##*/}" 2>/dev/null)
    done
  done
  check "$name: the first chunk was copied before the change" test "$pos" = 67108864
  "$@"
  rc=0
  wait "$tracer" || rc=$?
  check "$name: exit 0 (got $rc)" test "$rc" = 0
}
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  change_during_copy "source truncated" truncate -s 1M moving.bin
  check "source truncated: DST is what was copied before" \
    cmp -s moved.bin <(head -c $((64 << 20)) moving.orig)
  check "source truncated: the count" grep -q "^copied $((64 << 20)) bytes" "$L/err"
  change_during_copy "source grown" bash -c 'head -c 1000000 /dev/urandom >>moving.bin'
  check "source grown: DST is the whole grown source" cmp -s moved.bin moving.bin
  check "source grown: the count" grep -q "^copied $(((100 << 20) + 1000000)) bytes" "$L/err"
  rm -f moving.bin moving.orig moved.bin
else
  skip "strace cannot trace here: no source-changes-during-the-copy cases"
fi

# === 7. DST's name, checked before anything is made or read (issue 24).
ln -s missing dangle
begin
rc=0
"$COPY" f dangle 2>"$L/err" || rc=$?
expect "dangling symlink DST" 1 \
  "copy: open dangle: not writing through a dangling symlink: no such file or directory"
rc=0
cp f dangle 2>"$L/err" || rc=$?
expect "cp: dangling symlink DST" 1 "cp: not writing through dangling symlink 'dangle'"
rc=0
"$COPY" f no-such/ 2>"$L/err" || rc=$?
expect "trailing slash, nothing there (was: is a directory)" 1 "copy: open no-such/: not a directory"
rc=0
cp f no-such/ 2>"$L/err" || rc=$?
expect "cp: trailing slash" 1 "cp: cannot create regular file 'no-such/': Not a directory"
rc=0
"$COPY" --atomic f no-such/ 2>"$L/err" || rc=$?
expect "--atomic, trailing slash" 1 "copy: open no-such/: not a directory"
# An atomic copy onto a directory goes into it, as any copy (issue 23); with
# -T it is refused before a temporary file is made or a byte read (issue 24:
# was every byte copied, then the rename refused).
rc=0
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  strace -f -o "$L/atomic-dir.trace" -e trace=openat,copy_file_range,sendfile,read \
    "$COPY" -T --atomic src.bin dir 2>"$L/err" || rc=$?
  check "--atomic -T onto a directory: no temporary file" \
    bash -c "! grep -q O_TMPFILE '$L/atomic-dir.trace'"
  check "--atomic -T onto a directory: no copy_file_range, no sendfile" \
    bash -c "! grep -qE '^[0-9]+ +(copy_file_range|sendfile)\(' '$L/atomic-dir.trace'"
else
  "$COPY" -T --atomic src.bin dir 2>"$L/err" || rc=$?
fi
expect "--atomic -T onto a directory" 1 "copy: open dir: is a directory"
check "--atomic -T onto a directory: nothing left in it" test -z "$(ls -A dir)"
rc=0
"$COPY" --atomic src.bin dir 2>"$L/err" || rc=$?
expect "--atomic into a directory" 0 ""
check "--atomic into a directory: the copy is dir/src.bin" cmp -s src.bin dir/src.bin
check "--atomic into a directory: nothing else in it" test "$(ls -A dir)" = src.bin
rm dir/src.bin
unchanged "destination names refused"
rm -f dangle

# === 8. What DST takes from SRC besides its bytes (issue 24): as root, and as
# an unprivileged user (setpriv to nobody), beside cp -p. In a directory of
# /tmp, which nobody can reach (TEST_TMPDIR is under root's home), with a
# copy of the tool there.
# mode_while_copying DST COMMAND...: the mode of DST (as `stat -c %a` shows
# it) while COMMAND's first copy_file_range, the first data, is held up by
# strace for 4 s: looked at once the copy has DST open (/proc/PID/fd), and a
# moment later, when it is waiting inside copy_file_range.
mode_while_copying() {
  local dst=$1 tracer pid="" fd open="" mode="" i
  shift
  strace -f -o /dev/null -e trace=copy_file_range -e inject=copy_file_range:delay_enter=4000000 \
    "$@" &
  tracer=$!
  for ((i = 0; i < 60; i++)); do
    [[ -n $open ]] && break
    sleep 0.05
    pid=$(pgrep -P "$tracer" | head -n 1)
    for fd in /proc/"$pid"/fd/*; do
      [[ -n $pid && $(readlink "$fd" 2>/dev/null) == "$PWD/$dst" ]] && open=yes
    done
  done
  sleep 0.5
  mode=$(stat -c %a "$dst" 2>/dev/null)
  wait "$tracer" || mode="$mode (exit $?)"
  echo "$mode"
}
why_not=""
if ((EUID != 0)); then
  why_not="not root: another user's files cannot be made"
elif ! command -v setpriv >/dev/null; then
  why_not="setpriv missing (util-linux)"
elif ! command -v strace >/dev/null || ! strace -f -o /dev/null true 2>/dev/null; then
  why_not="strace cannot trace here"
fi
if [[ -n $why_not ]]; then
  skip "metadata cases: $why_not"
else
  U=$(mktemp -d /tmp/hostile-metadata.XXXXXX)
  chmod 755 "$U"
  mkdir -m 1777 "$U/w"
  cp "$COPY" "$U/copy"
  chmod 755 "$U/copy"
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  cd "$U/w" || exit 1

  # setuid and setgid only for the owner whose mode they are: an unprivileged
  # user cannot make root's 6544 file its own setuid program (was: c2 was
  # -r-sr-Sr-- and the user's).
  printf 'x' >c
  chmod 6544 c
  for args in "--preserve=mode,ownership,timestamps" "--preserve=mode" "--atomic --preserve=all"; do
    rm -f c2
    rc=0
    # shellcheck disable=SC2086 # the words of $args are options
    (umask 022 && as_nobody "$U/copy" $args c c2) 2>"$L/err" || rc=$?
    expect "nobody: copy $args of root's 6544 file" 0 ""
    check "nobody: copy $args: set-id bits dropped ($(stat -c '%a %U' c2))" \
      test "$(stat -c '%a %u' c2)" = "544 65534"
  done
  as_nobody cp -p c c.cp
  check "cp -p as nobody gives the same mode" test "$(stat -c %a c.cp)" = 544
  # The other way round: root copying nobody's setuid file keeps the bit only
  # when the copy is nobody's too.
  as_nobody sh -c 'printf y >mine && chmod 4755 mine'
  "$U/copy" --preserve=mode mine mine.root
  check "root: --preserve=mode of nobody's 4755 file: 755, root's" \
    test "$(stat -c '%a %u' mine.root)" = "755 0"
  "$U/copy" --preserve=mode,ownership mine mine.own
  check "root: --preserve=mode,ownership of nobody's 4755 file: 4755, nobody's" \
    test "$(stat -c '%a %u' mine.own)" = "4755 65534"

  # While the data is written, nobody the finished file leaves out can open
  # it: created owner-only when ownership is to be given (was: with its final
  # mode from the start), widened at the end.
  head -c 100000 /dev/urandom >data.src
  chown 1234:1234 data.src
  chmod 640 data.src
  during=$(mode_while_copying new.dst bash -c "umask 022 && exec '$U/copy' --preserve=ownership data.src new.dst")
  check "root, --preserve=ownership: owner-only while written (got $during)" test "$during" = 600
  check "root, --preserve=ownership: then 640, 1234's" \
    test "$(stat -c '%a %u %g' new.dst)" = "640 1234 1234"
  check "root, --preserve=ownership: the bytes" cmp -s data.src new.dst
  during=$(mode_while_copying new.atomic bash -c "umask 022 && exec '$U/copy' --atomic --preserve=ownership data.src new.atomic")
  check "root, --atomic --preserve=ownership: then 640, 1234's (temporary: $during)" \
    test "$(stat -c '%a %u %g' new.atomic)" = "640 1234 1234"
  as_nobody sh -c 'head -c 100000 /dev/urandom >n.src && chmod 644 n.src'
  chown root:root n.src
  during=$(mode_while_copying n.dst setpriv --reuid=65534 --regid=65534 --clear-groups \
    bash -c "umask 022 && exec '$U/copy' --preserve=ownership n.src n.dst")
  check "nobody, --preserve=ownership: owner-only while written (got $during)" test "$during" = 600
  check "nobody, --preserve=ownership: then 644, nobody's" test "$(stat -c '%a %u' n.dst)" = "644 65534"
  # An existing DST wider than SRC is narrowed before the data (was: after).
  chmod 600 data.src
  printf 'old' >wide.dst
  chmod 666 wide.dst
  during=$(mode_while_copying wide.dst "$U/copy" --preserve=mode data.src wide.dst)
  check "existing 666 DST, --preserve=mode of a 600 file: 600 while written (got $during)" \
    test "$during" = 600
  check "existing 666 DST: 600 at the end" test "$(stat -c %a wide.dst)" = 600
  as_nobody sh -c 'head -c 100000 /dev/urandom >m.src && chmod 600 m.src && printf old >m.dst && chmod 666 m.dst'
  during=$(mode_while_copying m.dst setpriv --reuid=65534 --regid=65534 --clear-groups \
    "$U/copy" --preserve=mode m.src m.dst)
  check "nobody: existing 666 DST, --preserve=mode: 600 while written (got $during)" \
    test "$during" = 600

  # --preserve whatever SRC is: a FIFO's or a device's bytes read as data
  # still give DST its mode and owner, new or existing (was: ignored).
  mkfifo ff
  chmod 604 ff
  chown 1234:5678 ff
  for dst in ff.new ff.old; do
    [[ $dst == ff.old ]] && printf 'old contents, longer' >ff.old
    printf 'fifo data' >ff &
    rc=0
    (umask 077 && exec "$U/copy" --preserve=mode,ownership ff "$dst") 2>"$L/err" || rc=$?
    wait
    expect "FIFO SRC, --preserve, $dst" 0 ""
    holds "FIFO SRC, --preserve, $dst" "$dst" 'fifo data'
    check "FIFO SRC, --preserve: $dst is 604, 1234:5678 ($(stat -c '%a %u:%g' "$dst"))" \
      test "$(stat -c '%a %u:%g' "$dst")" = "604 1234:5678"
  done
  (umask 077 && exec "$U/copy" --preserve=mode /dev/null null.copy)
  check "character device SRC, --preserve=mode: /dev/null's mode" \
    test "$(stat -c %a null.copy)" = "$(stat -c %a /dev/null)"
  cd "$W" || exit 1
  rm -rf "$U"
fi

# === Filesystems that fill up, go read-only, or refuse writes (root only).
mounted=()
cleanup() {
  local dir
  for dir in "${mounted[@]}"; do
    chattr -R -i -a "$dir" 2>/dev/null
    umount "$dir" 2>/dev/null || umount -l "$dir"
  done
  mounted=()
}
trap cleanup EXIT
# mount_ext4 DIR SIZE: a fresh ext4 image of SIZE, loop-mounted on DIR (the
# loop device goes away at umount: mount -o loop sets autoclear).
mount_ext4() {
  local img=$T/${1##*/}.img
  truncate -s "$2" "$img" && mkfs.ext4 -q -F "$img" && mkdir -p "$1" &&
    mount -o loop "$img" "$1" && mounted+=("$1")
}
why_not=""
if ((EUID != 0)); then
  why_not="not root"
elif ! command -v mkfs.ext4 >/dev/null || ! command -v chattr >/dev/null; then
  why_not="mkfs.ext4 or chattr missing (Debian's e2fsprogs)"
elif ! mount_ext4 "$M/ext4" 32M 2>"$L/mount-err"; then
  why_not="cannot loop-mount an ext4 image: $(head -n 1 "$L/mount-err")"
fi
if [[ -n $why_not ]]; then
  skip "mounted-filesystem cases: $why_not"
else
  E=$M/ext4
  # ENOSPC through copy_file_range, within one ext4.
  head -c $((12 << 20)) /dev/urandom >"$E/src.bin"
  head -c $((12 << 20)) /dev/urandom >"$E/filler.bin"
  rc=0
  "$COPY" "$E/src.bin" "$E/full.bin" 2>"$L/err" || rc=$?
  size=$(stat -c %s "$E/full.bin")
  expect "ext4 full" 1 "copy: write $E/full.bin: copy_file_range: no space left on device (after $size bytes)"
  check "ext4 full: some bytes were written ($size)" test "$size" -gt 0
  check "ext4 full: DST is a prefix of SRC" cmp -s "$E/full.bin" <(head -c "$size" "$E/src.bin")
  rm -f "$E/full.bin" "$E/filler.bin"

  # Immutable and append-only destinations: open(2) for writing fails with
  # EPERM (without O_APPEND, for append-only), for copy and cp alike.
  refused_by_flag() { # refused_by_flag FLAG NAME CONTENT
    printf '%s\n' "$3" >"$E/$2"
    chattr "+$1" "$E/$2"
    rc=0
    "$COPY" f "$E/$2" 2>"$L/err" || rc=$?
    expect "$2 DST" 1 "copy: open $E/$2: operation not permitted"
    holds "$2 DST" "$E/$2" "$3"
    rc=0
    cp f "$E/$2" 2>/dev/null || rc=$?
    check "cp: $2 DST fails too" test "$rc" = 1
  }
  refused_by_flag i immutable frozen
  refused_by_flag a append-only log
  printf 'appended\n' >appended.txt
  rc=0
  "$COPY" --append appended.txt "$E/append-only" 2>"$L/err" || rc=$?
  expect "append-only DST, --append" 0 ""
  holds "append-only DST, --append" "$E/append-only" $'log\nappended'
  chattr -i "$E/immutable"
  chattr -a "$E/append-only"

  # A read-only mount.
  printf 'stays\n' >"$E/existing"
  mount -o remount,ro "$E"
  rc=0
  "$COPY" f "$E/existing" 2>"$L/err" || rc=$?
  expect "read-only mount" 1 "copy: open $E/existing: read-only file system"
  holds "read-only mount" "$E/existing" stays
  rc=0
  "$COPY" f "$E/new" 2>"$L/err" || rc=$?
  expect "read-only mount, new file" 1 "copy: open $E/new: read-only file system"
  rc=0
  cp f "$E/existing" 2>/dev/null || rc=$?
  check "cp: read-only mount fails too" test "$rc" = 1
  rc=0
  "$COPY" "$E/existing" out.bin 2>"$L/err" || rc=$?
  expect "read-only mount as SRC" 0 ""
  holds "read-only mount as SRC" out.bin stays
  rm -f out.bin

  # ENOSPC across filesystems: a 2 MiB tmpfs, from another filesystem. The
  # kernel path carries it (sendfile after copy_file_range's EXDEV; kernels
  # 5.3-5.18 let copy_file_range itself cross filesystems) and names itself.
  mkdir -p "$M/small"
  if mount -t tmpfs -o size=2M tmpfs "$M/small"; then
    mounted+=("$M/small")
    head -c $((4 << 20)) /dev/urandom >four.bin
    rc=0
    "$COPY" four.bin "$M/small/d" 2>"$L/err" || rc=$?
    check "tmpfs full: exit 1 (got $rc)" test "$rc" = 1
    check "tmpfs full: message names the method and the count" grep -qxE \
      "copy: write $M/small/d: (sendfile|copy_file_range): no space left on device \\(after 2097152 bytes\\)" "$L/err"
    check "tmpfs full: DST is the first 2 MiB" cmp -s "$M/small/d" <(head -c 2097152 four.bin)
    rm -f "$M/small/d"
    rc=0
    cp four.bin "$M/small/d" 2>/dev/null || rc=$?
    check "cp: tmpfs full fails too, and leaves as much" \
      test "$rc" = 1 -a "$(stat -c %s "$M/small/d")" = 2097152
    rm -f four.bin
  else
    skip "cannot mount a tmpfs"
  fi
  cleanup
fi

echo "$passes passed, $failures failed"
((failures == 0))
