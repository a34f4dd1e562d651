# Rakumpit ASN Portal. `make run` and `make test` are all a newcomer needs (see README.md).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# make test runs on every core; TEST_WORKERS=0 runs it in one process.
TEST_WORKERS ?= auto
MSG_IGNORE := --ignore=.venv --ignore=node_modules --ignore=staticfiles --ignore=var

.PHONY: deps css help run test lint format check-migrations messages compilemessages static migrate seed totp \
        worker beat prod-smoke bench bench-load bench-concurrency seed-scale e2e screenshots lock clean backup restore

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; v=sys.version_info[:2]; sys.exit(0 if (3,10) <= v <= (3,13) else "Python 3.10 to 3.13 is needed, this is %d.%d: set PYTHON=python3.x" % v)'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# uv installs the locked versions in seconds where pip takes half a minute (CI starts from a
	# clean clone); pip installs them when uv cannot.
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(PY) -r requirements.lock \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

.env:
	cp .env.example .env

# The portal's CSS (issue 23: a small first load): Bootstrap's Sass with only the partials the
# templates use (static/scss/portal.scss), then purgecss drops every selector that no template,
# Python file or script names (static/scss/purgecss.config.cjs). Built output, never committed;
# rebuilt when a template, form or script changes, since a new class must not be purged.
BUILD := static/build/portal.css static/build/htmx.min.js
SASS_CSS := node_modules/.cache/portal-css/portal.css
PURGE_CONTENT := $(shell find templates static/js accounts core forums notifications opendata performance \
  privacy rakumpit_asn recruitment training workforce -type f \( -name '*.html' -o -name '*.js' -o -name '*.py' \) \
  -not -path '*/migrations/*' 2>/dev/null)

$(SASS_CSS): static/scss/portal.scss node_modules/.installed
	@mkdir -p $(@D)
	node_modules/.bin/sass --no-source-map --style=compressed --load-path=node_modules --quiet-deps \
	  --silence-deprecation=import static/scss/portal.scss $@

static/build/portal.css: $(SASS_CSS) static/scss/purgecss.config.cjs $(PURGE_CONTENT) $(VENV)/.installed
	@mkdir -p $(@D)
	node_modules/.bin/purgecss --config static/scss/purgecss.config.cjs --css $(SASS_CSS) --output $(@D)

static/build/htmx.min.js: node_modules/.installed
	@mkdir -p $(@D)
	cp node_modules/htmx.org/dist/htmx.min.js $@

css: $(BUILD) ## Build the portal's CSS (static/build/, from static/scss) and copy htmx beside it

deps: $(VENV)/.installed node_modules/.installed .env $(BUILD)

compilemessages: deps ## Compile the translations (.po -> .mo)
	$(MANAGE) compilemessages $(MSG_IGNORE) -v 0

messages: deps ## Extract new strings into locale/*/LC_MESSAGES/django.po
	$(MANAGE) makemessages -l id -l en $(MSG_IGNORE) --no-obsolete
	$(MANAGE) makemessages -d djangojs -l id -l en $(MSG_IGNORE) --no-obsolete --ignore=static/vendor --ignore=static/build

migrate: deps
	$(MANAGE) migrate --noinput -v 1

static: deps
	$(MANAGE) collectstatic --noinput -v 0

seed: migrate ## Create or refresh the demo data
	$(MANAGE) seed_demo

totp: deps ## Print a demo staff account's current sign-in code: make totp EMAIL=hr@demo.rakumpit.go.id
	$(MANAGE) demo_totp $(EMAIL)

# Links in e-mails, on cards and on certificates must point where this server answers: unless
# SITE_URL is set (in the environment, on the command line or in .env), make run passes its own
# address, so `make run PORT=8123` prints :8123 links.
RUN_SITE_URL = $(or $(SITE_URL),$(shell grep -qsE '^[[:space:]]*(export[[:space:]]+)?SITE_URL=' .env || echo http://$(HOST):$(PORT)))

run: deps compilemessages migrate static seed ## Serve the portal with demo data at http://127.0.0.1:8000 (HOST=, PORT=)
	@echo "Serving http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(if $(RUN_SITE_URL),SITE_URL=$(RUN_SITE_URL) )$(MANAGE) runserver $(HOST):$(PORT)

lint: deps ## ruff check, ruff format --check and the import graph (import-linter, Python 3.11+)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@if [ -x $(BIN)/lint-imports ]; then set -o pipefail; $(BIN)/lint-imports --no-cache | tail -n 8; fi

format: deps ## Fix what ruff can fix and format the code
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-migrations: deps
	$(MANAGE) makemigrations --check --dry-run

test: lint check-migrations compilemessages ## Lint, check migrations and run the whole test suite
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

e2e: deps compilemessages ## Run only the browser journeys (tests/e2e), every one on both viewports
	E2E_ALL_VIEWPORTS=1 $(BIN)/pytest tests/e2e -m e2e

screenshots: deps compilemessages ## Run the browser journeys and save their screenshots in docs/screenshots
	SAVE_SCREENSHOTS=1 E2E_ALL_VIEWPORTS=1 $(BIN)/pytest tests/e2e -m e2e

worker: deps ## Start a Celery worker (needs CELERY_BROKER_URL; the PORT of make run for its links)
	$(if $(RUN_SITE_URL),SITE_URL=$(RUN_SITE_URL) )$(BIN)/celery -A rakumpit_asn worker --loglevel=INFO --concurrency=2

beat: deps ## Start the one Celery beat (needs CELERY_BROKER_URL)
	$(BIN)/celery -A rakumpit_asn beat --loglevel=INFO

# CI's production smoke (.ci/production-smoke): the Procfile under honcho with DEBUG off against
# PostgreSQL and Redis (a fresh database named after DATABASE_URL's + _prod_smoke; PROD_SMOKE_PORT,
# PROD_SMOKE_REDIS_URL and PROD_SMOKE_BROKER_URL choose the port and the Redis databases).
prod-smoke: deps compilemessages ## Run the production topology (Procfile: gunicorn, worker, beat) and a journey through it
	$(PY) .ci/production-smoke

BACKUP_DIR ?= var/backups
backup: deps ## Back up the PostgreSQL database and private files to BACKUP_DIR (KEEP=N prunes)
	$(MANAGE) backup --output "$(BACKUP_DIR)" $(if $(KEEP),--keep $(KEEP))

restore: deps ## Restore BACKUP=path into an empty database and media folder, then verify it
	@test -n "$(BACKUP)" || { echo "Usage: make restore BACKUP=$(BACKUP_DIR)/rakumpit-<time>"; exit 2; }
	$(MANAGE) restore "$(BACKUP)"

BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/rakumpit_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/4
# Production-like: DEBUG off (hashed static files, cached templates) and the shared cache (Redis,
# its own database) that production has for the public page cache; no broker. The floor
# (/healthz) is then one SELECT 1 and a Redis round trip.
BENCH_ENV = DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} DEBUG=false ALLOWED_HOSTS=127.0.0.1 \
  SECRET_KEY=bench-only-$$(printf '%060d' 0) SECURE_SSL_REDIRECT=false \
  REDIS_URL=$${BENCH_REDIS_URL:-$(BENCH_REDIS_URL)} CELERY_BROKER_URL=
bench: deps compilemessages ## Run every benchmark: in-process (bench/bench_*.py), then the load test
	$(BENCH_ENV) $(PY) bench/load.py --create-database
	$(BENCH_ENV) $(PY) bench/run.py
	$(BENCH_ENV) $(PY) bench/load.py
	$(BENCH_ENV) $(PY) bench/concurrency.py

bench-concurrency: deps compilemessages ## Finalisations racing through gunicorn (after make bench-load)
	$(BENCH_ENV) $(PY) bench/concurrency.py

bench-load: deps compilemessages ## Only the load test: gunicorn + locust on seed_scale data
	$(BENCH_ENV) $(PY) bench/load.py --create-database
	$(BENCH_ENV) $(PY) bench/load.py

seed-scale: migrate ## Fill DATABASE_URL (PostgreSQL) with production-sized data (seed_scale)
	$(MANAGE) seed_scale

lock: ## Re-resolve requirements.lock from pyproject.toml (uv)
	test -x $(BIN)/uv || $(PY) -m pip install --quiet uv
	$(BIN)/uv pip compile --universal --python-version 3.10 --extra dev pyproject.toml -o requirements.lock

clean: ## Remove the virtualenv, node_modules, collected static files and the local database
	rm -rf $(VENV) node_modules staticfiles var static/build
