# Two entry points a newcomer needs: `make demo` and `make test`. Everything else is a step they call.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# pytest-xdist processes for `make test` (tests/conftest.py keeps the dbt tests on one, the lake tests on another).
TEST_WORKERS ?= 2
LLAMA_VERSION := $(shell sed -n 's/.*"llama-cpp-python\[server\]==\([0-9.]*\)".*/\1/p' pyproject.toml)
LLAMA_WHEELS := $(HOME)/.cache/ptmreuse/llama-portable
LLAMA_WHEEL := $(LLAMA_WHEELS)/llama_cpp_python-$(LLAMA_VERSION)-py3-none-linux_x86_64.whl
export PTMREUSE_DB ?= data/warehouse.duckdb
# Offline by design: no telemetry from dlt or dbt.
export RUNTIME__DLTHUB_TELEMETRY := false
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: setup setup-dev system-deps demo test test-quick lint bench clean

# Two processes halve sqlfluff's time; at exit its multiprocessing pool warns of leaked semaphores (harmless: the
# processes are gone), a line of noise in every run, so that one warning is silenced.
SQLFLUFF := PYTHONWARNINGS="ignore:resource_tracker:UserWarning" $(BIN)/sqlfluff lint models macros analyses tests/dbt \
	--processes 2

# The pipeline's own dependencies (what `make demo` needs).
setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

# Plus the test tools, and a real local LLM server for the classifier tests (llama.cpp builds from source, below).
setup-dev: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP) $(LLAMA_WHEEL)
	$(BIN)/pip install --quiet --no-deps --force-reinstall $(LLAMA_WHEEL)
	$(BIN)/pip install --quiet --find-links $(LLAMA_WHEELS) -e '.[dev]'
	touch $(DEV_STAMP)

# llama.cpp compiled for -march=native crashes on batched prompts on some CPUs (AVX-512/AMX hosts): build a portable
# wheel once per machine, outside pip's wheel cache (its key ignores CMAKE_ARGS, so it would hand back a native one).
$(LLAMA_WHEEL): | $(STAMP)
	@echo "Building llama-cpp-python $(LLAMA_VERSION) (portable CPU flags; ~5-10 min, once per machine)"
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(BIN)/pip wheel --quiet --no-deps --no-cache-dir -w $(LLAMA_WHEELS) \
		llama-cpp-python==$(LLAMA_VERSION)

demo: setup
	$(BIN)/ptmreuse demo

# The report's browser test needs a real Chromium and its driver; the lake tests a PostgreSQL server for DuckLake's
# catalog (tests/support/postgres.py starts a throwaway one). Debian packages, installed once, as root.
system-deps:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
		apt-get update && apt-get install -y chromium chromium-driver; fi
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		apt-get update && apt-get install -y postgresql; fi

test: setup-dev system-deps
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(SQLFLUFF)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup --durations=15  # the slowest 15 show in CI's output

# The edit loop: every test but those marked slow (a dbt build, a server, a browser, a killed subprocess).
test-quick: setup-dev
	$(BIN)/pytest -m "not slow" -q

# Style, and the layering: imports point down (ptmreuse → evaluation/quality/report → ingestion/classifiers →
# warehouse) with no cycles (contracts in pyproject.toml). SQL style: sqlfluff (.sqlfluff; jinja templater, so no
# database and no lock).
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(SQLFLUFF)

bench: setup
	$(BIN)/python bench/ingest.py

clean:
	rm -rf data/*.duckdb data/*.duckdb.* data/.dlt data/published target logs reports
