# Sourced by tools/bazel with its command line in "$@": adds to the `packages`
# array the Debian packages that the --config=linux_<arch> settings in
# .bazelrc need (the gcc cross compiler of that target and qemu-user to run
# its tests). Nothing is added without such a config, so a plain build
# installs no cross compiler.
#
# The Debian triple of each config is read from tools/toolchains/targets.bzl,
# the one table of targets, so this file needs no edit for a new row.
# shellcheck shell=bash

: "${here:?tools/packages.sh is sourced by tools/bazel, which sets here}"

sysport_cross_configs=()
sysport_prev=""
for sysport_arg in "$@"; do
  case $sysport_arg in
    --config=linux_*) sysport_cross_configs+=("${sysport_arg#--config=}") ;;
    linux_*) [[ $sysport_prev == --config ]] && sysport_cross_configs+=("$sysport_arg") ;;
  esac
  sysport_prev=$sysport_arg
done

for sysport_config in ${sysport_cross_configs[@]+"${sysport_cross_configs[@]}"}; do
  # A row reads:  "linux_s390x": _row("s390x-linux-gnu", ...
  sysport_triple=$(sed -nE "s/^ *\"$sysport_config\": _row\(\"([^\"]+)\".*/\1/p" "$here/toolchains/targets.bzl")
  if [[ -z $sysport_triple ]]; then
    echo "tools/bazel: --config=$sysport_config is not a row of tools/toolchains/targets.bzl" >&2
    exit 2
  fi
  if [[ $sysport_triple == x86_64-linux-gnu ]]; then
    continue  # the host: g++ (above) compiles for it and its tests run natively
  fi
  packages+=("g++-$sysport_triple" qemu-user)
done
unset sysport_arg sysport_prev sysport_config sysport_triple sysport_cross_configs
