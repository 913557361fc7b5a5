# fakeprojector: `make run` starts the fake on the default fixtures; `make test` runs the suite.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PORT   ?= 8080
PYTEST_ARGS ?=
# The one test command: .ci/run and the README use exactly this.
TEST_CMD = $(PY) -m pytest -n 2 $(PYTEST_ARGS)
# Set-up runs quietly (its output goes to this log, shown only when a step fails), so the first
# line `make run` prints is the service URL.
LOG    := .venv-install.log
QUIET   = > $(LOG) 2>&1 || { cat $(LOG) >&2; echo "make: set-up failed (log above, also in $(LOG))" >&2; exit 1; }

.PHONY: run test test-matrix lint bench dist clean venv

$(VENV)/.installed-run: pyproject.toml
	@{ $(PYTHON) -m venv $(VENV) && $(PY) -m pip install --upgrade pip \
		&& $(PY) -m pip install -e . ; } $(QUIET)
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-run
	@$(PY) -m pip install -e '.[test,dev,browser]' $(QUIET)
	@touch $@

venv: $(VENV)/.installed-test

run: $(VENV)/.installed-run
	@$(VENV)/bin/fakeprojector serve --port $(PORT)

test: $(VENV)/.installed-test
	$(TEST_CMD)

# ruff (lint and format), mypy --strict, and the import layers (import-linter).
lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

# The suite on every pyenv interpreter 3.10-3.13 present, each in its own venv; then the wheel built
# from this checkout, installed (not editable) into a fresh venv per interpreter, runs the example
# consumer project's tests (examples/consumer) and `fakeprojector contract-test`.
test-matrix: dist
	bash scripts/test-matrix.sh

# A wheel and an sdist of this checkout in dist/ (isolated build: setuptools comes from the index).
dist: $(VENV)/.installed-test
	@rm -rf dist
	$(PY) -m build --outdir dist . $(QUIET)
	@ls dist

# Benchmarks (benchmarks/run.py; BENCH_ARGS=--quick for a smoke run). wrk drives the HTTP
# part: installed from Debian when missing and we are root, else that part is skipped.
BENCH_ARGS ?=
bench: $(VENV)/.installed-test
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& (apt-get update -qq && apt-get install -y -qq wrk >/dev/null) \
		|| echo "bench: wrk is missing (apt-get install wrk); the HTTP part will be skipped"; }
	$(PY) benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .venv-* build dist *.egg-info $(LOG)
