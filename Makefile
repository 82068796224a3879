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

.PHONY: run test setup assets migrate demo bench lint lock clean

# `make run PORT=8080` serves elsewhere.
PORT ?= 5000

run: setup migrate
	PORTAL_DEMO=1 $(FLASK) demo load --if-empty
	@echo "Serving the demo council on http://127.0.0.1:$(PORT) (Ctrl+C to stop)"
	PORTAL_DEMO=1 $(FLASK) run --host 127.0.0.1 --port $(PORT)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

setup: $(STAMP_PY) $(ASSETS)

# Exact versions from the lock file (requirements-test.lock: the application's and the
# tests'), then the portal itself without resolving anything again.
$(STAMP_PY): pyproject.toml requirements-test.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/pip install --quiet -r requirements-test.lock 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/pip install --quiet --no-deps -e . 2>&1 | grep -v '^WARNING: Location' || true
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
	$(BIN)/mypy portal
	$(BIN)/lint-imports

# After changing a dependency range in pyproject.toml: the exact versions again, for the
# application alone (requirements.lock, what a server installs) and with the tests'.
LOCK_FLAGS := --quiet --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet 'pip-tools>=7.4,<8' 2>&1 | grep -v '^WARNING: Location' || true
	$(BIN)/pip-compile $(LOCK_FLAGS) --output-file requirements.lock pyproject.toml
	$(BIN)/pip-compile $(LOCK_FLAGS) --extra test --output-file requirements-test.lock pyproject.toml

clean:
	rm -rf $(VENV) node_modules portal/static/build .pytest_cache
