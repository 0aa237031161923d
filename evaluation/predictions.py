"""What a classifier run configuration answered, read where the marts read it: dbt's intermediate models.

This module is the evaluation's one window on the warehouse. `read_predictions` takes a configuration's labels from
`intermediate.int_paper_labels` (one row per run_configuration × doi) and its PTM entries from
`intermediate.int_paper_ptms` (one row per run_configuration × doi × mention), so the evaluation scores exactly what
users read in marts.papers and marts.ptm_reuse, with dbt's rules: which labels belong to a configuration, the
cascade (a paper with uses_dl = false is negative for uses_ptms and lists no PTM), canonical names. Gold PTM names
get their canonical names from the same SQL (`intermediate.int_gold_ptm_names`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

import duckdb

from evaluation.entries import Entry
from warehouse import tables_in

NEEDED = {
    "staging": {"stg_classifier__runs"},
    "intermediate": {"int_paper_labels", "int_paper_ptms", "int_gold_ptm_names"},
}


class NotBuilt(RuntimeError):
    """The dbt models the evaluation reads are missing, or older than the labels: said in one line."""


@dataclass(frozen=True, slots=True)
class Configuration:
    run_configuration: str  # backend | protocol | model | prompt versions (stg_classifier__runs)
    run_id: str  # its newest run
    backend: str
    protocol: str
    model: str | None

    @property
    def label(self) -> str:
        model = f"/{self.model}" if self.model else ""
        return f"{self.protocol}:{self.backend}{model} ({self.run_id[:8]})"


@dataclass(frozen=True, slots=True)
class PaperPrediction:
    uses_dl: bool
    uses_ptms: bool
    entries: tuple[Entry, ...] = ()


@dataclass(slots=True)
class Predictions:
    configuration: Configuration
    in_warehouse: set[str] = field(default_factory=set)  # papers int_paper_labels has for this configuration
    analysed: dict[str, PaperPrediction] = field(default_factory=dict)  # papers with both questions answered


class GoldName(NamedTuple):
    canonical: str
    is_catalogued: bool


def canonical_id(canonical_name: str, name_key: str, is_catalogued: bool) -> str:
    """What the canonical-name view compares: the catalogue's name, or the name key of a model it does not know
    (an uncatalogued canonical_name is the spelling written most often in the warehouse, so it would depend on
    which papers are loaded; the key does not)."""
    return canonical_name if is_catalogued else f"key:{name_key}"


def check_built(con: duckdb.DuckDBPyConnection) -> None:
    for schema, names in NEEDED.items():
        missing = names - tables_in(con, schema)
        if missing:
            raise NotBuilt(f"{schema}.{min(missing)} is missing: run `ptmreuse build` first, then eval")


_CONFIGURATIONS_SQL = """
select run_configuration, run_id, backend, protocol, model
from staging.stg_classifier__runs
{where}
qualify row_number() over (partition by {partition} order by started_at desc, run_id desc) = 1
order by protocol, backend, model
"""


def select_configurations(con: duckdb.DuckDBPyConnection, run: str = "latest") -> list[Configuration]:
    """`latest`: the configuration of the newest run of each (backend, protocol, model), side by side; else the
    configuration of one run id."""
    if run == "latest":
        sql, params = _CONFIGURATIONS_SQL.format(where="", partition="backend, protocol, model"), []
    else:
        sql, params = _CONFIGURATIONS_SQL.format(where="where run_id = ?", partition="run_id"), [run]
    rows = con.execute(sql, params).fetchall()
    if run != "latest" and not rows:
        raise ValueError(f"no classifier run {run!r} in raw.classifier_runs")
    return [Configuration(*row) for row in rows]


def is_built(con: duckdb.DuckDBPyConnection, configuration: Configuration) -> bool:
    sql = "select count(*) from intermediate.int_paper_labels where run_configuration = ?"
    return con.execute(sql, [configuration.run_configuration]).fetchone() != (0,)


def check_fresh(con: duckdb.DuckDBPyConnection, configuration: Configuration) -> None:
    """The models must hold the configuration's newest answers: a classify after the last build would be missed.

    Compared on uses_dl answers, the one task whose latest answer always counts for a paper (labelled_at is at least
    its time), so a later answer the cascade ignores never reads as a stale build."""
    newest_raw, newest_built = con.execute(
        """
        select
            (select max(labels.finished_at)
             from raw.llm_labels as labels
             inner join staging.stg_classifier__runs as runs on labels.run_id = runs.run_id
             where runs.run_configuration = $1 and labels.task = 'uses_dl'
               and labels.status in ('ok', 'skipped_prefilter')
               and labels.doi in (select doi from raw.papers)),
            (select max(labelled_at) from intermediate.int_paper_labels where run_configuration = $1)
        """,
        [configuration.run_configuration],
    ).fetchone() or (None, None)
    if newest_raw is not None and (newest_built is None or newest_raw > newest_built):
        raise NotBuilt(f"{configuration.label} has labels newer than the last build: run `ptmreuse build`, then eval")


def read_predictions(con: duckdb.DuckDBPyConnection, configuration: Configuration) -> Predictions:
    predictions = Predictions(configuration)
    entries: dict[str, list[Entry]] = {}
    for doi, name, pattern, stage, canonical_name, name_key, catalogued in con.execute(
        """
        select doi, raw_name, reuse_pattern, stage, canonical_name, name_key, is_catalogued
        from intermediate.int_paper_ptms
        where run_configuration = ?
        order by doi, mention_index
        """,
        [configuration.run_configuration],
    ).fetchall():
        entries.setdefault(doi, []).append(
            Entry(name, pattern, stage, canonical_id(canonical_name, name_key, catalogued))
        )
    for doi, uses_dl, uses_ptms, analysed in con.execute(
        "select doi, uses_dl, uses_ptms, is_analysed from intermediate.int_paper_labels where run_configuration = ?",
        [configuration.run_configuration],
    ).fetchall():
        predictions.in_warehouse.add(doi)
        if analysed:
            predictions.analysed[doi] = PaperPrediction(uses_dl, uses_ptms, tuple(entries.get(doi, ())))
    return predictions


def gold_names(con: duckdb.DuckDBPyConnection) -> dict[str, GoldName]:
    """Every gold PTM name with its canonical id and whether the catalogue knows it, as dbt canonicalises it."""
    rows = con.execute(
        "select ptm_name, canonical_name, name_key, is_catalogued from intermediate.int_gold_ptm_names"
    ).fetchall()
    return {name: GoldName(canonical_id(canonical, key, known), known) for name, canonical, key, known in rows}


def usage_totals(con: duckdb.DuckDBPyConnection, configuration: Configuration) -> dict[str, float]:
    """Tokens, cost and calls of every run of the configuration, and the papers it has analysed."""
    row = con.execute(
        """
        select
            coalesce(sum(input_tokens), 0),
            coalesce(sum(output_tokens), 0),
            coalesce(sum(cost_usd), 0),
            coalesce(sum(calls), 0),
            (select count(*) from intermediate.int_paper_labels where run_configuration = $1 and is_analysed)
        from staging.stg_classifier__runs
        where run_configuration = $1
        """,
        [configuration.run_configuration],
    ).fetchone()
    assert row is not None
    keys = ("input_tokens", "output_tokens", "cost_usd", "llm_calls", "papers_labelled")
    return {key: float(value) for key, value in zip(keys, row, strict=True)}
