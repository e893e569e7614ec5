#!/usr/bin/env bash
# Installs what is missing, builds pgpeek three times (Release in ./build, Debug with
# AddressSanitizer + UndefinedBehaviorSanitizer in ./build-asan, Debug with
# ThreadSanitizer in ./build-tsan) and runs the whole test suite (ctest) under the first
# two, and the tests where threads share memory without locks under the third. Exits nonzero on any failure; the last line of output
# is "N passed, M failed" (counted over both builds' ctest tests and any build step).
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# LeakSanitizer on (it works here: it needs ptrace-like access to the process, which a
# plain root or user session has); a leak or UB report makes the process exit nonzero.
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:exitcode=23"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="${LSAN_OPTIONS:-}"
JOBS="${JOBS:-2}"

passed=0
failed=0

if ! bash tools/install-deps.sh; then
  echo "install-deps failed"
  echo "0 passed, 1 failed"
  exit 1
fi

# build DIR CMAKE_ARGS...: configure and build; counts a failure if it does not build.
build() {
  local dir="$1"; shift
  echo "==== configure and build $dir"
  if cmake -S . -B "$dir" "$@" && cmake --build "$dir" -j"$JOBS"; then
    return 0
  fi
  echo "==== BUILD FAILED: $dir"
  return 1
}

# run_ctest DIR: runs ctest, adds its pass/fail counts to the totals.
run_ctest() {
  local dir="$1" log
  log="$(mktemp)"
  echo "==== ctest in $dir"
  # shellcheck disable=SC2086 # CTEST_ARGS is a list of ctest arguments
  (cd "$dir" && ctest --output-on-failure --timeout 600 ${CTEST_ARGS:-}) 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  # ctest's summary: "100% tests passed, 0 tests failed out of 12"
  local line total nfail
  line="$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1)"
  if [ -n "$line" ]; then
    nfail="$(sed -E 's/.*passed, ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")"
    total="$(sed -E 's/.*passed, ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")"
    passed=$((passed + total - nfail))
    failed=$((failed + nfail))
  elif grep -q 'No tests were found' "$log"; then
    echo "==== no tests found in $dir"
    failed=$((failed + 1))
  fi
  if [ "$rc" -ne 0 ] && [ -z "$line" ]; then
    failed=$((failed + 1))
  fi
  rm -f "$log"
}

if build build -DCMAKE_BUILD_TYPE=Release; then
  run_ctest build
else
  failed=$((failed + 1))
fi

if build build-asan -DCMAKE_BUILD_TYPE=Debug -DPGPEEK_SANITIZE=ON; then
  run_ctest build-asan
else
  failed=$((failed + 1))
fi

# Lock-free reads, epochs, shared caches, commit groups: any data race report fails.
export TSAN_OPTIONS="halt_on_error=0:exitcode=66"
if build build-tsan -DCMAKE_BUILD_TYPE=Debug -DPGPEEK_TSAN=ON; then
  CTEST_ARGS="-R epoch|peek_shared|index_concurrent|mvcc|commit|orc_batch|dur_checkpoint|placement" \
    run_ctest build-tsan
else
  failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
