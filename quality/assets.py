"""What the gate validates: one DuckDB query per asset and the expectations its rows must meet.

Each asset reads only the columns its checks need (lengths instead of body texts), so a chunk of 50k rows stays
small. Shares (parse errors, ungrounded evidence) are computed per run in SQL over the whole table, because a share
checked chunk by chunk would depend on where the chunks happen to split.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import great_expectations.expectations as gxe
from great_expectations.expectations import Expectation
from great_expectations.expectations.row_conditions import Column

from classifiers.engine.asker import MAX_ATTEMPTS
from classifiers.store import OK
from classifiers.taxonomy import ReusePattern, Stage, Task
from quality.config import GateConfig
from warehouse.raw_schema import accepted_values, raw_table

DOI_REGEX = r"^10\.\d{4,9}/\S+$"  # the shape ingestion.identifiers.normalize_doi accepts


@dataclass(frozen=True, slots=True)
class Asset:
    name: str  # also the suite's name
    tables: tuple[str, ...]  # raw tables the query needs; the asset is skipped when one is missing or empty
    sql: str
    expectations: Callable[[GateConfig], list[Expectation]]
    required: bool = False  # a required asset with no rows fails the gate instead of being skipped


def _not_null(column: str, why: str) -> Expectation:
    return gxe.ExpectColumnValuesToNotBeNull(column=column, description=why)


def _at_least(column: str, minimum: float, why: str) -> Expectation:
    return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=minimum, description=why)


def _in_set(column: str, values: tuple[str, ...], why: str) -> Expectation:
    return gxe.ExpectColumnValuesToBeInSet(column=column, value_set=list(values), description=why)


def _declared(table: str, column: str, as_column: str | None = None) -> Expectation:
    """The raw column's accepted values, as declared (once) in models/staging/__sources.yml."""
    return _in_set(
        as_column or column,
        accepted_values(table, column),
        f"{column} is one of the values raw.{table}.{column} declares in models/staging/__sources.yml",
    )


def _doi(column: str = "doi") -> Expectation:
    return gxe.ExpectColumnValuesToMatchRegex(column=column, regex=DOI_REGEX, description="DOI shape 10.NNNN/suffix")


def _years(table: str) -> Expectation:
    low, high = raw_table(table).column("publication_year").value_range()
    return gxe.ExpectColumnValuesToBeBetween(
        column="publication_year",
        min_value=low,
        max_value=high,
        description=f"publication year in {low}..{high} (in_range of raw.{table} in models/staging/__sources.yml)",
    )


def _papers(_: GateConfig) -> list[Expectation]:
    return [
        gxe.ExpectTableRowCountToBeBetween(min_value=1, description="at least one paper is loaded"),
        _not_null("doi", "every paper has a DOI"),
        _doi(),
        gxe.ExpectColumnValuesToBeUnique(column="doi", description="one row per DOI (within a chunk)"),
        _years("papers"),
        _at_least("body_chars", 1, "every paper has body text (articles without one are ingest rejects)"),
        _not_null("content_hash", "content hash present (the classifiers' cache keys use it)"),
        _at_least("section_count", 0, "section count is not negative"),
    ]


def _sections(_: GateConfig) -> list[Expectation]:
    return [
        _not_null("doi", "every section belongs to a DOI"),
        _doi(),
        _at_least("ordinal", 0, "section ordinals are not negative"),
        _declared("paper_sections", "kind"),
        _declared("paper_sections", "section_type"),
        _at_least("text_chars", 0, "section text length is not negative"),
    ]


def _labels(_: GateConfig) -> list[Expectation]:
    return [
        _not_null("run_id", "every label belongs to a run"),
        _doi(),
        _declared("llm_labels", "task"),
        _declared("llm_labels", "status"),
        _declared("llm_labels", "decided_by"),
        gxe.ExpectColumnValuesToBeBetween(
            column="attempt", min_value=1, max_value=MAX_ATTEMPTS, description="attempt is 1 or the one re-ask"
        ),
        _at_least("input_tokens", 0, "input token counts are not negative"),
        _at_least("output_tokens", 0, "output token counts are not negative"),
        _at_least("cost_usd", 0, "costs are not negative"),
        _at_least("latency_s", 0, "latencies are not negative"),
        gxe.ExpectColumnValuesToBeInSet(
            column="has_parsed",
            value_set=[True],
            row_condition=Column("status") == OK,
            description="an ok label carries its parsed answer",
        ),
        gxe.ExpectColumnValuesToBeInSet(
            column="answer",
            value_set=[True, False],
            row_condition=(Column("status") == OK) & (Column("task") != Task.PTMS.value),
            description="an ok yes/no label has a boolean answer",
        ),
        _at_least("positive_evidence_chars", 1, "a positive yes/no answer quotes its evidence"),
    ]


def _ptm_entries(_: GateConfig) -> list[Expectation]:
    return [
        gxe.ExpectColumnValueLengthsToBeBetween(column="name", min_value=1, description="every PTM entry is named"),
        _not_null("name", "every PTM entry is named"),
        _in_set("reuse_pattern", tuple(p.value for p in ReusePattern), "reuse pattern inside the taxonomy"),
        _in_set("stage", tuple(s.value for s in Stage), "stage inside the taxonomy"),
        _at_least("evidence_chars", 1, "every PTM entry quotes its evidence"),
    ]


def _runs(config: GateConfig) -> list[Expectation]:
    return [
        gxe.ExpectColumnValuesToBeBetween(
            column="parse_error_share",
            min_value=0,
            max_value=config.max_parse_error_share,
            description="share of a run's LLM answers that failed validation (GateConfig.max_parse_error_share)",
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="ungrounded_share",
            min_value=0,
            max_value=config.max_ungrounded_share,
            description="share of a run's evidence quotes not found in the paper (GateConfig.max_ungrounded_share)",
        ),
        _declared("classifier_runs", "status", as_column="run_status"),
    ]


def _integrity(_: GateConfig) -> list[Expectation]:
    def zero(column: str, why: str) -> Expectation:
        return gxe.ExpectColumnValuesToBeBetween(column=column, min_value=0, max_value=0, description=why)

    return [
        zero("duplicate_paper_dois", "no DOI appears twice in raw.papers (whole table)"),
        zero("duplicate_section_keys", "no (doi, ordinal) appears twice in raw.paper_sections (whole table)"),
        zero("orphan_sections", "every section's DOI is in raw.papers"),
        zero("papers_without_sections", "every paper has at least one section"),
    ]


def _openalex(_: GateConfig) -> list[Expectation]:
    return [
        _not_null("openalex_id", "every work has an OpenAlex id"),
        gxe.ExpectColumnValuesToMatchRegex(column="openalex_id", regex=r"^W\d+$", description="OpenAlex id shape W…"),
        gxe.ExpectColumnValuesToBeUnique(column="openalex_id", description="one row per work (within a chunk)"),
        _doi(),
        _years("openalex_works"),
        _at_least("cited_by_count", 0, "citation counts are not negative"),
        _at_least("topic_count", 0, "topic counts are not negative"),
    ]


_LABELS_SQL = f"""
select
    run_id, doi, task, attempt, status, decided_by, input_tokens, output_tokens, cost_usd, latency_s,
    parsed is not null as has_parsed,
    case when task <> '{Task.PTMS.value}' then try_cast(json_extract(parsed, '$.answer') as boolean) end as answer,
    -- GX conditions cannot compare booleans, so the evidence check reads a length that exists only for positives
    case when task <> '{Task.PTMS.value}' and try_cast(json_extract(parsed, '$.answer') as boolean)
        then length(coalesce(json_extract_string(parsed, '$.evidence'), '')) end as positive_evidence_chars
from raw.llm_labels
"""

_PTM_ENTRIES_SQL = f"""
with entries as (
    select run_id, doi, unnest(cast(json_extract(parsed, '$.ptms[*]') as json[])) as entry
    from raw.llm_labels
    where task = '{Task.PTMS.value}' and parsed is not null
)
select
    run_id, doi,
    json_extract_string(entry, '$.name') as name,
    json_extract_string(entry, '$.reuse_pattern') as reuse_pattern,
    json_extract_string(entry, '$.stage') as stage,
    length(coalesce(json_extract_string(entry, '$.evidence'), '')) as evidence_chars
from entries
"""

# Parse errors count the final attempt of each LLM call (a re-ask that validated is not an error).
_RUNS_SQL = f"""
with final as (
    select run_id, status
    from raw.llm_labels
    where decided_by = 'llm'
    qualify row_number() over (partition by run_id, call_id, task order by attempt desc, finished_at desc) = 1
),
parse as (
    select run_id, count(*) as llm_answers, avg(case when status = 'parse_error' then 1.0 else 0.0 end)
        as parse_error_share
    from final group by run_id
),
quotes as (
    select run_id, unnest(grounded) as found from raw.llm_labels where status = '{OK}' and grounded is not null
),
grounding as (
    select run_id, count(found) as evidence_quotes, avg(case when found then 0.0 else 1.0 end) as ungrounded_share
    from quotes group by run_id
),
runs as (select distinct run_id, protocol, backend from raw.llm_labels)
select
    runs.run_id, runs.protocol, runs.backend, coalesce(parse.llm_answers, 0) as llm_answers,
    parse.parse_error_share, coalesce(grounding.evidence_quotes, 0) as evidence_quotes, grounding.ungrounded_share,
    classifier_runs.status as run_status
from runs
left join parse using (run_id)
left join grounding using (run_id)
left join raw.classifier_runs as classifier_runs using (run_id)
order by runs.run_id
"""

_INTEGRITY_SQL = """
select
    (select count(*) - count(distinct doi) from raw.papers) as duplicate_paper_dois,
    (select count(*) from (select doi, ordinal from raw.paper_sections group by all having count(*) > 1))
        as duplicate_section_keys,
    (select count(*) from raw.paper_sections s where not exists (select 1 from raw.papers p where p.doi = s.doi))
        as orphan_sections,
    (select count(*) from raw.papers p where not exists (select 1 from raw.paper_sections s where s.doi = p.doi))
        as papers_without_sections
"""

ASSETS: tuple[Asset, ...] = (
    Asset(
        "raw.papers",
        ("papers",),
        "select doi, publication_year, article_type, length(body_text) as body_chars, section_count, content_hash"
        " from raw.papers order by doi",
        _papers,
        required=True,
    ),
    Asset(
        "raw.paper_sections",
        ("paper_sections",),
        "select doi, ordinal, kind, section_type, length(text) as text_chars from raw.paper_sections"
        " order by doi, ordinal",
        _sections,
        required=True,
    ),
    Asset("raw.integrity", ("papers", "paper_sections"), _INTEGRITY_SQL, _integrity, required=True),
    Asset("raw.llm_labels", ("llm_labels",), _LABELS_SQL, _labels),
    Asset("raw.llm_labels.ptm_entries", ("llm_labels",), _PTM_ENTRIES_SQL, _ptm_entries),
    Asset("raw.llm_labels.per_run", ("llm_labels", "classifier_runs"), _RUNS_SQL, _runs),
    Asset(
        "raw.openalex_works",
        ("openalex_works",),
        "select openalex_id, doi, publication_year, work_type, cited_by_count, topic_count"
        " from raw.openalex_works order by openalex_id",
        _openalex,
    ),
)
