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

.PHONY: install demo test test-fast lint format weekly browser-deps clean lock screenshots

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
# uv in a venv of its own, so its packages stay out of .venv. One universal resolution for every
# operating system and every Python 3.11 (from 3.11.0: Debian 12 ships 3.11.2, and some releases
# need 3.11.5), whatever the interpreter running it. Only PyPI is asked, whatever this machine's
# configuration adds (mirrors, wheel folders, constraints), so the locks hold PyPI's hashes of
# every file of each release. Pins that still fit pyproject.toml are kept; `make lock
# LOCK_FLAGS=--upgrade` moves every other package to its newest release,
# `LOCK_FLAGS='--upgrade-package markdown'` one package.
LOCK_TOOL := uv==0.13.9
LOCK_VENV := .cache/lock-tools
LOCK_FLAGS ?=
UV_COMPILE := env -u UV_INDEX -u UV_EXTRA_INDEX_URL -u UV_FIND_LINKS -u UV_CONSTRAINT \
	-u UV_OVERRIDE $(LOCK_VENV)/bin/uv pip compile --no-config --quiet --universal \
	--fork-strategy fewest --python-version 3.11 --generate-hashes \
	--default-index https://pypi.org/simple --custom-compile-command "make lock" $(LOCK_FLAGS)

$(LOCK_VENV)/bin/uv:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/pip install --quiet '$(LOCK_TOOL)'

# The dev lock is constrained by the runtime lock: a package in both has one version.
lock: $(LOCK_VENV)/bin/uv
	$(UV_COMPILE) --output-file $(LOCK) pyproject.toml
	$(UV_COMPILE) --extra dev --constraints $(LOCK) --output-file $(DEV_LOCK) pyproject.toml

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

## test-fast: the unit tests alone, in under a minute: no browser, no site build, no fork copy,
## no real data, nothing marked slow (pyproject.toml lists the markers)
FAST_TESTS := not (browser or sitebuild or forkcopy or realdata or slow)
test-fast: $(STAMP)
	$(BIN)/pytest -m "$(FAST_TESTS)"

## screenshots: PNGs of the newest sample report (light, dark, 375 px) in build/screenshots/
# (not committed); builds the sample site first when it is missing.
screenshots: $(STAMP) browser-deps
	@test -d sample/site || $(MAKE) demo
	$(BIN)/python scripts/screenshots.py --site sample/site --out build/screenshots

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
