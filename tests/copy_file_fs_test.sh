#!/usr/bin/env bash
# Whole-file copies (os::CopyFile, through the copy tool) on real filesystems:
# loop-mounted ext4, XFS (reflink=1) and btrfs images, tmpfs mounts, and the
# test directory's own filesystem. Holes kept (st_blocks, against cp), clones
# shared (filefrag's "shared" flag), reflink=always refused without damage,
# atomic replace on ENOSPC and on SIGKILL.
#
# Needs root and loop devices for the images; each part that cannot run says
# why and is skipped. Every mount is made in $TEST_TMPDIR and removed by the
# EXIT trap, loop device included.
# Usage (from Bazel): copy_file_fs_test.sh PATH_TO_COPY
set -euo pipefail

COPY=$(realpath "$1")
# mkfs.*, filefrag, losetup: in sbin, which a test's PATH may lack.
export PATH="$PATH:/usr/sbin:/sbin"
T=$(mktemp -d "${TEST_TMPDIR:-/tmp}/copy_file_fs.XXXXXX")
cd "$T"
failures=0
passes=0
skips=0
mounts=()

fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { passes=$((passes + 1)); }
skip() { echo "SKIP: $*" >&2; skips=$((skips + 1)); }
check() {  # check NAME CMD...: CMD must succeed
  local name=$1; shift
  if "$@"; then pass; else fail "$name"; fi
}

cleanup() {
  local m
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    m=${mounts[i]}
    # umount -d detaches the loop device of an image mount too.
    umount -d "$m" 2>/dev/null || umount -l -d "$m" 2>/dev/null || true
  done
  rm -rf "$T"
}
trap cleanup EXIT

blocks() { stat -c %b "$1"; }

# mount_image FS SIZE DIR: makes a FS image of SIZE in $T and loop-mounts it
# on DIR; returns 1 (after saying why) where that cannot be done here.
mount_image() {
  local fs=$1 size=$2 dir=$3 mkfs
  if ((EUID != 0)); then skip "$fs: not root"; return 1; fi
  case $fs in
    ext4) mkfs=(mkfs.ext4 -q -F) ;;
    xfs) mkfs=(mkfs.xfs -q -f -m reflink=1) ;;
    btrfs) mkfs=(mkfs.btrfs -q -f) ;;
  esac
  if ! command -v "${mkfs[0]}" >/dev/null; then skip "$fs: ${mkfs[0]} missing"; return 1; fi
  local image
  image="$T/$(basename "$dir").img"
  truncate -s "$size" "$image"
  if ! "${mkfs[@]}" "$image" >/dev/null 2>&1; then skip "$fs: ${mkfs[0]} failed"; return 1; fi
  mkdir -p "$dir"
  if ! mount -o loop "$image" "$dir" 2>/dev/null; then
    skip "$fs: cannot loop-mount here (no loop devices, or no mount permission)"
    rm -f "$image"
    return 1
  fi
  mounts+=("$dir")
}

mount_tmpfs() {  # mount_tmpfs SIZE DIR
  if ((EUID != 0)); then skip "tmpfs of $1: not root"; return 1; fi
  mkdir -p "$2"
  if ! mount -t tmpfs -o "size=$1" tmpfs "$2" 2>/dev/null; then skip "tmpfs: cannot mount"; return 1; fi
  mounts+=("$2")
}

# make_sparse PATH SIZE: a file of SIZE with 1 MiB of data at 1 GiB (or at
# the start for smaller files) and 4 KiB at its end, holes elsewhere.
make_sparse() {
  local path=$1 size=$2 at=$((1 << 30))
  ((at + (1 << 20) < size)) || at=0
  rm -f "$path"
  truncate -s "$size" "$path"
  head -c $((1 << 20)) /dev/urandom | dd of="$path" bs=1M seek=$((at >> 20)) conv=notrunc status=none
  head -c 4096 /dev/urandom | dd of="$path" bs=4096 seek=$((size / 4096 - 1)) conv=notrunc status=none
}

# holes_kept FS DIR: a 4 GiB sparse file with 1 MiB of data copies with
# identical bytes, no more blocks than cp's copy, and --stats counts the holes.
holes_kept() {
  local fs=$1 dir=$2 size=$((4 << 30))
  make_sparse "$dir/sparse" "$size"
  "$COPY" --stats "$dir/sparse" "$dir/sparse.copy" 2>"$T/stats.txt"
  cp --sparse=auto "$dir/sparse" "$dir/sparse.cp"
  check "$fs: sparse copy bytes" cmp -s "$dir/sparse" "$dir/sparse.copy"
  check "$fs: sparse copy size" test "$(stat -c %s "$dir/sparse.copy")" = "$size"
  check "$fs: sparse copy blocks <= cp's ($(blocks "$dir/sparse.copy") vs $(blocks "$dir/sparse.cp"))" \
    test "$(blocks "$dir/sparse.copy")" -le "$(blocks "$dir/sparse.cp")"
  check "$fs: sparse copy blocks <= source's" \
    test "$(blocks "$dir/sparse.copy")" -le "$(blocks "$dir/sparse")"
  # By extents on every filesystem (reflink=auto clones through
  # copy_file_range, extent by extent, where it can).
  check "$fs: holes counted" grep -qE '^holes: [0-9]+ bytes skipped$' "$T/stats.txt"
  local holes
  holes=$(sed -nE 's/^holes: ([0-9]+) bytes skipped$/\1/p' "$T/stats.txt")
  check "$fs: holes are most of the file ($holes)" test "$holes" -ge $((size - (4 << 20)))
  # --sparse=never writes every byte (checked by blocks on a smaller file).
  make_sparse "$dir/small-sparse" $((64 << 20))
  "$COPY" --sparse=never --reflink=never "$dir/small-sparse" "$dir/filled"
  check "$fs: sparse=never bytes" cmp -s "$dir/small-sparse" "$dir/filled"
  check "$fs: sparse=never fills holes" test "$(blocks "$dir/filled")" -ge $(((64 << 20) / 512))
  rm -f "$dir/sparse" "$dir/sparse.copy" "$dir/sparse.cp" "$dir/small-sparse" "$dir/filled"
}

# --sparse=always: zeros in the data become holes, as with cp --sparse=always.
zeros_to_holes() {
  local fs=$1 dir=$2
  { head -c $((1 << 20)) /dev/urandom; head -c $((8 << 20)) /dev/zero; head -c 4096 /dev/urandom; } >"$dir/zeros"
  "$COPY" --sparse=always "$dir/zeros" "$dir/zeros.copy"
  cp --sparse=always "$dir/zeros" "$dir/zeros.cp"
  check "$fs: sparse=always bytes" cmp -s "$dir/zeros" "$dir/zeros.copy"
  check "$fs: sparse=always blocks <= cp's ($(blocks "$dir/zeros.copy") vs $(blocks "$dir/zeros.cp"))" \
    test "$(blocks "$dir/zeros.copy")" -le "$(blocks "$dir/zeros.cp")"
  check "$fs: sparse=always made holes" test "$(blocks "$dir/zeros.copy")" -lt $(((4 << 20) / 512))
  rm -f "$dir/zeros" "$dir/zeros.copy" "$dir/zeros.cp"
}

# reflink=always where the filesystem cannot clone: exit 1, nothing created,
# an existing destination untouched.
reflink_refused() {
  local fs=$1 dir=$2
  head -c 100000 /dev/urandom >"$dir/r.src"
  printf 'keep' >"$dir/r.old"
  set +e
  "$COPY" --reflink=always "$dir/r.src" "$dir/r.new" 2>"$T/err.txt"; local rc=$?
  "$COPY" --reflink=always "$dir/r.src" "$dir/r.old" 2>/dev/null
  set -e
  check "$fs: reflink=always refused: exit 1" test "$rc" = 1
  check "$fs: reflink=always refused: message" grep -q 'FICLONE' "$T/err.txt"
  check "$fs: reflink=always refused: nothing created" test ! -e "$dir/r.new"
  check "$fs: reflink=always refused: old destination intact" test "$(cat "$dir/r.old")" = keep
  rm -f "$dir/r.src" "$dir/r.old"
}

# Clones share extents (filefrag -v flags them "shared"), in one system call
# whatever the size, with holes kept as the source has them.
clones_shared() {
  local fs=$1 dir=$2
  head -c $((64 << 20)) /dev/urandom >"$dir/c.src"
  sync -f "$dir/c.src"
  "$COPY" --reflink=always --stats "$dir/c.src" "$dir/c.dst" 2>"$T/stats.txt"
  check "$fs: clone bytes" cmp -s "$dir/c.src" "$dir/c.dst"
  check "$fs: clone stats" grep -q '^path: FICLONE 100%$' "$T/stats.txt"
  check "$fs: clone is one call" grep -q '^FICLONE: 1 attempt, 2 system calls' "$T/stats.txt"
  sync -f "$dir/c.dst"
  check "$fs: clone extents shared" bash -c "filefrag -v '$dir/c.dst' | grep -q shared"
  # The default (auto) clones too, through copy_file_range, which shares
  # extents by itself: no FICLONE of its own.
  "$COPY" --stats "$dir/c.src" "$dir/c.auto" 2>"$T/stats.txt"
  check "$fs: reflink=auto bytes" cmp -s "$dir/c.src" "$dir/c.auto"
  check "$fs: reflink=auto by copy_file_range" grep -q '^path: copy_file_range 100%$' "$T/stats.txt"
  check "$fs: reflink=auto makes no FICLONE call" bash -c "! grep -q '^FICLONE' '$T/stats.txt'"
  sync -f "$dir/c.auto"
  check "$fs: reflink=auto extents shared" bash -c "filefrag -v '$dir/c.auto' | grep -q shared"
  # reflink=never copies (copy_file_range may still share extents on its own).
  "$COPY" --reflink=never --stats "$dir/c.src" "$dir/c.never" 2>"$T/stats.txt"
  check "$fs: reflink=never does not clone" bash -c "! grep -q '^FICLONE' '$T/stats.txt'"
  check "$fs: reflink=never bytes" cmp -s "$dir/c.src" "$dir/c.never"
  # --sparse=never writes every byte (coreutils 9.4: it implies no clone),
  # whatever --reflink says: no FICLONE and no copy_file_range, which would
  # share the extents by itself here. A fully allocated 256 KiB source.
  head -c $((256 << 10)) /dev/urandom >"$dir/n.src"
  sync -f "$dir/n.src"
  "$COPY" --sparse=never --stats "$dir/n.src" "$dir/n.dst" 2>"$T/stats.txt"
  sync -f "$dir/n.dst"
  check "$fs: sparse=never bytes" cmp -s "$dir/n.src" "$dir/n.dst"
  check "$fs: sparse=never by read/write" grep -q '^path: read/write 100%$' "$T/stats.txt"
  check "$fs: sparse=never extents not shared" bash -c "! filefrag -v '$dir/n.dst' | grep -q shared"
  check "$fs: sparse=never source not shared" bash -c "! filefrag -v '$dir/n.src' | grep -q shared"
  rm -f "$dir/c.src" "$dir/c.dst" "$dir/c.auto" "$dir/c.never" "$dir/n.src" "$dir/n.dst"
}

# --preserve=all: mode, times and owner as the source's.
preserve_all() {
  local fs=$1 dir=$2
  printf 'meta' >"$dir/p.src"
  chmod 4751 "$dir/p.src"
  touch -d '2001-02-03 04:05:06.123456789' "$dir/p.src"
  if ((EUID == 0)); then chown 1234:5678 "$dir/p.src" && chmod 4751 "$dir/p.src"; fi
  "$COPY" --preserve=all "$dir/p.src" "$dir/p.dst"
  check "$fs: preserve=all" test "$(stat -c '%a %y %u %g' "$dir/p.dst")" = "$(stat -c '%a %y %u %g' "$dir/p.src")"
  (umask 077 && "$COPY" "$dir/p.src" "$dir/p.plain")
  check "$fs: no preserve: bits less umask, no setuid" test "$(stat -c %a "$dir/p.plain")" = 700
  rm -f "$dir/p.src" "$dir/p.dst" "$dir/p.plain"
}

on_filesystem() {  # on_filesystem FS DIR [clones]
  holes_kept "$1" "$2"
  zeros_to_holes "$1" "$2"
  preserve_all "$1" "$2"
  if [[ ${3:-} == clones ]]; then clones_shared "$1" "$2"; else reflink_refused "$1" "$2"; fi
}

# --- tmpfs, the test directory's filesystem, ext4, XFS, btrfs ---
if mount_tmpfs 8G "$T/tmpfs"; then on_filesystem tmpfs "$T/tmpfs"; fi
mkdir -p "$T/testdir"
printf 'probe' >"$T/testdir/probe"
testdir_clones=$(cp --reflink=always "$T/testdir/probe" "$T/testdir/probe.clone" 2>/dev/null && echo clones || true)
rm -f "$T/testdir/probe" "$T/testdir/probe.clone"
on_filesystem "test directory" "$T/testdir" "$testdir_clones"
if mount_image ext4 256M "$T/ext4"; then on_filesystem ext4 "$T/ext4"; fi
if mount_image xfs 512M "$T/xfs"; then on_filesystem xfs "$T/xfs" clones; fi
if mount_image btrfs 512M "$T/btrfs"; then on_filesystem btrfs "$T/btrfs" clones; fi

# --- a 1 GiB sparse file fits on a 16 MiB ext4, as cp's copy does ---
if mount_image ext4 16M "$T/tiny"; then
  make_sparse "$T/big-sparse" $((1 << 30))
  "$COPY" "$T/big-sparse" "$T/tiny/copy"
  check "16 MiB ext4 holds the 1 GiB sparse copy" cmp -s "$T/big-sparse" "$T/tiny/copy"
  rm -f "$T/big-sparse" "$T/tiny/copy"
fi

# --- across filesystems: copy_file_range and clones refused with EXDEV, holes kept ---
if [[ -d $T/xfs && -d $T/ext4 ]] && mountpoint -q "$T/xfs" && mountpoint -q "$T/ext4"; then
  make_sparse "$T/ext4/x.src" $((128 << 20))
  "$COPY" --stats "$T/ext4/x.src" "$T/xfs/x.dst" 2>"$T/stats.txt"
  check "ext4 to xfs: bytes" cmp -s "$T/ext4/x.src" "$T/xfs/x.dst"
  check "ext4 to xfs: copy_file_range refused with EXDEV" \
    grep -q '^copy_file_range: .*fell back: EXDEV' "$T/stats.txt"
  check "ext4 to xfs: holes kept" test "$(blocks "$T/xfs/x.dst")" -le $(((8 << 20) / 512))
  set +e
  "$COPY" --reflink=always "$T/ext4/x.src" "$T/xfs/x.always" 2>"$T/err.txt"; rc=$?
  set -e
  check "ext4 to xfs: reflink=always fails" test "$rc" = 1
  check "ext4 to xfs: reflink=always message" grep -q 'FICLONE: invalid cross-device link' "$T/err.txt"
  rm -f "$T/ext4/x.src" "$T/xfs/x.dst"
fi

# --- atomic replace: ENOSPC midway leaves the old destination and no temporary ---
if mount_tmpfs 8M "$T/small"; then
  head -c $((16 << 20)) /dev/urandom >"$T/large"
  printf 'old destination' >"$T/small/dst"
  set +e
  "$COPY" --atomic "$T/large" "$T/small/dst" 2>"$T/err.txt"; rc=$?
  set -e
  check "ENOSPC atomic: exit 1" test "$rc" = 1
  check "ENOSPC atomic: message" grep -q 'no space left on device' "$T/err.txt"
  check "ENOSPC atomic: old destination intact" test "$(cat "$T/small/dst")" = 'old destination'
  check "ENOSPC atomic: no temporary left" test "$(ls -A "$T/small")" = dst
  check "ENOSPC atomic: space given back" test "$(df --output=used -B1 "$T/small" | tail -1)" -lt $((1 << 20))
  printf 'new' >"$T/new"
  "$COPY" --atomic --sync "$T/new" "$T/small/dst"
  check "atomic replace when it fits" test "$(cat "$T/small/dst")" = new
  check "atomic replace: nothing else" test "$(ls -A "$T/small")" = dst
  rm -f "$T/large" "$T/new"
fi

# --- atomic replace: a copy killed midway (SIGKILL while copy_file_range is
# held up by strace) leaves the old destination and, with O_TMPFILE, no name ---
if command -v strace >/dev/null && strace -f -o /dev/null true 2>/dev/null; then
  mkdir -p "$T/kill"
  head -c $((32 << 20)) /dev/urandom >"$T/kill/src"
  printf 'old destination' >"$T/kill/dst"
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
    strace -f -o "$T/kill.trace" -e trace=openat,copy_file_range,linkat,rename,renameat,renameat2 \
    -e inject=copy_file_range:delay_enter=5000000 \
    "$COPY" --atomic "$T/kill/src" "$T/kill/dst" &
  tracer=$!
  victim=""
  for _ in $(seq 100); do
    victim=$(pgrep -P "$tracer" || true)
    [[ -n $victim ]] && break
    sleep 0.1
  done
  # The copy reaches copy_file_range within milliseconds (FICLONE is refused
  # at once off XFS and btrfs) and is held there for 5 s.
  sleep 1
  if [[ -n $victim ]] && kill -KILL "$victim"; then
    wait "$tracer" || true
    check "SIGKILL atomic: killed inside copy_file_range" \
      bash -c "grep -q '^[0-9]* *copy_file_range(' '$T/kill.trace' && grep -q 'killed by SIGKILL' '$T/kill.trace'"
    check "SIGKILL atomic: never renamed" bash -c "! grep -q '^[0-9]* *rename' '$T/kill.trace'"
    check "SIGKILL atomic: old destination intact" test "$(cat "$T/kill/dst")" = 'old destination'
    if grep -q O_TMPFILE "$T/kill.trace"; then
      check "SIGKILL atomic: O_TMPFILE leaves no name" test "$(ls -A "$T/kill" | sort | tr '\n' ' ')" = "dst src "
    else
      # The unique-name fallback: the killed process could not remove it.
      check "SIGKILL atomic: one .dst.*.tmp left" test "$(ls -A "$T/kill" | grep -c '^\.dst\..*\.tmp$')" = 1
    fi
  else
    wait "$tracer" || true
    fail "SIGKILL atomic: no copy process to kill"
  fi
else
  skip "strace cannot trace here: no SIGKILL test"
fi

echo "$passes passed, $failures failed, $skips skipped"
((failures == 0))
