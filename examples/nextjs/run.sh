#!/usr/bin/env bash
# The Next.js example: a Next.js app signed in with next-auth (credentials demo / demo, and a local
# OpenID Provider) on 127.0.0.1:3300, and the Rust API (this crate, axum) on 127.0.0.1:3301 that
# reads the same session cookie. One AUTH_SECRET for both. Ctrl-C stops everything.
#
#   bash examples/nextjs/run.sh
#
# Installs the npm packages, builds the Rust API and the Next.js app (again only when their sources
# changed), then starts the OpenID Provider (127.0.0.1:3302), the Rust API and Next.js. Ports:
# NEXT_PORT, API_PORT, IDP_PORT. Prints "ready: http://127.0.0.1:<NEXT_PORT>" when all listen.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
next_port=${NEXT_PORT:-3300}
api_port=${API_PORT:-3301}
idp_port=${IDP_PORT:-3302}
# next-auth names the site localhost (Next.js serves it as such); the browser opens it so too.
origin="http://localhost:$next_port"
export NEXT_TELEMETRY_DISABLED=1
if [ -z "${AUTH_SECRET:-}" ]; then
  AUTH_SECRET=$(node -e 'console.log(require("crypto").randomBytes(32).toString("base64"))')
  export AUTH_SECRET
fi

echo "== npm packages"
# Installed again only when the lock file changed.
install() { # dir
  local want
  want=$(sha256sum "$1/package-lock.json" | cut -d' ' -f1)
  if [ "$(cat "$1/node_modules/.lock-hash" 2>/dev/null)" != "$want" ]; then
    npm ci --prefix "$1" --no-audit --no-fund --loglevel=error
    echo "$want" >"$1/node_modules/.lock-hash"
  fi
}
install "$here"
install "$root/tests"

echo "== the Rust API"
cargo build --quiet --manifest-path "$root/Cargo.toml" -p nextjs-api
target_dir=$(cargo metadata --manifest-path "$root/Cargo.toml" --format-version 1 --no-deps |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')

echo "== the Next.js app"
# The rewrite to the Rust API is fixed at build time: its port is part of what is built.
export RUST_API_URL="http://127.0.0.1:$api_port"
stamp=$( (cd "$here" && find app auth.js next.config.mjs package-lock.json -type f -print0 | sort -z |
  xargs -0 sha256sum; echo "$RUST_API_URL") | sha256sum | cut -d' ' -f1)
if [ "$(cat "$here/.next/source-hash" 2>/dev/null)" != "$stamp" ]; then
  (cd "$here" && node node_modules/next/dist/bin/next build >/dev/null)
  echo "$stamp" >"$here/.next/source-hash"
fi

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

wait_for() { # port name
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "$2 did not start on 127.0.0.1:$1" >&2
  exit 1
}

# The provider stops when its standard input closes: it reads a pipe this script holds open.
fifo=$(mktemp -u)
mkfifo "$fifo"
exec 3<>"$fifo"
rm -f "$fifo"
REDIRECT_URIS="$origin/api/auth/callback/local-oidc" CLIENT_ID=nextjs-client \
  CLIENT_SECRET=nextjs-secret node "$root/tests/peers/idp.mjs" "$idp_port" >/dev/null <&3 &
pids+=($!)
wait_for "$idp_port" "the OpenID Provider"

PORT=$api_port AUTH_URL="$origin/api/auth" "$target_dir/debug/nextjs-api" &
pids+=($!)
wait_for "$api_port" "the Rust API"

(cd "$here" && AUTH_URL="$origin/api/auth" AUTH_OIDC_ISSUER="http://127.0.0.1:$idp_port" \
  AUTH_OIDC_ID=nextjs-client AUTH_OIDC_SECRET=nextjs-secret \
  exec node node_modules/next/dist/bin/next start -H 127.0.0.1 -p "$next_port") &
pids+=($!)
wait_for "$next_port" "Next.js"

echo "ready: $origin (sign in as demo / demo, or through Local OIDC with any login)"
wait
