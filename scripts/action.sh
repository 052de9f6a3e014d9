#!/usr/bin/env bash
# The GitHub Action's work (action.yml runs this; tests run it locally): validate each store in
# $INPUT_PATHS (whitespace-separated), write one SARIF and one JUnit file per store into
# $INPUT_OUTPUT, then exit 1 when any store has a finding at $INPUT_FAIL_ON (error, warning or
# never), 3 when a store cannot be read at all. With $INPUT_RUN set, runs the conformance
# matrix instead (`zarr-conformance run $INPUT_RUN`). With $INPUT_ADAPTER (NAME[:ROLES]=COMMAND)
# set, runs the matrix with that adapter and fails on the adapter's own mismatches (--judge NAME).
set -uo pipefail
BIN="${ZARR_CONFORMANCE:-zarr-conformance}"
OUT="${INPUT_OUTPUT:-zarr-conformance-results}"
FAIL_ON="${INPUT_FAIL_ON:-error}"
mkdir -p "$OUT"

if [ -n "${INPUT_ADAPTER:-}" ]; then
  name="${INPUT_ADAPTER%%=*}"; name="${name%%:*}"
  # The catalog is the action's own Vectors/ folder; the adapter's command runs from there too.
  cd "$(dirname "$0")/.." || exit 2
  case "$OUT" in /*) ;; *) OUT="$OLDPWD/$OUT" ;; esac
  # shellcheck disable=SC2086  # the run arguments are words on purpose
  "$BIN" run ${INPUT_RUN:-} --adapter "$INPUT_ADAPTER" --judge "$name" --output "$OUT" --work "$OUT/work" --fail-on mismatch
  status=$?
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "results=$OUT" >> "$GITHUB_OUTPUT"; fi
  exit $status
fi

if [ -n "${INPUT_RUN:-}" ]; then
  # shellcheck disable=SC2086  # the run arguments are words on purpose
  "$BIN" run $INPUT_RUN --output "$OUT" --fail-on mismatch
  exit $?
fi

[ -n "${INPUT_PATHS:-}" ] || { echo "action: no paths to validate (input 'paths')" >&2; exit 2; }
status=0
n=0
for store in $INPUT_PATHS; do
  n=$((n + 1))
  name="$(printf '%s' "$store" | tr -c 'A-Za-z0-9._-' '_')"
  "$BIN" validate "$store" --format sarif --fail-on never > "$OUT/$name.sarif"
  rc=$?
  if [ $rc -ge 2 ]; then echo "action: $store could not be validated (exit $rc)" >&2; status=3; continue; fi
  "$BIN" validate "$store" --format junit --fail-on never > "$OUT/$name.junit.xml"
  "$BIN" validate "$store" --format text --fail-on "$FAIL_ON"
  rc=$?
  if [ $rc -eq 1 ] && [ $status -eq 0 ]; then status=1; fi
done
echo "action: validated $n store(s); SARIF and JUnit in $OUT"
if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "results=$OUT" >> "$GITHUB_OUTPUT"; fi
exit $status
