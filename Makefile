# Two entry points (see README): `make site` builds the site from data/, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: site demo test setup lint golden serve clean bench bench-peers-setup bench-search bench-import

$(STAMP): requirements.lock pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	npm ci --no-audit --no-fund --loglevel=error  # tablesort, axe-core: copied into the site at build time
	touch $(STAMP)

setup: $(STAMP)

site: $(STAMP)
	$(PY) -m site_builder validate --quiet
	$(PY) -m site_builder build

demo: $(STAMP)  ## the fictional demo organisation of examples/data (two years, quarterly progress) → site-demo/
	$(PY) -m site_builder validate --quiet --data examples/data
	$(PY) -m site_builder build --data examples/data --site-dir site-demo --build-dir build/demo

test: $(STAMP)
	$(PY) -m ruff check site_builder tests
	$(PY) -m mypy site_builder
	$(PY) -m pytest -q

golden: $(STAMP)  ## rewrite the golden Markdown files after an intended change
	UPDATE_GOLDEN=1 $(PY) -m pytest -q tests/test_golden.py

serve: $(STAMP)
	$(PY) -m site_builder serve

SIZES ?= 100,1000,10000
PEERS ?= all
PEERS_VENV ?= .venv-peers

bench: $(STAMP)  ## build benchmark: synthetic portals of 100, 1,000, 10,000 projects (make bench SIZES=100,1000 for fewer); Hugo and Zensical on the same Markdown where installed (make bench-peers-setup; PEERS=none: without)
	$(PY) benchmarks/run.py --sizes $(SIZES) --peers $(PEERS) --zensical $(PEERS_VENV)/bin/zensical

bench-peers-setup:  ## Zensical into its own venv (never the project's: its Markdown stack differs); Hugo is Debian's: apt-get install hugo
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check zensical
	$(PEERS_VENV)/bin/zensical --version
	@command -v hugo >/dev/null && hugo version || echo "hugo is not installed: apt-get install hugo (its column says so until then)"

bench-search: $(STAMP)  ## search index size and query latency on a synthetic 10,000-project portal
	$(PY) benchmarks/search.py

bench-import: $(STAMP)  ## importer: seconds, text kept, share structured and structure facts held per document
	$(PY) benchmarks/importer.py

clean:
	rm -rf build site site-demo
