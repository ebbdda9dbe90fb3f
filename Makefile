# Two commands do all set-up on a fresh machine with Python 3.10+:
#   make demo   create .venv, install, analyse fixtures/demo/ and write its reports to build/demo/
#   make test   create .venv, install dev dependencies, run the whole test suite
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RA     := $(VENV)/bin/runbook-analyzer
DEMO_OUT := build/demo

.PHONY: demo test lint format bench grammar sarif-tools system-tools mermaid-tools clean

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
	$(RA) graph fixtures/demo --inventory fixtures/demo/infra --format html --output $(DEMO_OUT)/dependencies.html
	$(RA) graph fixtures/demo --inventory fixtures/demo/infra --format markdown --output $(DEMO_OUT)/dependencies.md
	$(RA) check fixtures/demo --inventory fixtures/demo/infra --format sarif --exit-zero --output $(DEMO_OUT)/findings.sarif
	$(RA) inventory fixtures/demo/infra --format json --output $(DEMO_OUT)/inventory.json
	@echo "wrote $(DEMO_OUT)/: findings.json, findings.sarif, dependencies.json, dependencies.html (open it in a browser), dependencies.md, inventory.json"
	@echo
	$(RA) check fixtures/demo --inventory fixtures/demo/infra --exit-zero

test: $(VENV)/.installed-dev sarif-tools system-tools mermaid-tools
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

# Microsoft's SARIF Multitool, which tests/reporters/test_multitool.py runs on our SARIF
# (validate --rule-kind "Sarif;Gh"). It comes from the npm registry; without npm, or
# offline, this says so in one line and the build goes on (that test then skips).
TOOLS := build/tools
MULTITOOL := @microsoft/sarif-multitool@5.7.0

sarif-tools:
	@if [ -f $(TOOLS)/.multitool-installed ]; then :; \
	elif ! command -v npm >/dev/null 2>&1; then \
		echo "sarif-tools: npm not found, the SARIF Multitool test will skip"; \
	elif mkdir -p $(TOOLS) && timeout 600 npm install --prefix $(TOOLS) --no-save --no-audit --no-fund \
			--fetch-retries=1 --loglevel=error $(MULTITOOL) >$(TOOLS)/npm.log 2>&1; then \
		touch $(TOOLS)/.multitool-installed; echo "installed $(MULTITOOL) into $(TOOLS)"; \
	else \
		echo "sarif-tools: npm could not install $(MULTITOOL) (offline?), see $(TOOLS)/npm.log; the SARIF Multitool test will skip"; \
	fi

# Debian's graphviz (`dot`, which tests/graph_exports parses our DOT with) and chromium (the
# HTML report's browser test). Installed only as root with apt-get, quietly; elsewhere this
# says so in one line and the build goes on (those tests then skip and name this target).
# Every download has a time limit, so a registry that does not answer cannot hang CI.
SYSTEM_TOOLS := graphviz chromium

system-tools:
	@if command -v dot >/dev/null 2>&1 && command -v chromium >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "system-tools: not root or no apt-get, $(SYSTEM_TOOLS) not installed; the Graphviz and Chromium tests will skip"; \
	elif timeout 300 apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq \
			--no-install-recommends $(SYSTEM_TOOLS) >/dev/null 2>&1; then \
		echo "installed $(SYSTEM_TOOLS) with apt-get"; \
	else \
		echo "system-tools: apt-get could not install $(SYSTEM_TOOLS) (offline?); the Graphviz and Chromium tests will skip"; \
	fi

# Mermaid itself and jsdom (the DOM its module needs), which tests/graph_exports parses our
# Mermaid with, offline (tests/graph_exports/mermaid_check.mjs). jsdom 26: later releases
# need a newer Node than Debian's. Without npm, or offline: one line, and those tests skip.
MERMAID_TOOLS := $(TOOLS)/mermaid
MERMAID_PACKAGES := mermaid@12.3.0 jsdom@26.1.0

mermaid-tools:
	@if [ -f $(MERMAID_TOOLS)/.installed ]; then :; \
	elif ! command -v npm >/dev/null 2>&1; then \
		echo "mermaid-tools: npm not found, the Mermaid syntax tests will skip"; \
	elif mkdir -p $(MERMAID_TOOLS) && timeout 600 npm install --prefix $(MERMAID_TOOLS) --no-save --no-audit --no-fund \
			--fetch-retries=1 --loglevel=error $(MERMAID_PACKAGES) >$(MERMAID_TOOLS)/npm.log 2>&1; then \
		touch $(MERMAID_TOOLS)/.installed; echo "installed $(MERMAID_PACKAGES) into $(MERMAID_TOOLS)"; \
	else \
		echo "mermaid-tools: npm could not install $(MERMAID_PACKAGES) (offline?), see $(MERMAID_TOOLS)/npm.log; the Mermaid syntax tests will skip"; \
	fi

clean:
	rm -rf $(VENV) build
