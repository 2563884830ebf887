# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# uv is taken from PATH, or installed once into .run/bootstrap (only Python 3.11+ is needed beforehand).

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell command -v uv 2>/dev/null || echo .run/bootstrap/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench venv clean help

help:
	@echo "make run    start PostgreSQL, Kafka (Tansu) and every service, run the demo, serve until Ctrl-C"
	@echo "make test   the full suite (unit, integration on real PostgreSQL and broker, end-to-end)"
	@echo "make bench  the benchmarks under bench/ (prints figures)"

.run/bootstrap/bin/uv:
	$(PYTHON) -m venv .run/bootstrap
	.run/bootstrap/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --all-packages --frozen --python $(PYTHON)
	@touch $@

venv: $(VENV)/.synced

run: venv
	$(PY) -m launcher run

test: venv
	$(PY) -m pytest

bench: venv
	$(PY) bench/e2e.py

clean:
	rm -rf .run $(VENV)
