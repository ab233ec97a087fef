#!/usr/bin/env bash
# tests/apptainer_def.sh DEF ROOT - what `apptainer build` does with
# analysis/slurm/placesim.def (Bootstrap: debootstrap), without Apptainer,
# which Debian 12 does not package: a minimal Debian 12 made by debootstrap
# in ROOT, the definition's %files copied in from the repository, its %post
# run in a chroot of it, then its %test.  As root, with Debian's archive
# reachable; a few minutes and about 600 MB.  Not part of make test.
set -eu
DEF=${1:-analysis/slurm/placesim.def}
ROOT=${2:?usage: tests/apptainer_def.sh DEF ROOT (ROOT is made afresh)}
SRC=$(cd "$(dirname "$0")/.." && pwd)
command -v debootstrap >/dev/null || apt-get install -y -qq debootstrap >/dev/null
rm -rf "$ROOT"
mkdir -p "$ROOT"
debootstrap --variant=minbase bookworm "$ROOT" http://deb.debian.org/debian >"$ROOT.log" 2>&1
# the lines of section %NAME of the definition
section() { awk -v s="%$1" '/^%/ { on = ($1 == s); next } on' "$DEF"; }
# %files: "FROM TO", FROM relative to the repository
section files | while read -r from to; do
    [ -n "$from" ] || continue
    mkdir -p "$ROOT$to"
    cp -a "$SRC/$from/." "$ROOT$to/"
done
mount --bind /proc "$ROOT/proc"
mount --bind /dev "$ROOT/dev"
trap 'umount "$ROOT/proc" "$ROOT/dev" 2>/dev/null || true' EXIT
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
section post >"$ROOT/post.sh"
section test >"$ROOT/test.sh"
chroot "$ROOT" /bin/sh -e /post.sh
chroot "$ROOT" /bin/sh -e /test.sh
echo "apptainer_def: %post and %test of $DEF ran in a Debian 12 chroot: ok"
