# rodedraden: `make run` and `make test` set up .venv on first use, then run.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PIP    := $(BIN)/pip --disable-pip-version-check
ARGS   ?=

.PHONY: run test setup model bench devset lint clean distclean doctor

run: $(STAMP)  ## run the whole pipeline on corpus/ (pass options with ARGS="--set ...")
	$(BIN)/rodedraden run $(ARGS)

test: $(STAMP)  ## run the test suite
	$(BIN)/pytest -q $(ARGS)

setup: $(STAMP)  ## create .venv and install everything (also tries the spaCy model)

$(STAMP): pyproject.toml constraints.txt requirements-model.txt
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found; install Python 3.11 or run 'make PYTHON=python3.x ...'"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	# constraints.txt pins torch to the CPU build (BERTopic -> sentence-transformers -> torch)
	$(PIP) install -q -c constraints.txt -e '.[dev]'
	@$(MAKE) --no-print-directory model
	touch $(STAMP)

model:  ## try to install nl_core_news_sm 3.8.0 (needs network access to spaCy's model releases)
	@if $(BIN)/python -c "import nl_core_news_sm" 2>/dev/null; then \
		echo "spaCy model: nl_core_news_sm is installed"; \
	elif $(PIP) install -q --no-deps --timeout 20 --retries 1 --require-hashes -r requirements-model.txt >/dev/null 2>&1; then \
		echo "spaCy model: installed nl_core_news_sm 3.8.0"; \
	else \
		echo "spaCy model: nl_core_news_sm could not be downloaded; the entity stage will use a blank Dutch pipeline with lookup lemmas and rules (no statistical NER). Run 'make model' with network access to install it."; \
	fi

bench: $(STAMP)  ## benchmarks (ratios against a baseline measured in the same run)
	$(BIN)/python -m pipeline.bench $(ARGS)

devset: $(STAMP)  ## scores on the real-text development set (texts in corpus/gold/echt/teksten/, not in git)
	$(BIN)/python -m pipeline.devset $(ARGS)

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests

doctor: $(STAMP)
	$(BIN)/rodedraden doctor

clean:  ## remove run outputs and the cache (keeps .venv)
	rm -rf outputs/runs outputs/cache outputs/latest outputs/.rodedraden.lock .pytest_cache .ruff_cache

distclean: clean
	rm -rf $(VENV) *.egg-info
