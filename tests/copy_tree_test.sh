#!/usr/bin/env bash
# Tree copies through the copy tool (os::CopyTree), end to end, where they
# need what a unit test cannot have: cp beside it, loop-mounted ext4, XFS
# (reflink=1) and btrfs images, a small tmpfs that fills up, another user
# (an unreadable file and directory midway), devices (root), SIGKILL during
# the whole-tree atomic mode, a mount point beneath SRC (-x), and strace
# counting the system calls per file.
#
# Needs root for most parts; each part that cannot run says why and is
# skipped. Every mount is made in $TEST_TMPDIR and removed by the EXIT trap.
# Usage (from Bazel): copy_tree_test.sh PATH_TO_COPY
set -euo pipefail

COPY=$(realpath "$1")
export PATH="$PATH:/usr/sbin:/sbin"
T=$(mktemp -d "${TEST_TMPDIR:-/tmp}/copy_tree.XXXXXX")
cd "$T"
failures=0
passes=0
mounts=()

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { passes=$((passes + 1)); }
skip() { echo "SKIP: $*" >&2; }
check() { # check NAME CMD...: CMD must succeed
  local name=$1
  shift
  if "$@"; then pass; else fail "$name"; fi
}

cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -d "${mounts[i]}" 2>/dev/null || umount -l -d "${mounts[i]}" 2>/dev/null || true
  done
  chmod -R u+rwx "$T" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

# mount_image FS SIZE DIR, mount_tmpfs SIZE DIR: as copy_file_fs_test.sh's.
mount_image() {
  local fs=$1 size=$2 dir=$3 mkfs image
  if ((EUID != 0)); then skip "$fs: not root"; return 1; fi
  case $fs in
    ext4) mkfs=(mkfs.ext4 -q -F) ;;
    xfs) mkfs=(mkfs.xfs -q -f -m reflink=1) ;;
    btrfs) mkfs=(mkfs.btrfs -q -f) ;;
  esac
  if ! command -v "${mkfs[0]}" >/dev/null; then skip "$fs: ${mkfs[0]} missing"; return 1; fi
  image="$T/$(basename "$dir").img"
  truncate -s "$size" "$image"
  if ! "${mkfs[@]}" "$image" >/dev/null 2>&1; then skip "$fs: ${mkfs[0]} failed"; return 1; fi
  mkdir -p "$dir"
  if ! mount -o loop "$image" "$dir" 2>/dev/null; then
    skip "$fs: cannot loop-mount here"
    return 1
  fi
  mounts+=("$dir")
}
mount_tmpfs() {
  if ((EUID != 0)); then skip "tmpfs of $1: not root"; return 1; fi
  mkdir -p "$2"
  if ! mount -t tmpfs -o "size=$1" tmpfs "$2" 2>/dev/null; then skip "tmpfs: cannot mount"; return 1; fi
  mounts+=("$2")
}

# same_tree A B [OPTIONS]: the two trees hold the same names, types, bytes,
# link targets and, with "meta", modes, owners and modification times
# (GNU find's -printf, symbolic links not followed).
listing() { # listing DIR FORMAT: find's -printf of every entry, and each regular file's hash
  (cd "$1" && find . -printf "$2" | sort && find . -type f -print0 | sort -z | xargs -0 -r sha256sum)
}
same_tree() {
  local fmt='%P %y %l\n'
  [[ ${3:-} == meta ]] && fmt='%P %y %l %m %u %g %T@\n'
  diff <(listing "$1" "$fmt") <(listing "$2" "$fmt") >&2
}

# make_tree DIR: nested directories, files of several sizes, links, a hard
# link, a FIFO, an xattr, a name with a newline.
make_tree() {
  mkdir -p "$1/a/b/c" "$1/empty"
  printf 'small\n' >"$1/small"
  head -c 1000000 /dev/urandom >"$1/a/b/c/big"
  : >"$1/zero"
  printf 'x' >"$1/a/mode640"
  chmod 640 "$1/a/mode640"
  chmod 750 "$1/a/b"
  ln -s small "$1/link"
  ln -s /nonexistent/target "$1/a/dangling"
  ln "$1/small" "$1/a/hard"
  mkfifo "$1/fifo"
  printf 'n' >"$1/new
line"
  setfattr -n user.sysport -v tree "$1/small" 2>/dev/null || true
  touch -h -d '2001-02-03 04:05:06.123456789' "$1/link" "$1/small" "$1/a/b"
}

# === 1. The tool's shapes, beside cp.
make_tree src
"$COPY" -r src r1
check "copy -r: the same tree" same_tree src r1
cp -r src cp-r
check "copy -r matches cp -r" diff <(cd cp-r && find . -printf '%P %y %l %m\n' | sort) \
  <(cd r1 && find . -printf '%P %y %l %m\n' | sort)
"$COPY" -a src a1
check "copy -a: modes, owners and times kept" same_tree src a1 meta
check "copy -a: the hard link kept" test "$(stat -c %i a1/small)" = "$(stat -c %i a1/a/hard)"
if getfattr -n user.sysport src/small >/dev/null 2>&1; then
  check "copy -a: the xattr kept" test "$(getfattr --only-values -n user.sysport a1/small)" = tree
fi
mkdir into
"$COPY" -r src into
check "copy -r SRC DIR: DIR/SRC" same_tree src into/src
"$COPY" -r -t into a1/small a1/a
check "copy -t DIR SRC...: each into DIR" test -f into/small -a -d into/a
"$COPY" -rT src into
check "copy -T: SRC's entries merged into DST" test -f into/small -a -d into/src
rc=0
"$COPY" src nowhere 2>err || rc=$?
check "a directory without -r: exit 1" test "$rc" = 1
check "a directory without -r: cp's words" grep -qx "copy: -r not specified; omitting directory 'src'" err
rc=0
"$COPY" -r src src/a/inside 2>err || rc=$?
check "into itself: exit 1" test "$rc" = 1
check "into itself: cp's words" grep -qx "copy: cannot copy a directory, 'src', into itself, 'src/a/inside'" err
check "into itself: nothing made" test ! -e src/a/inside
printf 'old' >nondir
rc=0
"$COPY" -rT src nondir 2>err || rc=$?
check "a directory onto a file: refused" grep -qx "copy: cannot overwrite non-directory 'nondir' with directory 'src'" err
check "a directory onto a file: the file untouched" test "$(cat nondir)" = old
# -n keeps, the default replaces, --existing=fail stops.
printf 'mine' >r1/small
"$COPY" -rn src/. r1
check "-n keeps what exists" test "$(cat r1/small)" = mine
"$COPY" -r src/. r1
check "the default replaces a file" test "$(cat r1/small)" = small
rc=0
"$COPY" -r --existing=fail src/. r1 2>err || rc=$?
check "--existing=fail: exit 1" test "$rc" = 1
check "--existing=fail: each says file exists" grep -q ": file exists$" err
# --stats and --progress.
"$COPY" -a --stats src st 2>err
check "--stats: the counts" grep -qE '^copied [0-9]+ directories, [0-9]+ files, 2 symbolic links, 1 hard links, 1 special files in ' err
check "--stats: by method" grep -qE '^(copy_file_range|FICLONE|read/write): ' err

# === 2. Sockets are reported and skipped; devices made as root.
mkdir sk
if ! command -v python3 >/dev/null; then
  skip "a socket: no python3 to make one"
elif python3 -c 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' sk/sock; then
  printf 'f' >sk/f
  rc=0
  "$COPY" -r sk sk-copy 2>err || rc=$?
  check "a socket: exit 0" test "$rc" = 0
  check "a socket: reported" grep -qx "copy: sk/sock: a socket, not copied" err
  check "a socket: not copied, the rest is" test ! -e sk-copy/sock -a -f sk-copy/f
fi
if ((EUID == 0)) && mkdir dev && mknod dev/null c 1 3 2>/dev/null; then
  "$COPY" -a dev dev-copy
  check "a device: made anew" test "$(stat -c '%F %t %T' dev-copy/null)" = "character special file 1 3"
else
  skip "devices: not root, or no CAP_MKNOD"
fi

# === 3. An unreadable file and directory midway: each reported, the rest
# copied, exit 1 (as a user that the permissions stop: root without
# CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH).
if ((EUID == 0)) && command -v setpriv >/dev/null &&
  setpriv --bounding-set=-dac_override,-dac_read_search true 2>/dev/null; then
  mkdir -p u/ok u/closed
  printf 'readable' >u/ok/f
  printf 'secret' >u/nope
  printf 'inner' >u/closed/inner
  chmod 000 u/nope u/closed
  rc=0
  setpriv --bounding-set=-dac_override,-dac_read_search "$COPY" -r u u-copy 2>err || rc=$?
  check "unreadable entries: exit 1" test "$rc" = 1
  check "unreadable file: reported with its path" grep -qx "copy: open u/nope: permission denied" err
  check "unreadable directory: reported with its path" grep -qx "copy: open u/closed: permission denied" err
  check "unreadable entries: the rest copied" test "$(cat u-copy/ok/f)" = readable
  chmod 700 u/nope u/closed
else
  skip "unreadable entries: not root, or no setpriv bounding-set"
fi

# === 4. Filesystems: ENOSPC midway, clones on XFS and btrfs, -x, counts.
if mount_tmpfs 2m small; then
  mkdir big-src
  for i in 1 2 3 4; do head -c 1000000 /dev/urandom >"big-src/f$i"; done
  rc=0
  "$COPY" -r big-src small/copy 2>err || rc=$?
  check "ENOSPC: exit 1" test "$rc" = 1
  check "ENOSPC: a clear message with the path" grep -qE "^copy: write small/copy/f[0-9]: .*no space left on device" err
  rm -rf small/copy
  rc=0
  "$COPY" -r --atomic-tree big-src small/atomic 2>err || rc=$?
  check "ENOSPC, --atomic-tree: exit 1" test "$rc" = 1
  check "ENOSPC, --atomic-tree: no DST at all, no staging left" test -z "$(ls -A small)"
fi
for fs in xfs btrfs; do
  if mount_image "$fs" 512m "$fs"; then
    mkdir "$fs/src"
    for i in 1 2 3; do head -c 300000 /dev/urandom >"$fs/src/f$i"; done
    "$COPY" -a --stats "$fs/src" "$fs/dst" 2>err
    shared=0
    for i in 1 2 3; do filefrag -v "$fs/dst/f$i" | grep -q shared && shared=$((shared + 1)); done
    check "$fs: every file's extents shared" test "$shared" = 3
    check "$fs: the bytes counted as cloned" grep -qE '^data: 0 bytes copied, 900000 cloned' err
    check "$fs: the same bytes" same_tree "$fs/src" "$fs/dst"
  fi
done
if mount_image ext4 64m ext && mount_tmpfs 1m ext/src/mnt; then
  printf 'on ext4' >ext/src/here
  printf 'on tmpfs' >ext/src/mnt/there
  "$COPY" -rx ext/src ext/x
  check "-x: the mount point copied, empty" test -d ext/x/mnt -a -z "$(ls -A ext/x/mnt)"
  check "-x: the rest copied" test "$(cat ext/x/here)" = "on ext4"
  "$COPY" -r ext/src ext/nox
  check "without -x: through the mount point" test "$(cat ext/nox/mnt/there)" = "on tmpfs"
fi
# The count is of what the copy asks the kernel; a sanitizer's runtime adds
# its own (TSan starts llvm-symbolizer for a suppressed report, and the forked
# child closes every descriptor up to the limit: 20,000 calls), so the count
# is checked in the plain build, where CI's tests step runs it.
sanitizer=""
grep -aq -e __asan_init -e __tsan_init "$COPY" && sanitizer=yes
if [[ -n $sanitizer ]]; then
  skip "built with a sanitizer: its runtime's system calls are not the copy's; counted in the plain build"
elif command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  mkdir -p many
  for d in 0 1 2 3 4 5 6 7 8 9; do
    mkdir "many/d$d"
    for f in $(seq 0 99); do printf '%04096d' 0 >"many/d$d/f$f"; done
  done
  for mode in -r -a; do
    rm -rf many-copy
    strace -f -c -o trace.txt "$COPY" "$mode" many many-copy
    calls=$(awk '$NF == "total" {print $4}' trace.txt)
    echo "copy $mode: $calls system calls for 1000 files"
    # The floor is 6 (open, fstat, open, copy_file_range, close, close); -a
    # adds utimensat and flistxattr. Directories and start-up are about 0.3.
    limit=7
    [[ $mode == -a ]] && limit=9
    check "copy $mode: at most $limit system calls per file ($calls for 1000)" test "$calls" -lt $((limit * 1000))
  done
fi

# --sync: every file and directory of the copy fsync'd, each directory after
# its entries, and DST's own directory last (after the rename with
# --atomic-tree); nothing without it.
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  mkdir -p sync-src/a/deep sync-src/b
  for f in sync-src/top sync-src/a/one sync-src/a/deep/two sync-src/b/three sync-src/b/four; do
    printf '%s' "$f" >"$f"
  done
  ln -s top sync-src/link
  mkfifo sync-src/b/fifo
  # LeakSanitizer cannot run under ptrace; ASan's other checks still do.
  traced() { ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace "$@"; }
  # synced TRACE: the paths fsync'd, in order, relative to $T ("." for $T).
  synced() {
    sed -nE 's/^[0-9]+ +fsync\([0-9]+<([^>]*)>.*/\1/p' "$1" | sed -E "s#^$T\$#.#; s#^$T/##"
  }
  # in_order NAME...: each NAME is in $order, after the one before it.
  in_order() {
    local previous=0 line name
    for name in "$@"; do
      line=$(grep -nxF -- "$name" <<<"$order" | head -1 | cut -d: -f1)
      [[ -n $line ]] && ((line > previous)) || return 1
      previous=$line
    done
  }
  traced -f -y -e trace=fsync -o sync.txt "$COPY" -r --sync sync-src sync-dst
  order=$(synced sync.txt)
  check "--sync: the tree" same_tree sync-src sync-dst
  check "--sync: each file, each directory, DST's directory" \
    test "$(sort <<<"$order" | tr '\n' ' ')" = \
    ". sync-dst sync-dst/a sync-dst/a/deep sync-dst/a/deep/two sync-dst/a/one sync-dst/b sync-dst/b/four sync-dst/b/three sync-dst/top "
  check "--sync: a directory after what is in it, DST's directory last" \
    in_order sync-dst/a/deep/two sync-dst/a/deep sync-dst/a sync-dst .
  check "--sync: the last fsync is DST's directory" test "$(tail -1 <<<"$order")" = .
  rm -rf sync-dst
  traced -f -y -e trace=fsync,renameat2 -o sync.txt "$COPY" -r --sync --atomic-tree sync-src sync-dst
  check "--sync --atomic-tree: the tree" same_tree sync-src sync-dst
  check "--sync --atomic-tree: 5 files, 4 directories and DST's directory" \
    test "$(grep -cE '^[0-9]+ +fsync\(' sync.txt)" = 10
  check "--sync --atomic-tree: DST's directory after the rename" \
    test "$(grep -E '^[0-9]+ +(fsync|renameat2)\(' sync.txt | tail -2 |
      sed -E 's/^[0-9]+ +renameat2\(.*/renameat2/; s/^[0-9]+ +fsync\([0-9]+<([^>]*)>.*/\1/' | tr '\n' ' ')" = \
    "renameat2 $T "
  # An fsync that fails (EIO, injected into the first) is an error with its
  # path, exit 1; with --atomic-tree the old DST stays and no staging tree.
  mkdir -p sync-old && printf 'old' >sync-old/top
  set +e
  traced -f -o /dev/null -e trace=fsync -e inject=fsync:error=EIO:when=1 \
    "$COPY" -rT --sync --atomic-tree sync-src sync-old 2>sync-err.txt
  rc=$?
  set -e
  check "--sync, fsync EIO: exit 1" test "$rc" = 1
  check "--sync, fsync EIO: the error with its path" \
    grep -qE '^copy: sync .*/\.sync-old\.sysport-[^ ]*: input/output error$' sync-err.txt
  check "--sync, fsync EIO: the old DST as it was" test "$(ls sync-old) $(cat sync-old/top)" = "top old"
  check "--sync, fsync EIO: no staging tree left" bash -c "! ls -a | grep -q '^\.sync-old\.sysport-'"
  rm -rf sync-dst
  traced -f -e trace=fsync,fdatasync -o sync.txt "$COPY" -r sync-src sync-dst
  check "without --sync: no fsync" test "$(grep -c 'sync(' sync.txt)" = 0
fi

# === 5. SIGKILL during --atomic-tree: nothing half-made under DST's name.
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  mkdir -p kill-src
  for i in $(seq 1 50); do printf 'file %d' "$i" >"kill-src/f$i"; done
  # strace holds the 20th copy_file_range; the tool is killed there.
  # LeakSanitizer cannot run under ptrace; ASan's other checks still do.
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -o /dev/null -e inject=copy_file_range:delay_enter=5000000:when=20 \
    "$COPY" -r --jobs=1 --atomic-tree kill-src kill-dst 2>/dev/null &
  pid=$!
  for _ in $(seq 1 100); do
    ls -a | grep -q '^\.kill-dst\.sysport-' && break
    sleep 0.05
  done
  sleep 0.3
  # strace's child, the tool (no pgrep on a minimal machine).
  for child in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do kill -9 "$child" 2>/dev/null || true; done
  wait "$pid" 2>/dev/null || true
  check "SIGKILL in --atomic-tree: no DST" test ! -e kill-dst
  check "SIGKILL in --atomic-tree: the staging tree is left under its own name" \
    bash -c "ls -a | grep -q '^\.kill-dst\.sysport-'"
  "$COPY" -r --atomic-tree kill-src kill-dst
  check "--atomic-tree: the whole tree" same_tree kill-src kill-dst
  printf 'changed' >kill-src/f1
  # -T: kill-dst itself is replaced (without it the copy would go into it).
  "$COPY" -rT --atomic-tree kill-src kill-dst
  check "--atomic-tree over an existing DST: exchanged" test "$(cat kill-dst/f1)" = changed
  check "--atomic-tree over an existing DST: nothing else in it" test ! -e kill-dst/kill-src
  check "--atomic-tree over an existing DST: the old tree removed" \
    test "$(ls -a | grep -c '^\.kill-dst\.sysport-')" = 1
fi

echo "$passes passed, $failures failed"
((failures == 0))
