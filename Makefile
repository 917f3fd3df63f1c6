# Arshif — `make run` serves the archive, `make test` runs the whole suite. Nothing else needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 2
export WEB_CONCURRENCY

.PHONY: run test test-postgres lint format bench load messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

# Compiled catalogues are committed; recompile when gettext is available.
messages: | $(BIN)/python
	@if command -v msgfmt >/dev/null 2>&1; then \
		$(BIN)/python manage.py compilemessages --ignore=.venv -v 0; \
	else echo "msgfmt not found: using the committed .mo files"; fi

run: $(VENV)/.runtime messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py load_gazetteer
	$(BIN)/python manage.py import_articles seeds/
	$(BIN)/python manage.py sync_index
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Arshif: http://$(HOST):$(PORT)/  (worker and gunicorn; Ctrl-C stops both)"
	@# One worker process: applies index changes and runs background imports (admin uploads).
	$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn arshif.wsgi --bind $(HOST):$(PORT) --access-logfile - --timeout 60

# Browser tests use Debian's Chromium (/usr/bin/chromium) and axe-core from npm, installed into
# the virtualenv; without them those tests are skipped with a warning (.ci/run requires them).
AXE_VERSION := 4.14.1
AXE_DIR := $(VENV)/axe
define BROWSER_TOOLS
	@if [ ! -f $(AXE_DIR)/node_modules/axe-core/package.json ] || ! grep -q '"version": "$(AXE_VERSION)"' $(AXE_DIR)/node_modules/axe-core/package.json; then \
		if command -v npm >/dev/null 2>&1; then \
			npm install --silent --no-save --no-package-lock --no-audit --no-fund --prefix $(AXE_DIR) axe-core@$(AXE_VERSION); \
		else echo "WARNING: npm not found: the accessibility checks will be skipped"; fi; \
	fi
	@command -v chromium >/dev/null 2>&1 || echo "WARNING: no Chromium: the browser tests will be skipped (apt-get install chromium)"
endef
test: $(VENV)/.dev messages
	$(BROWSER_TOOLS)
	ARSHIF_AXE=$(abspath $(AXE_DIR))/node_modules/axe-core $(BIN)/python -m pytest

# The same suite on PostgreSQL. ARSHIF_TEST_DATABASE_URL=postgres://user:password@host:port/name
# uses that server (the role must be allowed to create databases: the tests run in a new
# test_<name>, dropped at the end); unset, a throw-away cluster of the installed PostgreSQL
# server (apt-get install postgresql) is started on 127.0.0.1 and removed afterwards
# (tests/postgres.py). `make test` never needs PostgreSQL.
test-postgres: $(VENV)/.dev messages
	$(BROWSER_TOOLS)
	$(BIN)/python -m tests.postgres -- env ARSHIF_AXE=$(abspath $(AXE_DIR))/node_modules/axe-core $(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Import N generated articles into a throw-away data dir, time searches through the API beside
# an SQLite FTS5 reference; numbers in bench-results/bench-N[-ENGINE].json. `make bench N=2000` for
# a quicker run. The corpus is cached in ARSHIF_BENCH_CACHE (default ~/.cache/arshif-bench);
# REUSE=1 keeps the imported archive there, and a later REUSE=1 run times only the queries.
# ENGINE=postgres measures the PostgreSQL engine, in a throw-away cluster (tests/postgres.py)
# unless ARSHIF_TEST_DATABASE_URL names a server. BENCH_ARGS passes more options
# (`.venv/bin/python -m search.bench --help`).
N ?= 10000
ENGINE ?= whoosh
REUSE ?=
BENCH_ARGS ?=
BENCH_COMMAND = $(BIN)/python -m search.bench --articles $(N) --engine $(ENGINE) $(if $(REUSE),--reuse) $(BENCH_ARGS)
bench: $(VENV)/.runtime
ifeq ($(ENGINE),postgres)
	$(BIN)/python -m tests.postgres -- $(BENCH_COMMAND)
else
	$(BENCH_COMMAND)
endif

# Load run: READERS readers and EDITORS editors (uploading through the admin) for DURATION
# seconds against gunicorn and the worker on a copy of an N-article archive (built once, cached
# outside the repository); checks no 5xx, no lost or doubled article, database and index agree.
# Figures in bench-results/load-N.json. `make load N=2000 DURATION=20` for a quicker run.
READERS ?= 20
EDITORS ?= 2
DURATION ?= 60
load: $(VENV)/.dev
	$(BIN)/python -m search.bench.load --articles $(N) --readers $(READERS) --editors $(EDITORS) --duration $(DURATION)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
