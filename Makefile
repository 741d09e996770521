# Two commands: `make run` (whole product with a live demo) and `make test` (every test).
# Both bootstrap themselves on a fresh machine: venv, pinned pip packages, npm packages, and for
# tests the Debian packages (chromium, ffmpeg).

SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
APT_STAMP := var/.apt-installed

.PHONY: run test bootstrap system-deps lint bench clean

run: bootstrap
	$(PY) -m server.demo

# Two parts: most tests on two workers (each with its own Redis), then the tests about time or load alone
# (tests/conftest.py SERIAL). Exit code 5 is "none of the selected tests in this part" (PYTEST_ARGS naming one file).
test: bootstrap system-deps
	$(PY) -m pytest -q -p no:cacheprovider -n 2 -m "not serial" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(PY) -m pytest -q -p no:cacheprovider -m serial $(PYTEST_ARGS) || [ $$? -eq 5 ]

bootstrap: $(PIP_STAMP) $(NPM_STAMP)

$(PIP_STAMP): requirements.txt requirements-camera.txt requirements-dev.txt $(wildcard requirements-nodeps.txt)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt -r requirements-camera.txt -r requirements-dev.txt
	@if [ -f requirements-nodeps.txt ]; then $(PY) -m pip install -q --no-deps -r requirements-nodeps.txt; fi
	@touch $@

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# Browser tests need Debian's Chromium (never `playwright install`); stream tests need ffmpeg; scale-out tests nginx;
# the unit-file tests systemd-analyze (package systemd).
system-deps: $(APT_STAMP)

$(APT_STAMP):
	@mkdir -p var
	@if command -v chromium >/dev/null && command -v ffmpeg >/dev/null && command -v systemd-analyze >/dev/null && test -x /usr/sbin/nginx && test -d /usr/share/fonts/truetype/wqy; then touch $@; \
	elif [ "$$(id -u)" = "0" ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ffmpeg nginx-light fonts-wqy-zenhei systemd >/dev/null && touch $@; \
	else echo "note: chromium/ffmpeg/nginx missing and not root: browser and stream tests will skip"; fi

lint: bootstrap
	$(VENV)/bin/ruff check core server camera tests bench

bench: bootstrap
	$(PY) bench/ingest.py
	$(PY) bench/staffing.py
	$(PY) bench/camera.py

clean:
	rm -rf $(VENV) node_modules var/.apt-installed
