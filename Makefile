# The two commands a newcomer needs:  make run   and   make test
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test soak-ci setup fonts system-deps lint schemas bench bench-1m bench-ingest report-preview clean

run: setup fonts ## set everything up and run the hub on http://127.0.0.1:$${HUB_PORT:-8000} (SQLite + embedded queue), with the seven partner simulators
	$(BIN)/hub keys init
	$(BIN)/hub run --with-simulators

# The suite writes bytecode (PYTHONDONTWRITEBYTECODE emptied: an environment that sets it, as
# CI's may, would have every test process and every hub process the tests start compile hub/,
# the libraries and the assertion-rewritten tests again; about 2 s of CPU per start).
test: setup system-deps ## set everything up and run the whole test suite (then the short soak, on PostgreSQL + RabbitMQ)
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -q -n 2 --dist loadgroup
	@if [ -n "$$HUB_TEST_DATABASE_URL" ] && [ -n "$$HUB_TEST_BROKER_URL" ]; then \
	  $(MAKE) --no-print-directory soak-ci; \
	else echo "soak skipped: HUB_TEST_DATABASE_URL and HUB_TEST_BROKER_URL not both set (.ci/run sets them)"; fi

# The soak's short version on the test PostgreSQL and RabbitMQ: real processes, faults, books
# (bench/soak.py; about 2-3 minutes). SIGTERM from timeout still cleans up and restarts the broker.
soak-ci: setup
	SOAK_DATABASE_URL="$$HUB_TEST_DATABASE_URL" SOAK_BROKER_URL="$$HUB_TEST_BROKER_URL" \
	  timeout --kill-after=120 600 $(BIN)/python -u -m bench.soak --ci

setup: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip uv
	$(BIN)/uv pip install -q --python $(BIN)/python -e '.[dev]'
	touch $(STAMP)

# The Chinese font of the report's charts, the documents and archive exports (Debian's
# fonts-wqy-microhei; hub/fonts.py finds it by its file, /usr/share/fonts/truetype/wqy/wqy-microhei.ttc,
# and reads its family name from it). `make run` needs no more.
fonts:
	@test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { \
	  echo "installing fonts-wqy-microhei (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei \
	  || echo "warning: could not install fonts-wqy-microhei: the report's charts will show boxes for Chinese"; }

# The browser for the page tests, and the Chinese font (Debian).
system-deps:
	@command -v chromium >/dev/null && test -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc || { \
	  echo "installing chromium and fonts-wqy-microhei (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-microhei; }

lint: setup ## ruff, and the floors of hub/ (import-linter contracts in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

schemas: setup ## rewrite schemas/v1/*.json from the models
	$(BIN)/hub schemas export --out schemas

bench: setup ## every benchmark at small sizes, one table with targets and the limits measured in the same run
	$(BIN)/python bench/all.py $(BENCH_ARGS)

bench-1m: setup ## the rows whose targets are set at 1 M clues, at that size (about 7 minutes on 2 cores)
	$(BIN)/python bench/all.py --at-1m $(BENCH_ARGS)

bench-ingest: setup ## push 20,000 clues through a running hub and compare with the bare limits
	$(BIN)/python bench/ingest.py

# The demo month's meeting packet as PNG pages in var/report-preview/ (not run in CI).
report-preview: setup ## render a demo month's .docx to PNG pages (libreoffice, pdftoppm)
	@command -v soffice >/dev/null && command -v pdftoppm >/dev/null || { \
	  echo "installing libreoffice-writer and poppler-utils (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libreoffice-writer poppler-utils fonts-wqy-microhei; }
	$(BIN)/python bench/report_preview.py var/report-preview
	soffice --headless --convert-to pdf --outdir var/report-preview var/report-preview/demo-2026-10.docx >/dev/null
	pdftoppm -png -r 60 var/report-preview/demo-2026-10.pdf var/report-preview/page
	@ls var/report-preview/page-*.png

clean:
	rm -rf $(VENV) var
