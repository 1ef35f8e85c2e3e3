#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, through cargo-fuzz) of every parser of outside input
# (fuzz/targets.rs), each for a bounded time: FUZZ_SECONDS per target (default 12: under three
# minutes of fuzzing for 17 targets, plus the fuzz crate's release build). Each starts from a
# scratch corpus of its seeds (fuzz/seeds.txt) and the inputs that once crashed it
# (fixtures/fuzz/<target>/). A crash or a slow input is minimised and its path printed, and the
# run exits 1: put it in fixtures/fuzz/<target>/ with the fix, and `cargo test` replays it.
#   scripts/fuzz.sh [TARGET…]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-12}"
# libFuzzer's limits: a slow input is a finding (work must be linear in the input; the page
# parser's own budget is 2 s and more), memory is capped, inputs stay page-sized; and the
# fragments hostile input is made of (fuzz/fuzz.dict).
limits=(-timeout=10 -rss_limit_mb=2048 -max_len=262144 -use_value_profile=1 "-dict=$PWD/fuzz/fuzz.dict")

# cargo-fuzz needs nightly's -Z flags: nightly when it is installed, else stable allowed them.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  fuzz=(cargo +nightly fuzz)
else
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi
# No sanitizer: the code fuzzed is safe Rust (the C inside SQLite and ring is not instrumented
# either way), so AddressSanitizer would cost build time and half the speed for nothing.
# Release with debug assertions and overflow checks, cargo-fuzz's default.
build=(--sanitizer none --codegen-units 16)

mapfile -t all < <(sed -e '/^#/d' -e '/^[[:space:]]*$/d' -e 's/[[:space:]].*//' fuzz/seeds.txt)
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

echo "building the fuzz targets"
"${fuzz[@]}" build "${build[@]}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
findings=()
printf '%-20s %10s %8s %8s %8s\n' target execs cov ft corpus
for target in "${targets[@]}"; do
  corpus="$work/$target"
  mkdir -p "$corpus"
  # Seeds copied flat, so libFuzzer's additions stay in the scratch folder, never in fixtures/.
  read -ra seeds < <(sed -n "s/^$target[[:space:]]\+//p" fuzz/seeds.txt) || true
  for seed in "${seeds[@]}" "fixtures/fuzz/$target"; do
    [ -e "$seed" ] || continue
    find "$seed" -type f | while read -r file; do
      cp "$file" "$corpus/$(printf '%s' "$file" | tr '/' '_')"
    done
  done
  log="$work/$target.log"
  status=0
  "${fuzz[@]}" run "${build[@]}" "$target" "$corpus" -- \
    -max_total_time="$seconds" "${limits[@]}" -print_final_stats=1 >"$log" 2>&1 || status=$?
  # libFuzzer's last status line: `#RUNS DONE cov: N ft: N corp: N/…`.
  stats="$(grep -E '^#[0-9]+[[:space:]]+(DONE|pulse|NEW|REDUCE|INITED)' "$log" | tail -1 || true)"
  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$stats")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$stats")"
  corp="$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$stats")"
  printf '%-20s %10s %8s %8s %8s\n' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
  if [ "$status" -ne 0 ]; then
    grep -E -A12 "panicked at|ERROR: libFuzzer|==[0-9]+== ERROR" "$log" | head -30 >&2 || tail -30 "$log" >&2
    artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
    if [ -n "$artifact" ] && [ -f "$artifact" ]; then
      "${fuzz[@]}" tmin "${build[@]}" -r 200 "$target" "$artifact" -- "${limits[@]}" >"$log.tmin" 2>&1 || true
      minimised="$(awk '/^Minimized artifact:/ { getline; sub(/^[[:space:]]+/, ""); print }' "$log.tmin")"
      findings+=("$target: ${minimised:-$artifact}")
    else
      findings+=("$target: no input saved (see above)")
    fi
  fi
done

if [ "${#findings[@]}" -gt 0 ]; then
  echo "${#findings[@]} finding(s); put each in fixtures/fuzz/<target>/ with its fix:" >&2
  printf '  %s\n' "${findings[@]}" >&2
  exit 1
fi
