# Everyday commands. `make demo` and `make test` work on a fresh machine: they create .venv, and
# the local Kafka broker (Java 17+, jars fetched once from Maven Central) starts when needed.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# Installed-marker: pip runs again only when pyproject.toml changes.
STAMP := $(VENV)/.dyadwatch-installed
TOOLS_VENV := .cache/tools-venv
TOOLS_STAMP := $(TOOLS_VENV)/.installed
PYTEST_ARGS ?=
# Benchmark scripts (helpers start with an underscore); override to run a few: make bench BENCHMARKS=...
BENCHMARKS ?= $(sort $(filter-out benchmarks/_%,$(wildcard benchmarks/*.py)))

.PHONY: setup demo test lint type bench kafka-start kafka-stop kafka-status deploy-tools deploy-check

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

demo: setup
	$(BIN)/dyadwatch demo --once

test: setup
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

type: setup
	$(BIN)/mypy streams

# Each benchmark script prints its own figures; keep them short (2 shared cores).
bench: setup
	@set -e; for script in $(BENCHMARKS); do \
		echo "== $$script"; $(BIN)/python "$$script"; \
	done

kafka-start: setup
	$(BIN)/python -m streams.kafka_local start

kafka-stop: setup
	$(BIN)/python -m streams.kafka_local stop

kafka-status: setup
	$(BIN)/python -m streams.kafka_local status

# Offline checks of what users deploy. The tools live in their own venv: check-jsonschema needs a
# newer click than faust-streaming allows.
deploy-tools: $(TOOLS_STAMP)

$(TOOLS_STAMP): deploy/tools-requirements.txt
	@test -x $(TOOLS_VENV)/bin/python || $(PYTHON) -m venv $(TOOLS_VENV)
	$(TOOLS_VENV)/bin/python -m pip install -q --disable-pip-version-check -r deploy/tools-requirements.txt
	@touch $@

deploy-check: setup deploy-tools
	$(BIN)/pytest -q tests/unit/test_deploy.py
