# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.lock | cut -c1-12)
PG_URL := postgres://postgres@127.0.0.1:5432/egts
REDIS_DEFAULT := redis://127.0.0.1:6379/0

.PHONY: run install test lint browser-deps bench loadtest clean

$(STAMP): requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv
	@$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

# Development server on SQLite with eager Celery unless DATABASE_URL / REDIS_URL say otherwise.
# `make run PORT=8123` (and HOST=0.0.0.0) when 127.0.0.1:8000 is taken or must be reachable.
HOST ?= 127.0.0.1
PORT ?= 8000
run: install
	@$(PY) -c 'import socket, sys; s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	  sys.exit(0 if s.connect_ex(("$(HOST)", $(PORT))) else "Le port $(PORT) est déjà utilisé sur $(HOST) : relancez avec un autre port, par exemple  make run PORT=8123")'
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "La plateforme est servie sur http://$(HOST):$(PORT)/ (Ctrl+C pour l'arrêter)."
	$(PY) manage.py runserver $(HOST):$(PORT)

# Debian's Chromium for the browser tests (Playwright drives it; it never downloads a browser),
# and a Java runtime for the Nu HTML Checker (vnu.jar, from the dev dependencies).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium (apt)…"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; \
	fi
	@command -v pdftotext >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }
	@command -v java >/dev/null || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "Installing a Java runtime (apt) for the HTML checker…"; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq default-jre-headless >/dev/null; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	DEBUG=off SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(64))') \
	  ALLOWED_HOSTS=egts.example $(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(VENV)/bin/bandit -q -r egts contributions practices assises actionplan documents -lll

# Every test, browser journeys included, on PostgreSQL and Redis (override DATABASE_URL/REDIS_URL).
# pytest-xdist runs one process per core (PYTEST_WORKERS), each on a test database of its own;
# tests/conftest.py says how tests are dealt to them.
PYTEST_WORKERS ?= auto
test: install browser-deps lint
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} REDIS_URL=$${REDIS_URL:-$(REDIS_DEFAULT)} \
	  $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

bench: install
	DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} REDIS_URL=$${REDIS_URL:-$(REDIS_DEFAULT)} \
	  $(PY) -m tests.bench

# The production stack (gunicorn, Celery, Redis, PostgreSQL) under locust; see tests/load/run.py.
loadtest: install
	$(PY) -m tests.load.run

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
