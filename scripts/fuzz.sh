#!/usr/bin/env bash
# Runs the stable-toolchain fuzzer (fuzz/main.rs) over every parser for a bounded
# time: FUZZ_SECONDS per target (default 15, about two minutes in all). Exits 1
# with the saved inputs listed when any input panics or is slow; add each one to
# fixtures/fuzz/<target>/ with the fix, and it is replayed by the tests from then on.
#   scripts/fuzz.sh [TARGET…]        FUZZ_SEED=N repeats a run
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --quiet --example fuzz
exec target/debug/examples/fuzz "${FUZZ_SECONDS:-15}" "$@"
