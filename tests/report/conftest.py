"""The report tests read the session's evaluated warehouse (tests/support/warehouses.py): bundled papers → JATS
ingest → rules labels → dbt build → eval, built once per session; tests that change marts work on their own copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.support.warehouses import MARTS_MEMBERS, evaluated_warehouse

MEMBERS = MARTS_MEMBERS  # the papers the report is drawn from


@pytest.fixture(scope="package")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The session's template: read it only (write_report never writes); copy it to change marts."""
    return evaluated_warehouse(tmp_path_factory)


@pytest.fixture
def warehouse_copy(warehouse: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    return copy
