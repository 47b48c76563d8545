#!/bin/sh
# Runs every cmocka unit test binary of a build ($1, e.g. build or build-asan) against one private
# PostgreSQL server (RELAIS_TEST_PG_URL), printing each binary's output and result.
# The last line is the summary that tests/run-all.sh reads:  unit: N passed, N failed
# Exit status: 0 when every test passed, 1 otherwise.
set -eu
cd "$(dirname "$0")/.."
B=${1:?usage: run-unit.sh BUILD_DIR}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/relais-unit.XXXXXX")
chmod 755 "$tmp"
pgdir="$tmp/pg"
cleanup() {
    sh tests/pg.sh stop "$pgdir" >/dev/null 2>&1 || true
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

RELAIS_TEST_PG_URL=$(sh tests/pg.sh start "$pgdir")
export RELAIS_TEST_PG_URL
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

passed=0
failed=0
binaries=0
for t in "$B"/tests/test_*; do
    [ -f "$t" ] && [ -x "$t" ] || continue
    case "$t" in *.d | *.o) continue ;; esac
    binaries=$((binaries + 1))
    name=$(basename "$t")
    out="$tmp/$name.out"
    echo "== $name"
    set +e
    "$t" >"$out" 2>&1
    rc=$?
    set -e
    cat "$out"
    # cmocka's summary: "[  PASSED  ] 12 test(s)." and "[  FAILED  ] 1 test(s), listed below:"
    p=$(sed -n 's/^\[  PASSED  \] \([0-9][0-9]*\) test.*/\1/p' "$out" | tail -n 1)
    f=$(sed -n 's/^\[  FAILED  \] \([0-9][0-9]*\) test.*/\1/p' "$out" | tail -n 1)
    # TAP output (CMOCKA_MESSAGE_OUTPUT=TAP): count the ok / not ok lines instead.
    if [ -z "$p$f" ] && grep -q '^ok \|^not ok ' "$out"; then
        p=$(grep -c '^ok ' "$out" || true)
        f=$(grep -c '^not ok ' "$out" || true)
    fi
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
        # A crash, a sanitizer report or an exit before the summary: count the binary as one failure.
        f=1
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -eq 0 ] && [ "$f" -eq 0 ]; then
        echo "== $name: ok ($p passed)"
    else
        echo "== $name: FAILED (exit $rc, $p passed, $f failed)"
    fi
done

if [ "$binaries" -eq 0 ]; then
    echo "run-unit: no test binary in $B/tests/ (make $B/tests/test_...)"
    failed=$((failed + 1))
fi
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
