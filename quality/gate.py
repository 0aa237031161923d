"""Run every asset's suite against the database, chunk by chunk, and fold the chunk results into one verdict."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from quality.assets import ASSETS, Asset
from quality.config import GateConfig, report_dir
from quality.context import SITE_NAME, make_context
from warehouse import tables_in
from warehouse.connect import connect


@dataclass(slots=True)
class ExpectationOutcome:
    expectation: str
    column: str | None
    description: str
    success: bool = True
    checked: int = 0
    unexpected: int = 0
    examples: list[Any] = field(default_factory=list)
    observed: Any = None
    error: str | None = None

    @property
    def unexpected_share(self) -> float:
        return self.unexpected / self.checked if self.checked else (1.0 if not self.success else 0.0)


@dataclass(slots=True)
class SuiteOutcome:
    name: str
    status: str  # passed | failed | skipped
    rows: int = 0
    chunks: int = 0
    expectations: list[ExpectationOutcome] = field(default_factory=list)
    note: str = ""

    @property
    def passed(self) -> int:
        return sum(e.success for e in self.expectations)

    @property
    def failed(self) -> int:
        return sum(not e.success for e in self.expectations)


@dataclass(slots=True)
class GateResult:
    suites: list[SuiteOutcome]
    docs_index: Path | None

    @property
    def success(self) -> bool:
        return all(suite.status != "failed" for suite in self.suites)


def _raw_row_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f'select count(*) from raw."{t}"').fetchone()[0] for t in tables_in(con)}


def _chunks(con: duckdb.DuckDBPyConnection, sql: str, rows: int) -> Iterator[pd.DataFrame]:
    cursor = con.cursor()  # its own cursor: a half-read stream must not block the next query on `con`
    try:
        reader = cursor.sql(sql).to_arrow_reader(rows)
        empty = True
        for batch in reader:
            empty = False
            yield batch.to_pandas()
        if empty:  # still validate an empty frame with the right columns, so row-count expectations can fail
            yield reader.schema.empty_table().to_pandas()
    finally:
        cursor.close()


def _fold(outcomes: list[ExpectationOutcome], validation: Any, examples: int) -> None:
    """Add one chunk's results: an expectation fails when it fails on any chunk; counts add up."""
    for outcome, result in zip(outcomes, validation.results, strict=True):
        details = result.result or {}
        outcome.success = outcome.success and bool(result.success)
        outcome.checked += int(details.get("element_count") or 0)
        outcome.unexpected += int(details.get("unexpected_count") or 0)
        if "observed_value" in details:
            outcome.observed = details["observed_value"]
        if not result.success and len(outcome.examples) < examples:
            outcome.examples.extend(details.get("partial_unexpected_list") or [])
            del outcome.examples[examples:]
        info = result.exception_info or {}
        if info.get("raised_exception") and outcome.error is None:
            outcome.error = str(info.get("exception_message"))[:300]


def _validate(context: Any, datasource: Any, asset: Asset, con: duckdb.DuckDBPyConnection, config: GateConfig):
    import great_expectations as gx

    suite = context.suites.add(gx.ExpectationSuite(name=asset.name))
    expectations = asset.expectations(config)
    for expectation in expectations:
        suite.add_expectation(expectation)
    batch = datasource.add_dataframe_asset(asset.name).add_batch_definition_whole_dataframe("chunk")
    definition = context.validation_definitions.add(gx.ValidationDefinition(data=batch, suite=suite, name=asset.name))
    result_format = {"result_format": "SUMMARY", "partial_unexpected_count": config.examples_shown}
    checkpoint = context.checkpoints.add(
        gx.Checkpoint(name=asset.name, validation_definitions=[definition], result_format=result_format)
    )
    outcome = SuiteOutcome(asset.name, "passed")
    outcome.expectations = [
        ExpectationOutcome(e.expectation_type, getattr(e, "column", None), e.description or "") for e in expectations
    ]
    for frame in _chunks(con, asset.sql, config.chunk_rows):
        if frame.empty and not asset.required:
            break
        run = checkpoint.run(batch_parameters={"dataframe": frame})
        validation = next(iter(run.run_results.values()))
        _fold(outcome.expectations, validation, config.examples_shown)
        outcome.rows += len(frame)
        outcome.chunks += 1
    if outcome.chunks == 0:
        return SuiteOutcome(asset.name, "skipped", note="the query returned no rows")
    outcome.status = "passed" if all(e.success for e in outcome.expectations) else "failed"
    return outcome


def run_checks(db_path: Path, config: GateConfig | None = None, docs_dir: Path | None = None) -> GateResult:
    """Validate the database read-only and write Data Docs; raises FileNotFoundError when there is no database."""
    config = config or GateConfig()
    docs_dir = docs_dir or report_dir()
    suites: list[SuiteOutcome] = []
    with connect(db_path, read_only=True) as con:  # WarehouseMissing (a FileNotFoundError), WarehouseBusy
        docs_dir.mkdir(parents=True, exist_ok=True)
        context = make_context(docs_dir)
        datasource = context.data_sources.add_pandas("duckdb_query_results")
        counts = _raw_row_counts(con)
        for asset in ASSETS:
            missing = [t for t in asset.tables if not counts.get(t)]
            if missing:
                what = ", ".join(f"raw.{t}" for t in missing)
                status = "failed" if asset.required else "skipped"
                suites.append(SuiteOutcome(asset.name, status, note=f"{what} missing or empty"))
                continue
            suites.append(_validate(context, datasource, asset, con, config))
    context.build_data_docs(site_names=[SITE_NAME])
    index = docs_dir / "index.html"
    return GateResult(suites, index if index.exists() else None)
