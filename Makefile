# Two commands do all set-up on a fresh machine: `make run` and `make test`.
# uv is taken from PATH when it is the pinned version, else installed once into .run/bootstrap (only Python 3.11+
# is needed beforehand): the Dockerfile copies that same version, and the suite replays the Dockerfile with it.

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
UV := $(shell u=$$(command -v uv 2>/dev/null) && $$u --version 2>/dev/null | grep -qx "uv $(UV_VERSION)\( .*\)\?" \
	&& echo $$u || echo .run/bootstrap/bin/uv)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench venv browser clean help

help:
	@echo "make run    start PostgreSQL, Kafka (Tansu) and every service, run the demo, serve until Ctrl-C"
	@echo "make test   the full suite (unit, integration on real PostgreSQL and broker, end-to-end)"
	@echo "make bench  the benchmarks under bench/ (prints figures)"

.run/bootstrap/bin/uv:
	$(PYTHON) -m venv .run/bootstrap
	.run/bootstrap/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --all-packages --all-extras --frozen --python $(PYTHON)
	@touch $@

venv: $(VENV)/.synced

run: venv
	$(PY) -m launcher run

# The console's browser tests drive Debian's Chromium (with a CJK font for legible screenshots): installed here
# when missing and this machine can (root with apt-get); otherwise those tests fail naming what to install.
browser:
	@command -v chromium >/dev/null && fc-list :lang=zh 2>/dev/null | grep -q . && exit 0; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing Debian's chromium and fonts-wqy-zenhei for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null; \
	else echo "chromium is missing: as root, apt-get install -y chromium fonts-wqy-zenhei (the browser tests need it)"; fi

# The suite shells out to uv (the Dockerfile replay): it gets the one resolved here, not whatever PATH has.
test: venv browser
	JISHI_UV=$(abspath $(UV)) $(PY) -m pytest

bench: venv
	$(PY) bench/e2e.py

clean:
	rm -rf .run $(VENV)
