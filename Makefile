# Two commands set up a fresh machine:
#   make demo   - pulumi up of the quickstart stack against the local Twilio emulator
#   make test   - the whole suite (lint, types, unit, emulator and real-engine integration tests)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# The folder that holds `pulumi` (any name), as scripts/get-pulumi.sh printed it; the targets that run
# the engine get it as PULUMI_ROOT and first on PATH.
PULUMI_BIN_FILE := $(VENV)/.pulumi-bin
WITH_PULUMI = PULUMI_ROOT="$$(cat $(PULUMI_BIN_FILE))" PATH="$$(cat $(PULUMI_BIN_FILE)):$$PATH"

.PHONY: demo fleet-demo test lint typecheck unit bench bench-fleet pulumi redis venv dev clean

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

# The Pulumi CLI and its Python language host: from PATH, or built once from their Go modules into
# ~/.cache (see scripts/get-pulumi.sh).
pulumi:
	@mkdir -p $(VENV)
	@dir=$$(scripts/get-pulumi.sh | tail -n 1) && test -x "$$dir/pulumi" && echo "$$dir" > $(PULUMI_BIN_FILE)

# redis-server (the distribution's package) for the fleet's Celery tests; they start and stop it themselves.
redis:
	@command -v redis-server >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq redis-server >/dev/null)

# 10 ISV tenants with the fleet runner (local executor) against the emulator: up, up again (no changes), prune two.
fleet-demo: venv pulumi
	$(WITH_PULUMI) $(PY) scripts/fleet_demo.py

demo: venv pulumi
	$(WITH_PULUMI) $(PY) scripts/demo.py

lint: dev
	$(PY) -m ruff check pulumi_twilio_intelligence tests scripts examples bench
	$(PY) -m ruff format --check pulumi_twilio_intelligence tests scripts examples bench

typecheck: dev
	$(PY) -m mypy

test: dev pulumi redis lint typecheck
	$(WITH_PULUMI) $(PY) -m pytest

unit: dev
	$(PY) -m pytest tests/unit tests/emulator tests/test_ci_skips.py

# Requests per second of the emulator (fetch and create; server on loopback and in-process), then the
# provider's API requests and wall time per Pulumi operation of the quickstart (real engine), then
# the same at scale (bench/scale.py: stacks of 20, 80 and 200 resources, at 0 and 100 ms latency).
bench: venv pulumi
	$(PY) bench/emulator_throughput.py
	$(WITH_PULUMI) $(PY) -m bench.provider_requests
	$(WITH_PULUMI) $(PY) -m bench.scale

# The fleet runner: 50 tenants at --parallel 1, 4, 8, 16 (about half an hour; see bench/fleet.py).
bench-fleet: venv pulumi
	$(WITH_PULUMI) $(PY) -m bench.fleet

clean:
	rm -rf $(VENV) .demo .fleet-demo .pytest_cache .mypy_cache .ruff_cache *.egg-info
