# mailfleet: the whole set-up is `make demo` or `make test` on a fresh clone.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
VENV := .venv/bin

.PHONY: help setup demo test lint typecheck actionlint pytest bench emulator clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: ## Install .venv, the Pulumi CLI (cached outside the repo) and .mailfleet/env
	@bash scripts/setup.sh

demo: setup ## Start the emulator, pulumi up the example tenants, print a summary
	@$(VENV)/python -m mailfleet.demo

test: setup lint typecheck actionlint pytest ## Lint, type-check and run every test (what CI runs)

lint: setup
	@$(VENV)/ruff check .
	@$(VENV)/ruff format --check .

typecheck: setup
	@$(VENV)/mypy

actionlint: setup ## Lint .github/workflows (actionlint, built from Go modules and cached)
	@bash scripts/actionlint.sh

# pytest exits 5 when it collected no test: that is a failure here, not a pass.
pytest: setup
	@. .mailfleet/env && { $(VENV)/pytest $(PYTEST_ARGS) || { rc=$$?; [ $$rc -eq 5 ] && echo "pytest collected no tests" >&2; exit $$rc; }; }

# STAGES: single,stacks (the default, about 20 min here), or any of single, stacks, nightly, shards, or all.
bench: setup ## Benchmarks at fleet scale (prints a table, writes bench/results.json); STAGES=... picks stages
	@. .mailfleet/env && $(VENV)/python -m bench $(if $(STAGES),--stages $(STAGES),) $(BENCH_ARGS)

emulator: setup ## Run the demo's emulator in the foreground (same data, same port)
	@. .mailfleet/env && $(VENV)/mailfleet emulator --port "$$(cat .mailfleet/emulator.port)" \
		--db .mailfleet/emulator.sqlite3 --api-key "$$SMARTLEAD_API_KEY"

clean: ## Remove local state (.mailfleet) and the venv; keeps the Pulumi CLI cache
	rm -rf .mailfleet .venv
