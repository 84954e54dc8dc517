# War Room: `make run` serves the app on http://localhost:8501, `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export WARROOM_DATA_DIR ?= $(CURDIR)/var
DB := $(WARROOM_DATA_DIR)/warroom.duckdb
PORT ?= 8501

.PHONY: run test setup assets demo lint bench loadtest clean

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP) assets

# Static files the app serves itself (no CDN): the Thai font, Leaflet, plotly topojson.
assets: $(STAMP)
	$(PY) -m components.assets

$(DB): | $(STAMP)
	$(PY) -m data demo --if-missing

demo: setup
	$(PY) -m data demo

run: setup $(DB)
	WARROOM_DEMO=$${WARROOM_DEMO:-1} $(VENV)/bin/streamlit run app.py --server.port $(PORT)

test: setup
	$(VENV)/bin/ruff check .
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) artifacts static/vendor
