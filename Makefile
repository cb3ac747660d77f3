# Two commands set everything up: `make run` and `make test`. Both create
# .venv on first use and install the project into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint types pytest bench fmt clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet -e . --group dev
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/posttrack show binding-instrument

test: lint types pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

# Start-up, dataset scale, then cite at scale beside rg -F and ugrep -Z (Debian's
# ripgrep and ugrep, installed here if missing). Every table is printed even when
# a case is over its budget; then bench fails. BENCH_SIZES="1 10" makes it quicker.
bench: $(STAMP)
	command -v rg >/dev/null && command -v ugrep >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq ripgrep ugrep; }
	$(BIN)/python bench/startup.py || touch bench/.over
	cd bench && ../$(BIN)/python dataset_scale.py || touch .over
	cd bench && ../$(BIN)/python cite_scale.py
	@if [ -f bench/.over ]; then rm bench/.over; echo "bench: a case is over its budget"; exit 1; fi

fmt: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build dist
