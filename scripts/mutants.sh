#!/usr/bin/env bash
# Mutation testing of the security-critical modules with cargo-mutants: each mutant breaks one
# thing in the source (a check removed, a comparison inverted, a value replaced) and runs
# auth-runtime's tests; a mutant no test notices is a check nothing pins. Mutants shown
# equivalent to the original are excluded in .cargo/mutants.toml and explained in
# docs/mutants.md.
#
#   bash scripts/mutants.sh                 # every security-critical module (about 1.5 h here)
#   bash scripts/mutants.sh oidc csrf       # some of them
#   bash scripts/mutants.sh --iterate       # only the mutants the last run missed
#   git diff BASE -- auth-runtime/src > target/change.diff
#   bash scripts/mutants.sh --in-diff target/change.diff   # only mutants on changed lines
#   bash scripts/mutants.sh --shard 1/3     # the second third of the mutants (shards 0/3..2/3),
#                                           # for a run spread over several sittings
#
# Not part of the test command (too slow for CI). Prints caught / missed / unviable / timeout per
# module; exits 1 when a mutant was missed. Outcomes land in target/mutants/.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v cargo-mutants >/dev/null || {
  echo "cargo-mutants is required: cargo install cargo-mutants --locked" >&2
  exit 1
}

declare -A MODULES=(
  [jose]=auth-runtime/src/jose.rs
  [csrf]=auth-runtime/src/csrf.rs
  [cookies]=auth-runtime/src/cookies.rs
  [redirect]=auth-runtime/src/callbacks/mod.rs
  [request]=auth-runtime/src/engine/request.rs
  [init]=auth-runtime/src/engine/init.rs
  [oauth]="auth-runtime/src/engine/oauth/mod.rs auth-runtime/src/engine/oauth/authorize.rs auth-runtime/src/engine/oauth/checks.rs auth-runtime/src/engine/oauth/callback.rs auth-runtime/src/engine/oauth/discovery.rs auth-runtime/src/redirect_proxy.rs"
  [token]=auth-runtime/src/engine/oauth/token.rs
  [oidc]=auth-runtime/src/providers/oidc.rs
  [session]=auth-runtime/src/engine/session.rs
  [config]=auth-runtime/src/config.rs
  [layer]="auth-runtime/src/integration.rs auth-runtime/src/axum/layer.rs"
  [ratelimit]="auth-runtime/src/rate_limit/mod.rs auth-runtime/src/rate_limit/memory.rs"
  [refresh]=auth-runtime/src/engine/refresh.rs
  [engine]="auth-runtime/src/engine/mod.rs auth-runtime/src/engine/response.rs auth-runtime/src/engine/login.rs"
  [email]="auth-runtime/src/engine/email.rs auth-runtime/src/providers/email.rs"
  [extension]="auth-runtime/src/extension.rs auth-runtime/src/callbacks/typed.rs"
  [webauthn]="auth-runtime/src/engine/webauthn/mod.rs auth-runtime/src/engine/webauthn/cose.rs auth-runtime/src/providers/webauthn.rs"
)
ORDER=(jose csrf cookies redirect request init oauth token oidc session config layer ratelimit refresh engine email extension webauthn)

extra=()
case "${1:-}" in
  --iterate)
    extra+=(--iterate)
    shift
    ;;
  --in-diff)
    [ -f "${2:-}" ] || { echo "--in-diff needs a diff file" >&2; exit 2; }
    extra+=(--in-diff "$2")
    shift 2
    ;;
  --shard)
    [[ ${2:-} =~ ^[0-9]+/[1-9][0-9]*$ ]] || { echo "--shard needs K/N (0-based K)" >&2; exit 2; }
    extra+=(--shard "$2" --sharding slice)
    shift 2
    ;;
esac
selected=("$@")
[ ${#selected[@]} -gt 0 ] || selected=("${ORDER[@]}")
args=()
for name in "${selected[@]}"; do
  files=${MODULES[$name]:-}
  [ -n "$files" ] || { echo "unknown module $name; one of: ${ORDER[*]}" >&2; exit 2; }
  for file in $files; do
    args+=(--file "$file")
  done
done

out=target/mutants
mkdir -p "$out"
# A bounded run: every build and test has a timeout (see .cargo/mutants.toml).
status=0
cargo mutants "${args[@]}" "${extra[@]}" --no-shuffle --output "$out" --build-timeout 600 || status=$?
# cargo-mutants exits 2 when mutants were missed, 3 on timeouts; 1 and 4 are failures of the run.
if [ "$status" -ne 0 ] && [ "$status" -ne 2 ] && [ "$status" -ne 3 ]; then
  echo "cargo mutants failed (exit $status)" >&2
  exit 1
fi

results="$out/mutants.out"
count() { # file-of-outcomes source-files...
  local outcomes=$1 total=0 n
  shift
  [ -f "$outcomes" ] || { echo 0; return; }
  for file in "$@"; do
    n=$(grep -c "^$file:" "$outcomes" || true)
    total=$((total + n))
  done
  echo "$total"
}
printf '\n%-10s %7s %7s %9s %8s\n' module caught missed unviable timeout
missed_total=0
for name in "${selected[@]}"; do
  files=${MODULES[$name]}
  # shellcheck disable=SC2086 # the list is split on purpose
  caught=$(count "$results/caught.txt" $files)
  # shellcheck disable=SC2086
  missed=$(count "$results/missed.txt" $files)
  # shellcheck disable=SC2086
  unviable=$(count "$results/unviable.txt" $files)
  # shellcheck disable=SC2086
  timeout=$(count "$results/timeout.txt" $files)
  missed_total=$((missed_total + missed))
  printf '%-10s %7s %7s %9s %8s\n' "$name" "$caught" "$missed" "$unviable" "$timeout"
done
if [ "$missed_total" -gt 0 ]; then
  echo
  echo "missed mutants (a test must catch each, or docs/mutants.md must show it equivalent):"
  cat "$results/missed.txt"
  exit 1
fi
