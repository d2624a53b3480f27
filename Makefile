# The two set-up commands of the README: `make play` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: play test lint bench snapshots clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

## play: install (first time) and start the game
play: $(STAMP)
	$(BIN)/mar-a-lago play

## lint: ruff (lint + format), mypy on game/, import-linter contracts
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

## test: install (first time), lint, then the whole suite
test: lint
	env -u NO_COLOR -u TEXTUAL_THEME -u TEXTUAL_ANIMATIONS $(BIN)/pytest -q

## snapshots: refresh the TUI's SVG snapshots (look at the report first)
snapshots: $(STAMP)
	env -u NO_COLOR -u TEXTUAL_THEME $(BIN)/pytest -q tests/tui --snapshot-update

## bench: the benchmark table (run by hand; results go in the README)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
