"""Run `ptmreuse ingest jats` in a child process (optionally interrupted) and fingerprint what `raw` holds.

Shared by the crash tests and `bench/ingest_crash.py`, which runs the same scenarios on a large corpus.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb

from ingestion.jats.landing import KEYS
from warehouse.raw_schema import raw_table

ROOT = Path(__file__).resolve().parents[2]


def run_child(
    corpus: Path,
    db: Path,
    *,
    at: str | None = None,
    chunk_papers: int | None = None,
    workers: int = 1,
    pids: Path | None = None,
    timeout: float = 900,
) -> subprocess.CompletedProcess[str]:
    """`ptmreuse ingest jats corpus` into `db`, in a child process; see tests/support/ingest_child.py for `at`."""
    db.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "tests.support.ingest_child", str(corpus.resolve()), "--workers", str(workers)]
    for option, value in (("--at", at), ("--chunk-papers", chunk_papers), ("--pids", pids)):
        if value is not None:
            command += [option, str(value)]
    env = {**os.environ, "PTMREUSE_DB": str(db), "PYTHONPATH": str(ROOT), "COLUMNS": "400"}
    # run from elsewhere than the project, as users do: dlt must still find the project's .dlt/config.toml
    return subprocess.run(command, cwd=db.parent, env=env, capture_output=True, text=True, timeout=timeout)


def fingerprint(db: Path) -> dict[str, tuple[int, int, str]]:
    """Per raw table: rows, distinct keys, and a hash of every row's content (all columns but `ingested_at`)."""
    prints = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table, key in KEYS.items():
            columns = ", ".join(f'"{c.name}"' for c in raw_table(table).columns if c.name != "ingested_at")
            keys = ", ".join(key)
            row = con.execute(
                f"select count(*), count(distinct ({keys})), "
                f"coalesce(md5(string_agg(md5(cast(row({columns}) as varchar)), ',' order by {keys})), '') "
                f"from raw.{table}"
            ).fetchone()
            assert row is not None
            prints[table] = (int(row[0]), int(row[1]), str(row[2]))
    return prints


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped counts as dead)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def synthetic_corpus(path: Path, template: bytes, papers: int, body_kb: int) -> Path:
    """A SYNTHETIC zip: `template` (a real JATS article) `papers` times, each with a fresh DOI and a body of
    ~`body_kb` KB of distinct filler prose (the size of long real articles, not their content)."""
    words = [w for w in template.decode(errors="ignore").split() if w.isalpha()][:2000] or ["filler"]
    body_start, body_end = template.index(b"<body>"), template.index(b"</body>") + len(b"</body>")
    doi_at = template.index(b'pub-id-type="doi">') + len(b'pub-id-type="doi">')
    doi_end = template.index(b"</article-id>", doi_at)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for paper in range(papers):
            sentences, size, n = [], 0, 0
            while size < body_kb * 1024:
                sentence = " ".join(words[(paper * 7 + n * 13 + k) % len(words)] for k in range(24)) + f" {paper}.{n}."
                sentences.append(sentence)
                size += len(sentence) + 1
                n += 1
            body = f"<body><sec><title>Methods</title><p>{' '.join(sentences)}</p></sec></body>".encode()
            doi = f"10.99999/synthetic.{paper}".encode()
            head = template[:doi_at] + doi + template[doi_end:body_start]
            archive.writestr(f"synthetic-{paper:05d}.xml", head + body + template[body_end:])
    return path
