# Two commands matter: `make run` and `make test`. Both set everything up from a bare machine
# with Python 3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/*.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint format bench venv clean

venv: $(STAMP)

$(STAMP): requirements/base.txt requirements/dev.txt requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

# The embedded default: SQLite file, in-memory channel layer, eager Celery, DEBUG on.
run: export DEBUG ?= true
run: venv
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py demo_admin
	@echo "Serving http://$(HOST):$(PORT)/ (HTTP and websockets; Ctrl-C stops)"
	@# Celery beat runs the periodic jobs (SLA scan, digests, retries); with no broker they
	@# execute in its process (eager), as everything else does in the embedded default.
	$(BIN)/celery -A itsm beat --loglevel=WARNING & beat=$$!; \
	trap 'kill $$beat 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m itsm.server --bind $(HOST) --port $(PORT) itsm.asgi:application

test: venv
	$(BIN)/pytest $(PYTEST_ARGS)

# Benchmarks on a throwaway PostgreSQL cluster (results go in docs/benchmarks.md by hand).
bench: venv
	bash bench/with-postgres $(BIN)/python bench/routing.py
	bash bench/with-postgres $(BIN)/python bench/sla.py
	bash bench/with-postgres $(BIN)/python bench/webhooks.py
	bash bench/with-postgres $(BIN)/python bench/kb.py
	bash bench/with-postgres $(BIN)/python bench/dashboard.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest-db.sqlite3 staticfiles .pytest_cache .ruff_cache
