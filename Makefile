# Nowhere Left Behind — the front door. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
HOST ?= 127.0.0.1
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
export PATH := $(HOME)/.local/bin:$(PATH)

.PHONY: help uv install run serve worker setup test test-fast lint format check browser-deps pdf-deps bench vendor-frontend clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-16s\033[0m %s\n", $$1, $$2}'

uv: ## Install uv if it is missing
	@command -v uv >/dev/null 2>&1 || [ -x "$(HOME)/.local/bin/uv" ] || \
		python3 -m pip install --quiet --user uv || python3 -m pip install --quiet uv

install: uv ## Install the locked Python dependencies into .venv
	@$$(command -v uv || echo $(HOME)/.local/bin/uv) sync --frozen --compile-bytecode

setup: install pdf-deps ## Migrate and load every shipped data set and the demo records
	@mkdir -p var
	uv run nlb migrate --no-input
	uv run nlb bootstrap

run: setup ## Set up everything; serve the app on http://127.0.0.1:8000 with a job worker beside it
	@echo ""
	@echo "  Nowhere Left Behind is at http://$(HOST):$(PORT)/"
	@echo "  Demo sign-ins (password demo-password-1): pm, ra-london, croydon, slough, peer, board, admin"
	@echo ""
	@uv run nlb db_worker --no-reload --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	uv run nlb runserver $(HOST):$(PORT) --noreload

serve: setup ## The production stack: gunicorn + a job worker, production settings (DATABASE_URL picks the database)
	HOST=$(HOST) PORT=$(PORT) bash scripts/serve.sh

worker: install ## Run a job worker (more of them, here or elsewhere, share the queue)
	uv run nlb db_worker --no-reload --queue-name '*'

pdf-deps: ## Install the Pango libraries WeasyPrint needs to make PDFs (needs root or sudo if missing)
	@ldconfig -p 2>/dev/null | grep -q 'libpangoft2-1.0.so.0' && ldconfig -p | grep -q 'libharfbuzz-subset.so.0' || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 >/dev/null; }

browser-deps: ## Install Debian's Chromium for the browser tests (needs root or sudo)
	@command -v chromium >/dev/null 2>&1 || { \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

test: install browser-deps pdf-deps ## Install what the tests need and run the whole suite
	uv run pytest

test-fast: install pdf-deps ## The suite without the browser tests
	uv run pytest -m "not browser"

lint: install ## ruff check, ruff format --check and makemigrations --check
	uv run ruff check --no-cache .
	uv run ruff format --no-cache --check .
	uv run nlb makemigrations --check --dry-run

format: install ## Format and fix what ruff can
	uv run ruff format .
	uv run ruff check --fix .

check: lint test ## Everything CI checks

bench: install ## Run every benchmark under bench/ and print the figures
	@for script in bench/*.py; do echo "== $$script"; uv run python $$script || exit 1; done

vendor-frontend: ## Refresh the vendored GOV.UK Frontend and htmx from npm (maintainers only)
	bash scripts/vendor-frontend.sh

clean: ## Remove the local database and caches
	rm -rf var/nlb.sqlite3 var/staticfiles .pytest_cache .ruff_cache
