#!/usr/bin/env bash
# The long reliability runs of keyctl (issue 8), each of which fails when its
# property breaks. The normal `cargo test` runs the same tests at a smaller
# size; this script runs them at the sizes the README quotes, on a release
# build, then fuzzes every parser.
#
#   tests/reliability/run.sh            everything (about an hour on 2 cores)
#   tests/reliability/run.sh tests      the long tests only
#   tests/reliability/run.sh fuzz       the fuzzers only
#
# FUZZ_SECONDS (default 600) and FUZZ_RUNS (default 10000000) bound each fuzz
# target: it stops at whichever comes first. Fuzzing needs a nightly toolchain
# and cargo-fuzz (`cargo install cargo-fuzz`). The figures each step prints
# are collected in the log named at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."

what="${1:-all}"
log="${RELIABILITY_LOG:-$(mktemp -t keyctl-reliability.XXXXXX.log)}"
FUZZ_SECONDS="${FUZZ_SECONDS:-600}"
FUZZ_RUNS="${FUZZ_RUNS:-10000000}"
TARGETS=(secret scope time ingest_line config)

long_tests() {
    echo "--- long tests (KEYCTL_RELIABILITY_FULL=1, release build)" | tee -a "$log"
    export KEYCTL_RELIABILITY_FULL=1
    # One test at a time: the concurrency tests measure contention between
    # the processes they start, not with each other.
    cargo test --release --lib secret::tests -- --nocapture 2>&1 | tee -a "$log"
    cargo test --release --test cli reliability:: -- --nocapture --test-threads 1 2>&1 | tee -a "$log"
}

fuzz() {
    if ! cargo +nightly --version >/dev/null 2>&1; then
        echo "fuzzing needs a nightly toolchain (rustup toolchain install nightly)" >&2
        exit 1
    fi
    if ! cargo fuzz --version >/dev/null 2>&1; then
        echo "fuzzing needs cargo-fuzz (cargo install cargo-fuzz)" >&2
        exit 1
    fi
    for t in "${TARGETS[@]}"; do
        echo "--- fuzz $t (at most ${FUZZ_SECONDS}s or ${FUZZ_RUNS} inputs)" | tee -a "$log"
        started=$(date +%s)
        # New inputs that reach new code are added to fuzz/corpus/$t.
        cargo +nightly fuzz run "$t" "fuzz/corpus/$t" -- \
            -max_total_time="$FUZZ_SECONDS" -runs="$FUZZ_RUNS" -print_final_stats=1 \
            2>&1 | grep -E '^(stat::|Done|==|SUMMARY|INFO: Running|.*(crash|panicked|deadly))' | tee -a "$log"
        status=${PIPESTATUS[0]}
        echo "fuzz $t: exit $status after $(( $(date +%s) - started ))s" | tee -a "$log"
        if [ "$status" -ne 0 ]; then
            echo "fuzz $t failed: see fuzz/artifacts/$t" >&2
            exit 1
        fi
    done
}

case "$what" in
    all) long_tests; fuzz ;;
    tests) long_tests ;;
    fuzz) fuzz ;;
    *) echo "usage: $0 [all|tests|fuzz]" >&2; exit 2 ;;
esac
echo "--- figures are in $log"
