# Two commands do all set-up on a fresh machine with Python 3.10+:
#   make demo   create .venv, install, analyse fixtures/demo/ and write its reports to build/demo/
#   make test   create .venv, install dev dependencies, run the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RA     := $(VENV)/bin/runbook-analyzer
DEMO_OUT := build/demo

.PHONY: demo test lint format bench grammar clean

# Installing prints one line. pip runs with -qq: errors still show, but not the notices
# setuptools gives for every editable install of a package-dir layout (analyzer.rules
# lives in rules/), which say nothing about this project.
PIP := $(PY) -m pip install -qq

$(VENV)/.installed: pyproject.toml
	@echo "installing runbook-analyzer into $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(PIP) --upgrade pip
	@$(PIP) -e .
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	@echo "installing the development tools into $(VENV)"
	@$(PIP) -e '.[dev]'
	@touch $@

demo: $(VENV)/.installed
	@mkdir -p $(DEMO_OUT)
	$(RA) check fixtures/demo --inventory fixtures/demo/infra --format json --exit-zero --output $(DEMO_OUT)/findings.json
	$(RA) graph fixtures/demo --inventory fixtures/demo/infra --format json --output $(DEMO_OUT)/dependencies.json
	$(RA) inventory fixtures/demo/infra --format json --output $(DEMO_OUT)/inventory.json
	@echo "wrote $(DEMO_OUT)/findings.json, dependencies.json and inventory.json"
	@echo
	$(RA) check fixtures/demo --inventory fixtures/demo/infra --exit-zero

test: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check analyzer rules tests
	$(VENV)/bin/ruff format --check analyzer rules tests
	$(PY) -m pytest

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check analyzer rules tests
	$(VENV)/bin/ruff format --check analyzer rules tests

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format analyzer rules tests
	$(VENV)/bin/ruff check --fix analyzer rules tests

bench: $(VENV)/.installed-dev
	$(PY) -m tests.bench.run

# The measurement behind the choice of PowerShell grammar (README, "Choosing the
# PowerShell grammar"); installs the competing grammar, which the analyzer does not use.
grammar: $(VENV)/.installed-dev
	@$(PIP) 'tree-sitter-powershell>=0.26,<0.27'
	$(PY) -m tests.bench.grammar_errors

clean:
	rm -rf $(VENV) build
