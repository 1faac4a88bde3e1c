# Two commands set everything up: `make run` and `make test`. Each creates .venv when it is missing and
# reinstalls only when pyproject.toml changed, so a second call starts at once.
PYTHON  ?= python3
PY      := .venv/bin/python
RUN_STAMP := .venv/.installed-run
DEV_STAMP := .venv/.installed-dev
DB      ?= data/narrative.duckdb
PORT    ?= 8501
# This machine only; `make run ADDRESS=0.0.0.0` serves the dashboard to the network (it has no login).
ADDRESS ?= 127.0.0.1
FAST    := -m "not slow and not browser"

.PHONY: run test test-fast bench bench-quick hostile lint format db clean

$(PY):
	$(PYTHON) -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip

# What running needs: the package and its dependencies, nothing for tests.
$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

# Tests, lint and the benchmark add the dev extras.
$(DEV_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(RUN_STAMP)

db: $(RUN_STAMP)
	$(PY) -m analysis --db $(DB) setup

run: db
	$(PY) -m analysis --db $(DB) dashboard --port $(PORT) --address $(ADDRESS)

test: $(DEV_STAMP)
	$(PY) -m pytest -q

# The unit tests: no subprocess CLI runs, crash/concurrency, app or browser tests, fuzz campaigns.
test-fast: $(DEV_STAMP)
	$(PY) -m pytest -q $(FAST)

bench: $(DEV_STAMP)
	$(PY) -m bench

bench-quick: $(DEV_STAMP)
	$(PY) -m bench --quick

# The hostile-corpus run: generated hostile inputs through ingest, classify and prices import, and a 200 MB
# file and folder; prints its report (peaks, times, failures) and fails when any check did.
hostile: $(DEV_STAMP)
	$(PY) -m bench.hostile --big-mb 200

lint: $(DEV_STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

format: $(DEV_STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf .venv .pytest_cache .mypy_cache $(DB) $(DB).wal
