#!/usr/bin/env bash
# Load run on loopback: GET /auth/session with a valid session cookie, served by the Rust demo
# (release build) and by the real @auth/core (tests/peers/server.mjs, Node), with the same secret
# and the same cookie. Prints requests/s of each and the ratio. Bounded: DURATION seconds per
# server (default 10), CONNECTIONS connections (default 16), one wrk thread.
#
#   bash scripts/load-session.sh            (needs wrk: apt-get install wrk; and npm ci --prefix tests)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-16}"
command -v wrk >/dev/null || { echo "wrk is required (apt-get install wrk)" >&2; exit 1; }
export AUTH_SECRET="load-test-secret-$(date +%s)"

cargo build -q --release -p demo
LOGS=target/load-session
mkdir -p "$LOGS"
RUST_PORT=37411
NODE_PORT=37412
# A release build counts as production: the host must be trusted explicitly.
PORT=$RUST_PORT AUTH_TRUST_HOST=true ./target/release/demo >"$LOGS/demo.log" 2>&1 &
RUST_PID=$!
# server.mjs exits when its stdin closes; a sleeping writer keeps it open.
(cd tests && sleep $((DURATION * 4 + 120)) | node peers/server.mjs $NODE_PORT >"../$LOGS/node.log" 2>&1) &
NODE_PID=$!
trap 'kill $RUST_PID 2>/dev/null; pkill -f "peers/server.mjs $NODE_PORT" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -fs "http://127.0.0.1:$RUST_PORT/auth/csrf" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$NODE_PORT/auth/csrf" >/dev/null 2>&1 && break
  sleep 0.2
done

# Sign in to the Rust demo; the cookie it sets is read by both servers.
JAR=$(mktemp)
TOKEN=$(curl -fs -c "$JAR" -b "$JAR" "http://127.0.0.1:$RUST_PORT/auth/csrf" | sed 's/.*"csrfToken":"\([0-9a-f]*\)".*/\1/')
curl -fs -o /dev/null -c "$JAR" -b "$JAR" -d "csrfToken=$TOKEN&username=demo&password=demo" \
  "http://127.0.0.1:$RUST_PORT/auth/callback/credentials"
SESSION=$(awk '$6 == "authjs.session-token" {print $7}' "$JAR")
rm -f "$JAR"
[ -n "$SESSION" ] || { echo "sign-in failed" >&2; exit 1; }
for port in $RUST_PORT $NODE_PORT; do
  body=$(curl -fs -H "Cookie: authjs.session-token=$SESSION" "http://127.0.0.1:$port/auth/session")
  echo "$body" | grep -q '"Demo User"' || { echo "server on $port did not read the session: $body" >&2; exit 1; }
done

rate() {
  wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -H "Cookie: authjs.session-token=$SESSION" \
    "http://127.0.0.1:$1/auth/session" | awk '/Requests\/sec/ {print $2}'
}
RUST_RPS=$(rate $RUST_PORT)
NODE_RPS=$(rate $NODE_PORT)
echo "GET /auth/session, valid cookie, ${CONNECTIONS} connections, ${DURATION}s each"
echo "  Rust (auth-runtime, release): ${RUST_RPS} req/s"
echo "  Auth.js (@auth/core 0.41.3, Node $(node --version)): ${NODE_RPS} req/s"
awk -v r="$RUST_RPS" -v n="$NODE_RPS" 'BEGIN { printf "  ratio Rust / Auth.js: %.1fx\n", r / n }'
