#!/usr/bin/env bash
# Runs every test of the workspace: lints, unit, integration, interop (real @auth/core under
# Node), doc tests. Installs the Node peers first. Fails when a needed tool or service is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v node >/dev/null || { echo "node is required (Node 20) for the interop tests" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "Node 20 or newer is required, found $(node --version)" >&2; exit 1; }
command -v cargo-nextest >/dev/null || { echo "cargo-nextest is required" >&2; exit 1; }
command -v chromium >/dev/null || [ -n "${CHROMIUM:-}" ] || { echo "chromium is required for the browser tests (apt-get install chromium)" >&2; exit 1; }
(exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null || { echo "Redis on 127.0.0.1:6379 is required for the rate-limit, adapter and fault tests" >&2; exit 1; }
(exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null || { echo "PostgreSQL on 127.0.0.1:5432 is required for the adapter tests" >&2; exit 1; }
(exec 3<>/dev/tcp/127.0.0.1/3306) 2>/dev/null || { echo "MariaDB on 127.0.0.1:3306 is required for the adapter tests" >&2; exit 1; }
cargo fuzz --version >/dev/null 2>&1 || { echo "cargo-fuzz is required for the fuzz step (cargo install cargo-fuzz --locked)" >&2; exit 1; }

echo "== npm peers"
npm ci --prefix tests --no-audit --no-fund --loglevel=error

echo "== format and lints"
cargo fmt --all -- --check
cargo fmt --manifest-path fuzz/Cargo.toml -- --check
cargo clippy --workspace --all-targets --quiet -- -D warnings

echo "== tests"
cargo nextest run --workspace --no-fail-fast

echo "== doc tests"
cargo test --workspace --doc --quiet

echo "== API docs (no broken or private links)"
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p auth-macros
RUSTDOCFLAGS="-D warnings" cargo doc --quiet --no-deps -p auth-runtime --all-features

echo "== fuzz (10 s per target; the long runs are in docs/fuzzing.md)"
bash scripts/fuzz.sh 10

echo "== browser (Chromium through the demo)"
# TAP output, so a run that found no test fails instead of passing empty.
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
node --test --test-timeout=180000 --test-reporter=tap tests/browser/ | tee "$tap"
ran=$(sed -n 's/^# tests \([0-9]*\)$/\1/p' "$tap" | tail -n 1)
[ "${ran:-0}" -gt 0 ] || { echo "the browser step ran no tests" >&2; exit 1; }
