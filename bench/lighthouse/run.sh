#!/usr/bin/env bash
# Lighthouse (mobile form factor, its default simulated throttling) on a release build served by
# qiao-server with the demo company (`qiao-server demo --records $RECORDS`, 2,000 by default):
#
# - the sign-in page, `/login`;
# - the home screen right after a first sign-in as the manager, who sees everything: each run
#   has a fresh browser profile, so the app starts with an empty device and the first download
#   of the company's records is part of what is measured.
#
# Prints one JSON line per page and run; `make lighthouse` runs it. QIAO_DIST_DIR (read by the
# server's build) audits another build of the app; QIAO_SERVER audits a qiao-server binary built
# before (e.g. of another commit) instead of building one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-3}
port=${PORT:-18931}
records=${RECORDS:-2000}
target=${CARGO_TARGET_DIR:-$root/target}

[ -d "$here/node_modules/lighthouse" ] || (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
server=${QIAO_SERVER:-}
if [ -z "$server" ]; then
  (cd "$root" && cargo build --release --locked -p server --bin qiao-server)
  server="$target/release/qiao-server"
fi

work=$(mktemp -d)
server_pid=
trap '[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"' EXIT
db="sqlite://$work/qiao.db"
QIAO_LOG=warn "$server" demo --db "$db" --records "$records" >"$work/demo.log" 2>&1
QIAO_LOG=warn "$server" serve --db "$db" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

# A new session of the manager (each home run signs in afresh).
session() {
  curl -sf "$base/api/auth/login" -H 'content-type: application/json' \
    -d '{"email":"manager@demo.local","password":"demo-pass-1"}' |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))'
}

export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run"
audit() { # name path run [extra lighthouse args]
  local name=$1 path=$2 run=$3 try; shift 3
  # A Lighthouse run that fails (Chromium crashing on a busy machine) is tried once more.
  for try in 1 2; do
    rm -rf "$work/profile-$name-$run"
    "$here/node_modules/.bin/lighthouse" "$base$path" --quiet --chrome-flags="$flags --user-data-dir=$work/profile-$name-$run" \
      --only-categories=performance,accessibility,best-practices --output=json --output-path="$work/$name-$run.json" "$@" \
      >"$work/lighthouse.log" 2>&1 && break
    if [ "$try" = 2 ]; then
      tail -5 "$work/lighthouse.log" >&2
      echo "{\"page\":\"$name\",\"run\":$run,\"error\":\"lighthouse failed twice\"}"
      return 0
    fi
  done
  node -e '
    const r = require(process.argv[1]);
    const a = r.audits, c = r.categories;
    console.log(JSON.stringify({
      page: process.argv[2], run: Number(process.argv[3]), records: Number(process.argv[4]),
      form_factor: r.configSettings.formFactor,
      performance: Math.round(c.performance.score * 100),
      accessibility: Math.round(c.accessibility.score * 100),
      best_practices: Math.round(c["best-practices"].score * 100),
      fcp_ms: Math.round(a["first-contentful-paint"].numericValue),
      lcp_ms: Math.round(a["largest-contentful-paint"].numericValue),
      tbt_ms: Math.round(a["total-blocking-time"].numericValue),
      longest_task_ms: Math.round(Math.max(0, ...((a["long-tasks"].details || {}).items || []).map(t => t.duration))),
      transfer_kib: Math.round(a["total-byte-weight"].numericValue / 1024),
    }));' "$work/$name-$run.json" "$name" "$run" "$records"
}
for run in $(seq "$runs"); do
  audit sign-in /login "$run"
done
for run in $(seq "$runs"); do
  audit home / "$run" --extra-headers="{\"Cookie\":\"qiao_session=$(session)\"}"
done
