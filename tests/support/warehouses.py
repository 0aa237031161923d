"""Small real warehouses built from members of the bundled corpus, the way the tests that need dbt share them.

dbt parses the whole project again whenever the database path (part of the rendered profile) or the vars change,
and in a fresh target folder. `DbtRunner` runs dbt on one fixed path with one target folder, so the tests that run
dbt one after another reuse one parse; `rules_warehouse` is built once per session and copied by each test.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from warehouse.paths import PROJECT_DIR, SAMPLE_CORPUS

# Real papers of the bundled corpus with the cases the marts distinguish.
MARTS_MEMBERS = (
    "biohackathon2024-pmc/PMC9583140.xml",  # PTM reuse, several models
    "biohackathon2024-pmc/PMC6897514.xml",
    "biohackathon2024-pmc/PMC7316361.xml",  # PTM reuse, three fields
    "biohackathon2024-pmc/PMC6692109.xml",  # PTM reuse, two fields
    "biohackathon2024-pmc/PMC9047973.xml",  # deep learning without a PTM
    "docling/elife-56337.nxml",  # no deep learning
    "docling/pone.0234687.nxml",
)


def dbt_env(tmp: Path) -> dict[str, str]:
    """Keep dbt's artefacts out of the project's target/ so parallel runs don't share them."""
    return {"DBT_TARGET_PATH": str(tmp / "target"), "DBT_LOG_PATH": str(tmp / "logs")}


def copy_members(dest: Path, members: Iterable[str]) -> Path:
    """Copy `members` of the bundled zip into dest/corpus/ (a folder `ptmreuse ingest jats` reads)."""
    corpus = dest / "corpus"
    corpus.mkdir(parents=True)
    with zipfile.ZipFile(SAMPLE_CORPUS) as archive:
        for member in members:
            (corpus / Path(member).name).write_bytes(archive.read(member))
    return corpus


def ingested_warehouse(tmp: Path, members: Iterable[str]) -> Path:
    """Copy `members` of the bundled zip into tmp/corpus/ and ingest them into tmp/w.duckdb."""
    from ingestion.jats.pipeline import ingest_jats_corpus

    db = tmp / "w.duckdb"
    ingest_jats_corpus(copy_members(tmp, members), db)
    return db


def built_warehouse(tmp: Path, members: Iterable[str]) -> tuple[Path, dict[str, str]]:
    """Ingest `members`, label them with the rules backend (as `ptmreuse classify` does) and run `dbt build`."""
    from classifiers.engine.service import ClassifyRequest, classify
    from ptmreuse.dbt import run_dbt

    db = ingested_warehouse(tmp, members)
    classify(db, ClassifyRequest(backend="rules"), Console(quiet=True))
    env = dbt_env(tmp)
    assert run_dbt(["build"], db, extra_env=env) == 0
    return db, env


class DbtRunner:
    """Plain `dbt` in the project folder, as users type it, on one fixed warehouse path with one target folder:
    successive runs reuse dbt's parse of the project."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = root / "warehouse.duckdb"
        self.env = {**os.environ, **dbt_env(root), "PTMREUSE_DB": str(self.db), "DBT_USE_COLORS": "false"}

    def use(self, source: Path) -> Path:
        """Make a copy of `source` the warehouse dbt runs on; returns its path (always named warehouse.duckdb, as
        DuckDB views name their database by the file's stem)."""
        self.db.with_name(self.db.name + ".wal").unlink(missing_ok=True)
        shutil.copyfile(source, self.db)
        return self.db

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """`dbt <args>` (with `env` on top of the runner's); the result's stdout holds dbt's log lines."""
        from ptmreuse.dbt import dbt_executable

        env = {**self.env, **(env or {})}
        if "--vars" in args:  # other vars make dbt parse again: each set keeps its own target folder (and parse)
            key = hashlib.sha1(args[args.index("--vars") + 1].encode()).hexdigest()[:8]
            env["DBT_TARGET_PATH"] = str(self.root / f"target-{key}")
        command = [dbt_executable(), *args]
        return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)


_RUNNERS: dict[str, DbtRunner] = {}
_BUILT: dict[tuple[str, ...], Path] = {}


def dbt_runner(factory: pytest.TempPathFactory) -> DbtRunner:
    """The session's DbtRunner (in pytest's temp folder)."""
    if "session" not in _RUNNERS:
        _RUNNERS["session"] = DbtRunner(factory.mktemp("dbt"))
    return _RUNNERS["session"]


def rules_warehouse(factory: pytest.TempPathFactory, members: tuple[str, ...] = MARTS_MEMBERS) -> Path:
    """`members` through `ptmreuse ingest jats` and `ptmreuse classify` (rules), then a plain `dbt build`: once per
    session. Two folders up: `ingested.duckdb` (before dbt ran) and `build.log` (dbt's output).

    The file is the session's template: copy it (DbtRunner.use, or shutil) before changing anything.
    """
    if members not in _BUILT:
        from ptmreuse.cli import app

        root = factory.mktemp("rules-warehouse")
        ingested = root / "ingested.duckdb"
        env = {"PTMREUSE_DB": str(ingested)}
        for command in (["ingest", "jats", str(copy_members(root, members))], ["classify", "--backend", "rules"]):
            result = CliRunner().invoke(app, command, env=env)
            assert result.exit_code == 0, result.output
        runner = dbt_runner(factory)
        runner.use(ingested)
        built = runner("build")
        assert built.returncode == 0, built.stdout[-3000:]
        (root / "build.log").write_text(built.stdout)
        # DuckDB views name their database by the file's stem: every copy keeps the name warehouse.duckdb
        (root / "built").mkdir()
        _BUILT[members] = shutil.copyfile(runner.db, root / "built" / runner.db.name)
    return _BUILT[members]
