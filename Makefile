# The two commands a newcomer needs: `make demo` and `make test`.
# Everything else is set up here: a virtualenv in .venv with the pinned ranges
# of pyproject.toml, reinstalled whenever pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv demo test lint bench dev clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: venv
	$(BIN)/cdpkit demo

test: venv
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python -m benchmarks

dev: venv
	$(BIN)/cdpkit dev

clean:
	rm -rf warehouse .cdpkit dbt_project/target dbt_project/logs
