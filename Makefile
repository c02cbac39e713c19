# Dalil: `make run` starts everything, `make test` runs every test. Both set up what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3.10 || command -v python3)
VENV := .venv
RASA_VENV := .venv-rasa
BIN := $(VENV)/bin
STAMPS := var/stamps
export RASA_TELEMETRY_ENABLED := false
export PIP_DISABLE_PIP_VERSION_CHECK := 1

PO_FILES := $(wildcard dalil/locales/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)
CONTENT := $(shell find knowledge/content -type f -name '*.yml' 2>/dev/null)

.PHONY: help setup run test test-fast test-reliability train eval bench lint format i18n kb browser clean lock wheel

help: ## List the commands
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(STAMPS)/python-ok:
	@mkdir -p $(STAMPS)
	@$(PYTHON) scripts/check_python.py
	@touch $@

# Exact versions (with hashes) from the lock, then Dalil itself without resolving anything again;
# `pip check` stops here when pyproject.toml asks for something the lock lacks (run `make lock`).
$(VENV)/.installed: requirements-dev.lock pyproject.toml setup.py $(STAMPS)/python-ok
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.lock
	$(BIN)/pip install -q --no-deps --no-build-isolation -e .
	$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "run make lock"; exit 1; }
	@touch $@

$(RASA_VENV)/.installed: bot/requirements.lock $(STAMPS)/python-ok
	$(PYTHON) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --upgrade pip
	# Rasa 3.6 declares Python <3.11; the fully pinned lock makes it work on 3.11 (see docs/rasa.md).
	$(RASA_VENV)/bin/pip install -q --no-deps --ignore-requires-python -r bot/requirements.lock
	@touch $@

dalil/locales/%/LC_MESSAGES/messages.mo: dalil/locales/%/LC_MESSAGES/messages.po $(VENV)/.installed
	$(BIN)/pybabel compile -d dalil/locales -D messages -l $* -i $< -o $@ >/dev/null

# Merges the YAML into the database: never reverts a correction published in the admin pages.
# A field changed both live and in the YAML stops here with the conflicts listed (exit 2):
# decide with `dalil kb import --prefer-file` or `--prefer-live` (docs/knowledge.md).
$(STAMPS)/kb: $(CONTENT) $(VENV)/.installed
	$(BIN)/dalil kb import
	@touch $@

# The emergency numbers for when the database is down, generated from the content (never committed).
var/emergency-fallback.json: knowledge/content/emergency.yml $(VENV)/.installed
	$(BIN)/dalil kb fallback

setup: $(VENV)/.installed $(RASA_VENV)/.installed $(MO_FILES) $(STAMPS)/kb var/emergency-fallback.json ## Create what is missing (venvs, catalogs, knowledge base, emergency fallback)

kb: $(STAMPS)/kb ## Merge knowledge/content into the knowledge base (live edits are kept)

i18n: $(VENV)/.installed ## Extract, update and compile the gettext catalogs
	$(BIN)/python -m dalil.i18n_workflow

train: $(RASA_VENV)/.installed $(VENV)/.installed ## Train the Rasa model when data or config changed
	$(BIN)/python bot/scripts/train.py

# Random local secrets, made once and never committed (var/ is ignored): the gateway refuses to
# start without them outside DALIL_ENVIRONMENT=development, and known keys would make the
# pseudonyms of phone numbers reversible.
var/local.env:
	@mkdir -p var
	@umask 077 && { echo "DALIL_ENVIRONMENT=development"; \
	  echo "DALIL_PSEUDONYM_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(32))')"; \
	  echo "DALIL_RASA_TOKEN=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(32))')"; \
	  echo "DALIL_SESSION_SECRET=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(32))')"; \
	} > $@
	@echo "Wrote random local secrets to $@"

run: setup train var/local.env ## Start Rasa, the action server and the gateway (web chat at http://localhost:8000/)
	$(BIN)/honcho start -f Procfile -e var/local.env

browser: $(VENV)/.installed
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || echo "chromium could not be installed: browser tests will be skipped"; }

test: setup train browser ## Run every test
	$(BIN)/pytest -q -p no:cacheprovider

test-fast: setup ## Run the tests that need neither a trained model nor a browser
	$(BIN)/pytest -q -m "not e2e and not browser"

test-reliability: setup train ## Run the slow reliability and scale tests (about 10 minutes)
	$(BIN)/pytest -q -p no:cacheprovider tests/reliability tests/scale

eval: $(RASA_VENV)/.installed $(VENV)/.installed ## Train on the training data, evaluate on the held-out, blind and independent sets
	$(BIN)/python bot/scripts/eval.py

bench: setup train ## Reproduce docs/benchmarks.md
	$(BIN)/python -m bench

lint: $(VENV)/.installed ## ruff check, ruff format --check and mypy: fails on any finding
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(VENV)/.installed ## Format the tree and apply ruff's safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The application environment's locks: requirements.lock (what the app needs: deploy/Dockerfile)
# and requirements-dev.lock (that, plus the dev and run extras: make setup), for Python 3.10 and
# 3.11 on any platform, with hashes. Existing pins are kept unless pyproject.toml needs otherwise;
# `make lock LOCK_ARGS=--upgrade` moves every pin to the newest allowed version.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.10 --generate-hashes \
	--custom-compile-command "make lock" --quiet $(LOCK_ARGS)
# Not a prerequisite on the venv: after a dependency was added, the venv cannot be made (its
# `pip check` asks for this target), but uv is already in it.
lock: ## Recompile requirements.lock and requirements-dev.lock from pyproject.toml
	@test -x $(BIN)/uv || $(MAKE) $(VENV)/.installed
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -c requirements.lock -o requirements-dev.lock

# An sdist, then a wheel built from it (so the sdist is complete): the wheel carries the compiled
# catalogs (setup.py), the migrations and knowledge/alembic.ini; tests/packaging installs it.
DIST ?= dist
wheel: $(VENV)/.installed ## Build the sdist and the self-contained wheel into dist/
	$(BIN)/python -m build --no-isolation --outdir $(DIST) . >/dev/null
	@ls $(DIST)/dalil-*

clean: ## Remove generated files (keeps the venvs)
	rm -rf var bot/models bot/results .pytest_cache .mypy_cache .ruff_cache dist build
	find dalil/locales -name '*.mo' -delete
