"""The rules backend on worker processes: the same labels as in one process, on real papers in a real DuckDB file,
written through the same engine and store."""

from __future__ import annotations

import multiprocessing
import shutil
import zipfile
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from classifiers.engine.service import classify
from classifiers.options import ClassifyRequest
from classifiers.protocols.rules import RulesProtocol
from tests.support.warehouses import ingested_warehouse
from warehouse.paths import SAMPLE_CORPUS

PAPERS = 48  # every 7th paper of the bundled corpus: a mix with and without deep learning and reuse


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with zipfile.ZipFile(SAMPLE_CORPUS) as archive:
        members = sorted(archive.namelist())[::7][:PAPERS]
    return ingested_warehouse(tmp_path_factory.mktemp("rules-workers"), members)


def _labels(db: Path) -> list[tuple[str, str, str, str]]:
    """What each paper was labelled with: (doi, task, status, answer as stored), in a fixed order."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "select doi, task, status, parsed::varchar from raw.llm_labels order by doi, task"
        ).fetchall()


def _label_with(ingested: Path, copy: Path, workers: int) -> list[tuple[str, str, str, str]]:
    shutil.copy(ingested, copy)
    outcome = classify(copy, ClassifyRequest(backend="rules", workers=workers), Console(quiet=True))
    assert outcome.status == "finished" and outcome.stats.papers_done == PAPERS
    return _labels(copy)


def test_labels_from_worker_processes_equal_labels_from_one_process(ingested: Path, tmp_path: Path) -> None:
    single = _label_with(ingested, tmp_path / "one.duckdb", workers=1)
    pooled = _label_with(ingested, tmp_path / "two.duckdb", workers=2)
    assert pooled == single
    tasks = {task for _, task, _, _ in single}
    assert tasks == {"uses_dl", "uses_ptms", "ptms"}  # papers with reuse among them: PTM lists compared too
    assert len({doi for doi, *_ in single}) == PAPERS


def test_the_workers_are_other_processes_and_stop_with_the_block() -> None:
    protocol = RulesProtocol()
    before = set(multiprocessing.active_children())
    with protocol.on_workers(2):
        workers = set(multiprocessing.active_children()) - before
        assert len(workers) == 2 and all(worker.is_alive() for worker in workers)
    assert not any(worker.is_alive() for worker in workers)
