# Portail Famille: `make demo` serves the demo municipality, `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint bench rush scan setup migrate clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

setup: $(VENV)/.installed

migrate: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable

demo: migrate
	$(MANAGE) load_demo
	$(MANAGE) register_schedules
	@echo "Portail servi sur http://$(HOST):$(PORT) (Ctrl+C pour arrêter ; e-mails dans var/mail/)"
	@trap 'kill 0' INT TERM EXIT; \
	$(MANAGE) qcluster & \
	$(MANAGE) runserver $(HOST):$(PORT)

# The suite on every core (PYTEST_WORKERS=0: in this process), keeping the migrated test database between runs
# (--create-db builds it again), then the 20 slowest steps.
PYTEST_WORKERS ?= auto

test: setup
	$(MANAGE) makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS) --reuse-db --durations=20 $(PYTEST_ARGS)

# ruff, then the import contracts of .importlinter: dependencies point down DESIGN.md's layers.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: setup
	$(PY) bench/run.py

# The rush hour (bench/rush.py): 1,000 parents book one summer-camp week at its opening, on PostgreSQL (database
# «rush»), Redis (database 5), two gunicorn servers and the task cluster, loaded by locust (requirements-bench.txt).
# Not in CI: a benchmark of about five minutes. RUSH_PARENTS=100 RUSH_LOGIN_SECONDS=20 ... for a short one.
rush: setup
	$(VENV)/bin/pip install --quiet -r requirements-bench.txt
	$(PY) bench/rush.py

# The wapiti web scanner (apt-get install -y wapiti) against the demo served on loopback; reports in var/scan/.
scan: setup
	$(PY) scripts/scan.py

clean:
	rm -rf var/ $(VENV)
