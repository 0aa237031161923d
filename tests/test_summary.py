"""The demo's closing summary reads its headline numbers from the overall marts, intervals included (real papers,
rules labels, the session's built warehouse)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from ptmreuse.summary import print_summary
from tests.duck import query
from tests.support.warehouses import rules_warehouse

pytestmark = pytest.mark.slow  # the session's dbt build


def _share(value: float, low: float, high: float) -> str:
    return f"{round(value, 3)} [{round(low, 3)}, {round(high, 3)}]"


def test_the_summary_prints_the_overall_marts_shares_with_their_intervals(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    db: Path = rules_warehouse(tmp_path_factory)
    console = Console(record=True, width=250)
    print_summary(db, console)
    text = " ".join(console.export_text().split())
    for mart, category in (("reuse_patterns_overall", "reuse_pattern"), ("stage_impact_overall", "stage")):
        rows = query(
            db,
            f"select {category}, papers, ptm_instances, share_of_instances, share_of_instances_ci_low,"
            f" share_of_instances_ci_high from marts.{mart} where scope = 'overall' and ptm_instances > 0",
        )
        assert rows
        for value, papers, instances, share, low, high in rows:
            assert f"{value} │ {papers} │ {instances} │ {_share(share, low, high)}" in text, value
    fields = query(
        db,
        "select field_name, papers_reusing_ptms, ptm_rate, ptm_rate_ci_low, ptm_rate_ci_high"
        " from marts.adoption_overall where scope = 'field' and is_natural_science_field and ptm_rate is not null",
    )
    assert fields
    for name, reusing, rate, low, high in fields:
        assert f"{name} │" in text and f"{reusing} │ {_share(rate, low, high)}" in text, name
