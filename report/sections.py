"""The report's sections in the study's order: query a mart, draw its figure, and say what it is conditioned on."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from report import captions, figures, queries


@dataclass(slots=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Conditions:
    """What a figure's numbers are conditioned on, in words (from the mart's own columns)."""

    rule: str
    counting: str
    years: str
    run: str
    fields: str  # how many analysed papers have no field, so the reader knows what the figure is a share of


def conditions(con: duckdb.DuckDBPyConnection, mart: str, *, per_field: bool) -> Conditions:
    settings = queries.run_settings(con, mart)
    return Conditions(
        rule=captions.rule_text(settings),
        counting=captions.counting_text(settings, per_field=per_field),
        years=captions.years_text(settings),
        run=captions.run_text(settings),
        fields=captions.fields_text(queries.field_coverage(con, mart)),
    )


@dataclass(slots=True)
class Section:
    anchor: str
    title: str
    study_figure: str  # the 2026 study's figure letter(s) it corresponds to, "" when it has none
    image: str  # PNG file name beside index.html
    has_data: bool
    shows: str  # one sentence: what is plotted
    denominator: str
    conditions: Conditions
    source: str  # the mart(s) the numbers come from
    tables: list[Table] = field(default_factory=list)


def build_sections(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Section]:
    fields = queries.natural_science_fields(con)
    patterns = queries.reuse_patterns(con)
    stages = queries.stages(con)
    others = queries.other_fields(con)
    field_note = (
        f" Natural-science papers also belong to {len(others)} other field(s) ({', '.join(others[:5])}"
        f"{', …' if len(others) > 5 else ''}), kept in the"
        " mart and not plotted."
        if others
        else ""
    )
    adoption = queries.field_year_adoption(con)
    by_year = queries.adoption_by_year(con)
    ptm_papers = queries.ptm_papers_by_year(con)
    no_model = captions.ptm_without_model_text(queries.ptm_papers_without_model(con))
    sections = [
        Section(
            conditions=conditions(con, "pipeline_funnel", per_field=False),
            anchor="funnel",
            title="Pipeline funnel",
            study_figure="Q",
            image="fig_q_funnel.png",
            has_data=figures.draw_funnel(queries.funnel(con), out_dir / "fig_q_funnel.png"),
            shows="Distinct papers (DOIs) reaching each step, per search source or ingested corpus.",
            denominator="each bar's share is of the step before it in the same source; search sources count hits by"
            " search year, corpus sources by publication year.",
            source="marts.pipeline_funnel",
        ),
        Section(
            conditions=conditions(con, "adoption_overall", per_field=False),
            anchor="dl-by-year",
            title="Deep learning in natural-science papers, per year",
            study_figure="V",
            image="fig_v_dl_by_year.png",
            has_data=figures.draw_adoption_by_year(
                by_year,
                out_dir / "fig_v_dl_by_year.png",
                numerator="papers_using_dl",
                denominator="papers_analysed",
                labels=("uses deep learning", "no deep learning"),
            ),
            shows="Analysed natural-science papers per publication year, split by whether the study uses deep"
            " learning; the percentage above each bar is the year's DL rate.",
            denominator="analysed natural-science papers of the year (labels complete); unlabelled papers are left"
            " out of every rate.",
            source="marts.adoption_overall (scope year)",
        ),
        Section(
            conditions=conditions(con, "field_year_adoption", per_field=True),
            anchor="dl-by-field",
            title="Deep learning per field, over the years",
            study_figure="R",
            image="fig_r_dl_by_field.png",
            has_data=figures.draw_adoption_by_field(
                adoption,
                fields,
                out_dir / "fig_r_dl_by_field.png",
                numerator="papers_using_dl",
                denominator="papers_analysed",
                labels=("uses deep learning", "no deep learning"),
                empty="no analysed papers",
            ),
            shows="One panel per natural-science field: analysed papers per year, DL in blue; top-left: DL papers /"
            " analysed papers over all years." + field_note,
            denominator="papers_analysed of the field-year (dl_rate = papers_using_dl / papers_analysed).",
            source="marts.field_year_adoption",
        ),
        Section(
            conditions=conditions(con, "adoption_overall", per_field=False),
            anchor="ptm-by-year",
            title="PTM reuse among deep-learning papers, per year",
            study_figure="W",
            image="fig_w_ptm_by_year.png",
            has_data=figures.draw_adoption_by_year(
                by_year,
                out_dir / "fig_w_ptm_by_year.png",
                numerator="papers_reusing_ptms",
                denominator="papers_using_dl",
                labels=("reuses PTMs", "DL without PTM reuse"),
            ),
            shows="Natural-science papers that use deep learning, per year, split by whether they reuse a"
            " pre-trained model; the percentage is the year's PTM rate.",
            denominator="analysed natural-science papers that use deep learning (ptm_rate's denominator).",
            source="marts.adoption_overall (scope year)",
        ),
        Section(
            conditions=conditions(con, "field_year_adoption", per_field=True),
            anchor="ptm-by-field",
            title="PTM reuse per field, over the years",
            study_figure="S",
            image="fig_s_ptm_by_field.png",
            has_data=figures.draw_adoption_by_field(
                adoption,
                fields,
                out_dir / "fig_s_ptm_by_field.png",
                numerator="papers_reusing_ptms",
                denominator="papers_using_dl",
                labels=("reuses PTMs", "DL without PTM reuse"),
                empty="no deep-learning papers",
            ),
            shows="One panel per natural-science field: DL papers per year, PTM reuse in blue; top-left: PTM papers"
            " / DL papers over all years." + field_note,
            denominator="papers_using_dl of the field-year (ptm_rate = papers_reusing_ptms / papers_using_dl).",
            source="marts.field_year_adoption",
        ),
        Section(
            conditions=conditions(con, "reuse_patterns_overall", per_field=False),
            anchor="patterns-by-year",
            title="How PTMs are reused, per year",
            study_figure="T",
            image="fig_t_patterns_by_year.png",
            has_data=figures.draw_categories_by_year(
                queries.patterns_by_year(con), patterns, ptm_papers, out_dir / "fig_t_patterns_by_year.png"
            ),
            shows="Reuse pattern (conceptual, adaptation, deployment) of each reused PTM per year; the label above a"
            " bar is the number of papers listing a PTM that year." + no_model,
            denominator="PTM instances = distinct (paper, PTM) pairs; a PTM reused two ways counts once in each.",
            source="marts.reuse_patterns_overall (scope year)",
        ),
        Section(
            conditions=conditions(con, "reuse_patterns", per_field=True),
            anchor="patterns-by-field",
            title="How PTMs are reused, per field over the years",
            study_figure="X",
            image="fig_x_patterns_by_field.png",
            has_data=figures.draw_categories_by_field(
                queries.patterns_by_field_year(con), fields, patterns, out_dir / "fig_x_patterns_by_field.png"
            ),
            shows="One panel per natural-science field: PTM instances per reuse pattern and year." + no_model,
            denominator="ptm_instances_total of the field-year (instance shares sum to 1 within a field-year).",
            source="marts.reuse_patterns",
        ),
        Section(
            conditions=conditions(con, "stage_impact_overall", per_field=False),
            anchor="stages-by-year",
            title="Where in the scientific process PTMs serve, per year",
            study_figure="U",
            image="fig_u_stages_by_year.png",
            has_data=figures.draw_categories_by_year(
                queries.stages_by_year(con), stages, ptm_papers, out_dir / "fig_u_stages_by_year.png"
            ),
            shows="Stage of the scientific process each reused PTM serves, per year (all six stages, including"
            " conclusion, which the study's figure omits); the label above a bar is the number of PTM papers."
            + no_model,
            denominator="PTM instances = distinct (paper, PTM) pairs; a PTM serving two stages counts at both.",
            source="marts.stage_impact_overall (scope year)",
        ),
        Section(
            conditions=conditions(con, "stage_impact_overall", per_field=True),
            anchor="stages-by-field",
            title="Where in the scientific process PTMs serve, per field",
            study_figure="U",
            image="fig_u_stages_by_field.png",
            has_data=figures.draw_stage_heatmap(
                queries.stages_by_field(con), fields, stages, out_dir / "fig_u_stages_by_field.png"
            ),
            shows="Share of each field's PTM papers (all years) with a PTM at each stage; a cell reads papers at the"
            " stage / the field's PTM papers. Rows don't sum to 1: a paper can serve several stages." + no_model,
            denominator="papers_with_ptms of the field over all years (share_of_papers).",
            source="marts.stage_impact_overall (scope field)",
        ),
        _top_ptms_section(con, patterns, out_dir, no_model),
    ]
    return sections


def _top_ptms_section(
    con: duckdb.DuckDBPyConnection, patterns: dict[str, str], out_dir: Path, no_model: str
) -> Section:
    per_field = queries.top_ptms_per_field(con)
    table = Table(
        columns=["field", "rank", "PTM", "papers", "years", "usual pattern", "usual stage"],
        rows=[
            [
                r["field_name"],
                f"{r['rank_in_field']}{' (tie)' if r['models_at_rank'] > 1 else ''}",
                r["canonical_name"],
                str(r["papers"]),
                f"{r['first_year_seen']}–{r['last_year_seen']}",
                r["dominant_reuse_pattern"],
                r["dominant_stage"],
            ]
            for r in per_field
        ],
        caption=f"Top 3 per natural-science field (marts.top_ptms). {_ties_text(per_field)}",
    )
    return Section(
        conditions=conditions(con, "top_ptms", per_field=False),
        anchor="top-ptms",
        title="Most reused pre-trained models",
        study_figure="",
        image="fig_top_ptms.png",
        has_data=figures.draw_top_ptms(queries.top_ptms_overall(con), patterns, out_dir / "fig_top_ptms.png"),
        shows="The 15 PTMs (canonical names) reused by the most natural-science papers, coloured by the reuse"
        " pattern most of their papers have (ties: the codebook's order); the table ranks them within each field"
        " (counting convention of top_ptms)." + no_model,
        denominator="none: counts of distinct papers reusing each PTM (a paper in two fields counts once here).",
        source="marts.top_ptms",
        tables=[table] if per_field else [],
    )


def _ties_text(rows: list[dict]) -> str:
    """Ties are kept, not cut: say how many fields list more than 3 models because of them."""
    per_field: dict[str, int] = {}
    for row in rows:
        per_field[row["field_name"]] = per_field.get(row["field_name"], 0) + 1
    over = sorted(name for name, count in per_field.items() if count > 3)
    if not over:
        return "Ties share a rank; no field has a tie at the cut."
    return f"Ties share a rank and are all kept, so {len(over)} field(s) list more than 3 models ({'; '.join(over)})."


_COUNTS = {"gold_papers", "gold_papers_in_warehouse", "papers_scored", "gold_positives"}
_CONFUSION = ("tp", "fp", "fn", "tn")  # shown as one tp/fp/fn/tn cell per task, as `ptmreuse eval` prints them
_TASKS = ("coverage", "uses_dl", "uses_ptms", "ptms")


def _cell(row: dict) -> str:
    value = row["value"]
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if row["metric"] in _COUNTS:
        return f"{value:.0f}"
    interval = "" if row["ci_low"] is None else f" [{row['ci_low']:.2f}, {row['ci_high']:.2f}]"
    return f"{value:.2f}{interval} (n={row['n']})"


def _confusion(cells: dict[tuple[str, ...], dict], task: str, column: tuple[str, str]) -> str:
    parts = [cells.get((task, metric, *column)) for metric in _CONFUSION]
    return "/".join(f"{p['value']:.0f}" for p in parts if p) if all(parts) else ""


def _family(gold_set: str) -> tuple[str, str]:
    """reference-frozen → (reference, frozen); aius → (aius, all)."""
    family, _, subset = gold_set.partition("-")
    return family, subset or "all"


def _run_name(row: dict) -> str:
    model = f"/{row['model']}" if row["model"] else ""
    return f"{row['protocol']}:{row['backend']}{model} ({row['run_id'][:8]})"


def agreement_tables(con: duckdb.DuckDBPyConnection) -> list[Table] | None:
    """marts.classifier_agreement as one table per gold family (reference, aius), its sets side by side for each run
    configuration — the reference tuning and frozen sets next to each other; None when never evaluated."""
    rows = queries.classifier_agreement(con)
    if rows is None:
        return None
    tables = []
    for family in dict.fromkeys(_family(r["gold_set"])[0] for r in rows):
        mine = [r for r in rows if _family(r["gold_set"])[0] == family]
        columns = {
            (r["run_configuration"], r["gold_set"]): f"{_run_name(r)} · {_family(r['gold_set'])[1]}" for r in mine
        }
        cells = {(r["task"], r["metric"], r["run_configuration"], r["gold_set"]): r for r in mine}
        keys = sorted(
            dict.fromkeys((r["task"], r["metric"]) for r in mine if r["metric"] not in _CONFUSION),
            key=lambda key: _TASKS.index(key[0]) if key[0] in _TASKS else len(_TASKS),
        )
        lines = [
            [task, metric, *(_cell(cells[task, metric, *c]) if (task, metric, *c) in cells else "" for c in columns)]
            for task, metric in keys
        ]
        for task in dict.fromkeys(r["task"] for r in mine if r["metric"] in _CONFUSION):
            lines.append([task, "tp/fp/fn/tn", *(_confusion(cells, task, column) for column in columns)])
        worth = mine[0]["gold_labels"]
        tables.append(
            Table(
                columns=["task", "metric", *columns.values()],
                rows=lines,
                caption=f"Gold set '{family}' — {worth} labels: value [95% bootstrap interval] (n = papers, or PTM "
                "entries or names scored).",
            )
        )
    return tables
