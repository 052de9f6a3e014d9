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
mkdir -p "$STATIC" dist

for lib in z zstd lz4 bz2 lzma; do
  archive="$(gcc -print-file-name=lib$lib.a)"
  [ -f "$archive" ] && ln -sf "$archive" "$STATIC/lib$lib.a"
done
# The linker takes the first directory that has a library: this one holds only archives.
swift build -c release --static-swift-stdlib --scratch-path "$SCRATCH" --product zarr-conformance -Xlinker -L"$STATIC"
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
