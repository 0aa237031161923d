"""The session's small real warehouse for the evaluation's end-to-end tests (tests/support/warehouses.py), copied
per test onto the path of the session's dbt runner.

Its papers include gold papers of both reference sets (two PTM reusers and one non-DL paper each, picked by the
split at run time, so no frozen paper is named in a file) and the one study (aius) paper whose text is bundled:
ingested, labelled by the rules backend and built by dbt, as `ptmreuse classify` and `ptmreuse build` leave it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.warehouses import DbtRunner, dbt_runner, rules_warehouse


@pytest.fixture(scope="session")
def built_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(template, the path every test works on). Tests copy the template to the path of the session's dbt runner,
    so the profile does not change and dbt reuses the session's parsed project."""
    return rules_warehouse(tmp_path_factory), dbt_runner(tmp_path_factory).db


@pytest.fixture
def warehouse(
    built_template: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A fresh copy of the built warehouse that PTMREUSE_DB (and dbt) point at."""
    template, _ = built_template
    runner: DbtRunner = dbt_runner(tmp_path_factory)
    live = runner.use(template)
    monkeypatch.setenv("PTMREUSE_DB", str(live))
    monkeypatch.setenv("COLUMNS", "250")  # rich's tables as a wide terminal shows them, headers on one line
    for key in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
        monkeypatch.setenv(key, runner.env[key])
    return live
