# fiscal_eval developer tasks. Needs only python3 (with venv) and make.
#   make demo   samples + a synthetic corpus -> store -> every report as offline HTML
#               (prints the path of reports_out/index.html; about a minute)
#   make test   install/check the Debian packages the tests use (scripts/ensure-system-deps.sh
#               says which), then ruff, pyright and the test suite in parallel (a few minutes)
#   make test-fast   the same without the slow tests (notebooks, browser)
#   make lint   ruff and pyright only
#   make venv   create .venv and install fiscal_eval (editable, with the dev extra)
#   make bench  measure parse/ingest/metrics speed and memory (prints JSON; minutes)
#   make bench-national  the same at a national corpus's size (1M reports; hours)
#   make bench-national-ingest  only the 1M-file ingest and its 1 % re-ingest: time and peak memory (about an hour)
#   make clean  remove .venv, build output and caches

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: venv demo test test-fast lint system-deps bench bench-national bench-national-ingest clean

venv: $(VENV)/.installed

# NOTE: the stamp makes `make venv` a no-op until pyproject.toml changes; then it
# reinstalls into the existing venv (delete .venv, or `make clean`, to start afresh).
# fiscal_eval/__init__.py is a prerequisite too (when it exists): an editable install
# made while fiscal_eval was a namespace package does not see an __init__.py added later.
$(VENV)/.installed: pyproject.toml $(wildcard fiscal_eval/__init__.py)
	@# pip, not python: a venv made without ensurepip (Debian's python3 lacking python3-venv)
	@# has a python and no pip; start it again.
	test -x $(BIN)/pip || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# The demo corpus: the five samples plus DEMO_AGENCIES invented agencies × DEMO_YEARS years
# (every synthetic page says 合成数据 SYNTHETIC). Only data/synthetic/reports is ingested:
# truth.jsonl beside it is the generator's answer key, not a report.
DEMO_AGENCIES ?= 12
DEMO_YEARS    ?= 3

# A second synthetic corpus, of earlier years, is rendered in the formats agencies publish
# in (Word, the MoF form as Excel, .xls where LibreOffice is installed, a zip, a compilation
# of many reports in one Word file, PDF with a text layer, and scanned PDF read by OCR):
# only its rendered files are ingested.
demo: venv
	$(BIN)/fiscal-eval synth --agencies $(DEMO_AGENCIES) --years $(DEMO_YEARS) --seed 0 --out data/synthetic
	$(BIN)/fiscal-eval synth --agencies 8 --years 3 --first-year 2016 --seed 1 --out data/synthetic-formats \
		--formats docx,xlsx,xls,zip,compilation,pdf,scan.pdf --per-format 3
	$(BIN)/fiscal-eval ingest data/samples data/synthetic/reports data/synthetic-formats/formats --store data/store
	@$(BIN)/fiscal-eval batch --store data/store --out reports_out; rc=$$?; \
	echo "Reports: $(CURDIR)/reports_out/index.html"; exit $$rc

# chromium, fonts-wqy-microhei (and python3-venv where needed): installed when missing and
# apt is usable, else the script says why and the run goes on.
system-deps:
	@scripts/ensure-system-deps.sh

lint: venv
	$(BIN)/ruff check fiscal_eval tests notebooks
	$(BIN)/pyright --pythonpath $(BIN)/python

# Tests run in parallel (pytest-xdist, one worker a core); --dist loadfile keeps a test
# file on one worker, so a module's expensive fixture (a corpus, a store) is built once.
PYTEST = $(BIN)/python -m pytest -q -n auto --dist loadfile

# pytest exits 5 when it collected no tests: a run that tested nothing is a failure.
# system-deps first: the venv needs python3-venv on a bare Debian.
test: system-deps venv lint
	@$(PYTEST); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests (exit 5); a run that tests nothing fails" >&2; fi; \
	exit $$rc

test-fast: venv lint
	@$(PYTEST) -m "not slow"; rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests (exit 5); a run that tests nothing fails" >&2; fi; \
	exit $$rc

# The full-size run: 2,000 reports for speed, 100,000 for peak memory (5 to 10 minutes).
bench: venv
	$(BIN)/fiscal-eval bench --json --reports 2000 --rss-reports 100000

# A national corpus (fiscal_eval/bench/national.py): batch_scaling 1,000 -> 100,000 reports,
# the corpus metrics of a 1 % re-ingest and of a full recompute over 1,000,000 reports,
# and an ingest of 1,000,000 files (peak memory, time). Hours on 2 cores; sizes as
# NATIONAL="100000 1000000 1000000" (large store, metrics reports, ingest files; 0 skips).
NATIONAL ?= 100000 1000000 1000000
bench-national: venv
	$(BIN)/python -m fiscal_eval.bench.national $(NATIONAL)

# The 1,000,000-file ingest alone (time, peak memory of all its processes; about an hour
# here, with 5 GB of synthetic files written once under NATIONAL_DIR and reused).
NATIONAL_DIR ?= /tmp/fiscal_eval_national
bench-national-ingest: venv
	$(BIN)/python -m fiscal_eval.bench.national 0 0 1000000 $(NATIONAL_DIR)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .hypothesis fiscal_eval/render/notebooks
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
