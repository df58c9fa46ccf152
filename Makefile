# The two commands: `make run` and `make test`. Everything else here serves them.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app tracker
PORT ?= 5000

.PHONY: run test lint install bench bench-parts soak crash servers-bench clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(FLASK) migrate
	$(FLASK) demo
	@echo
	@echo "  Tracker: http://127.0.0.1:$(PORT)/   (Ctrl-C stops it)"
	@echo "  The scheduler (reminders, emails) runs beside it; its log: data/scheduler.log"
	@echo
	@mkdir -p data
	@touch data/scheduler.log && chmod 600 data/scheduler.log  # readable by its owner only, as the database and key are
	export TRACKER_BASE_URL=$${TRACKER_BASE_URL:-http://127.0.0.1:$(PORT)}; \
	$(FLASK) scheduler >> data/scheduler.log 2>&1 & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT; \
	$(VENV)/bin/gunicorn --workers 2 --bind 127.0.0.1:$(PORT) --timeout 120 --control-socket data/gunicorn.ctl \
	  "tracker:create_app()"  # the app logs each request; its control socket its own (gunicorn 27 shares ~/.gunicorn)

test: $(VENV)/.installed-test
	bash .ci/test-all

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check tracker tests bench

# Every page at scales 0.1, 1 and 10 on SQLite and PostgreSQL (a throwaway cluster as root, or BENCH_POSTGRES_URL):
# bench/results/scale-*.md. BENCH_ARGS narrows it, e.g. BENCH_ARGS="--scales 1 --databases sqlite".
bench: $(VENV)/.installed-test
	bash bench/run $(BENCH_ARGS)

bench-parts: $(VENV)/.installed-test
	$(PY) bench/pages.py
	$(PY) bench/reminders.py
	$(PY) bench/dashboards.py

soak: $(VENV)/.installed-test
	$(PY) bench/soak.py

# kill -9 the server while people save, ROUNDS times; CRASH_DATABASE_URL=postgresql://... runs it on PostgreSQL
crash: $(VENV)/.installed-test
	$(PY) bench/crash.py --rounds $${ROUNDS:-50}

# nginx in front of two app servers (deploy/local), one stopped gracefully and one killed while 8 people work:
# as root a throwaway PostgreSQL, or SERVERS_DATABASE_URL=postgresql://... (a database of its own is made there)
servers-bench: $(VENV)/.installed-test
	$(PY) bench/servers.py --seconds $${SECONDS_RUN:-30} --clients $${CLIENTS:-8}

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
