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
# The yardsticks live beside the project (../shared/data); the benchmarks that need them are skipped without.
DATA ?= ../shared/data

.PHONY: setup demo test lint type bench faults fuzz kafka-start kafka-stop kafka-status deploy-tools deploy-check

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

# Each benchmark script prints its own figures; kept short (2 shared cores). The fault suite and the fuzz run
# start their own broker: `make faults`, `make fuzz`.
bench: setup
	$(BIN)/python benchmarks/detection.py
	@if [ -d $(DATA) ]; then \
		set -e; \
		$(BIN)/python benchmarks/relations.py $(DATA)/relations-dev.jsonl --through-analyze; \
		$(BIN)/python benchmarks/extraction.py $(DATA)/extraction-dev/ground-truth.json $(DATA)/extraction-dev/articles-text.jsonl.gz; \
		$(BIN)/python benchmarks/extraction.py $(DATA)/extraction-dev/ground-truth.json $(DATA)/extraction-dev/articles-html.jsonl.gz; \
	else echo "no $(DATA): relations and extraction benchmarks skipped (set DATA=...)"; fi

faults: setup
	$(BIN)/python benchmarks/faults.py

fuzz: setup
	$(BIN)/python benchmarks/fuzz.py

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

# Known vulnerabilities in what .venv holds (the project itself excluded), from PyPI's advisory data. pip-audit
# lives in its own venv so that its dependencies never meet faust-streaming's pins. Exit 1 on any finding;
# AUDIT_ARGS=--strict also fails when a dependency could not be looked up (a mirror without advisory data).
AUDIT_VENV := .cache/audit-venv
AUDIT_ARGS ?=
.PHONY: audit
audit: setup
	@test -x $(AUDIT_VENV)/bin/pip-audit || { $(PYTHON) -m venv $(AUDIT_VENV) && \
		$(AUDIT_VENV)/bin/python -m pip install -q --disable-pip-version-check 'pip-audit>=2.7,<3'; }
	$(BIN)/python -m pip freeze --exclude-editable --disable-pip-version-check > $(AUDIT_VENV)/requirements.txt
	$(AUDIT_VENV)/bin/pip-audit --no-deps --disable-pip --progress-spinner off $(AUDIT_ARGS) -r $(AUDIT_VENV)/requirements.txt
