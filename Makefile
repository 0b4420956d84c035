# Every target creates what it needs: a fresh machine needs only `make demo` / `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck unit integration e2e bench system clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the end-to-end tests drive (real editors); skipped when already present.
system:
	./scripts/install-system-packages

demo: $(STAMP)
	$(VENV)/bin/ownit demo

lint: $(STAMP)
	$(VENV)/bin/ruff format --check server tests bench
	$(VENV)/bin/ruff check server tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: $(STAMP) system lint typecheck
	./scripts/run-pytest $(PY)

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) test-output
