# AmpFlux: every target CI runs is here. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help
CARGO ?= cargo

help: ## list the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-14s %s\n", $$1, $$2}'

run: ## the main job: the CLI study of the bundled example network
	$(CARGO) run --release -q -p ampflux-cli -- sc examples/networks/industrial_plant.json

test: lint test-rust ## every test of the workspace (installs what it needs)

test-rust: ## Rust unit, integration, property and doc tests
	$(CARGO) test --workspace --release

lint: ## rustfmt, clippy -D warnings, docs without warnings, layering gates
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --release -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --no-deps --release -q
	@! grep -rn "faer::" ampflux-core/src --include=*.rs | grep -v "ampflux-core/src/sparse/" || (echo "faer outside ampflux-core/src/sparse" && false)

bench: ## criterion benches and the pandapower comparison
	$(CARGO) bench -p ampflux-benches

.PHONY: help run test test-rust lint bench
