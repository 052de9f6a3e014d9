#!/usr/bin/env bash
# A release binary that runs on a machine with no Swift toolchain: the Swift runtime and
# Foundation linked statically (--static-swift-stdlib), and the compression libraries Debian
# ships as static archives (zlib, zstd, lz4, bzip2, liblzma) linked statically too. c-blosc stays
# a shared library: its static archive needs snappy's C++ archive, which Debian does not ship
# (the runtime package libblosc1 provides it). Writes dist/zarr-conformance-VERSION-linux-ARCH
# and its .sha256, then checks that it runs in a clean environment.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=.build-dist
STATIC="$PWD/$SCRATCH/static-libs"
mkdir -p "$STATIC/pkgconfig" dist
for lib in z zstd lz4 bz2 lzma; do
  archive="$(gcc -print-file-name=lib$lib.a)"
  [ -f "$archive" ] && ln -sf "$archive" "$STATIC/lib$lib.a"
done
# The linker takes a library from the first directory that has one, and that directory holds
# only archives. Library directories come from pkg-config first on the link line, so every
# package's flags are rewritten to name it before any other.
for pc in zlib libzstd liblz4 liblzma blosc; do
  printf 'Name: %s\nDescription: %s (static where an archive exists)\nVersion: %s\nLibs: -L%s %s\nCflags: %s\n' \
    "$pc" "$pc" "$(pkg-config --modversion $pc)" "$STATIC" "$(pkg-config --libs-only-l $pc)" "$(pkg-config --cflags $pc)" \
    > "$STATIC/pkgconfig/$pc.pc"
done
rm -f "$SCRATCH/x86_64-unknown-linux-gnu/release/zarr-conformance"  # relink with these flags
PKG_CONFIG_PATH="$STATIC/pkgconfig" swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product zarr-conformance
BIN="$SCRATCH/release/zarr-conformance"
VERSION="$("$BIN" --version | head -1 | awk '{print $2}')"
OUT="dist/zarr-conformance-$VERSION-linux-$(uname -m)"
cp "$BIN" "$OUT"
strip "$OUT"
(cd dist && sha256sum "$(basename "$OUT")" > "$(basename "$OUT").sha256")
# No toolchain: a clean environment, nothing of /opt/swift on PATH or LD_LIBRARY_PATH.
if ldd "$OUT" | grep -q -e swift -e Foundation; then echo "dist: $OUT still links the Swift toolchain" >&2; ldd "$OUT" >&2; exit 1; fi
env -i PATH=/usr/bin:/bin "$OUT" --version >/dev/null
env -i PATH=/usr/bin:/bin "$OUT" digest Vectors/fixtures/v2/zarr-python-2.18.7/dtype-bi8.zarr >/dev/null
echo "dist: $OUT ($(du -h "$OUT" | cut -f1)), $(cat "$OUT.sha256" | cut -d' ' -f1)"
echo "dist: shared libraries: $(ldd "$OUT" | awk '{print $1}' | tr '\n' ' ')"
