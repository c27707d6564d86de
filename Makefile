# The two commands a new user needs: `make run` and `make test`.
# Each one bootstraps its own tools: a pinned uv in .tools/, the project in .venv/ from uv.lock.

PYTHON ?= python3
UV_VERSION := 0.13.8
UV := .tools/bin/uv
export UV_PROJECT_ENVIRONMENT := .venv
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test lint format schema seed bench bench-scale bench-engines bench-incremental soak install install-dev \
	ferretdb screenshots extract-eval mutants planted


$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

# FerretDB 1.24 (SQLite) as a real MongoDB-protocol server for the tests: our own small main over its
# embeddable package (tests/ferretdb/). Pure Go (modernc SQLite), so no C compiler; PostgreSQL support is
# left out. Rebuilt only when its sources change; the first build takes about a minute.
FERRETDB := .tools/ferretdb
FERRETDB_SOURCES := tests/ferretdb/go.mod tests/ferretdb/go.sum $(wildcard tests/ferretdb/*.go)

$(FERRETDB): $(FERRETDB_SOURCES)
	mkdir -p .tools
	cd tests/ferretdb && CGO_ENABLED=0 go build -trimpath -buildvcs=false \
		-tags ferretdb_no_postgresql -o ../../$(FERRETDB) .

## Build the FerretDB test server into .tools/ferretdb (needs Go).
ferretdb: $(FERRETDB)

install: $(UV)
	$(UV) sync --locked --no-dev --quiet

install-dev: $(UV)
	$(UV) sync --locked --quiet

## Start the API on the embedded store with the seed data (GraphiQL at http://127.0.0.1:8000/graphql).
run: install
	.venv/bin/diplograph serve

## Install the dev dependencies, lint, check the layers (import-linter), and run the whole test suite
## twice: on the embedded store, then on a FerretDB 1.24 the suite builds and starts (needs Go; without
## it that pass skips and says why). A MONGODB_URI in the environment or .env is not used by either.
test: install-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	MONGODB_URI= .venv/bin/pytest
	.venv/bin/pytest --ferretdb

format: install-dev
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

## Regenerate the checked-in SDL (schema.graphql).
schema: install
	.venv/bin/diplograph schema export

seed: install
	.venv/bin/diplograph seed

## Refresh docs/graphiql.png (the README's picture) from the browser tests; their three other
## screenshots go to $$DIPLOGRAPH_SCREENSHOT_DIR (default: <tmp>/diplograph-graphiql), never here.
screenshots: install-dev
	MONGODB_URI= DIPLOGRAPH_UPDATE_SCREENSHOT=1 .venv/bin/pytest tests/api/test_graphiql_browser.py -m browser -q -s

## Score the extractor's drafts against reviewed facts files (the seed article, tests/fixtures/articles).
extract-eval: install-dev
	.venv/bin/python -m bench.extract_eval --details

## Mutation testing of the modules that decide answers and guard the server (mutmut; about 25
## minutes on 2 cores): writes bench/results/mutants.md (docs/testing.md).
mutants: install-dev
	.venv/bin/python -m bench.mutants

## Plant each bug of bench/planted-bugs.yaml in turn and check that its tests fail (a few minutes):
## writes bench/results/planted-bugs.md.
planted: install-dev
	.venv/bin/python -m bench.planted

## Run the benchmark on the embedded store (1,000x scale series included), then over the wire on a
## FerretDB 1.24 it starts (needs Go), and put the two side by side (about 25 minutes on 2 cores;
## writes bench/results/).
bench: install-dev
	.venv/bin/python -m bench.run
	.venv/bin/python -m bench.run --backend ferretdb
	.venv/bin/python -m bench.backends

## Only the scale series: every golden query at 1x, 10x, 100x and 1,000x the bundled data.
bench-scale: install-dev
	.venv/bin/python -m bench.run --scale-only --out bench/results/scale

## Candidate embedded engines on the repository's query shapes, 1x to 1,000x (bench/engines.py).
bench-engines: install-dev
	.venv/bin/python -m bench.engines

## One-article loads on 1,000 stored articles: add, change, remove, a no-op reload (bench/incremental.py),
## each rebuilt in full, then rebuilding what it touches, with the ratios.
bench-incremental: install-dev
	.venv/bin/python -m bench.incremental --full --json bench/results/incremental-full.json
	.venv/bin/python -m bench.incremental --json bench/results/incremental.json \
		--compare bench/results/incremental-full.json

## Sustained load: 50 clients send the golden queries for 60 s to `diplograph serve` (bench/soak.py).
soak: install-dev
	.venv/bin/python -m bench.soak --json bench/results/tmp/soak.json
