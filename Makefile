# The two commands a newcomer needs:  make run   and   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup lint schemas bench-ingest clean

run: setup ## set everything up and run the hub on http://127.0.0.1:$${HUB_PORT:-8000} (SQLite + embedded queue)
	$(BIN)/hub keys init
	$(BIN)/hub run

test: setup ## set everything up and run the whole test suite
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

lint: setup
	$(BIN)/ruff check .

schemas: setup ## rewrite schemas/v1/*.json from the models
	$(BIN)/hub schemas export --out schemas

bench-ingest: setup ## push 20,000 clues through a running hub and compare with the bare limits
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) var
