# Entraide — the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
TEST_PG_URL ?= postgres://postgres:postgres@127.0.0.1:5432/entraide_test

.PHONY: run demo lock test test-sqlite test-postgres lint migrations bench clean services

LOCK := requirements.lock

# Exactly the locked versions, each checked against its hash; then the node itself.
$(STAMP): pyproject.toml $(LOCK)
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

## After changing the dependencies in pyproject.toml: pin them again, with hashes (pip-tools).
lock:
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --extra test --strip-extras \
		--no-emit-index-url --no-emit-find-links --output-file $(LOCK) pyproject.toml

## Run a node on SQLite at http://127.0.0.1:$(PORT) (8000 by default; demo data when the database is empty).
run: $(STAMP)
	$(BIN)/entraide migrate
	$(BIN)/entraide demo --if-empty
	$(BIN)/entraide serve --host 127.0.0.1 --port $(PORT)

## Three federated demo nodes (Paris, Lyon, Petits frères des pauvres) on ports 8000-8002.
demo: $(STAMP)
	$(BIN)/entraide demo --nodes 3 --port $(PORT)

## Lint, type-check, then the whole suite on SQLite and the database tests on PostgreSQL.
# The two passes share nothing (temporary SQLite files on one side, their own PostgreSQL
# databases on the other), so they run side by side, one per core; each prints its output
# when it ends.
test: $(STAMP) services lint
	$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

services:
	bash deploy/dev/test-services.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# axe-core for the accessibility checks of the browser tests (tests/web/package-lock.json).
AXE_STAMP := tests/web/node_modules/.installed
$(AXE_STAMP): tests/web/package.json tests/web/package-lock.json
	npm ci --prefix tests/web --no-audit --no-fund --silent
	touch $(AXE_STAMP)

# Two pytest workers (pytest-xdist), a test file each at a time: this pass is the longer one,
# and once the PostgreSQL pass ends it has both cores to itself.
test-sqlite: $(STAMP) $(AXE_STAMP)
	$(BIN)/pytest -q -p no:cacheprovider -n 2 --dist loadfile

# These command-line tests drive the CLI in-process against their own SQLite node whatever the
# test database (they run in test-sqlite); opened in this process, that SQLite node would leave
# its query dialect (and Tortoise's cached UPDATE statements) on the models that the PostgreSQL
# tests after it use.
CLI_OWN_SQLITE := committee/test_cli.py committee/test_cli_partnerships.py \
	committee/test_cli_scopes.py test_cli_rules.py
test-postgres: $(STAMP)
	ENTRAIDE_TEST_DATABASE_URL=$(TEST_PG_URL) $(BIN)/pytest -q -p no:cacheprovider tests/node \
		$(addprefix --ignore=tests/node/,$(CLI_OWN_SQLITE))

## Regenerate migrations after a model change (Tortoise's own migration tool).
migrations: $(STAMP)
	$(BIN)/tortoise -c node.db.TORTOISE_ORM makemigrations

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
