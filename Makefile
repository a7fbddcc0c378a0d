# The README's two commands live here: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test venv migrate demo worker lint messages clean system audit lock

$(BIN)/activate:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is required"'
	$(PYTHON) -m venv $(VENV)

# Reinstall only when a lock file changes. runtime.txt is what production installs; dev.txt adds
# the tests, lint, benchmarks and dependency tools.
$(VENV)/.installed: requirements/runtime.txt requirements/dev.txt | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/runtime.txt -r requirements/dev.txt
	touch $@

venv: $(VENV)/.installed

# Debian packages the platform calls: Chromium (browser journeys), CJK fonts (pages, charts and
# PDFs), LibreOffice (PDF reports) and poppler (PDF text in tests). Installed only when missing.
SYSTEM_PACKAGES = chromium:chromium fonts-noto-cjk:/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc \
	libreoffice-writer-nogui:soffice poppler-utils:pdftotext
system:
	@missing=""; for pair in $(SYSTEM_PACKAGES); do pkg=$${pair%%:*}; probe=$${pair#*:}; \
	  if ! command -v $$probe >/dev/null 2>&1 && [ ! -e $$probe ]; then missing="$$missing $$pkg"; fi; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing$$missing"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "Please install:$$missing (sudo apt-get install$$missing)"; fi; fi

migrate: venv
	mkdir -p var/static
	$(BIN)/python manage.py migrate --noinput

# collectstatic: with DEBUG off, pages name static files by the hashes in its manifest.
demo: migrate
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py rebuild_match_index
	$(BIN)/python manage.py refresh_insights

# Set up, load the demo alliance (idempotent), start a task worker and serve.
run: system demo
	@$(BIN)/python manage.py db_worker --interval 1 >var/worker.log 2>&1 & echo $$! > var/worker.pid
	@trap 'kill $$(cat var/worker.pid) 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT) --noreload

lint: venv
	mkdir -p var/static
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# ruff, migration check and the whole suite, browser journeys included.
test: lint
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# Each app keeps its own catalogue; gongjian/locale holds the shared templates' and lib's strings.
APPS_WITH_LOCALE = $(patsubst gongjian/%/locale,%,$(wildcard gongjian/*/locale))
messages: venv
	set -e; for app in $(APPS_WITH_LOCALE); do (cd gongjian/$$app && ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete >/dev/null); done
	cd gongjian && ../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete $(foreach app,$(APPS_WITH_LOCALE),--ignore='$(app)/*') >/dev/null
	$(BIN)/python manage.py compilemessages --ignore=.venv >/dev/null

# pip-audit against the pinned requirements (SECURITY.md item 14). It fails, saying so, when the
# vulnerability database could not be asked about every package: it never reports a check it did not make.
audit: venv
	$(BIN)/python deploy/vulnerabilities.py requirements/runtime.txt requirements/dev.txt

clean:
	rm -rf $(VENV) var

# Pin requirements/*.txt from the direct dependencies in requirements/*.in with pip-tools.
# Existing pins are kept; `make lock LOCK_ARGS=--upgrade` (or --upgrade-package NAME) moves them.
LOCK_ARGS ?=
lock: venv
	cd requirements && export CUSTOM_COMPILE_COMMAND="make lock" && \
	../$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url $(LOCK_ARGS) --output-file runtime.txt runtime.in && \
	../$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url $(LOCK_ARGS) --output-file dev.txt dev.in
