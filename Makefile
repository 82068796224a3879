# Two commands matter: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1
FLASK := $(BIN)/flask --app wsgi
STAMP_PY := $(VENV)/.installed
STAMP_JS := node_modules/.installed
ASSETS := portal/static/build/portal.css

.PHONY: run test setup assets migrate demo bench lint clean

# `make run PORT=8080` serves elsewhere.
PORT ?= 5000

run: setup migrate
	PORTAL_DEMO=1 $(FLASK) demo load --if-empty
	@echo "Serving the demo council on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	PORTAL_DEMO=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP_PY) $(ASSETS)

$(STAMP_PY): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/pip install --quiet -e '.[test]' 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -c "import portal, flask, sqlalchemy, playwright, weasyprint"
	touch $@

$(STAMP_JS): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

$(ASSETS): $(STAMP_JS) build-assets.mjs $(wildcard assets/*)
	npm run --silent build

assets: $(ASSETS)

migrate: setup
	$(FLASK) db upgrade

demo: migrate
	PORTAL_DEMO=1 $(FLASK) demo load

bench: setup
	$(BIN)/pip install --quiet -e '.[test,bench]' 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/python -m bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules portal/static/build .pytest_cache
