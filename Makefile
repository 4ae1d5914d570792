# Qiao: two commands do everything on a fresh Debian 12 machine with Rust (rustup).
#
#   make run    build and run the CRM on SQLite at http://127.0.0.1:8080
#               (QIAO_DB and QIAO_LISTEN override the database URL and the address)
#   make test   formatting, lints, the wasm build and every test (Chromium included)
#
# Every set-up step is skipped when already done, so the second run is fast.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

TRUNK_VERSION := 0.21.14
# Build tools are compiled once, for a quick build rather than a fast binary: no link-time
# optimisation (their own release profile asks for fat LTO in one codegen unit), opt-level 1,
# and without their default features (TLS for downloads: Trunk runs offline here). They build
# the same app byte for byte in the same time, and compile in 12 minutes instead of 15.
TOOL_BUILD := CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_OPT_LEVEL=1
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"$$/\1/p;}' Cargo.lock)
CARGO_BIN := $(HOME)/.cargo/bin
export PATH := $(CURDIR)/node_modules/.bin:$(CARGO_BIN):$(PATH)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
POSTGRES ?= $(or $(QIAO_TEST_POSTGRES),postgres://postgres@127.0.0.1:5432)
export QIAO_TEST_POSTGRES := $(POSTGRES)

# What the browser app is built from; dist/ is rebuilt only when one of these changes.
APP_SOURCES := $(shell find frontend shared style public -type f 2>/dev/null) Cargo.toml Cargo.lock Trunk.toml package-lock.json $(wildcard scripts/*.mjs)

.PHONY: help run demo test lint setup setup-test build lighthouse clean

help:
	@echo "make run    build and run Qiao at http://127.0.0.1:8080 (QIAO_DB, QIAO_LISTEN)"
	@echo "make test   check formatting and lints, build everything, run every test"
	@echo "make demo   run Qiao on a demo company in ./data/demo.db (RECORDS=1000 contacts)"

## ---- set-up (each step skipped when present) ----

# Debian packages a build needs: a C compiler (SQLite is compiled in), Node.js for the web
# assets, curl for health checks.
.stamps/apt-build:
	@mkdir -p .stamps
	@missing=""; for c in cc node npm curl; do command -v $$c >/dev/null || missing="$$missing $$c"; done; \
	if [ -n "$$missing" ]; then \
	  echo "==> installing Debian packages for:$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq build-essential nodejs npm curl; \
	fi
	@touch $@

.stamps/wasm-target:
	@mkdir -p .stamps
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || { echo "==> rustup target add wasm32-unknown-unknown"; rustup target add wasm32-unknown-unknown; }
	@touch $@

.stamps/trunk-$(TRUNK_VERSION):
	@mkdir -p .stamps
	@if ! trunk --version 2>/dev/null | grep -q "trunk $(TRUNK_VERSION)"; then \
	  echo "==> cargo install trunk $(TRUNK_VERSION) (several minutes, once)"; \
	  $(TOOL_BUILD) cargo install --locked trunk --version $(TRUNK_VERSION) --no-default-features; \
	fi
	@touch $@

.stamps/wasm-bindgen-$(WASM_BINDGEN_VERSION):
	@mkdir -p .stamps
	@grep -q 'wasm_bindgen = "$(WASM_BINDGEN_VERSION)"' Trunk.toml || { echo "Trunk.toml [tools] wasm_bindgen must be $(WASM_BINDGEN_VERSION), as in Cargo.lock"; exit 1; }
	@if ! wasm-bindgen --version 2>/dev/null | grep -q " $(WASM_BINDGEN_VERSION)"; then \
	  echo "==> cargo install wasm-bindgen-cli $(WASM_BINDGEN_VERSION) (several minutes, once)"; \
	  $(TOOL_BUILD) cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION) --no-default-features; \
	fi
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json | .stamps/apt-build
	@echo "==> npm ci (ECharts, esbuild, binaryen's wasm-opt)"
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Chromium and ChromeDriver, and a Chinese font (Noto Sans CJK, as Android phones have, named in
# the app's font stack): without one, Chromium draws Chinese as boxes and searches every font on
# the machine for each layout of Chinese text, which no phone does.
.stamps/apt-test-cjk:
	@mkdir -p .stamps
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || ! fc-list 'Noto Sans CJK SC' | grep -q .; then \
	  echo "==> installing Chromium, ChromeDriver and a Chinese font for the browser tests"; \
	  $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-cjk; \
	fi
	@touch $@

setup: .stamps/apt-build .stamps/wasm-target .stamps/trunk-$(TRUNK_VERSION) .stamps/wasm-bindgen-$(WASM_BINDGEN_VERSION) node_modules/.package-lock.json

setup-test: setup .stamps/apt-test-cjk

## ---- build ----

# `--cfg erase_components` makes Leptos erase the types of components' views (one generic
# view type instead of one per component): a tenth less WebAssembly for phones to download.
dist/index.html: $(APP_SOURCES) | setup
	@echo "==> trunk build --release (the browser app)"
	@RUSTFLAGS="$${RUSTFLAGS:-} --cfg erase_components" trunk build --release
	@touch $@

build: dist/index.html

## ---- run ----

run: dist/index.html
	@echo "==> cargo build --release (the server, with the app inside)"
	@cargo build --release --locked -p server --bin qiao-server
	@echo "==> starting Qiao on $${QIAO_DB:-sqlite://./data/qiao.db}"
	@exec "$${CARGO_TARGET_DIR:-target}/release/qiao-server" serve

# A demo company (see README): filled once, then served like `make run`.
RECORDS ?= 1000
CUSTOM_FIELDS ?= 8
demo: dist/index.html
	@cargo build --release --locked -p server --bin qiao-server
	@db="$${QIAO_DB:-sqlite://./data/demo.db}"; bin="$${CARGO_TARGET_DIR:-target}/release/qiao-server"; \
	"$$bin" demo --db "$$db" --records $(RECORDS) --custom-fields $(CUSTOM_FIELDS) || echo "==> keeping the data already in $$db"; \
	echo "==> starting Qiao on $$db"; exec "$$bin" serve --db "$$db"

## ---- test ----

lint: dist/index.html
	@echo "==> cargo fmt --check"
	@cargo fmt --all --check
	@echo "==> cargo clippy (server, shared, tests)"
	@cargo clippy --locked --all-targets -- -D warnings
	@echo "==> cargo clippy (browser app, wasm32)"
	@cargo clippy --locked -p frontend -p shared --target wasm32-unknown-unknown -- -D warnings

test: setup-test lint
	@host=$$(echo "$(POSTGRES)" | sed -E 's#^[a-z]+://([^@/]*@)?([^:/]+).*#\2#'); \
	port=$$(echo "$(POSTGRES)" | sed -E 's#^[a-z]+://([^@/]*@)?[^:/]+:?([0-9]*).*#\2#'); port=$${port:-5432}; \
	if (exec 3<>/dev/tcp/$$host/$$port) 2>/dev/null; then \
	  echo "==> cargo test (SQLite and Postgres at $$host:$$port, Chromium)"; \
	  cargo test --locked --workspace --exclude frontend; \
	elif [ -n "$${QIAO_REQUIRE_POSTGRES:-}" ]; then \
	  echo "!! Postgres is required but not reachable at $$host:$$port (QIAO_TEST_POSTGRES=$(POSTGRES))"; exit 1; \
	else \
	  echo "==> cargo test (SQLite and Chromium; Postgres not reachable at $$host:$$port)"; \
	  cargo test --locked --workspace --exclude frontend -- --skip postgres::; \
	  echo; \
	  echo "!! SKIPPED: the Postgres half of the server tests (no Postgres at $$host:$$port)."; \
	  echo "!! Start Postgres or set QIAO_TEST_POSTGRES=postgres://USER@HOST:PORT to run it."; \
	fi

## ---- figures for BENCHMARKS.md ----

lighthouse: dist/index.html .stamps/apt-test-cjk
	@bench/lighthouse/run.sh

clean:
	rm -rf dist .stamps
	cargo clean
