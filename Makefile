# Two commands set everything up: `make run` and `make test`.
# .venv is rebuilt only when pyproject.toml changes, so a second call is quick.
PY      := .venv/bin/python
STAMP   := .venv/.installed
DB      ?= data/narrative.duckdb
PORT    ?= 8501

.PHONY: run test bench bench-quick lint format db clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

db: $(STAMP)
	$(PY) -m analysis --db $(DB) setup

run: db
	$(PY) -m streamlit run app.py --server.port $(PORT)

test: $(STAMP)
	$(PY) -m pytest -q

bench: $(STAMP)
	$(PY) -m bench

bench-quick: $(STAMP)
	$(PY) -m bench --quick

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

clean:
	rm -rf .venv .pytest_cache $(DB) $(DB).wal
