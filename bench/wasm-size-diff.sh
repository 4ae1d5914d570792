#!/usr/bin/env bash
# What made the browser app bigger (or smaller) since a commit: builds the app's WebAssembly at
# that commit and in the work tree (the `wasm-release` profile Trunk uses, before wasm-bindgen
# and wasm-opt), lists every function and data segment of each with twiggy, sums them by module
# path and prints the modules that changed most.
#
#   bench/wasm-size-diff.sh <commit> [depth] [rows]
#
# depth: how many `::` segments name a group (4: `frontend::pages::records::table`); rows: how many
# groups to print. Needs twiggy (`cargo install twiggy`). Sizes are of the unoptimised,
# uncompressed module: compare them with each other, not with the brotli figure of `make build`.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: bench/wasm-size-diff.sh <commit> [depth] [rows]}
depth=${2:-4}
rows=${3:-25}
command -v twiggy >/dev/null || { echo "twiggy is missing: cargo install twiggy"; exit 1; }

target=${CARGO_TARGET_DIR:-$PWD/target}
out=$(mktemp -d)
tree="$out/base"
trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || true; rm -rf "$out"' EXIT

build() { # <dir> <target dir> <name>
  (cd "$1" && CARGO_TARGET_DIR="$2" RUSTFLAGS="${RUSTFLAGS:-} --cfg erase_components" \
    cargo build -q --profile wasm-release --target wasm32-unknown-unknown -p frontend)
  cp "$2/wasm32-unknown-unknown/wasm-release/frontend.wasm" "$out/$3.wasm"
  twiggy top -n 100000000 --format csv "$out/$3.wasm" >"$out/$3.csv"
}

# The older commit builds in a target directory of its own (kept, so that its dependencies are
# compiled once): in one directory, cargo would take either tree's build for the other's.
git worktree add -q --detach "$tree" "$base"
echo "==> building $base"
build "$tree" "$target/size-diff-base" base
echo "==> building the work tree"
build "$PWD" "$target" head

python3 - "$out/base.csv" "$out/head.csv" "$depth" "$rows" <<'PY'
import csv, re, sys

def group(name, depth):
    # `<a::B as c::D>::f::h0123abcd` counts for `a::B`; data and unnamed code keep their kind.
    name = re.sub(r"::h[0-9a-f]{16}$", "", name).lstrip("<&* ")
    name = re.sub(r"^(mut |dyn )", "", name)
    if name.startswith("data segment"):
        return "(data segments)"
    m = re.match(r"^(code|elem|type|import|export|global|table|memory)\[", name)
    if m:
        return m.group(1) + "[..]"
    parts = re.split(r"::|<| as |>|,", name)
    parts = [p.strip() for p in parts if p.strip()]
    return "::".join(parts[:depth]) if parts else name

def sums(path, depth):
    total, by = 0, {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            # Names and wasm-bindgen's own sections are gone from the file a browser gets.
            if "subsection" in row["Name"] or row["Name"].startswith("custom section"):
                continue
            size = int(row["ShallowSize"])
            total += size
            key = group(row["Name"], depth)
            by[key] = by.get(key, 0) + size
    return total, by

depth, rows = int(sys.argv[3]), int(sys.argv[4])
bt, base = sums(sys.argv[1], depth)
ht, head = sums(sys.argv[2], depth)
changes = sorted(
    ((head.get(k, 0) - base.get(k, 0), k) for k in set(base) | set(head)),
    key=lambda c: -abs(c[0]),
)
print(f"module bytes: {bt:,} -> {ht:,} ({ht - bt:+,})")
print(f"| group (first {depth} path segments) | before | after | change |")
print("| --- | ---: | ---: | ---: |")
for delta, key in changes[:rows]:
    if delta:
        print(f"| `{key}` | {base.get(key, 0):,} | {head.get(key, 0):,} | {delta:+,} |")
PY
