#!/usr/bin/env bash
# Load run on loopback (127.0.0.1 only) of the session path: the Rust demo (release build) against
# three baselines, measured in ONE run with interleaved rounds so that drift on the machine hits
# every server alike.
#
#   Rust demo        ./target/release/demo: GET /auth/session and GET /api/me, signed in
#   Auth.js          tests/peers/server.mjs (@auth/core on Node), same secret, same cookie
#   bare             perf/peers `bare`: axum returning the same JSON, no auth at all (the floor)
#   axum-login       perf/peers `axum-login-peer`: axum-login 0.18 + tower-sessions MemoryStore
#   database         the Rust demo again with DEMO_SESSION=database, once on a SQLite file and once
#                    on PostgreSQL (127.0.0.1:5432): GET /auth/session with a session row
#
# Each round runs, in turn: Rust, bare, Auth.js, Rust on SQLite, Rust on PostgreSQL on
# /auth/session, then Rust, bare, axum-login on /api/me, each with `wrk -t1 -c$CONNECTIONS -d${ROUND}s`. Ratios are taken within a round and the
# report gives their median over the rounds, with the median req/s of each server and the Rust
# demo's peak resident memory. It prints a markdown table (also written to
# target/load-session/report.md) and exits 0 even when a target is missed: it is a report. It exits
# non-zero when a server fails to start, to answer the signed-in JSON, or to answer under load.
#
#   bash scripts/load-session.sh                       (defaults: ROUNDS=5 ROUND=3 CONNECTIONS=16)
#   ROUNDS=2 ROUND=2 bash scripts/load-session.sh      (a quick check)
#
# Needs wrk (apt-get install wrk), sqlite3 and psql, PostgreSQL on 127.0.0.1:5432 and Node 20 with
# `npm ci --prefix tests` done. Servers are killed
# on exit, failure included; logs and wrk outputs go to target/load-session/.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROUNDS="${ROUNDS:-5}"
ROUND="${ROUND:-3}"
CONNECTIONS="${CONNECTIONS:-16}"
RUST_PORT=37411
NODE_PORT=37412
BARE_PORT=37413
AXL_PORT=37414
SQLITE_PORT=37415
PG_PORT=37416
PG_DB="auth_load_$$"
LOGS=target/load-session
PEERS_TARGET="$ROOT/target/perf"

die() { echo "load-session: $*" >&2; exit 1; }
command -v wrk >/dev/null || die "wrk is required (apt-get install wrk)"
command -v node >/dev/null || die "node is required (Node 20)"
command -v sqlite3 >/dev/null || die "sqlite3 is required (apt-get install sqlite3)"
command -v psql >/dev/null || die "psql is required (apt-get install postgresql-client)"
[ -d tests/node_modules/@auth/core ] || die "tests/node_modules is missing: run npm ci --prefix tests"
for v in ROUNDS ROUND CONNECTIONS; do
  [[ ${!v} =~ ^[1-9][0-9]*$ ]] || die "$v must be a positive integer (got '${!v}')"
done

echo "load-session: building the demo and the peers (release)" >&2
cargo build -q --release -p demo
CARGO_TARGET_DIR="$PEERS_TARGET" cargo build -q --release --manifest-path perf/peers/Cargo.toml

rm -rf "$LOGS"
mkdir -p "$LOGS"
export AUTH_SECRET="load-test-secret-$(date +%s)-$$"

for port in $RUST_PORT $NODE_PORT $BARE_PORT $AXL_PORT $SQLITE_PORT $PG_PORT; do
  if curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$port/"; then
    die "port $port already answers: stop what listens there first"
  fi
done

PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A release build counts as production: the host must be trusted explicitly.
SQLITE_URL="sqlite://$ROOT/$LOGS/sessions.db"
PG_URL="postgres://postgres@127.0.0.1:5432/$PG_DB"
psql -q -h 127.0.0.1 -U postgres -d postgres -c "CREATE DATABASE $PG_DB" >/dev/null ||
  die "cannot create the PostgreSQL database $PG_DB on 127.0.0.1:5432"
DATABASE_URL="sqlite://$ROOT/$LOGS/jwt.db" PORT=$RUST_PORT AUTH_TRUST_HOST=true \
  env -u AUTH_KEYCLOAK_ID ./target/release/demo >"$LOGS/demo.log" 2>&1 &
RUST_PID=$!
PIDS+=("$RUST_PID")
# Database sessions need a provider besides credentials (Auth.js's UnsupportedStrategy): a
# Keycloak entry, never contacted here (sessions are read, nobody signs in through it).
export AUTH_KEYCLOAK_ID=load AUTH_KEYCLOAK_SECRET=load AUTH_KEYCLOAK_ISSUER=http://127.0.0.1:9/realms/load
DATABASE_URL="$SQLITE_URL" DEMO_SESSION=database PORT=$SQLITE_PORT AUTH_TRUST_HOST=true \
  ./target/release/demo >"$LOGS/demo-sqlite.log" 2>&1 &
SQLITE_PID=$!
PIDS+=("$SQLITE_PID")
DATABASE_URL="$PG_URL" DEMO_SESSION=database PORT=$PG_PORT AUTH_TRUST_HOST=true \
  ./target/release/demo >"$LOGS/demo-pg.log" 2>&1 &
PG_PID=$!
PIDS+=("$PG_PID")
# server.mjs exits when its stdin closes: a sleeping writer holds a FIFO open (bounded, so that
# Node ends by itself even if this script is killed without its trap).
mkfifo "$LOGS/node.stdin"
sleep $((ROUNDS * 6 * (ROUND + 2) + 300)) >"$LOGS/node.stdin" &
PIDS+=($!)
(cd tests && exec node peers/server.mjs $NODE_PORT <"../$LOGS/node.stdin" >"../$LOGS/node.log" 2>&1) &
NODE_PID=$!
PIDS+=("$NODE_PID")
PORT=$BARE_PORT "$PEERS_TARGET/release/bare" >"$LOGS/bare.log" 2>&1 &
BARE_PID=$!
PIDS+=("$BARE_PID")
PORT=$AXL_PORT "$PEERS_TARGET/release/axum-login-peer" >"$LOGS/axum-login.log" 2>&1 &
AXL_PID=$!
PIDS+=("$AXL_PID")

# Wait until every server accepts connections (any HTTP status will do here).
wait_up() { # name pid port log
  for _ in $(seq 100); do
    kill -0 "$2" 2>/dev/null || { tail -n 20 "$4" >&2; die "$1 exited at start (log: $4)"; }
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$3/auth/session" && return 0
    sleep 0.1
  done
  tail -n 20 "$4" >&2
  die "$1 did not listen on 127.0.0.1:$3 within 10 s (log: $4)"
}
wait_up "Rust demo" $RUST_PID $RUST_PORT "$LOGS/demo.log"
wait_up "Auth.js (server.mjs)" $NODE_PID $NODE_PORT "$LOGS/node.log"
wait_up "bare" $BARE_PID $BARE_PORT "$LOGS/bare.log"
wait_up "axum-login-peer" $AXL_PID $AXL_PORT "$LOGS/axum-login.log"
wait_up "Rust demo on SQLite" $SQLITE_PID $SQLITE_PORT "$LOGS/demo-sqlite.log"
wait_up "Rust demo on PostgreSQL" $PG_PID $PG_PORT "$LOGS/demo-pg.log"

# A database session for the demo user in each database, as an OAuth sign-in would leave it
# (credentials sign-in issues a session token whatever the strategy, as in Auth.js).
DB_TOKEN="load-$(date +%s)-$$"
EXPIRES_MS=$((($(date +%s) + 30 * 86400) * 1000))
sqlite3 "$LOGS/sessions.db" "INSERT INTO sessions (\"sessionToken\", \"userId\", expires)
  SELECT '$DB_TOKEN', id, $EXPIRES_MS FROM users WHERE email = 'demo@example.com'" ||
  die "cannot insert the SQLite session row"
psql -q -h 127.0.0.1 -U postgres -d "$PG_DB" -c "INSERT INTO sessions (\"sessionToken\", \"userId\", expires)
  SELECT '$DB_TOKEN', id, to_timestamp($EXPIRES_MS / 1000.0) FROM users WHERE email = 'demo@example.com'" >/dev/null ||
  die "cannot insert the PostgreSQL session row"
DB_COOKIE="authjs.session-token=$DB_TOKEN"

# Sign in to the Rust demo with the CSRF dance; the cookie it sets is read by the demo and by
# Auth.js (same secret).
JAR="$LOGS/rust.jar"
TOKEN=$(curl -fs -c "$JAR" -b "$JAR" "http://127.0.0.1:$RUST_PORT/auth/csrf" | sed 's/.*"csrfToken":"\([0-9a-f]*\)".*/\1/')
[ -n "$TOKEN" ] || die "no csrfToken from the Rust demo"
curl -fs -o /dev/null -c "$JAR" -b "$JAR" -d "csrfToken=$TOKEN&username=demo&password=demo" \
  "http://127.0.0.1:$RUST_PORT/auth/callback/credentials" || die "sign-in POST to the Rust demo failed"
SESSION=$(awk '$6 == "authjs.session-token" {print $7}' "$JAR")
[ -n "$SESSION" ] || die "sign-in to the Rust demo set no authjs.session-token cookie"
RUST_COOKIE="authjs.session-token=$SESSION"

# Log in to axum-login once; keep its session cookie (name=value of the Set-Cookie header).
AXL_COOKIE=$(curl -fs -o /dev/null -D - -X POST "http://127.0.0.1:$AXL_PORT/login" |
  awk 'tolower($1) == "set-cookie:" { sub(/;.*/, "", $2); print $2; exit }' | tr -d '\r')
[ -n "$AXL_COOKIE" ] || die "POST /login on axum-login-peer set no cookie"

# Every measured request must be the signed-in answer: check each (server, route) once.
expect_signed_in() { # label url cookie
  local body
  body=$(curl -fs -H "Cookie: $3" "$2") || die "$1: $2 failed"
  [[ $body == *'"name":"Demo User"'* && $body == *'"email":"demo@example.com"'* && $body == *'"expires":"'* ]] ||
    die "$1: $2 did not answer the signed-in JSON: $body"
}
expect_signed_in "Rust demo" "http://127.0.0.1:$RUST_PORT/auth/session" "$RUST_COOKIE"
expect_signed_in "Rust demo" "http://127.0.0.1:$RUST_PORT/api/me" "$RUST_COOKIE"
expect_signed_in "Auth.js" "http://127.0.0.1:$NODE_PORT/auth/session" "$RUST_COOKIE"
expect_signed_in "bare" "http://127.0.0.1:$BARE_PORT/auth/session" ""
expect_signed_in "Rust demo on SQLite" "http://127.0.0.1:$SQLITE_PORT/auth/session" "$DB_COOKIE"
expect_signed_in "Rust demo on PostgreSQL" "http://127.0.0.1:$PG_PORT/auth/session" "$DB_COOKIE"
expect_signed_in "bare" "http://127.0.0.1:$BARE_PORT/api/me" ""
expect_signed_in "axum-login" "http://127.0.0.1:$AXL_PORT/api/me" "$AXL_COOKIE"
# And the protected routes really are protected.
for url in "http://127.0.0.1:$RUST_PORT/api/me" "http://127.0.0.1:$AXL_PORT/api/me"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$url")
  [ "$code" = 401 ] || die "$url without a cookie answered $code, not 401"
done

# Sample the demo's resident memory while the load runs.
RSS_LOG="$LOGS/demo-rss-kb.txt"
(
  while kill -0 "$RUST_PID" 2>/dev/null; do
    awk '/^VmRSS:/ {print $2}' "/proc/$RUST_PID/status" 2>/dev/null || true
    sleep 0.2
  done
) >"$RSS_LOG" &
SAMPLER_PID=$!
PIDS+=("$SAMPLER_PID")

# One wrk run; prints req/s. Fails on non-2xx answers or no answers at all.
measure() { # label url cookie round
  local out="$LOGS/wrk-$1-r$4.txt" rps bad
  local args=(-t1 -c"$CONNECTIONS" -d"${ROUND}s")
  [ -n "$3" ] && args+=(-H "Cookie: $3")
  wrk "${args[@]}" "$2" >"$out" 2>&1 || die "wrk failed on $2 (see $out)"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  bad=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$out")
  [ -z "$bad" ] || die "$1: $bad non-2xx answers under load on $2 (see $out)"
  awk -v r="${rps:-0}" 'BEGIN { exit !(r > 0) }' || die "$1: no answers under load on $2 (see $out)"
  echo "$rps"
}

declare -a R_RS B_RS N_RS S_RS P_RS R_ME B_ME A_ME
for round in $(seq "$ROUNDS"); do
  echo "load-session: round $round/$ROUNDS" >&2
  R_RS+=("$(measure rust-session "http://127.0.0.1:$RUST_PORT/auth/session" "$RUST_COOKIE" "$round")")
  B_RS+=("$(measure bare-session "http://127.0.0.1:$BARE_PORT/auth/session" "" "$round")")
  N_RS+=("$(measure authjs-session "http://127.0.0.1:$NODE_PORT/auth/session" "$RUST_COOKIE" "$round")")
  S_RS+=("$(measure sqlite-session "http://127.0.0.1:$SQLITE_PORT/auth/session" "$DB_COOKIE" "$round")")
  P_RS+=("$(measure postgres-session "http://127.0.0.1:$PG_PORT/auth/session" "$DB_COOKIE" "$round")")
  R_ME+=("$(measure rust-me "http://127.0.0.1:$RUST_PORT/api/me" "$RUST_COOKIE" "$round")")
  B_ME+=("$(measure bare-me "http://127.0.0.1:$BARE_PORT/api/me" "" "$round")")
  A_ME+=("$(measure axum-login-me "http://127.0.0.1:$AXL_PORT/api/me" "$AXL_COOKIE" "$round")")
done
kill "$SAMPLER_PID" 2>/dev/null || true

median() { # numbers on stdin
  sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
med() { printf '%s\n' "$@" | median; }
# Median over rounds of a / b taken within each round.
med_ratio() { # name-of-array-a name-of-array-b
  local -n a=$1 b=$2
  local i
  for i in "${!a[@]}"; do awk -v x="${a[$i]}" -v y="${b[$i]}" 'BEGIN { print x / y }'; done | median
}
RATIO_NODE=$(med_ratio R_RS N_RS)
RATIO_BARE_RS=$(med_ratio R_RS B_RS)
RATIO_BARE_ME=$(med_ratio R_ME B_ME)
RATIO_AXL=$(med_ratio R_ME A_ME)
RATIO_SQLITE=$(med_ratio S_RS R_RS)
RATIO_PG=$(med_ratio P_RS R_RS)
RSS_KB=$(sort -g "$RSS_LOG" | tail -n 1)
[ -n "$RSS_KB" ] || die "no VmRSS sample of the demo (pid $RUST_PID)"
RSS_MB=$(awk -v k="$RSS_KB" 'BEGIN { printf "%.1f", k / 1024 }')

verdict() { awk -v v="$1" -v t="$2" 'BEGIN { print ((v >= t) ? "PASS" : "FAIL") }'; }
rps() { awk -v r="$1" 'BEGIN { printf "%.0f", r }'; }
AUTHJS_VERSION=$(node -p 'require("./tests/node_modules/@auth/core/package.json").version')
WRK="wrk -t1 -c$CONNECTIONS -d${ROUND}s"

REPORT="$LOGS/report.md"
{
  echo "### Session path load run, loopback ($ROUNDS interleaved rounds, medians)"
  echo
  echo "| | |"
  echo "|---|---|"
  echo "| date | $(date -u +%Y-%m-%dT%H:%M:%SZ) |"
  echo "| machine | nproc $(nproc), $(uname -sm) |"
  echo "| Node | $(node --version), @auth/core $AUTHJS_VERSION |"
  echo "| load | \`$WRK -H 'Cookie: …' URL\`, one run each per round, in the order of the table below |"
  echo "| Rust demo | \`cargo build --release -p demo\`; \`PORT=$RUST_PORT AUTH_TRUST_HOST=true AUTH_SECRET=… ./target/release/demo\` |"
  echo "| database sessions | the same demo with \`DEMO_SESSION=database\` and \`DATABASE_URL\` a SQLite file or a PostgreSQL database on 127.0.0.1:5432; one session row inserted by SQL |"
  echo "| Auth.js | \`cd tests && AUTH_SECRET=… node peers/server.mjs $NODE_PORT\` (cookie minted by the Rust demo) |"
  echo "| bare | \`PORT=$BARE_PORT target/perf/release/bare\` (perf/peers, fixed JSON, no auth) |"
  echo "| axum-login | \`PORT=$AXL_PORT target/perf/release/axum-login-peer\` (axum-login 0.18, tower-sessions MemoryStore) |"
  echo
  echo "| server | route | median req/s |"
  echo "|---|---|---:|"
  echo "| Rust demo | GET /auth/session | $(rps "$(med "${R_RS[@]}")") |"
  echo "| bare | GET /auth/session | $(rps "$(med "${B_RS[@]}")") |"
  echo "| Auth.js | GET /auth/session | $(rps "$(med "${N_RS[@]}")") |"
  echo "| Rust demo, database sessions on SQLite | GET /auth/session | $(rps "$(med "${S_RS[@]}")") |"
  echo "| Rust demo, database sessions on PostgreSQL | GET /auth/session | $(rps "$(med "${P_RS[@]}")") |"
  echo "| Rust demo | GET /api/me | $(rps "$(med "${R_ME[@]}")") |"
  echo "| bare | GET /api/me | $(rps "$(med "${B_ME[@]}")") |"
  echo "| axum-login | GET /api/me | $(rps "$(med "${A_ME[@]}")") |"
  echo
  echo "| measure (median of per-round ratios) | value | target | result |"
  echo "|---|---:|---|---|"
  awk -v v="$RATIO_NODE" 'BEGIN { printf "| /auth/session, Rust / Auth.js | %.1fx | >= 50x | ", v }'
  verdict "$RATIO_NODE" 50 | sed 's/$/ |/'
  awk -v v="$RATIO_BARE_RS" 'BEGIN { printf "| /auth/session, Rust / bare | %.0f%% | >= 70%% | ", v * 100 }'
  verdict "$RATIO_BARE_RS" 0.70 | sed 's/$/ |/'
  awk -v v="$RATIO_BARE_ME" 'BEGIN { printf "| /api/me, Rust / bare | %.0f%% | >= 80%% | ", v * 100 }'
  verdict "$RATIO_BARE_ME" 0.80 | sed 's/$/ |/'
  awk -v v="$RATIO_AXL" 'BEGIN { printf "| /api/me, Rust / axum-login | %.2fx | >= 2x | ", v }'
  verdict "$RATIO_AXL" 2 | sed 's/$/ |/'
  echo "| Rust demo max RSS under load (VmRSS) | $RSS_MB MB | <= 10 MB | $(verdict 10 "$RSS_MB") |"
  awk -v v="$RATIO_SQLITE" 'BEGIN { printf "| /auth/session, database (SQLite) / JWT | %.0f%% | (reported) | |\n", v * 100 }'
  awk -v v="$RATIO_PG" 'BEGIN { printf "| /auth/session, database (PostgreSQL) / JWT | %.0f%% | (reported) | |\n", v * 100 }'
} | tee "$REPORT"
