#!/usr/bin/env bash
# Builds praktijkenbank, serves it on a free loopback port over a fresh data
# directory with the demo inventory, and runs the graphql-http audit against
# its /graphql (see audit.mjs). Needs Go, Node and npm (graphql-http is
# installed from the npm registry by `npm ci`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$here" && npm ci --no-audit --no-fund --silent)
(cd "$root" && go build -o "$work/praktijkenbank" ./cmd/praktijkenbank)

port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
# The audit sends its requests in one burst: it judges the protocol, so the
# per-client read limit (tested in internal/server) is off here.
PRAKTIJKENBANK_ADDR="127.0.0.1:$port" PRAKTIJKENBANK_DATA_DIR="$work/data" PRAKTIJKENBANK_LOG_LEVEL=warn PRAKTIJKENBANK_RATE_READS=0 \
  "$work/praktijkenbank" serve >"$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 300); do
  if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/server.log" >&2; echo "the server did not start" >&2; exit 1; fi
  sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { cat "$work/server.log" >&2; echo "the server is not ready" >&2; exit 1; }
node "$here/audit.mjs" "http://127.0.0.1:$port/graphql"
