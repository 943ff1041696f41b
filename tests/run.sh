#!/usr/bin/env bash
# Runs every test layer against the sanitizer build and ends with one line
# "N passed, N failed". Exit status 0 only if nothing failed.
#   unit        cmocka binaries in build/san/tests/
#   api         node --test tests/api (real server on loopback)
#   e2e         node --test tests/e2e (Debian Chromium via playwright-core)
#   durability  node --test tests/durability (SIGKILL during writes)
#   fuzz        each libFuzzer target of build/fuzz/bin for FUZZ_TEST_SECONDS
#               (default 20) from its seed corpus; one test per target
set -u
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p tests/out
passed=0
failed=0

for t in build/san/tests/test_*; do
  log="tests/out/$(basename "$t").log"
  "$t" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
  p=${p:-0}; f=${f:-0}
  # A crash or sanitizer report before cmocka's summary still fails.
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "unit  $(basename "$t"): $p passed, $f failed"
  [ "$f" -eq 0 ] || sed 's/^/    /' "$log" | tail -40
  passed=$((passed + p)); failed=$((failed + f))
done

for layer in api e2e durability; do
  log="tests/out/$layer.log"
  node --test --test-reporter=tap "tests/$layer/" >"$log" 2>&1
  rc=$?
  p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  echo "$layer: $p passed, $f failed"
  # each failure's block (not the passing tests before it)
  [ "$f" -eq 0 ] && [ "$rc" -eq 0 ] || grep -A25 '^not ok' "$log" | head -120 | sed 's/^/    /'
  passed=$((passed + p)); failed=$((failed + f))
done

while read -r line; do
  echo "$line"
  case "$line" in
    "fuzz "*": ok,"*) passed=$((passed + 1)) ;;
    "fuzz "*": FAILED"*) failed=$((failed + 1)) ;;
  esac
done < <(tests/fuzz/run.sh "${FUZZ_TEST_SECONDS:-20}")

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
