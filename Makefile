# Xiao'an — everything a newcomer needs: `make run`, then `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run install dev migrate demo serve test lint typecheck messages bench schema clean cluster-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

migrate: install
	$(BIN)/xiaoan migrate --noinput

demo: migrate
	$(BIN)/xiaoan demo

run: demo
	@echo
	@echo "  Xiao'an is at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	@echo "  Demo logins, password xiaoan2014: bureau, leader, gov, fire, school001, school002, staff001"
	@echo
	@# One worker beside the web server delivers notifications and runs the reminders;
	@# Ctrl-C stops both.
	$(BIN)/xiaoan worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/xiaoan runserver $(HOST):$(PORT)

test: dev
	$(BIN)/xiaoan makemigrations --check --dry-run
	$(BIN)/ruff check .
	$(BIN)/mypy xiaoan
	$(BIN)/pytest -n auto --dist loadgroup

lint: dev
	$(BIN)/ruff check .
	$(BIN)/mypy xiaoan
	$(BIN)/ruff format --check .

typecheck: dev
	$(BIN)/mypy xiaoan

messages: dev
	DJANGO_SETTINGS_MODULE=xiaoan.settings $(BIN)/python -m xiaoan.core.messages

bench: dev
	$(BIN)/python -m benchmarks

# Two app servers behind nginx, PostgreSQL, Redis, two workers, a bounded load, one server
# stopped mid-test (docs/deployment.md, "more than one app server").
cluster-test: dev
	.ci/cluster

clean:
	rm -rf $(VENV) var

# The API schema snapshot that `xiaoan/api/tests/test_schema.py` compares with: rewrite it
# after a change of the API is meant, and commit it.
schema: dev
	env -u DATABASE_URL $(BIN)/python manage.py spectacular --lang en --skip-checks --file xiaoan/api/tests/openapi.snapshot.yaml
