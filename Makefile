# Two commands set up a fresh machine:
#   make demo   - pulumi up of the quickstart stack against the local Twilio emulator
#   make test   - the whole suite (lint, types, unit, emulator and real-engine integration tests)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PULUMI_ROOT_FILE := $(VENV)/.pulumi-root

.PHONY: demo test lint typecheck unit bench pulumi venv dev clean

$(VENV)/.runtime: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

venv: $(VENV)/.runtime
dev: $(VENV)/.dev

# The Pulumi CLI: from PATH, or built once from its Go modules into ~/.cache (see scripts/get-pulumi.sh).
pulumi:
	@mkdir -p $(VENV)
	@dir=$$(scripts/get-pulumi.sh) && echo "$$(dirname "$$dir")" > $(PULUMI_ROOT_FILE)

demo: venv pulumi
	PULUMI_ROOT=$$(cat $(PULUMI_ROOT_FILE)) $(PY) scripts/demo.py

lint: dev
	$(PY) -m ruff check pulumi_twilio_intelligence tests scripts examples bench
	$(PY) -m ruff format --check pulumi_twilio_intelligence tests scripts examples bench

typecheck: dev
	$(PY) -m mypy

test: dev pulumi lint typecheck
	PULUMI_ROOT=$$(cat $(PULUMI_ROOT_FILE)) $(PY) -m pytest

unit: dev
	$(PY) -m pytest tests/unit tests/emulator tests/test_ci_skips.py

# Requests per second of the emulator (fetch and create; server on loopback and in-process), then the
# provider's API requests and wall time per Pulumi operation of the quickstart (real engine).
bench: venv pulumi
	$(PY) bench/emulator_throughput.py
	PULUMI_ROOT=$$(cat $(PULUMI_ROOT_FILE)) $(PY) -m bench.provider_requests

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache *.egg-info
