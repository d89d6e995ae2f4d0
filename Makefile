# Kinderschutz-CMS. `make demo` to try it, `make test` to check it. `make help` lists all.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
# Where `make demo` serves; the demo's Wagtail Site and e-mail links get this address.
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: serve-prod help install demo test test-fast test-fresh-site test-matrix test-sqlite test-postgres test-browser lint format check bench lighthouse messages system-deps serve clean

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,browser,production]"
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its dev tools

demo: $(STAMP) ## Migrate, load the demo network and serve it on http://127.0.0.1:8000
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo_data --url http://$(DEMO_HOST):$(DEMO_PORT)
	@echo ""
	@echo "  Website:  http://$(DEMO_HOST):$(DEMO_PORT)/"
	@echo "  Admin:    http://$(DEMO_HOST):$(DEMO_PORT)/admin/   Benutzer: admin   Passwort: kinderschutz"
	@echo ""
	WAGTAILADMIN_BASE_URL=http://$(DEMO_HOST):$(DEMO_PORT) $(MANAGE) runserver $(DEMO_HOST):$(DEMO_PORT)

serve-prod: $(STAMP) ## Production configuration locally: nginx, gunicorn (APP_SERVERS=2: two), Redis, PostgreSQL, task worker (port 8001)
	bash scripts/serve-prod.sh 8001

serve: $(STAMP) ## Serve the existing database without reloading demo data
	WAGTAILADMIN_BASE_URL=http://$(DEMO_HOST):$(DEMO_PORT) $(MANAGE) runserver $(DEMO_HOST):$(DEMO_PORT)

system-deps: ## Install the Debian packages the tests use (PostgreSQL, Chromium, Java, gettext)
	@bash scripts/system-deps.sh

lint: $(STAMP) ## ruff lint and format check, template indentation (djhtml)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	git ls-files '*.html' | xargs $(BIN)/djhtml --check

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(STAMP) ## Django system checks, missing migrations, stale message catalogues
	DJANGO_SETTINGS_MODULE=kinderschutz_cms.settings.test $(MANAGE) check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=kinderschutz_cms.settings.test $(MANAGE) makemigrations --check --dry-run
	$(BIN)/python scripts/update_messages.py --check

test-sqlite: $(STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: $(STAMP) ## Run the suite (without browser tests) on a throwaway PostgreSQL server
	bash scripts/with-postgres.sh $(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

TIMED := bash scripts/timed.sh
# The suite minus the browser and the many-threads concurrency tests runs on two processes
# (pytest-xdist: each worker has its own SQLite file or PostgreSQL database); the
# concurrency tests run alone afterwards, so that they measure locking, not a busy machine.
NOT_SLOW := not browser and not concurrency

test: ## Everything CI runs: lint, checks, tests on SQLite, PostgreSQL and Wagtail 7.4 (prints times)
	@$(TIMED) "system packages" $(MAKE) --no-print-directory system-deps
	@$(TIMED) "python packages" $(MAKE) --no-print-directory install
	@$(TIMED) "lint" $(MAKE) --no-print-directory lint
	@$(TIMED) "checks" $(MAKE) --no-print-directory check
	@$(TIMED) "npm test tools" sh -c "bash scripts/ensure-vnu.sh >/dev/null"
	@$(TIMED) "suite on SQLite (two processes)" $(BIN)/pytest -m "$(NOT_SLOW)" -n 2 $(PYTEST_ARGS)
	@$(TIMED) "concurrency on SQLite" $(BIN)/pytest -m "concurrency and not browser" $(PYTEST_ARGS)
	@$(TIMED) "browser tests (Chromium)" $(BIN)/pytest -m browser $(PYTEST_ARGS)
	@$(TIMED) "suite on PostgreSQL" bash scripts/with-postgres.sh sh -c '$(BIN)/pytest -m "$(NOT_SLOW)" -n 2 $(PYTEST_ARGS) && $(BIN)/pytest -m "concurrency and not browser" $(PYTEST_ARGS)'
	@$(TIMED) "fresh site from the wheel" bash tests/fresh_site/run.sh
	@$(TIMED) "older combinations (Wagtail 7.4 LTS + Django 5.2)" $(MAKE) --no-print-directory test-matrix

test-matrix: $(STAMP) ## Older supported Wagtail/Django pairs (noxfile.py): suite without browser, fresh site
	$(BIN)/nox --no-color -s oldest $(if $(PYTEST_ARGS),-- $(PYTEST_ARGS))

test-fast: $(STAMP) ## Tests on SQLite without the browser tests
	$(BIN)/pytest -m "not browser" $(PYTEST_ARGS)

test-fresh-site: ## The README's "existing Wagtail site" steps on a wheel and a `wagtail start` site
	@$(TIMED) "fresh site from the wheel" bash tests/fresh_site/run.sh

bench: $(STAMP) ## Run the benchmarks under bench/ and print their figures
	$(BIN)/python bench/run_all.py

lighthouse: $(STAMP) ## Lighthouse 12 (npm ci in tools/lighthouse) on every public page type, production stack
	$(BIN)/python bench/run_all.py lighthouse

messages: $(STAMP) ## Update the English .po files from the German source strings and compile them
	$(BIN)/python scripts/update_messages.py

clean: ## Remove the virtualenv, the demo database and media
	rm -rf $(VENV) .nox db.sqlite3 db.sqlite3-* media static_collected
