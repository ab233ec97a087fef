#!/usr/bin/env bash
# tests/cli_build.sh - a build as on a cluster without root: HDF5 from a
# prefix (HDF5_DIR, as an environment module sets it) instead of Debian's
# pkg-config name, GSL found through PKG_CONFIG_PATH from a .pc file of its
# own, the compiler from CC; make config says what it found; make never
# calls apt-get then; the program it builds runs.  Prints "ok - NAME" or
# "not ok - NAME" per check.
set -u
source "$(dirname "$0")/lib.sh"
cd "$ROOT" || exit 1
# a module-like prefix: include/ and lib/ of the serial HDF5
mkdir -p "$T/hdf5" "$T/pc" "$T/bin"
ln -s /usr/include/hdf5/serial "$T/hdf5/include"
ln -s /usr/lib/x86_64-linux-gnu/hdf5/serial "$T/hdf5/lib"
# GSL's .pc under another name's folder, found only by PKG_CONFIG_PATH
cp "$(pkg-config --variable=pcfiledir gsl)/gsl.pc" "$T/pc/gsl.pc"
sed -i 's/^Version: .*/Version: 2.7.1-module/' "$T/pc/gsl.pc"
# CC: a wrapper that says it ran
printf '#!/bin/sh\necho cc-wrapper >>"%s/cc.log"\nexec cc "$@"\n' "$T" >"$T/bin/mycc"
chmod +x "$T/bin/mycc"
vars=(CC="$T/bin/mycc" HDF5_DIR="$T/hdf5" BUILD="$T/build")
PKG_CONFIG_PATH="$T/pc" make -s config "${vars[@]}" >"$T/config.out" 2>&1
check "make config: names the compiler" grep -q "CC=$T/bin/mycc" "$T/config.out"
check "make config: GSL from PKG_CONFIG_PATH" grep -q "gsl 2.7.1-module (pkg-config, PKG_CONFIG_PATH=$T/pc)" "$T/config.out"
check "make config: HDF5 from its prefix" grep -q "prefix $T/hdf5: .*libhdf5" "$T/config.out"
check "make config: HDF5 not asked of pkg-config" bash -c "! grep -q 'hdf5-serial' '$T/config.out'"
PATH="$T/nobin:$PATH" PKG_CONFIG_PATH="$T/pc" make -s "$T/build/placesim" "${vars[@]}" >"$T/build.log" 2>&1; rc=$?
check "make with HDF5_DIR and PKG_CONFIG_PATH builds" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/# /' "$T/build.log" | tail -8
check "the build used CC" [ -s "$T/cc.log" ]
check "the build never called apt-get" bash -c "! grep -q 'installing Debian packages' '$T/build.log'"
check "the program links HDF5 from the prefix's run path" bash -c "readelf -d '$T/build/placesim' | grep -q 'RUNPATH.*$T/hdf5/lib'"
"$T/build/placesim" run tests/data/small.yaml -r 1 -y 2 -q -o "$T/x.h5" 2>/dev/null
check "the program it built runs" [ -f "$T/x.h5" ]
