# Small-Cap Weekly. `make demo` builds everything on the sample market; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every package of the dependency tree, pinned with its hashes: the runtime (what weekly.yml
# installs) and the runtime plus the `dev` extra (what make installs). pyproject.toml stays the
# source of truth; `make lock` regenerates both from it.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

.PHONY: install demo test lint format weekly browser-deps clean lock

# The lock installs the whole tree with hash checking; the project itself comes last, without
# dependencies, so nothing outside the lock is installed (not even a newer pip: the venv's own
# pip checks hashes and installs the project in editable mode).
$(STAMP): pyproject.toml $(DEV_LOCK)
	@$(PYTHON) -m venv $(VENV) || { echo "error: '$(PYTHON) -m venv' failed: install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

## lock: regenerate requirements.lock and requirements-dev.lock from pyproject.toml (needs PyPI)
# pip-compile in a venv of its own, so its packages stay out of .venv. It resolves for the
# interpreter that runs it, hence Python 3.11 (the workflows' version). Only PyPI is asked,
# whatever this machine's pip configuration adds (mirrors, wheel folders, constraints), so the
# locks hold PyPI's hashes of every file of each release (every platform). Pins that still fit
# pyproject.toml are kept; `make lock LOCK_FLAGS=--upgrade` moves every transitive package to
# its newest release, `LOCK_FLAGS='--upgrade-package markdown'` one package.
LOCK_TOOL := pip-tools==7.6.2
LOCK_VENV := .cache/lock-tools
LOCK_FLAGS ?=
PIP_COMPILE := env -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_FIND_LINKS -u PIP_CONSTRAINT \
	PIP_CONFIG_FILE=/dev/null CUSTOM_COMPILE_COMMAND="make lock" $(LOCK_VENV)/bin/pip-compile \
	--quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	--no-emit-find-links --index-url https://pypi.org/simple $(LOCK_FLAGS)

$(LOCK_VENV)/bin/pip-compile:
	@$(PYTHON) -c 'import sys; raise SystemExit(sys.version_info[:2] != (3, 11))' || { echo "error: make lock resolves for Python 3.11: run it with PYTHON=python3.11"; exit 2; }
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet '$(LOCK_TOOL)'

# The dev lock is constrained by the runtime lock: a package in both has one version.
lock: $(LOCK_VENV)/bin/pip-compile
	$(PIP_COMPILE) --output-file $(LOCK) pyproject.toml
	$(PIP_COMPILE) --extra dev --constraint $(LOCK) --output-file $(DEV_LOCK) pyproject.toml

## demo: install, build the sample store, report the latest weeks and build the site
demo: $(STAMP)
	$(BIN)/generator fetch --sample
	$(BIN)/generator status --sample
	$(BIN)/generator backfill --sample --last 12
	$(BIN)/generator site --sample --site-url http://127.0.0.1:8000/
	@echo "open the sample site: $(BIN)/python -m http.server 8000 -d sample/site  then http://127.0.0.1:8000/"

## test: install (with Debian's chromium for the browser tests) and run the whole suite
test: $(STAMP) browser-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

browser-deps:
	@bash scripts/install-chromium

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## weekly: the weekly job on live data (fetch, validate, report, site)
weekly: $(STAMP)
	$(BIN)/generator weekly

clean:
	rm -rf sample site .cache
