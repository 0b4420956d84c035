# Every target creates what it needs: a fresh machine needs only `make demo` / `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck bench system clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# Debian packages the tests drive (real editors, ssh-keygen, gpg); skipped when already present.
system:
	./scripts/install-system-packages

demo: $(STAMP)
	$(VENV)/bin/ownit demo

lint: $(STAMP)
	$(VENV)/bin/ruff format --check server tests bench
	$(VENV)/bin/ruff check server tests bench

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: $(STAMP) system lint typecheck extension
	./scripts/run-pytest $(PY)

# The VS Code extension (client-extension/): npm packages, then typecheck, lint, unit tests
# (node --test) and the esbuild bundle. Its end-to-end test in real VS Code runs in pytest
# (tests/e2e/test_vscode.py).
.PHONY: extension vsix
EXT := client-extension
EXT_DEPS := $(EXT)/node_modules/.package-lock.json

$(EXT_DEPS): $(EXT)/package.json $(EXT)/package-lock.json
	cd $(EXT) && npm ci --no-audit --no-fund
	touch $@

extension: $(EXT_DEPS)
	cd $(EXT) && npm run --silent compile && npm run --silent lint && npm run --silent test:unit && npm run --silent bundle

# dist/ownit-<version>.vsix with the ownit server and its dependencies bundled.
vsix: $(STAMP) $(EXT_DEPS)
	$(EXT)/scripts/build-vsix $(PY)

bench: $(STAMP)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) test-output
