#!/usr/bin/env bash
# Runs each libFuzzer target of build/fuzz/bin for SECONDS (default 20),
# from its seed corpus in tests/fuzz/corpus/ plus what earlier runs on this
# machine found (build/fuzz/work/, never the repository's folder). Prints one
# line per target: executions, coverage (edges reached of those
# instrumented) and "ok" or "FAILED"; the log is tests/out/fuzz-TARGET.log,
# and an input that broke a property is kept as build/fuzz/crash/TARGET-*.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# Exit status 0 only if every target ran clean.
set -u
cd "$(dirname "$0")/../.."
secs=${1:-20}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for b in build/fuzz/bin/fuzz_*; do targets+=("$(basename "$b" | sed 's/^fuzz_//')"); done
fi
mkdir -p tests/out build/fuzz/crash
failed=0
for t in "${targets[@]}"; do
  bin=build/fuzz/bin/fuzz_$t
  work=build/fuzz/work/$t
  log=tests/out/fuzz-$t.log
  mkdir -p "$work"
  # detect_leaks stays on: a leak in one input is a failure like a crash.
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2560 -max_len=4096 \
    -print_final_stats=1 -artifact_prefix="build/fuzz/crash/$t-" \
    "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1
  rc=$?
  edges=$(sed -n 's/.*Loaded [0-9]* modules *(\([0-9]*\) inline 8-bit counters.*/\1/p' "$log" | head -1)
  done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(echo "$done_line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  if [ "$rc" -eq 0 ] && [ -n "$done_line" ]; then
    echo "fuzz $t: ok, ${execs:-?} executions in ${secs} s, coverage ${cov:-?} of ${edges:-?} edges"
  else
    echo "fuzz $t: FAILED (exit $rc), see $log"
    grep -E 'fuzz: |ERROR: |SUMMARY: |artifact_prefix|Test unit written' "$log" | head -12 | sed 's/^/    /'
    failed=$((failed + 1))
  fi
done
[ "$failed" -eq 0 ]
