#!/bin/sh
# Install step for the terminfo entry (terminfo/meson.build): compiles SOURCE with tic
# into DATADIR under the install prefix, below $DESTDIR when meson sets it, so a staged
# install (packaging, tests) writes nowhere else.
set -eu
tic=$1
source=$2
dir=$3
case $dir in
  /*) ;;
  *) dir=$MESON_INSTALL_PREFIX/$dir ;;
esac
target=${DESTDIR:+$DESTDIR}$dir
mkdir -p "$target"
"$tic" -x -o "$target" "$source"
echo "Installing terminfo entry cadence to $target"
