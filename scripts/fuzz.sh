#!/usr/bin/env bash
# make fuzz: builds the libFuzzer targets of Fuzz/ (ASan + libFuzzer), seeds their corpora from
# the committed fixtures and runs each for FUZZ_SECONDS (default 60).
#
#   FUZZ_SECONDS=20 bash scripts/fuzz.sh               every target, 20 s each
#   FUZZ_TARGETS="FuzzShardIndex" bash scripts/fuzz.sh   only some targets
#   FUZZ_BUILD_JOBS=1 bash scripts/fuzz.sh              pass -j 1 to swift build
#
# Corpora grow in .work/fuzz/corpus/<target>/ across runs; libFuzzer's findings go to
# .work/fuzz/artifacts/<target>/, its output to .work/fuzz/logs/<target>.log. Prints each
# target's executions and coverage. Exits non-zero when any target crashed, hit the RSS limit
# or timed out; each such input is then copied to Vectors/fuzz-crashes/<target>/ (to be
# committed and replayed by FuzzReplayTests) and named here, with the top of its report.
#
# Notes that cost a day to find: the Swift frontend keeps only the last -sanitize= flag, so
# both sanitizers go in one `-Xswiftc -sanitize=fuzzer,address`; SwiftPM's --sanitize alone
# leaves Swift code without coverage instrumentation. libFuzzer's own -detect_leaks is off too:
# with LeakSanitizer off (ASAN_OPTIONS) it would still rerun every input whose mallocs outnumber
# its frees (the Swift runtime's caches), halving the executions for nothing.
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET=${FUZZ_SECONDS:-60}
TARGETS=(${FUZZ_TARGETS:-FuzzMetadata FuzzCodecChain FuzzShardIndex FuzzArrayRead})
SCRATCH=.build-fuzz
WORK=.work/fuzz

max_len() {
  case "$1" in
    FuzzMetadata) echo 4096 ;;
    FuzzCodecChain) echo 8192 ;;
    FuzzShardIndex) echo 16384 ;;
    FuzzArrayRead) echo 32768 ;;
    *) echo "fuzz: unknown target $1" >&2; exit 2 ;;
  esac
}

mkdir -p "$WORK/logs"
echo "fuzz: building ${TARGETS[*]} with -sanitize=fuzzer,address (log: $WORK/logs/build.log)"
if ! swift build --package-path Fuzz --scratch-path "$SCRATCH" -c debug ${FUZZ_BUILD_JOBS:+-j "$FUZZ_BUILD_JOBS"} \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library >"$WORK/logs/build.log" 2>&1; then
  grep -v "Cannot export local symbol" "$WORK/logs/build.log" | tail -40
  echo "fuzz: build failed" >&2
  exit 1
fi
BIN=$(swift build --package-path Fuzz --scratch-path "$SCRATCH" -c debug --show-bin-path \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library)

seed_args=()
for t in "${TARGETS[@]}"; do seed_args+=("$t=$(max_len "$t")"); done
python3 Fuzz/seeds.py "$WORK/corpus" "${seed_args[@]}" || { echo "fuzz: seeding failed" >&2; exit 1; }

failed=()
for t in "${TARGETS[@]}"; do
  corpus="$WORK/corpus/$t" artifacts="$WORK/artifacts/$t" log="$WORK/logs/$t.log"
  mkdir -p "$corpus" "$artifacts"
  marker=$(mktemp)
  echo "fuzz: $t for ${SECONDS_PER_TARGET}s (max_len $(max_len "$t"), log: $log)"
  SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 "$BIN/$t" "$corpus" \
    -dict=Fuzz/zarr.dict -max_len="$(max_len "$t")" -timeout=10 -rss_limit_mb=2048 \
    -detect_leaks=0 -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]* ft: [0-9]* corp: [0-9]*/[0-9]*[kKmM]*b' "$log" | tail -1)
  echo "fuzz: $t: ${runs:-?} executions, ${cov:-no coverage line}, exit $status"
  new=$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) -newer "$marker" | sort)
  rm -f "$marker"
  if [ "$status" -ne 0 ] || [ -n "$new" ]; then
    failed+=("$t")
    mkdir -p "Vectors/fuzz-crashes/$t"
    for f in $new; do
      cp "$f" "Vectors/fuzz-crashes/$t/"
      echo "fuzz: $t: saved $(basename "$f") ($(wc -c <"$f") bytes) to Vectors/fuzz-crashes/$t/"
    done
    [ -n "$new" ] || echo "fuzz: $t: libFuzzer exited $status without an artifact (see $log)"
    # The report: what trapped or what the sanitizer saw, and the top frames.
    grep -m 1 -E 'Fatal error|ERROR: (AddressSanitizer|libFuzzer)|==[0-9]+==ERROR' "$log" | sed "s/^/fuzz: $t: /"
    grep -E '^ +#[0-9]+ ' "$log" | grep -v -E 'libclang_rt|compiler-rt|/libFuzzer|fuzzer::|__sanitizer|libc\.so|libswiftCore' | head -12 | sed "s/^/fuzz: $t:   /"
  fi
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in Vectors/fuzz-crashes/, replayed by FuzzReplayTests)"
  exit 1
fi
echo "fuzz: no crash, timeout or RSS overrun in ${TARGETS[*]}"
