# Quick start: `make demo` runs the demo, `make test` runs the tests. Both
# install what is missing first (tools/install/install.sh, idempotent).
VENV ?= .venv
PYTHON := $(VENV)/bin/python
LINT_PATHS := segface_mmseg segface_runtime configs tools tests demo benchmarks setup.py

.PHONY: install test lint format demo

install:
	@SEGFACE_VENV=$(VENV) tools/install/install.sh

# every core, one test file per worker at a time (a file's module fixtures
# are built once); `make test PYTEST_ARGS='-m "not slow"'` for a quick run
PYTEST_ARGS ?=
test: install
	$(PYTHON) -m pytest -n auto --dist loadfile $(PYTEST_ARGS) tests

lint: install
	$(PYTHON) -m flake8 $(LINT_PATHS)
	$(PYTHON) -m isort --check-only --diff $(LINT_PATHS)
	$(PYTHON) -m yapf --diff --recursive $(LINT_PATHS)

format: install
	$(PYTHON) -m isort $(LINT_PATHS)
	$(PYTHON) -m yapf --in-place --recursive $(LINT_PATHS)

demo: install
	$(PYTHON) demo/synthetic_faces_demo.py
