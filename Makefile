# Two commands matter: `make run` and `make test`. Both set everything up from a bare machine
# with Python 3 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements/*.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve test lint format bench bench-create bench-http bench-pipeline bench-seed bench-list venv clean

venv: $(STAMP)

$(STAMP): requirements/base.txt requirements/prod.txt requirements/dev.txt requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

# Development settings, written once: settings read .env for what the environment leaves
# unset (itsm.configuration). Ignored by git; delete it to get a new secret.
.env:
	@umask 077 && $(PYTHON) -c 'import secrets; print("# Written by make run: development settings (docs/operations.md).\nDEBUG=true\nSECRET_KEY=" + secrets.token_urlsafe(50))' > $@
	@echo "Wrote .env (DEBUG=true and a new SECRET_KEY)"

# The embedded default: SQLite file, in-memory channel layer, eager Celery, DEBUG on (.env).
run: export HOST := $(HOST)
run: export PORT := $(PORT)
run: venv .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py demo_admin
	@echo "Serving http://$(HOST):$(PORT)/ (HTTP and websockets; Ctrl-C stops)"
	@# Celery beat runs the periodic jobs (SLA scan, digests, retries); with no broker they
	@# execute in its process (eager), as everything else does in the embedded default.
	$(BIN)/celery -A itsm beat --loglevel=WARNING & beat=$$!; \
	trap 'kill $$beat 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python -m itsm.server --bind $(HOST) --port $(PORT) itsm.asgi:application

# Production-like on this machine: DEBUG off, collected static files, the Procfile's process
# set under honcho (web and beat; the worker too when REDIS_URL names a broker). Plain HTTP on
# loopback, so the HTTPS-only cookies and redirects are off here and only here.
serve: export DEBUG := false
serve: export ALLOWED_HOSTS ?= $(HOST),localhost,127.0.0.1
serve: export SECURE_SSL_REDIRECT ?= false
serve: export SESSION_COOKIE_SECURE ?= false
serve: export CSRF_COOKIE_SECURE ?= false
serve: export SECURE_HSTS_SECONDS ?= 0
serve: export HOST := $(HOST)
serve: export PATH := $(abspath $(BIN)):$(PATH)
serve: venv .env
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "Serving http://$(HOST):$(PORT)/ with DEBUG off ($(if $(REDIS_URL),web worker beat,web beat); Ctrl-C stops)"
	$(BIN)/honcho --env /dev/null start --port $(PORT) $(if $(REDIS_URL),,web beat)

# The browser tests inject axe-core (pinned in package.json / package-lock.json) into each page;
# only `make test` needs npm, `make run` and `make serve` never do.
AXE := node_modules/axe-core/axe.min.js

$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Two pytest-xdist workers by default (TEST_WORKERS=0 runs in one process): each has its own
# test database and, with REDIS_URL, its own Redis database (tests/settings.py). A
# module that serves its own processes stays on one worker (tests/scheduling.py).
TEST_WORKERS ?= 2
test: venv $(AXE)
	$(BIN)/pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS)) $(PYTEST_ARGS)

# Benchmarks on a throwaway PostgreSQL cluster (results go in docs/benchmarks.md by hand).
bench: venv
	bash bench/with-postgres $(BIN)/python bench/routing.py
	bash bench/with-postgres $(BIN)/python bench/sla.py
	bash bench/with-postgres $(BIN)/python bench/webhooks.py
	bash bench/with-postgres $(BIN)/python bench/kb.py
	bash bench/with-postgres $(BIN)/python bench/dashboard.py

# The delivery side without HTTP: routing, SLA, notifications in one process and (REDIS_URL set)
# a Celery worker, and commit-to-routed at a steady rate (docs/benchmarks.md, "Delivery in
# batches"). `make bench-pipeline BENCH_ARGS="--open 50000 --tickets 1000"`.
bench-pipeline: venv
	bash bench/with-postgres $(BIN)/python bench/pipeline.py $(BENCH_ARGS)

# The web process's CPU for one create, the floor and the project side by side in process
# (docs/benchmarks.md, "Creating a ticket"); BENCH_ARGS="--tree ../other-checkout" adds an A/B.
bench-create: venv
	bash bench/with-postgres $(BIN)/python bench/create_cpu.py $(BENCH_ARGS)

# The same HTTP cases against the project, a bare DRF app (bench/floor) and django-helpdesk 2.6.1
# (its own venv, built once from bench/helpdesk/requirements.txt under ~/.cache/itsm-bench), one
# run, one throwaway cluster: `make bench-http TICKETS=1000000 BENCH_ARGS=--no-helpdesk`; wrk and
# redis-server from Debian.
TICKETS ?= 50000
bench-http: venv
	bash bench/with-postgres $(BIN)/python bench/http_driver.py --tickets $(TICKETS) $(BENCH_ARGS)

# A million tickets (timeline, SLA clocks, decisions) in the PostgreSQL database DATABASE_URL
# names, migrated first; it must have no tickets yet. SEED_TICKETS=50000 OPEN=5000 for a smaller one.
SEED_TICKETS ?= 1000000
OPEN ?= 50000
bench-seed: export SECRET_KEY ?= benchmark-only-secret-key-not-for-any-real-deployment-000
bench-seed: venv
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://... (a database to fill)"; exit 1; }
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python bench/seed_scale.py --tickets $(SEED_TICKETS) --open $(OPEN)

# The ticket list API and page timed on a database bench-seed filled (read only).
bench-list: export SECRET_KEY ?= benchmark-only-secret-key-not-for-any-real-deployment-000
bench-list: venv
	@test -n "$(DATABASE_URL)" || { echo "Set DATABASE_URL=postgres://... (a seeded database)"; exit 1; }
	$(BIN)/python bench/list_scale.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 .pytest-db.sqlite3 staticfiles .pytest_cache .ruff_cache
	@echo "Kept .env (delete it by hand for a new development secret)"
