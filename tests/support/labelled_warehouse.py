"""A small real warehouse with labels: bundled papers (some in the gold sets), ingested and labelled by the rules.

Built once per test session and copied per test, so tests may plant bad rows in their own copy.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

from rich.console import Console

from classifiers.engine.service import classify
from classifiers.options import ClassifyRequest
from tests.support.llm_warehouse import template_warehouse

# Four reference-set positives, three reference-set negatives, and the one study (aius) paper that is bundled.
GOLD_MEMBERS = (
    "biohackathon2024-pmc/PMC9825755.xml",
    "biohackathon2024-pmc/PMC9750126.xml",
    "pyeuropepmc-benchmark/PMC13239955.xml",
    "biohackathon2024-pmc/PMC10325484.xml",
    "biohackathon2024-pmc/PMC9252764.xml",
    "biohackathon2024-pmc/PMC9972184.xml",
    "pyeuropepmc-benchmark/PMC13238370.xml",
    "biohackathon2024-pmc/PMC9718391.xml",
)


@cache
def _labelled_template() -> Path:
    source = template_warehouse(GOLD_MEMBERS)
    target = source.with_name("labelled.duckdb")
    shutil.copyfile(source, target)
    classify(target, ClassifyRequest(backend="rules"), Console(quiet=True))
    return target


def labelled_warehouse(dest_dir: Path) -> Path:
    """A fresh copy of the labelled warehouse in `dest_dir`."""
    db_path = dest_dir / "warehouse.duckdb"
    shutil.copyfile(_labelled_template(), db_path)
    return db_path
