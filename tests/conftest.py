"""Shared fixtures: real articles from the bundled corpus, fresh DuckDB files; and which tests share an xdist
worker (`make test` runs two)."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from warehouse.paths import SAMPLE_CORPUS

# Tests that build on the session's dbt warehouse (tests/support/warehouses.py) run on one worker, so it is built and
# parsed once; the lake tests, each worker's throwaway PostgreSQL, on another. Only speed depends on this: a test
# outside its group still gets the session warehouse, built again in its own worker.
XDIST_GROUPS = {
    "dbt": (
        "evaluation/test_eval_end_to_end.py",
        "quality/test_declared_values.py",
        "quality/test_gate.py",
        "report/",
        "test_analyses.py",
        "test_build_process.py",
        "test_corrected_marts.py",
        "test_dbt_build.py",
        "test_intervals.py",
        "test_marts.py",
        "test_summary.py",
    ),
    "lake": ("lake/",),
}
TESTS = Path(__file__).parent
# xdist's workers export COLUMNS=80, and a rich Console made at import (the CLI's) would keep that width for good;
# as under plain pytest, a test that wants a wide console sets COLUMNS itself (tests/evaluation/conftest.py).
os.environ.pop("COLUMNS", None)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the marks to send each group to one worker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.relative_to(TESTS).as_posix()
        for group, prefixes in XDIST_GROUPS.items():
            if path.startswith(prefixes):
                item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def sample_zip() -> Path:
    assert SAMPLE_CORPUS.exists(), "the bundled corpus corpus/sample-jats.zip is missing"
    return SAMPLE_CORPUS


@pytest.fixture(scope="session")
def read_member(sample_zip: Path):
    archive = zipfile.ZipFile(sample_zip)

    def read(name: str) -> bytes:
        return archive.read(name)

    return read


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"
