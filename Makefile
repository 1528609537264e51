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

# Two workers, a test file at a time each (pytest-xdist): the suite is mostly dbt, DuckDB
# and Dagster runs that leave a core idle. The dbt manifest is parsed once first, so the
# workers do not both write it.
PYTEST_WORKERS ?= 2

test: venv browser
	$(BIN)/python -c "import orchestration.warehouse.project"
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist loadfile

lint: venv
	$(BIN)/ruff check .

bench: venv
	$(BIN)/python -m benchmarks

dev: venv
	$(BIN)/cdpkit dev

clean:
	rm -rf warehouse .cdpkit dbt_project/target dbt_project/logs
