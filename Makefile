# Suara: `make demo` runs the local demo, `make test` runs every check. Both set up first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test lint typecheck imports docs docs-check locales bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Suara needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/suara locales --compile-only
	@touch $@

demo: setup
	$(BIN)/suara demo

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

imports: setup
	$(BIN)/lint-imports

docs: setup
	$(BIN)/python -m bot.cli.flowdocs write

docs-check: setup
	$(BIN)/python -m bot.cli.flowdocs check

locales: setup
	$(BIN)/suara locales

test: setup lint typecheck imports docs-check
	$(BIN)/suara locales --compile-only
	$(BIN)/pytest

bench: setup
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
