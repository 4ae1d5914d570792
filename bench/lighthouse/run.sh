#!/usr/bin/env bash
# Lighthouse (mobile form factor, its default simulated throttling) on the sign-in page and the
# home screen of a release build, served by qiao-server on a fresh SQLite database.
# Prints one JSON line per page and run; `make lighthouse` runs it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
runs=${RUNS:-3}
port=${PORT:-18931}
target=${CARGO_TARGET_DIR:-$root/target}

[ -d "$here/node_modules/lighthouse" ] || (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$root" && cargo build --release --locked -p server --bin qiao-server)

work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT
QIAO_LOG=warn "$target/release/qiao-server" serve --db "sqlite://$work/qiao.db" --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done

# A company with a few teams and people, so the home chart has something to draw.
token=$(curl -sf "$base/api/setup" -H 'content-type: application/json' \
  -d '{"company_name":"桥科技","display_name":"王管理","email":"admin@qiao.example","password":"admin-pass-1"}' |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))')
auth=(-H "authorization: Bearer $token" -H 'content-type: application/json')
root_team=$(curl -sf "$base/api/teams" "${auth[@]}" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[0].id))')
for entry in 华东销售组:6 华南销售组:4 市场部:3 客服部:2; do
  team=${entry%%:*} people=${entry##*:}
  team_id=$(curl -sf "$base/api/teams" "${auth[@]}" -d "{\"name\":\"$team\",\"parent_id\":\"$root_team\"}" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))')
  for n in $(seq "$people"); do
    curl -sf "$base/api/users" "${auth[@]}" -o /dev/null \
      -d "{\"email\":\"u$n.$RANDOM@qiao.example\",\"display_name\":\"同事$n\",\"role\":\"sales\",\"team_id\":\"$team_id\",\"password\":\"user-pass-1\"}"
  done
done

export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
flags="--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking --disable-component-update --disable-sync --no-first-run"
audit() { # name path [extra lighthouse args]
  local name=$1 path=$2; shift 2
  for run in $(seq "$runs"); do
    "$here/node_modules/.bin/lighthouse" "$base$path" --quiet --chrome-flags="$flags --user-data-dir=$work/profile-$name-$run" \
      --only-categories=performance,accessibility,best-practices --output=json --output-path="$work/$name-$run.json" "$@" >/dev/null 2>&1
    node -e '
      const r = require(process.argv[1]);
      const a = r.audits, c = r.categories;
      console.log(JSON.stringify({
        page: process.argv[2], run: Number(process.argv[3]), form_factor: r.configSettings.formFactor,
        performance: Math.round(c.performance.score * 100),
        accessibility: Math.round(c.accessibility.score * 100),
        best_practices: Math.round(c["best-practices"].score * 100),
        fcp_ms: Math.round(a["first-contentful-paint"].numericValue),
        lcp_ms: Math.round(a["largest-contentful-paint"].numericValue),
        tbt_ms: Math.round(a["total-blocking-time"].numericValue),
        transfer_kib: Math.round(a["total-byte-weight"].numericValue / 1024),
      }));' "$work/$name-$run.json" "$name" "$run"
  done
}
audit sign-in /login
audit home / --extra-headers="{\"Cookie\":\"qiao_session=$token\"}"
