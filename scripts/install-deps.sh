#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages actfn needs to build and test, if any are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
set -eu
# usage: install-deps.sh [bench|python|neon]
#   bench: also the peers the benchmark compares against
#   python: also what the NumPy extension needs to build and test
#   neon: the AArch64 cross compiler, qemu-user and arm64 cmocka (multiarch)
packages="cmake make gcc g++ clang pkg-config dpkg-dev libcmocka-dev libmpfr-dev libgmp-dev lcov
          libplplot-dev plplot-driver-cairo libclang-rt-dev libopenblas-dev zlib1g-dev
          dataset-fashion-mnist"
if [ "${1-}" = bench ]; then
    packages="$packages libdnnl-dev libxnnpack-dev libpthreadpool-dev python3-numpy python3-torch"
fi
if [ "${1-}" = python ]; then
    packages="$packages python3-dev python3-numpy python3-setuptools python3-pytest python3-pip
              python3-torch python3-dask python3-distributed"
fi
if [ "${1-}" = neon ]; then
    packages="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user-static libcmocka-dev:arm64"
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "run as root:  dpkg --add-architecture arm64 && apt-get update" >&2
            exit 1
        fi
        dpkg --add-architecture arm64
    fi
fi
# One dpkg-query for every package: make build and make demo call this each time, and
# it must cost nothing (and run no apt-get) when everything is there.
# shellcheck disable=SC2086
installed=$(dpkg-query -W -f='${binary:Package} ${db:Status-Status}\n' $packages 2>/dev/null || true)
native=$(dpkg --print-architecture)
missing=""
for package in $packages; do
    case "$package" in *:*) qualified=$package ;; *) qualified=$package:$native ;; esac
    case "
$installed
" in
    *"
$package installed
"* | *"
$qualified installed
"*) ;;
    *) missing="$missing $package" ;;
    esac
done
[ -z "$missing" ] && exit 0
command="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "actfn needs these Debian packages:$missing" >&2
    echo "run as root:  apt-get update && $command" >&2
    exit 1
fi
echo "installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
