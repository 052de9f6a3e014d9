#!/usr/bin/env bash
# pre-commit hook: for each changed metadata file, find the root of its store (the highest
# ancestor directory that still holds Zarr or N5 metadata) and validate each store once.
# Uses `zarr-conformance` from PATH, or $ZARR_CONFORMANCE.
set -uo pipefail
BIN="${ZARR_CONFORMANCE:-zarr-conformance}"
command -v "$BIN" >/dev/null 2>&1 || { echo "pre-commit: $BIN not found (install it with make install)" >&2; exit 2; }
has_metadata() {
  for m in .zarray .zgroup zarr.json attributes.json .zmetadata; do [ -e "$1/$m" ] && return 0; done
  return 1
}
roots=()
for file in "$@"; do
  dir="$(dirname "$file")"
  root="$dir"
  while parent="$(dirname "$root")"; [ "$parent" != "$root" ] && has_metadata "$parent"; do root="$parent"; done
  roots+=("$root")
done
status=0
for root in $(printf '%s\n' "${roots[@]}" | sort -u); do
  "$BIN" validate "$root" || status=1
done
exit $status
