# Two commands on a fresh machine with Python >= 3.11 and make:
#   make run   create .venv, install, build everything into dist/, then serve the site on localhost
#   make test  create .venv, install with the test extras, run every check and test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test build validate fmt bench bench-scale clean

$(VENV)/.installed-run: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("policykg needs Python >= 3.11, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed-run
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# The Node.js clients tests/test_clients.py runs (Comunica), as tests/clients/package-lock.json pins them.
# Without npm their tests skip, except in CI (CI=true), where they fail.
CLIENTS := tests/clients
$(CLIENTS)/node_modules/.installed: $(CLIENTS)/package.json $(CLIENTS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		echo "npm ci --prefix $(CLIENTS) --no-audit --no-fund"; \
		npm ci --prefix $(CLIENTS) --no-audit --no-fund && touch $@; \
	else \
		echo "npm is not installed: the Comunica tests in tests/test_clients.py will skip (in CI they fail)."; \
		echo "Install Node.js 20 and npm (Debian: apt-get install nodejs npm), then run make test again."; \
	fi

run: $(VENV)/.installed-run
	$(BIN)/policykg build
	@echo
	@echo "The graph is in dist/: policykg.ttl, policykg.nt, policykg.jsonld (context.jsonld), summary.json;"
	@echo "the overlap and dependency report in dist/analysis/; the views: open dist/views/index.html in a browser."
	@echo "Serving it now: point a browser at http://127.0.0.1:8000/ (the SPARQL endpoint is /sparql). Ctrl-C stops."
	$(BIN)/policykg serve --port 8000

test: $(VENV)/.installed-test $(CLIENTS)/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/policykg fmt --check
	$(BIN)/python -m pytest -n 2 --dist loadfile

build validate: $(VENV)/.installed-run
	$(BIN)/policykg $@

fmt: $(VENV)/.installed-test
	$(BIN)/policykg fmt
	$(BIN)/ruff format .

bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench_build.py
	$(BIN)/python bench/bench_queries.py
	$(BIN)/python bench/bench_views.py
	$(BIN)/python bench/bench_site.py
	$(BIN)/python bench/bench_curate.py

clean:
	rm -rf dist .pytest_cache

bench-scale: $(VENV)/.installed-test
	$(BIN)/python bench/bench_scale.py
