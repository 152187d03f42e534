# The two commands a newcomer needs: `make run` and `make test`. See README.md.
VENV      := .venv
PY        := $(VENV)/bin/python
MANAGE    := $(PY) manage.py
HOST      ?= 127.0.0.1
PORT      ?= 8000
# The national-scale data set of the dashboards' benchmark (`make national-data` fills it).
NATIONAL_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kiemtra_national

.PHONY: run serve test bench bench-load topology national-data worker beat venv migrate demo messages lint check clean

# The developer tools (devtools/: demo data, bench, national generator) are installed by the
# settings only where DEBUG is on or DJANGO_DEVTOOLS=1: these targets need them whatever
# DJANGO_DEBUG says (load_demo still refuses to run when DJANGO_DEBUG=0).
demo run test bench national-data: export DJANGO_DEVTOOLS = 1

$(VENV)/.installed: requirements.txt scripts/find-python
	@python=$$(scripts/find-python) || exit 1; \
	if [ ! -x $(PY) ]; then echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV)/.installed

locale/vi/LC_MESSAGES/django.mo: locale/vi/LC_MESSAGES/django.po $(VENV)/.installed
	$(MANAGE) compilemessages --ignore=$(VENV) -v 0

messages: $(VENV)/.installed
	$(MANAGE) makemessages -l vi -l en --ignore=$(VENV) --ignore=var --no-obsolete
	$(MANAGE) makemessages -d djangojs -l vi -l en --ignore=$(VENV) --ignore=var --ignore=static/vendor --no-obsolete

migrate: $(VENV)/.installed locale/vi/LC_MESSAGES/django.mo
	@mkdir -p var
	$(MANAGE) migrate --no-input -v 0

demo: migrate
	$(MANAGE) load_demo

# runserver and, beside it, a real Celery worker (with the periodic tasks) on kombu's filesystem
# transport under var/broker/ (DJANGO_TASKS=files): reports and imports show their progress as
# with Redis, and no service is needed. With REDIS_URL set, both use Redis. Ctrl-C stops both.
run: demo
	$(MANAGE) collectstatic --no-input -v 0
	$(MANAGE) demo_accounts
	@mkdir -p var
	@export DJANGO_TASKS=files; \
	$(VENV)/bin/celery -A config worker -B --loglevel=INFO --concurrency=2 --max-tasks-per-child=100 \
		--schedule=var/celerybeat-schedule --logfile=var/worker.log & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	echo "Celery worker started (log: var/worker.log)"; \
	$(MANAGE) runserver $(HOST):$(PORT)

# The production stack on this machine, for trying it (DEBUG off, gunicorn, a worker and beat on a
# private Redis, plain HTTP on the loopback): deploy/serve. Installing it for real: docs/DEPLOY.md.
serve: demo
	deploy/serve

# A Celery worker on Redis (REDIS_URL). Without REDIS_URL, `make run` starts its own worker on
# files (DJANGO_TASKS=files); other commands run tasks in-process.
# A worker child is replaced after 100 tasks (document libraries hold on to memory).
worker: migrate
	@if [ -z "$$REDIS_URL" ]; then echo "REDIS_URL is not set: tasks run in-process (embedded default), no worker is needed."; exit 0; fi
	$(VENV)/bin/celery -A config worker --loglevel=INFO --concurrency=2 --max-tasks-per-child=100

# The periodic tasks of CELERY_BEAT_SCHEDULE; without REDIS_URL beat runs them itself, in-process.
beat: migrate
	@mkdir -p var
	$(VENV)/bin/celery -A config beat --loglevel=INFO --schedule=var/celerybeat-schedule

# The Debian packages the tests need (Chromium, fonts, poppler, nginx, Redis) are installed first
# when missing (scripts/system-packages).
test: $(VENV)/.installed locale/vi/LC_MESSAGES/django.mo
	scripts/system-packages
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Every part runs and writes its figures; the target fails at the end if any part was over budget.
# bench_light: the checklist on an emulated slow-3G phone (Chromium), first and later visit.
bench: $(VENV)/.installed locale/vi/LC_MESSAGES/django.mo
	@status=0; \
	$(MANAGE) bench --output docs/PERFORMANCE.md --max-growth 1.3 $(BENCH_ARGS) || status=1; \
	$(MANAGE) bench_light --output docs/PERFORMANCE.md || status=1; \
	$(MANAGE) bench_reports $(BENCH_REPORTS_ARGS) || status=1; \
	DATABASE_URL=$(NATIONAL_DATABASE_URL) $(MANAGE) bench --national --output docs/PERFORMANCE.md || status=1; \
	exit $$status

# Capacity of one web node (2 gunicorn workers) behind nginx: inspectors autosaving and opening
# the checklist, stepped up until p95 passes 500 ms or errors appear (loopback only, ~3 minutes).
# Appends its section to docs/PERFORMANCE.md.
bench-load: $(VENV)/.installed locale/vi/LC_MESSAGES/django.mo
	$(PY) deploy/topology/load.py --output docs/PERFORMANCE.md $(BENCH_LOAD_ARGS)

# nginx, two web nodes, two workers, beat, Redis and moto on the loopback; a journey that survives
# kill -9 of a node and a worker (as CI runs it).
topology: $(VENV)/.installed locale/vi/LC_MESSAGES/django.mo
	deploy/topology/run

# 34 provinces, 3 321 communes, 10 000 visits, 1 200 000 answers, 100 000 findings (a few minutes).
national-data: $(VENV)/.installed
	createdb --maintenance-db=$(dir $(NATIONAL_DATABASE_URL))postgres $(notdir $(NATIONAL_DATABASE_URL))
	DATABASE_URL=$(NATIONAL_DATABASE_URL) $(MANAGE) migrate --no-input -v 0
	DATABASE_URL=$(NATIONAL_DATABASE_URL) $(MANAGE) generate_national --scale 1.0

# ruff (lint and format check) and djLint on the templates, as pre-commit and CI run them.
lint: $(VENV)/.installed
	$(VENV)/bin/pre-commit run --all-files

check: $(VENV)/.installed
	$(MANAGE) makemigrations --check --dry-run

# Backups: `make backup` writes var/backups/kiemtra-YYYYmmdd-HHMMSS.tar.gz (the database and the
# media folder, with a manifest of SHA-256 hashes); `make restore FILE=...` restores one into an
# EMPTY database and media folder, then checks the hashes and the row counts. See README.md.
.PHONY: backup restore
backup: $(VENV)/.installed
	$(MANAGE) backup

restore: $(VENV)/.installed
	@if [ -z "$(FILE)" ]; then echo "Usage: make restore FILE=var/backups/kiemtra-YYYYmmdd-HHMMSS.tar.gz" >&2; exit 2; fi
	$(MANAGE) restore "$(FILE)"

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache
