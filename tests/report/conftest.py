"""One real small warehouse for the report tests: bundled papers → JATS ingest → rules labels → dbt build → eval.

Built once per test package (a dbt build takes about a minute); tests that change marts work on their own copy.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rich.console import Console

from classifiers.engine.service import ClassifyRequest, classify
from classifiers.evaluation import evaluate_and_report
from ingestion.jats.pipeline import ingest_jats_corpus
from ptmreuse.dbt import run_dbt
from ptmreuse.warehouse import ensure_raw_tables

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
def warehouse(tmp_path_factory: pytest.TempPathFactory, read_member) -> Path:  # type: ignore[no-untyped-def]
    tmp = tmp_path_factory.mktemp("report-warehouse")
    corpus = tmp / "corpus"
    corpus.mkdir()
    for member in MEMBERS:
        (corpus / Path(member).name).write_bytes(read_member(member))
    db = tmp / "w.duckdb"
    ingest_jats_corpus(corpus, db)
    ensure_raw_tables(db)
    quiet = Console(quiet=True)
    classify(db, ClassifyRequest(backend="rules"), quiet)
    env = {"DBT_TARGET_PATH": str(tmp / "target"), "DBT_LOG_PATH": str(tmp / "logs")}
    assert run_dbt(["build"], db, extra_env=env) == 0
    assert evaluate_and_report(db, quiet, run="latest", gold="reference", resamples=100)
    return db


@pytest.fixture
def warehouse_copy(warehouse: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(warehouse, copy)
    return copy
