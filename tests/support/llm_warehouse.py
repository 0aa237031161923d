"""Small real warehouses for the classifier-engine tests: a few short papers of the bundled corpus, ingested once.

Four papers that pass the deep-learning prefilter and two that do not, chosen for their short bodies so that even
a real local LLM reads them quickly. Each test gets its own copy of the DuckDB file. `many_papers` multiplies them
into a large SYNTHETIC warehouse (copies of real papers under made-up DOIs) for tests of load and concurrency.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import zipfile
from functools import cache
from pathlib import Path

import duckdb

from warehouse.paths import SAMPLE_CORPUS

POSITIVE_MEMBERS = (
    "biohackathon2024-pmc/PMC9750126.xml",
    "biohackathon2024-pmc/PMC9825755.xml",
    "biohackathon2024-pmc/PMC11223785.xml",
    "pyeuropepmc-benchmark/PMC13239955.xml",
)
NEGATIVE_MEMBERS = ("elife-tools/elife09853.xml", "plos-allofplos/journal.pntd.0000149.xml")
SMALL_MEMBERS = POSITIVE_MEMBERS + NEGATIVE_MEMBERS


@cache
def template_warehouse(members: tuple[str, ...] = SMALL_MEMBERS) -> Path:
    from ingestion.jats.pipeline import ingest_jats_corpus

    root = Path(tempfile.mkdtemp(prefix="ptmreuse-llm-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)  # once per session, removed when the session ends
    corpus = root / "corpus"
    with zipfile.ZipFile(SAMPLE_CORPUS) as archive:
        for member in members:
            target = corpus / member
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(archive.read(member))
    db_path = root / "template.duckdb"
    ingest_jats_corpus(corpus, db_path)
    return db_path


def fresh_warehouse(dest_dir: Path, members: tuple[str, ...] = SMALL_MEMBERS) -> Path:
    db_path = dest_dir / "warehouse.duckdb"
    shutil.copyfile(template_warehouse(members), db_path)
    return db_path


def many_papers(db_path: Path, copies: int, section_copies: int = 1) -> int:
    """Add `copies` SYNTHETIC copies of every paper (DOI + '.copyN'), each section repeated `section_copies` times
    (longer papers); returns the number of papers now in the warehouse."""
    with duckdb.connect(str(db_path)) as con:
        con.execute(
            "insert into raw.papers select p.* replace (p.doi || '.copy' || c.i as doi)"
            " from raw.papers p, range(?) c(i)",
            [copies],
        )
        con.execute(
            "insert into raw.paper_sections select s.* replace (s.doi || '.copy' || c.i as doi,"
            " s.ordinal * 1000 + r.j as ordinal) from raw.paper_sections s, range(?) c(i), range(?) r(j)",
            [copies, section_copies],
        )
        (papers,) = con.execute("select count(*) from raw.papers").fetchone() or (0,)
    return papers
