# War Room: `make run` serves the app on http://localhost:8501, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export WARROOM_DATA_DIR ?= $(CURDIR)/var
DB := $(WARROOM_DATA_DIR)/warroom.duckdb
PORT ?= 8501

.PHONY: run serve test setup assets a11y demo lint bench bench-quick loadtest clean

# The server's packages and the development ones (pytest, Playwright, ruff, aiosmtpd); a
# server install takes requirements.txt only.
$(STAMP): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP) assets

# axe-core (npm) for the accessibility check of the browser tests: a test tool, so `make test`
# installs it and `make run` does not. Without npm the check is skipped (fails in CI).
AXE := tests/a11y/node_modules/axe-core/axe.min.js
a11y: $(AXE)
$(AXE): tests/a11y/package.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm install --prefix tests/a11y --no-audit --no-fund --no-package-lock --silent; \
	else echo "npm not found: the axe-core accessibility check will be skipped"; fi

# Static files the app serves itself (no CDN): the Thai font and Leaflet (plotly maps are drawn
# on lon/lat axes, so no topojson is needed).
assets: $(STAMP)
	$(PY) -m components.assets

$(DB): | $(STAMP)
	$(PY) -m data demo --if-missing

demo: setup
	$(PY) -m data demo

run: setup $(DB)
	WARROOM_DEMO=$${WARROOM_DEMO:-1} $(VENV)/bin/streamlit run serve.py --server.port $(PORT)

# Production-like: Debian's nginx (apt-get install nginx-light) in front of app processes
# (2 on a PostgreSQL WARROOM_DB, 1 on the DuckDB file) on http://127.0.0.1:$(SERVE_PORT); config,
# logs and status in $(WARROOM_DATA_DIR)/serve (docs/deployment.md).
SERVE_PORT ?= 8080
serve: setup $(DB)
	$(PY) -m deploy.serve --port $(SERVE_PORT) $(if $(APPS),--apps $(APPS))

# Test files run in TEST_WORKERS processes (each file whole in one process); TEST_WORKERS=0 runs
# them in this process.
TEST_WORKERS ?= 2

test: setup a11y
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile) $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) artifacts static/vendor static/cache

# -- scale: benchmarks and load test (see docs/deployment.md) ------------------------------
# The national store (about 13 million households a year) is built once with
#   python -m data demo --scale 1 --path $(BENCH_DB)   (about 6.5 min, 7.3 GB peak RSS)
# and copied into PostgreSQL for the DuckDB/PostgreSQL columns with
#   python -m data copy --from $(BENCH_DB) --to $(BENCH_PG)
BENCH_DB ?= $(or $(WARROOM_BENCH_DB),$(DB))
BENCH_PG ?= $(WARROOM_BENCH_PG)
LOADTEST_SESSIONS ?= 10 25 50 100

bench: $(STAMP)
	WARROOM_DB=$(BENCH_DB) $(PY) -m data migrate
	$(PY) -m bench.run --db $(BENCH_DB) $(if $(BENCH_PG),--pg $(BENCH_PG))

bench-quick: $(STAMP)
	$(PY) -m bench.run --quick

loadtest: $(STAMP)
	WARROOM_DB=$(BENCH_DB) $(PY) -m data migrate
	$(PY) -m bench.loadtest --db $(BENCH_DB) $(if $(BENCH_PG),--pg $(BENCH_PG)) \
		--sessions $(LOADTEST_SESSIONS) $(LOADTEST_ARGS)
