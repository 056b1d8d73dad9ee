# Hub Diary's front door. `make demo` runs it; `make test` proves it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PYTEST_WORKERS ?= 2

.PHONY: demo test check bench install assets services stack clean backup restore image scale

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	touch $@

node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/dist/.built: node_modules/.installed scripts/build-assets.mjs $(wildcard assets/*/*)
	npm run --silent build
	touch $@

staticfiles/staticfiles.json: static/dist/.built $(VENV)/.installed
	$(BIN)/python manage.py collectstatic --noinput -v0

install: $(VENV)/.installed node_modules/.installed

assets: staticfiles/staticfiles.json

services:
	@scripts/install-services.sh

demo: install assets
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py load_demo
	LOG_FORMAT=$${LOG_FORMAT:-console} $(BIN)/python manage.py run_demo

test: install assets services
	$(BIN)/lint-imports --no-cache
	scripts/with-services.sh $(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python manage.py makemigrations --check --dry-run -v1

# Benchmarks (bench/README.md): a throwaway PostgreSQL and Redis, national-scale data,
# then search, booking, storm and write-back figures (no Node needed). BENCH_ARGS:
# bench/harness.py options.
.PHONY: bench-small
bench: $(VENV)/.installed services
	bench/services.sh $(BIN)/python -m bench --preset full $(BENCH_ARGS)

bench-small: $(VENV)/.installed services
	bench/services.sh $(BIN)/python -m bench --preset small $(BENCH_ARGS)

# Proof on one machine that it scales out (bench/scale): two web nodes, two Celery workers
# and two beats on one PostgreSQL and Redis; a storm, a worker and a web node killed, the
# beats' duplicates counted; bookings a second through one and two web nodes. SCALE_ARGS:
# bench.scale's options (--short, --output FILE).
scale: $(VENV)/.installed services
	bench/services.sh $(BIN)/python -m bench.scale $(SCALE_ARGS)

# Backups (README, "Running in production"): DATABASE_URL's database to BACKUP_DIR
# (default var/backups); restore with BACKUP=<file>, into TARGET_URL (default DATABASE_URL),
# refusing a database that holds tables unless FORCE=1.
backup:
	ops/backup.sh

restore:
	ops/restore.sh "$(BACKUP)" $(TARGET_URL)

# The container image (Dockerfile; README, "Running in production"); needs Docker.
image:
	docker build -t hub-diary:latest .

# Keeps var/backups: backups are not build output.
clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
	find var -mindepth 1 -maxdepth 1 ! -name backups -exec rm -rf {} + 2>/dev/null || true
