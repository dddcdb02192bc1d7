# Two entry points for a fresh machine:  make run   and   make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
CHECK  := ../shared/spec/check.py

.PHONY: run test build check bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e '.[test]'
	@touch $@

## make run: create the venv, install, build the graph from seeds/ into exports/
run: $(VENV)/.installed
	$(BIN)/kg build seeds --out exports
	@if [ -f $(CHECK) ]; then $(BIN)/python $(CHECK) exports/graph.ttl; fi
	$(BIN)/kg analyze --out exports
	$(BIN)/kg viz --out exports
	@echo ""
	@echo "Done. Look at exports/graph.ttl (Turtle; load it into any triple store or rdflib)."

## make test: install what the tests need and run the whole suite
test: $(VENV)/.installed-test
	bash scripts/install-system-packages.sh
	$(BIN)/python -m pytest -q

clean:
	rm -rf exports/*.ttl .pytest_cache
