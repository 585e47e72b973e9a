# KVPT Planner: two commands for a fresh machine, `make app` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PROJECT ?= var/demo.gpkg

.PHONY: app test lint venv chromium postgis postgis-stop qgis demo bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

# Debian's chromium for the real-browser tests (Playwright cannot download browsers here),
# and poppler's pdftoppm/pdftotext, with which the tests read back the printed PDFs.
chromium:
	@test -x /usr/bin/chromium -a -x /usr/bin/pdftoppm || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; }

# A throwaway PostgreSQL + PostGIS server on 127.0.0.1 for the tests of the PostGIS store
# (tests/pg_support.py reads its URL from KVPT_TEST_PG). Debian's packages are installed when
# missing; the cluster lives in $(PGDIR), owned by `postgres` (the server refuses to run as
# root), trusts local connections only, and is reused while it runs (restarted cleanly
# otherwise). Stop it with `make postgis-stop`.
PGDIR  ?= /tmp/kvpt-pg
PGBIN  ?= /usr/lib/postgresql/15/bin
PGDB   ?= kvpt_test
PGAS   := $(if $(filter 0,$(shell id -u)),runuser -u postgres --,)

postgis:
	@test -x $(PGBIN)/postgres -a -e /usr/share/postgresql/15/extension/postgis.control || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15-postgis-3 >/dev/null; }
	@if ! $(PGAS) $(PGBIN)/pg_ctl status -D $(PGDIR)/data >/dev/null 2>&1; then \
	  rm -rf $(PGDIR) && mkdir -p $(PGDIR) && { test -z "$(PGAS)" || chown postgres $(PGDIR); } && \
	  $(PGAS) $(PGBIN)/initdb -D $(PGDIR)/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >$(PGDIR)/initdb.log && \
	  port=$$($(PYTHON) -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])') && \
	  $(PGAS) $(PGBIN)/pg_ctl start -w -D $(PGDIR)/data -l $(PGDIR)/server.log \
	    -o "-c listen_addresses=127.0.0.1 -p $$port -k $(PGDIR) -c max_connections=60" >/dev/null && \
	  $(PGBIN)/createdb -h 127.0.0.1 -p $$port -U postgres $(PGDB) && \
	  $(PGBIN)/psql -q -h 127.0.0.1 -p $$port -U postgres -d $(PGDB) -c 'CREATE EXTENSION postgis' && \
	  echo "postgresql://postgres@127.0.0.1:$$port/$(PGDB)" >$(PGDIR)/url; \
	fi
	@echo "PostGIS for the tests: $$(cat $(PGDIR)/url)"

postgis-stop:
	-$(PGAS) $(PGBIN)/pg_ctl stop -D $(PGDIR)/data -m fast

# Debian's QGIS 3.22 (Python bindings and the OGR/GeoPackage providers) for the tests that
# open `kvpt qgis` projects in real QGIS, headless (tests/test_qgis_open.py runs Debian's
# /usr/bin/python3, whose bindings these are). Installed only when `import qgis.core` fails.
qgis:
	@/usr/bin/python3 -c 'import qgis.core' 2>/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-qgis qgis-providers >/dev/null; }

$(PROJECT): $(STAMP)
	mkdir -p $(dir $(PROJECT))
	$(VENV)/bin/kvpt demo $(PROJECT)

demo: $(PROJECT)

app: $(STAMP) $(PROJECT)
	KVPT_PROJECT=$(PROJECT) $(VENV)/bin/streamlit run serve.py  # app.py, started warm

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) chromium postgis qgis
	$(VENV)/bin/ruff check .
	KVPT_TEST_PG="$$(cat $(PGDIR)/url)" $(VENV)/bin/pytest -q -n auto --maxprocesses 4

# Speed goals: ratios against named peers measured in the same run (see bench/README.md).
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	@status=0; $(PY) bench/run.py || status=1; $(PY) bench/pages.py || status=1; \
	  $(PY) bench/bigmap.py || status=1; exit $$status

clean:
	rm -rf $(VENV) var .pytest_cache
