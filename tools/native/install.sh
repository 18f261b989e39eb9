#!/bin/sh
# Installs what the native peers need on Debian: a C compiler for the harness and the three
# allocators preloaded into it. Idempotent: only packages not yet installed are fetched.
set -eu
PACKAGES="gcc libmimalloc2.0 libjemalloc2 libtcmalloc-minimal4"
missing=""
for pkg in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $pkg"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update
  $SUDO apt-get install -y $missing
fi
echo "native peers ready: $PACKAGES"
