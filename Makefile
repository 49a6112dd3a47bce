# AmpFlux: every target CI runs is here. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo
FUZZ_SECONDS ?= 300

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

run: web ## the main job: the server with embedded defaults (SQLite, in-process cache and worker), web client at /, API docs at /docs
	$(CARGO) run --release -p ampflux-server -- serve

web: ## build the web client into web/dist (wasm engine, npm ci, type check, Vite build)
	bash web/scripts/build.sh

cli: ## the CLI study of the bundled example network
	$(CARGO) run --release -q -p ampflux-cli -- sc examples/networks/industrial_plant.json

wasm: ## build the WebAssembly package (ampflux-wasm/pkg for node, web/pkg for the page)
	bash ampflux-wasm/scripts/build.sh

test: lint test-rust test-py test-wasm test-server test-web ## every test (installs what it needs)

test-rust: ## Rust unit, integration, property and doc tests of the engine, CLI, testkit, examples, benches
	$(CARGO) test --workspace --release --exclude ampflux-server

test-py: ## build the Python package from source (maturin) and run its pytest suite
	bash ampflux-py/scripts/test.sh

test-wasm: ## build the wasm package; node tests and the headless Chromium test of the page
	bash ampflux-wasm/scripts/test.sh

test-server: ## server HTTP, security and failure tests on SQLite, PostgreSQL and Redis; schemathesis API fuzzing
	bash ampflux-server/scripts/test.sh --release
	bash ampflux-server/scripts/schemathesis.sh

test-web: ## web client: unit tests (vitest) and end-to-end tests in headless Chromium against the server
	bash web/scripts/test.sh

lint: ## rustfmt, clippy -D warnings, docs without warnings, layering gates
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --release -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --release -q
	@! grep -rn "faer::" ampflux-core/src --include=*.rs | grep -v "ampflux-core/src/sparse/" || (echo "faer outside ampflux-core/src/sparse" && false)

bench: ## criterion benches of the engine and versions
	$(CARGO) bench -p ampflux-benches

bench-duty: ## equipment duty vs the four all-bus studies it needs, 10k-bus grid with ratings on every bus (interleaved rounds)
	$(CARGO) run --release -q -p ampflux-benches --bin duty-ratio

bench-compare: ## native AmpFlux vs pandapower vs power-grid-model on the same networks, one run
	bash benches/compare.sh

bench-py: ## AmpFlux from Python vs pandapower vs power-grid-model (after make test-py)
	target/py/venv/bin/python ampflux-py/bench/compare.py

bench-web: ## web client figures: open and draw 10k buses, longest main-thread task of a 100k-bus study, bundle size (after make test-web)
	node web/e2e/measure.mjs

profile-web: ## web client: the breakdown of the page's long tasks during a 100k-bus study (trace in target/artifacts/web; after make test-web)
	node web/e2e/profile.mjs study

bench-wasm: ## all-bus sweeps in node (wasm) vs native Rust (after make test-wasm)
	node ampflux-wasm/bench/sweep.mjs

load: ## load tests of the server on loopback (bounded in time): per scenario, then a mixed workload at saturation for 60 s
	bash ampflux-server/scripts/load.sh
	bash ampflux-server/scripts/load-mixed.sh 60

fuzz: ## cargo-fuzz campaigns, FUZZ_SECONDS per target (nightly toolchain)
	bash fuzz/run.sh $(FUZZ_SECONDS)

.PHONY: help run web cli wasm test test-rust test-py test-wasm test-server test-web lint bench-web profile-web bench bench-duty bench-compare bench-py bench-wasm load fuzz
