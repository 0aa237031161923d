"""One small real warehouse for the evaluation's end-to-end tests, built once per session and copied per test.

Gold papers of both reference sets (two PTM reusers and one non-DL paper each, picked by the split at run time,
so no frozen paper is named in a file) and the one study (aius) paper whose text is bundled: ingested, labelled
by the rules backend and built by dbt, as `ptmreuse classify` and `ptmreuse build` leave a warehouse.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evaluation.gold import GoldSet, aius_sets, reference_sets
from tests.support.warehouses import built_warehouse, dbt_env


def picked_papers(gold: GoldSet) -> list[str]:
    """Two papers that reuse PTMs and one without deep learning, the first by DOI: the DOIs."""
    ordered = sorted(doi for doi, paper in gold.papers.items() if paper.corpus_file)
    reusers = [doi for doi in ordered if gold.papers[doi].uses_ptms and gold.papers[doi].ptms][:2]
    negative = [doi for doi in ordered if not gold.papers[doi].uses_dl][:1]
    return reusers + negative


def evaluated_members() -> dict[str, str]:
    """doi → corpus member, for every paper the warehouse holds."""
    everything = {doi: p for g in reference_sets() for doi, p in g.papers.items()}
    dois = [doi for g in reference_sets() for doi in picked_papers(g)]
    dois += [doi for doi in aius_sets()[0].papers if doi in everything]  # the bundled study paper
    return {doi: everything[doi].corpus_file or "" for doi in dict.fromkeys(dois)}


@pytest.fixture(scope="session")
def built_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(template, the path every test works on). Tests copy the template to the very path dbt built it at, so the
    profile does not change and dbt reuses the session's parsed project (its views also name the file's catalog)."""
    root = tmp_path_factory.mktemp("eval-warehouse")
    live, _ = built_warehouse(root, evaluated_members().values())
    template = root / "template" / live.name
    template.parent.mkdir()
    shutil.copyfile(live, template)
    return template, live


@pytest.fixture
def warehouse(built_template: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh copy of the built warehouse that PTMREUSE_DB (and dbt) point at."""
    template, live = built_template
    shutil.copyfile(template, live)
    monkeypatch.setenv("PTMREUSE_DB", str(live))
    monkeypatch.setenv("COLUMNS", "250")  # rich's tables as a wide terminal shows them, headers on one line
    for key, value in dbt_env(live.parent).items():
        monkeypatch.setenv(key, value)
    return live
