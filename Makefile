# The two commands a newcomer needs: `make demo` and `make test`.
# Everything else is set up here: a virtualenv in .venv with the pinned ranges
# of pyproject.toml, reinstalled whenever pyproject.toml changes.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: venv browser demo test lint bench dev clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Headless Chromium for the tests that render HTML reports (Debian's package; run as root).
browser:
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver)

demo: venv
	$(BIN)/cdpkit demo

test: venv browser
	$(BIN)/python -m pytest

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python -m benchmarks

dev: venv
	$(BIN)/cdpkit dev

clean:
	rm -rf warehouse .cdpkit dbt_project/target dbt_project/logs
