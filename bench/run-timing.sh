#!/usr/bin/env bash
# Times the README's run command on a fresh clone: cold (empty target directory) and warm (the
# second run), each until /healthz answers. Then prints the sizes of what was built and the
# server's idle memory. Tools (Trunk, wasm-bindgen-cli, Node packages) are assumed installed:
# their one-time installation is timed separately (see BENCHMARKS.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-18932}
clone=$(mktemp -d)
git clone -q "$root" "$clone"
export CARGO_TARGET_DIR="$clone/target"
export QIAO_LISTEN="127.0.0.1:$port" QIAO_DB="sqlite://$clone/data/qiao.db" QIAO_LOG=warn

time_run() { # label
  local start pid
  start=$(date +%s.%N)
  (cd "$clone" && exec make run >"$clone/run-$1.log" 2>&1) &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do
    kill -0 "$pid" 2>/dev/null || { echo "make run failed; see $clone/run-$1.log"; exit 1; }
    sleep 0.2
  done
  printf '{"metric":"make_run_%s_s","value":%.1f}\n' "$1" "$(echo "$(date +%s.%N) - $start" | bc)"
  server_pid=$(pgrep -n -f "release/qiao-server serve")
  sleep 3
  printf '{"metric":"server_idle_rss_kib","value":%s}\n' "$(awk '/VmRSS/{print $2}' /proc/"$server_pid"/status)"
  kill "$server_pid"; wait "$pid" 2>/dev/null || true
}

time_run cold
time_run warm
wasm=$(ls "$clone"/dist/*_bg.wasm)
printf '{"metric":"wasm_bytes","value":%s}\n' "$(stat -c %s "$wasm")"
printf '{"metric":"wasm_gzip_bytes","value":%s}\n' "$(gzip -9c "$wasm" | wc -c)"
printf '{"metric":"wasm_brotli_bytes","value":%s}\n' "$(stat -c %s "$wasm.br")"
printf '{"metric":"server_binary_bytes","value":%s}\n' "$(stat -c %s "$CARGO_TARGET_DIR/release/qiao-server")"
rm -rf "$clone"
