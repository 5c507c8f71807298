# Two entry points: `make run` serves Basegun on its embedded models; `make test` runs every test (what CI runs).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test ci install install-dev system-deps web-deps reference-wheel lint typecheck format bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

# ONNX Runtime Web (MIT, vendor/NOTICE.md), pinned by vendor/package-lock.json, for identifying in the browser
# without a network; vendor/install.sh copies the files the web app serves to frontend/vendor/ (not in git).
ORT_SERVED := frontend/vendor/onnxruntime-web

$(ORT_SERVED)/ort.wasm.bundle.min.mjs: vendor/package.json vendor/package-lock.json vendor/install.sh vendor/NOTICE.md
	sh vendor/install.sh
	@touch $@

web-deps: $(ORT_SERVED)/ort.wasm.bundle.min.mjs

run: install web-deps
	$(BIN)/basegun serve --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests (never `playwright install`: it downloads a browser); the tests start
# their own PostgreSQL server from Debian's `postgresql` (the storage and API tests run on SQLite and on PostgreSQL),
# and the fleet test puts Debian's HAProxy in front of its replicas (deploy/haproxy.cfg).
system-deps:
	@{ command -v chromium && ls /usr/lib/postgresql/*/bin/initdb && test -x /usr/sbin/haproxy; } >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core postgresql haproxy >/dev/null; }

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,training]'

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The public reference checkpoints (basegun-ml 2.0.7, AGPL-3.0), for the import and parity tests and the benchmarks.
reference-wheel: $(BIN)/python
	@test -f var/reference/basegun_ml-2.0.7-py3-none-any.whl || \
		$(BIN)/pip download --quiet --no-deps basegun-ml==2.0.7 -d var/reference

# The library, the API and the command, type-checked (the files and the strictness are in pyproject.toml).
typecheck: install-dev
	$(BIN)/mypy

test: system-deps install-dev web-deps reference-wheel lint typecheck
	$(BIN)/pytest

# What CI does: a fresh clone of the committed tree in a temporary folder, ../shared copied beside it, then `make test`.
ci:
	bash .ci/fresh-clone

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache test-artifacts vendor/node_modules $(ORT_SERVED)
