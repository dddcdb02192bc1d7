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
	-bash scripts/install-system-packages.sh
	$(BIN)/kg build seeds --out exports
	@if [ -f $(CHECK) ]; then $(BIN)/python $(CHECK) exports/graph.ttl; fi
	$(BIN)/kg analyze --out exports
	$(BIN)/kg viz --out exports
	@echo ""
	@echo "Done. Open exports/index.html (dashboard and views, offline); the graph is exports/graph.ttl"
	@echo "(Turtle; load it into any triple store), the store exports/store/ (kg query --list)."

## make test: install what the tests need and run the whole suite
test: $(VENV)/.installed-test
	bash scripts/install-system-packages.sh
	$(BIN)/python -m pytest -q

## make bench: the benchmarks (corpus generator, build throughput, store, views); writes benchmarks/RESULTS.md
## (1,000, 10,000 and 50,000 reports: about 2.5 hours; BENCH_ARGS="--sizes 1000 --runs 1" for a quick look)
BENCH_ARGS ?= --sizes 1000,10000,50000
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run_all.py $(BENCH_ARGS)

clean:
	rm -rf exports/graph.ttl exports/store exports/manifest.sqlite exports/push-state exports/views exports/analysis exports/index.html exports/screenshots .pytest_cache
