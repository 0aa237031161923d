"""Crashes, foreign readers and failed loads: the next ingest converges to exactly what a clean ingest gives.

Each scenario runs `ptmreuse ingest jats` in a child process (tests/support/ingest_child.py), interrupts it at a
chosen point — SIGKILL, or a read-only connection from another process — then runs it again and compares `raw`
with a clean ingest of the same corpus: same rows, same keys, no duplicate, equal content fingerprints.
"""

from __future__ import annotations

import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from dlt.destinations.impl.duckdb.duck import DuckDbCopyJob

import ingestion.jats.pipeline as jats_pipeline
import ingestion.pipeline as loading
from ingestion.jats.landing import LANDING
from ingestion.jats.pipeline import LoadFailed, ingest_jats_corpus
from ingestion.pipeline import make_pipeline
from tests.duck import query
from tests.support.ingest_runs import alive, fingerprint, run_child, synthetic_corpus

CHUNK = 20  # papers per chunk: the 40-paper corpus loads in two


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, sample_zip: Path) -> Path:
    """The first 40 articles of the bundled corpus."""
    path = tmp_path_factory.mktemp("corpus") / "forty.zip"
    with zipfile.ZipFile(sample_zip) as source, zipfile.ZipFile(path, "w") as target:
        for name in source.namelist()[:40]:
            target.writestr(name, source.read(name))
    return path


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, int, str]]:
    db = tmp_path_factory.mktemp("clean") / "w.duckdb"
    result = run_child(corpus, db, chunk_papers=CHUNK)
    assert result.returncode == 0, result.stdout + result.stderr
    prints = fingerprint(db)
    assert prints["papers"][:2] == (40, 40) and prints["paper_sections"][0] > 1000
    return prints


@pytest.mark.parametrize(
    "at",
    [
        # parse workers are busy, chunk 2 is being extracted
        "ingestion.jats.reader:CorpusReader._take:after:30:kill",
        # dlt normalizes chunk 2: its extracted package is pending
        "dlt.common.storages.load_storage:LoadStorage.commit_new_load_package:before:2:kill",
        # a table of chunk 2 is committed, dlt has not yet marked the job done: the re-run replays it
        "dlt.destinations.impl.duckdb.duck:DuckDbCopyJob.run:after:3:kill",
        # chunk 2 is loaded and being published: raw holds its rows in an uncommitted transaction
        "ingestion.jats.landing:_empty_landing:before:4:kill",
        # between chunks: chunk 1 is published, chunk 2 not started
        "ingestion.jats.pipeline:publish:after:2:kill",
    ],
)
def test_kill_then_rerun_equals_a_clean_ingest(at: str, corpus: Path, clean: dict, tmp_path: Path) -> None:
    db, pids = tmp_path / "w.duckdb", tmp_path / "workers.pids"
    killed = run_child(corpus, db, at=at, chunk_papers=CHUNK, workers=2, pids=pids)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    workers = [int(pid) for pid in pids.read_text().split()]
    assert len(workers) == 2
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in workers), "parse workers outlived their killed parent"

    rerun = run_child(corpus, db, chunk_papers=CHUNK)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "Traceback" not in rerun.stdout + rerun.stderr
    assert fingerprint(db) == clean


def test_a_foreign_reader_is_one_line_and_the_rerun_finishes(corpus: Path, clean: dict, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    # a notebook opens the file read-only just before chunk 2 is loaded
    blocked = run_child(corpus, db, at="dlt.pipeline.pipeline:Pipeline.load:before:2:reader", chunk_papers=CHUNK)
    reader = int(next(line for line in blocked.stdout.splitlines() if line.startswith("reader ")).split()[1])
    try:
        assert blocked.returncode == 3, blocked.stdout + blocked.stderr
        assert "Traceback" not in blocked.stdout + blocked.stderr
        (message,) = blocked.stderr.strip().splitlines()  # one line, on stderr
        assert message.startswith("warehouse busy")
        assert f"pid {reader}" in message and "run this again" in message
        # still open: the next run refuses at once, before parsing anything
        refused = run_child(corpus, db, chunk_papers=CHUNK)
        assert refused.returncode == 3 and f"pid {reader}" in refused.stderr and "ingest forty" not in refused.stdout
    finally:
        os.kill(reader, signal.SIGKILL)
    rerun = run_child(corpus, db, chunk_papers=CHUNK)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert "finished loading 1 chunk(s) an interrupted run left pending" in rerun.stdout
    assert fingerprint(db) == clean


@pytest.fixture(scope="module")
def long_papers(tmp_path_factory: pytest.TempPathFactory, read_member) -> Path:
    """A SYNTHETIC corpus of 150 long papers: 120 KB of body each, the 99th percentile of real ones."""
    path = tmp_path_factory.mktemp("long") / "big.zip"
    return synthetic_corpus(path, read_member("docling/elife-56337.nxml"), papers=150, body_kb=120)


@pytest.fixture
def one_paper(tmp_path: Path, read_member) -> Path:
    small = tmp_path / "small"
    small.mkdir()
    (small / "plos.nxml").write_bytes(read_member("docling/pone.0234687.nxml"))
    return small


def test_a_chunk_too_big_for_memory_never_blocks_later_loads(
    long_papers: Path, one_paper: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The failure the text bound prevents, reproduced under a small memory cap: 150 papers of 120 KB in one chunk
    cannot be published. The next ingest, of another corpus, drops that chunk with one note and loads its own
    papers; ingesting the big corpus again, in chunks bounded by text, loads all of it."""
    big, small = long_papers, one_paper
    monkeypatch.setattr(loading, "DUCKDB_LOAD_MEMORY", "48MB")
    monkeypatch.setattr(jats_pipeline, "CHUNK_TEXT", None)  # the bound switched off: one chunk of ~37 MB of text
    with pytest.raises(LoadFailed, match="Out of Memory"):
        ingest_jats_corpus(big, db_path)

    monkeypatch.setattr(jats_pipeline, "CHUNK_TEXT", 12 * 2**20)  # a quarter of the cap, as in production
    other = ingest_jats_corpus(small, db_path)
    assert other.loaded == 1
    (note,) = other.notes
    assert note.startswith("dropped a chunk an earlier run left unfinished") and "150 papers from big.zip" in note
    assert query(db_path, "select doi from raw.papers") == [("10.1371/journal.pone.0234687",)]

    again = ingest_jats_corpus(big, db_path)
    assert (again.loaded, again.rejected, again.notes) == (150, 0, [])
    assert query(db_path, "select count(*), count(distinct doi) from raw.papers") == [(151, 151)]
    chunks = query(db_path, "select count(*) from jats_landing._dlt_loads")[0][0]
    assert chunks >= 2 + 37 // 12  # the failed chunk, the small corpus, then the big one in text-bounded chunks


def test_a_pending_chunk_that_keeps_failing_is_dropped(
    corpus: Path, one_paper: Path, db_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """dlt cannot load a chunk (the destination refuses its jobs): it stays pending; when the next run's attempt
    fails too, it is dropped with a note instead of blocking that run's own papers. No traceback is printed."""
    big, small = corpus, one_paper
    refused: set[str] = set()  # load ids whose jobs the destination refuses; "*": all
    original = DuckDbCopyJob.run

    def run(job: DuckDbCopyJob) -> None:
        if "*" in refused or any(f"/{load_id}/" in job._file_path for load_id in refused):
            raise RuntimeError("simulated: the destination refused this job")
        original(job)

    monkeypatch.setattr(DuckDbCopyJob, "run", run)
    refused.add("*")
    with pytest.raises(LoadFailed, match="kept pending"):
        ingest_jats_corpus(big, db_path)
    pending = make_pipeline(db_path, "jats", dataset=LANDING).list_normalized_load_packages()
    assert len(pending) == 1
    refused.clear()
    refused.update(pending)  # it keeps failing; everything else loads

    other = ingest_jats_corpus(small, db_path)
    (note,) = other.notes
    assert "simulated: the destination refused this job" in note and "40 papers from forty.zip" in note
    assert "Traceback" not in capfd.readouterr().err  # dlt logs failed jobs with tracebacks unless told not to
    assert query(db_path, "select doi from raw.papers") == [("10.1371/journal.pone.0234687",)]
    assert make_pipeline(db_path, "jats", dataset=LANDING).list_normalized_load_packages() == []

    again = ingest_jats_corpus(big, db_path)
    assert (again.loaded, again.notes) == (40, [])
    assert query(db_path, "select count(*), count(distinct doi) from raw.papers") == [(41, 41)]
