"""Write metric rows to raw.agreement_metrics; dbt publishes them as marts.classifier_agreement (contract, tests).

The rows of every (run configuration, gold set) pair scored are replaced in one transaction; other pairs' rows
stay, so the table keeps the latest evaluation of each pair across evaluations.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime

import duckdb

from evaluation.evaluate import MetricRow
from warehouse.raw_schema import create_raw_tables, raw_table

TABLE = "agreement_metrics"


def _undefined_as_null(value: float) -> float | None:
    return None if math.isnan(value) else value


def write_agreement(con: duckdb.DuckDBPyConnection, rows: list[MetricRow], resamples: int) -> int:
    if not rows:
        return 0
    now = datetime.now(UTC)
    batch = raw_table(TABLE).to_arrow(  # noqa: F841 — read by DuckDB's replacement scan below
        [
            {
                "run_configuration": r.configuration.run_configuration,
                "run_id": r.configuration.run_id,
                "backend": r.configuration.backend,
                "protocol": r.configuration.protocol,
                "model": r.configuration.model,
                "gold_set": r.gold_set,
                "gold_is_human": r.gold_is_human,
                "task": r.task,
                "metric": r.metric,
                "value": _undefined_as_null(r.value),
                "ci_low": _undefined_as_null(r.ci_low),
                "ci_high": _undefined_as_null(r.ci_high),
                "n": r.n,
                "description": r.description,
                "bootstrap_resamples": resamples,
                "evaluated_at": now,
            }
            for r in rows
        ]
    )
    create_raw_tables(con, (TABLE,))
    con.execute("begin")
    con.execute(
        f"delete from raw.{TABLE} where (run_configuration, gold_set) in "
        "(select distinct run_configuration, gold_set from batch)"
    )
    con.execute(f"insert into raw.{TABLE} by name select * from batch")
    con.execute("commit")
    return len(rows)
