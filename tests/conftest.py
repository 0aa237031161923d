"""Shared fixtures: real articles from the bundled corpus, fresh DuckDB files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from warehouse.paths import SAMPLE_CORPUS


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
