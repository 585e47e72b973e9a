# KVPT Planner: two commands for a fresh machine, `make app` and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PROJECT ?= var/demo.gpkg

.PHONY: app test lint venv chromium demo bench clean

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

$(PROJECT): $(STAMP)
	mkdir -p $(dir $(PROJECT))
	$(VENV)/bin/kvpt demo $(PROJECT)

demo: $(PROJECT)

app: $(STAMP) $(PROJECT)
	KVPT_PROJECT=$(PROJECT) $(VENV)/bin/streamlit run app.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

test: $(STAMP) chromium
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

# Speed goals: ratios against named peers measured in the same run (see bench/README.md).
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) bench/run.py
	$(PY) bench/pages.py

clean:
	rm -rf $(VENV) var .pytest_cache
