#!/bin/sh
# The whole of `make test` (after `make deps`): build, unit tests, HTTP integration tests on both
# stores, browser tests, the sanitizer run (unit + HTTP against build-asan) and the fuzz smoke run.
# Every stage runs even when an earlier one failed; each is timed. The last line is
#   tests: N passed, N failed
# summing the node:test and cmocka counts (a stage that fails without reporting counts, such as a
# build error, counts as one failure). Exit status 1 when anything failed.
#
# Environment: RELAIS_TEST_STORES (sqlite,postgres), FUZZ_SECONDS (15 per target), JOBS (cores),
# RELAIS_SKIP_STAGES (e.g. "asan fuzz", to shorten a local run; CI never sets it).
set -u
cd "$(dirname "$0")/.."

JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
export FUZZ_SECONDS="${FUZZ_SECONDS:-15}"
logs=build/test-logs
mkdir -p "$logs"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/relais-run-all.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

total_passed=0
total_failed=0
summary=""
t_all=$(date +%s)

# PostgreSQL: tests/run-unit.sh starts one for the unit tests; each HTTP or browser test process
# starts its own (tests/http/lib/harness.js), or uses RELAIS_TEST_PG_URL when set.

# counts LOG: prints "passed failed" read from a stage's output.
counts() {
    awk '
        /^unit: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
        /^# pass [0-9]+$/ { p += $3 }
        /^# (fail|cancelled) [0-9]+$/ { f += $3 }
        /^(ℹ|i) pass [0-9]+$/ { p += $3 }
        /^(ℹ|i) (fail|cancelled) [0-9]+$/ { f += $3 }
        /^fuzz: [0-9]+ passed, [0-9]+ failed$/ { p += $2; f += $4 }
        END { printf "%d %d\n", p, f }
    ' "$1"
}

stage() {
    name=$1
    shift
    case " ${RELAIS_SKIP_STAGES:-} " in
    *" $name "*)
        echo "=== $name: skipped (RELAIS_SKIP_STAGES)"
        summary="$summary$(printf '%-10s skipped' "$name")
"
        return 0
        ;;
    esac
    log="$logs/stage-$name.log"
    echo "=== $name: $*"
    start=$(date +%s)
    { "$@" 2>&1; echo $? >"$tmp/rc"; } | tee "$log"
    rc=$(cat "$tmp/rc")
    secs=$(($(date +%s) - start))
    set -- $(counts "$log")
    p=$1
    f=$2
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        f=1
        echo "=== $name: exited $rc without reporting a failed test: counted as one failure"
    fi
    total_passed=$((total_passed + p))
    total_failed=$((total_failed + f))
    status=ok
    [ "$rc" -eq 0 ] && [ "$f" -eq 0 ] || status=FAILED
    line=$(printf '%-10s %-6s %4ss  %d passed, %d failed  (%s)' "$name" "$status" "$secs" "$p" "$f" "$log")
    echo "=== $line"
    summary="$summary$line
"
}

# The fuzz smoke run (fuzz/Makefile `run`): each target that completes prints its libFuzzer stats
# ("stat::number_of_executed_units: N ...") and counts as one passed test; a target that crashes
# prints "fuzz_NAME: crash" and stops the run: one failure.
fuzz_smoke() {
    make fuzz-smoke >"$tmp/fuzz.log" 2>&1
    rc=$?
    cat "$tmp/fuzz.log"
    ok=$(grep -c '^stat::number_of_executed_units' "$tmp/fuzz.log" || true)
    crashed=$(grep -c '^fuzz_[a-z_]*: crash' "$tmp/fuzz.log" || true)
    echo "fuzz: $ok passed, $crashed failed"
    return $rc
}

stage unit make -j"$JOBS" test-unit
stage http make -j"$JOBS" test-http
stage browser make -j"$JOBS" test-browser
stage conformance make -j"$JOBS" test-conformance
stage asan make -j"$JOBS" test-asan
stage fuzz fuzz_smoke

echo
echo "Stages:"
printf '%s' "$summary"
echo "total time: $(($(date +%s) - t_all))s"
echo "tests: $total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
