"""Small real warehouses built from members of the bundled corpus, the way the tests that need dbt share them."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console

from warehouse.paths import SAMPLE_CORPUS


def dbt_env(tmp: Path) -> dict[str, str]:
    """Keep dbt's artefacts out of the project's target/ so parallel runs don't share them."""
    return {"DBT_TARGET_PATH": str(tmp / "target"), "DBT_LOG_PATH": str(tmp / "logs")}


def ingested_warehouse(tmp: Path, members: Iterable[str]) -> Path:
    """Copy `members` of the bundled zip into tmp/corpus/ and ingest them into tmp/w.duckdb."""
    from ingestion.jats.pipeline import ingest_jats_corpus

    corpus = tmp / "corpus"
    corpus.mkdir()
    with zipfile.ZipFile(SAMPLE_CORPUS) as archive:
        for member in members:
            (corpus / Path(member).name).write_bytes(archive.read(member))
    db = tmp / "w.duckdb"
    ingest_jats_corpus(corpus, db)
    return db


def built_warehouse(tmp: Path, members: Iterable[str]) -> tuple[Path, dict[str, str]]:
    """Ingest `members`, label them with the rules backend (as `ptmreuse classify` does) and run `dbt build`."""
    from classifiers.engine.service import ClassifyRequest, classify
    from ptmreuse.dbt import run_dbt
    from warehouse.raw_schema import ensure_raw_tables

    db = ingested_warehouse(tmp, members)
    ensure_raw_tables(db)
    classify(db, ClassifyRequest(backend="rules"), Console(quiet=True))
    env = dbt_env(tmp)
    assert run_dbt(["build"], db, extra_env=env) == 0
    return db, env
