# Two commands set everything up: `make run` and `make test`. Both create .venv
# on first use and install exactly the versions in uv.lock (with their hashes):
# `make run` only what running needs, `make test` the development tools too.
# uv itself comes from the package index into .tools, pinned here.
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
export UV_PROJECT_ENVIRONMENT := $(VENV)
export UV_PYTHON := $(shell command -v $(PYTHON))
# uv may not fetch a Python of its own: the machine's is the one the README names.
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint types pytest bench fmt clean lock upgrade test-latest test-lowest

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet "uv==$(UV_VERSION)"

# --inexact keeps the dev tools when `make run` follows `make test`.
$(RUN_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --no-dev --inexact --quiet
	touch $@

$(DEV_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --locked --quiet
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/posttrack show binding-instrument

test: lint types pytest

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports --no-cache

types: $(DEV_STAMP)
	$(BIN)/mypy

# The tests that use a reader's own tools: pandoc (a brief to Word), chromium (the
# HTML brief in a browser), zsh and fish (completion). Debian's, installed here if
# missing; where they cannot be installed those tests are skipped, and say so.
TEST_TOOLS := pandoc chromium zsh fish

pytest: $(DEV_STAMP)
	@for tool in $(TEST_TOOLS); do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } || \
		echo "make: could not install$$missing; the tests that need them are skipped"; \
	fi
	$(BIN)/pytest

# After editing the dependencies in pyproject.toml: refresh uv.lock and the
# pylock.toml export for pip users, then commit both.
lock: | $(UV)
	$(UV) lock
	$(UV) export --quiet --locked --format pylock.toml --no-emit-project -o pylock.toml

# Every dependency to its newest release inside pyproject.toml's ranges; review
# the diff, run `make test`, commit.
upgrade: | $(UV)
	$(UV) lock --upgrade
	$(UV) export --quiet --locked --format pylock.toml --no-emit-project -o pylock.toml

# What a fresh pip or pipx user gets today (the newest releases), and the floors
# pyproject.toml promises: each in a venv of its own, the lock untouched.
test-latest: | $(UV)
	rm -rf .venv-latest
	$(UV) venv --quiet .venv-latest
	$(UV) pip install --quiet --python .venv-latest --upgrade -e . --group dev
	.venv-latest/bin/pytest -p no:cacheprovider

test-lowest: | $(UV)
	rm -rf .venv-lowest
	$(UV) venv --quiet .venv-lowest
	$(UV) pip install --quiet --python .venv-lowest --resolution lowest-direct -e . --group dev
	.venv-lowest/bin/pytest -p no:cacheprovider

# Start-up, dataset scale, then cite at scale beside rg -F and ugrep -Z (Debian's
# ripgrep and ugrep, installed here if missing). Every table is printed even when
# a case is over its budget; then bench fails. BENCH_SIZES="1 10" makes it quicker.
bench: $(DEV_STAMP)
	command -v rg >/dev/null && command -v ugrep >/dev/null || \
		{ apt-get update -qq && apt-get install -y -qq ripgrep ugrep; }
	$(BIN)/python bench/startup.py || touch bench/.over
	cd bench && ../$(BIN)/python dataset_scale.py || touch .over
	cd bench && ../$(BIN)/python cite_scale.py
	@if [ -f bench/.over ]; then rm bench/.over; echo "bench: a case is over its budget"; exit 1; fi

fmt: $(DEV_STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

clean:
	rm -rf $(VENV) $(TOOLS) .venv-latest .venv-lowest .pytest_cache .mypy_cache .ruff_cache build dist
