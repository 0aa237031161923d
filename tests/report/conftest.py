"""One real small warehouse for the report tests: bundled papers → JATS ingest → rules labels → dbt build → eval.

Built once per test package (a dbt build takes about a minute); tests that change marts work on their own copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.console import Console

from ptmreuse.evaluate import evaluate_warehouse
from tests.support.warehouses import built_warehouse

MEMBERS = (
    "biohackathon2024-pmc/PMC9583140.xml",  # PTM reuse, several models
    "biohackathon2024-pmc/PMC7316361.xml",  # PTM reuse, three fields
    "biohackathon2024-pmc/PMC6692109.xml",  # PTM reuse, two fields
    "biohackathon2024-pmc/PMC9047973.xml",  # deep learning without a PTM
    "docling/elife-56337.nxml",  # no deep learning
    "biohackathon2024-pmc/PMC9825755.xml",  # in the reference gold set (positive)
    "biohackathon2024-pmc/PMC9252764.xml",  # in the reference gold set (negative)
)


@pytest.fixture(scope="package")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db, env = built_warehouse(tmp_path_factory.mktemp("report-warehouse"), MEMBERS)
    assert evaluate_warehouse(db, Console(quiet=True), resamples=100, extra_env=env)
    return db


@pytest.fixture
def warehouse_copy(warehouse: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    return copy
