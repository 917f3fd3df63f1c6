# Arshif — `make run` serves the archive, `make test` runs the whole suite. Nothing else needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 2
export WEB_CONCURRENCY

.PHONY: run test lint format bench messages clean

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
	$(BIN)/python manage.py import_articles seeds/
	$(BIN)/python manage.py sync_index
	$(BIN)/python manage.py collectstatic --noinput -v 0
	@echo "Arshif: http://$(HOST):$(PORT)/  (index worker and gunicorn; Ctrl-C stops both)"
	$(BIN)/python manage.py index_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn arshif.wsgi --bind $(HOST):$(PORT) --access-logfile - --timeout 60

test: $(VENV)/.dev messages
	$(BIN)/python -m pytest

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
