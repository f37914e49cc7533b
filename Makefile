# Small-Cap Weekly. `make demo` builds everything on the sample market; `make test` runs the suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test lint format weekly browser-deps clean

$(STAMP): pyproject.toml
	@$(PYTHON) -m venv $(VENV) || { echo "error: '$(PYTHON) -m venv' failed: install python3-venv (apt-get install python3-venv)"; exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

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
