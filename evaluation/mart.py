"""Write metric rows to marts.classifier_agreement (from Python: dbt does not compute bootstrap intervals).

Rows of the evaluated (run, gold set) pairs are replaced; other runs' rows stay, so the table keeps one row per
run × gold set × task × metric across evaluations.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime

import duckdb
import pyarrow as pa

from evaluation.evaluate import MetricRow

TABLE = "marts.classifier_agreement"
_DDL = f"""
create table if not exists {TABLE} (
    run_id varchar not null,
    protocol varchar,
    backend varchar,
    model varchar,
    gold_set varchar not null,   -- reference | aius | aius-untuned | '-' for usage rows
    task varchar not null,       -- uses_dl | uses_ptms | ptms | coverage | usage
    metric varchar not null,
    value double,
    ci_low double,               -- 95% percentile bootstrap over papers (null when not bootstrapped)
    ci_high double,
    n integer,                   -- papers (or PTM names/pairs, see description) the value is computed on
    description varchar,
    evaluated_at timestamptz
)
"""


def write_agreement(con: duckdb.DuckDBPyConnection, rows: list[MetricRow]) -> int:
    con.execute("create schema if not exists marts")
    con.execute(_DDL)
    now = datetime.now(UTC)
    records = [{**asdict(r), "evaluated_at": now} for r in rows]
    for record in records:  # NaN means "undefined": store it as null
        for key in ("value", "ci_low", "ci_high"):
            if record[key] != record[key]:
                record[key] = None
    if not records:
        return 0
    batch = pa.Table.from_pylist(records)  # noqa: F841 — read by DuckDB's replacement scan
    con.execute("begin")
    con.execute(f"delete from {TABLE} where (run_id, gold_set) in (select distinct run_id, gold_set from batch)")
    con.execute(f"insert into {TABLE} by name select * from batch")
    con.execute("commit")
    return len(records)
