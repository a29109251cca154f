#!/usr/bin/env bash
# Runs the cargo-fuzz targets under fuzz/: each for SECONDS (default 10), from its committed seed
# corpus, with a 5 s limit per input (an input whose cost grows faster than its size hits it at
# 64 KiB) and 2 GiB of memory. Exits non-zero on any crash, panic, timeout or leak.
#
#   bash scripts/fuzz.sh            # the short run of the test command
#   bash scripts/fuzz.sh 600 keep   # a long run that keeps what it finds in the corpus
#   bash scripts/fuzz.sh 600 keep "jwt_decode registry"   # some targets only
#
# libFuzzer needs unstable compiler flags; the stable toolchain accepts them with
# RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds="${1:-10}"
keep="${2:-}"
targets="${3:-jwt_decode cookie_header redirect engine_request registry protected_path}"
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is missing; install it with: cargo install cargo-fuzz --locked" >&2
  exit 1
fi
RUSTC_BOOTSTRAP=1 cargo fuzz build -O >/dev/null
bin=target/x86_64-unknown-linux-gnu/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for target in $targets; do
  corpus="corpus/$target"
  if [ -z "$keep" ]; then
    mkdir -p "$work/$target"
    cp -r "$corpus/." "$work/$target/"
    corpus="$work/$target"
  fi
  log="$work/$target.log"
  if ! "$bin/$target" "$corpus" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$work/" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: $target FAILED (artifacts in $work are removed; rerun to reproduce)" >&2
    trap - EXIT
    exit 1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || echo '?')
  slowest=$(grep -o 'stat::slowest_unit_time_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  added=$(grep -o 'stat::new_units_added: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  echo "fuzz: $target: $runs runs in ${seconds}s, coverage $cov, $added new inputs, slowest input ${slowest}s, no crash"
done
