"""The warehouses the tests that need dbt share: real papers of the bundled corpus, built once per session.

dbt parses the whole project again whenever the rendered profile (the database path is part of it) or the vars
change, and in a fresh target folder. So every dbt run of the session goes through one `DbtRunner`: one fixed
warehouse path and one target folder (one per set of --vars), and dbt reuses its first parse
(target/partial_parse.msgpack) from then on. Tests copy a session template onto the runner's path before they write.

Variants, each built once per session and never written to by a test:
- `rules_warehouse`: the study papers through `ptmreuse ingest jats` and `ptmreuse classify` (rules), then a plain
  `dbt build` (two folders up: `ingested.duckdb` from before dbt ran, `build.log` with dbt's output);
- `evaluated_warehouse`: the same after `ptmreuse eval` (raw.agreement_metrics and the marts built from it);
- `old_paper_build`: the ingested papers with one paper of 1985, through `dbt build` with other documented vars.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pytest
from rich.console import Console
from typer.testing import CliRunner

from evaluation.gold import GoldSet, aius_sets, reference_sets
from warehouse.paths import PROJECT_DIR, SAMPLE_CORPUS

# Real papers of the bundled corpus with the cases the marts distinguish.
CASE_MEMBERS = (
    "biohackathon2024-pmc/PMC9583140.xml",  # PTM reuse, several models
    "biohackathon2024-pmc/PMC6897514.xml",
    "biohackathon2024-pmc/PMC7316361.xml",  # PTM reuse, three fields
    "biohackathon2024-pmc/PMC6692109.xml",  # PTM reuse, two fields
    "biohackathon2024-pmc/PMC9047973.xml",  # deep learning without a PTM
    "docling/elife-56337.nxml",  # no deep learning
    "docling/pone.0234687.nxml",
)
# Papers of the reference gold set the report's agreement table scores.
REPORT_MEMBERS = (
    "biohackathon2024-pmc/PMC9825755.xml",  # in the reference gold set (positive)
    "biohackathon2024-pmc/PMC9252764.xml",  # in the reference gold set (negative)
)


def picked_papers(gold: GoldSet) -> list[str]:
    """Two papers that reuse PTMs and one without deep learning, the first by DOI: the DOIs. Picked at run time,
    so no paper of the frozen half is named in a file."""
    ordered = sorted(doi for doi, paper in gold.papers.items() if paper.corpus_file)
    reusers = [doi for doi in ordered if gold.papers[doi].uses_ptms and gold.papers[doi].ptms][:2]
    negative = [doi for doi in ordered if not gold.papers[doi].uses_dl][:1]
    return reusers + negative


def evaluated_members() -> dict[str, str]:
    """doi → corpus member: picked papers of both reference sets and the one study (aius) paper that is bundled."""
    everything = {doi: p for g in reference_sets() for doi, p in g.papers.items()}
    dois = [doi for g in reference_sets() for doi in picked_papers(g)]
    dois += [doi for doi in aius_sets()[0].papers if doi in everything]  # the bundled study paper
    return {doi: everything[doi].corpus_file or "" for doi in dict.fromkeys(dois)}


# Every paper of the session's warehouse: the marts' cases, the report's gold papers and the evaluation's picks
# (one warehouse serves the marts, dbt, report, evaluation and lake tests, so the project is built once).
MARTS_MEMBERS = tuple(dict.fromkeys((*CASE_MEMBERS, *REPORT_MEMBERS, *evaluated_members().values())))


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


class DbtRunner:
    """Plain `dbt` in the project folder, as users type it, on one fixed warehouse path with one target folder:
    successive runs reuse dbt's parse of the project."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()  # as run_dbt names the file to dbt: the same profile, the same parse
        self.db = self.root / "warehouse.duckdb"
        self.env = {**os.environ, **dbt_env(self.root), "PTMREUSE_DB": str(self.db), "DBT_USE_COLORS": "false"}

    def use(self, source: Path) -> Path:
        """Make a copy of `source` the warehouse dbt runs on; returns its path (always named warehouse.duckdb, as
        DuckDB views name their database by the file's stem)."""
        self.db.with_name(self.db.name + ".wal").unlink(missing_ok=True)
        shutil.copyfile(source, self.db)
        return self.db

    def env_for(self, *args: str) -> dict[str, str]:
        """The environment for `dbt <args>` (or `ptmreuse build <args>`): other vars make dbt parse again, so each
        set keeps its own target folder (and parse) and the session's parse stays valid."""
        env = dict(self.env)
        if "--vars" in args:
            key = hashlib.sha1(args[args.index("--vars") + 1].encode()).hexdigest()[:8]
            env["DBT_TARGET_PATH"] = str(self.root / f"target-{key}")
        return env

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        """`dbt <args>` (with `env` on top of the runner's); the result's stdout holds dbt's log lines."""
        from ptmreuse.dbt import dbt_executable

        env = {**self.env_for(*args), **(env or {})}
        command = [dbt_executable(), *args]
        return subprocess.run(command, cwd=PROJECT_DIR, env=env, capture_output=True, text=True, check=False)


_RUNNERS: dict[str, DbtRunner] = {}
_BUILT: dict[object, Path] = {}
_RESULTS: dict[str, subprocess.CompletedProcess[str]] = {}


def dbt_runner(factory: pytest.TempPathFactory) -> DbtRunner:
    """The session's DbtRunner (in pytest's temp folder)."""
    if "session" not in _RUNNERS:
        _RUNNERS["session"] = DbtRunner(factory.mktemp("dbt"))
    return _RUNNERS["session"]


def _keep(runner: DbtRunner, folder: Path) -> Path:
    """A copy of the runner's warehouse in `folder`, named warehouse.duckdb (DuckDB views name their database by the
    file's stem, so every copy keeps that name)."""
    folder.mkdir()
    return shutil.copyfile(runner.db, folder / runner.db.name)


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
        _BUILT[members] = _keep(runner, root / "built")
    return _BUILT[members]


def evaluated_warehouse(factory: pytest.TempPathFactory) -> Path:
    """The session's rules warehouse after `ptmreuse eval` (gold `reference`, 100 resamples): agreement rows in
    raw.agreement_metrics and the marts dbt builds from them. Once per session; copy it before changing anything."""
    if "evaluated" not in _BUILT:
        from ptmreuse.evaluate import evaluate_warehouse

        runner = dbt_runner(factory)
        runner.use(rules_warehouse(factory))
        extra = {name: runner.env[name] for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH")}
        assert evaluate_warehouse(runner.db, Console(quiet=True), resamples=100, extra_env=extra)
        _BUILT["evaluated"] = _keep(runner, factory.mktemp("evaluated-warehouse") / "evaluated")
    return _BUILT["evaluated"]


# One paper of the session's papers is from 1985 (inside the accepted 1950..next year), built with these vars: one
# full build shows both that such a paper passes dbt's tests and that every other documented var value builds.
OLD_PAPER_YEAR = 1985
OTHER_VARS = "{natural_science_rule: two_of_3, natural_science_requires_citations: false, year_max: '2019'}"
OLD_PAPER = "(select min(doi) from raw.papers)"


def old_paper_ingested(factory: pytest.TempPathFactory, folder: Path, year: int = OLD_PAPER_YEAR) -> Path:
    """A copy of the session's ingested + labelled warehouse (before dbt) in `folder`, one paper set to `year`."""
    folder.mkdir(parents=True, exist_ok=True)
    db = shutil.copyfile(rules_warehouse(factory).parent.parent / "ingested.duckdb", folder / "warehouse.duckdb")
    with duckdb.connect(str(db)) as con:
        con.execute(f"update raw.papers set publication_year = {int(year)} where doi = {OLD_PAPER}")
    return db


def old_paper_build(factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`dbt build --vars OTHER_VARS` on the session's papers with one of 1985: (the built file, dbt's result). Once
    per session; the file is a template."""
    if "old-paper" not in _BUILT:
        root = factory.mktemp("old-paper")
        runner = dbt_runner(factory)
        runner.use(old_paper_ingested(factory, root / "ingested"))
        result = runner("build", "--vars", OTHER_VARS)
        _BUILT["old-paper"] = _keep(runner, root / "built")
        _RESULTS["old-paper"] = result
    return _BUILT["old-paper"], _RESULTS["old-paper"]
