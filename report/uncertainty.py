"""The report's numbers with their uncertainty (issue 15): rates and shares with intervals, what corrected them, a
table of headline findings with intervals, and our funnel beside the study's published one. Read from the overall
marts (adoption_overall, reuse_patterns_overall, stage_impact_overall) and marts.study_comparison."""

from __future__ import annotations

from pathlib import Path

import duckdb

from report import interval_figures, queries
from report.sections import Section, Table, conditions

_MARTS = ("adoption_overall", "reuse_patterns_overall", "stage_impact_overall")


def _rows(con: duckdb.DuckDBPyConnection, mart: str, where: str) -> list[dict]:
    if not queries.has_table(con, "marts", mart):
        return []
    cursor = con.execute(f"select * from marts.{mart} where {where}")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _gold_worth(gold: str) -> str:
    return "human labels" if gold.startswith("aius") else "reference labels that are LLM-assisted, not human"


def correction_caption(con: duckdb.DuckDBPyConnection) -> str:
    """One line: which gold set corrected which rates (and what its labels are worth), or why nothing was."""
    rows = _rows(con, "adoption_overall", "scope = 'overall'")
    if not rows:
        return "No corrected rates: the overall marts are not built yet (run `ptmreuse build`)."
    row = rows[0]
    gold = row["correction_gold_set"]
    if row["correction_run_configuration"] is None:
        return f"No corrected rates: {row['correction_note']}."
    return (
        f"Corrected (orange) for classifier error: the uses_dl and uses_ptms rates, by Rogan–Gladen with the"
        f" sensitivity and specificity measured for {row['correction_run_configuration']} on gold set {gold}"
        f" ({_gold_worth(gold)}); the interval carries both the sampling error and the uncertainty of that"
        " measurement."
    )


def share_caption(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """Whether the mart's instance shares are corrected, with what (and which categories are not), or why not."""
    kind = "Reuse-pattern" if mart.startswith("reuse") else "Stage"
    category = "reuse_pattern" if mart.startswith("reuse") else "stage"
    rows = _rows(con, mart, "scope = 'overall' and ptm_instances_total > 0")
    if not rows:
        return f"{kind} shares: no data."
    corrected = [r for r in rows if r["share_of_instances_corrected"] is not None]
    if not corrected:
        return f"{kind} shares: {rows[0]['share_correction_note']}."
    row = corrected[0]
    gold = row["share_correction_gold_set"]
    left_out = "".join(
        f" Not corrected: {r[f'{category}_name']} ({r['share_correction_note'].split(', ', 1)[-1]})."
        for r in rows
        if r["share_of_instances_corrected"] is None
    )
    return (
        f"{kind} shares corrected (orange diamonds) through the confusion matrix measured for"
        f" {row['share_correction_run_configuration']} on gold set {gold} ({_gold_worth(gold)}; matched entries"
        " only), with simultaneous 95 % Monte Carlo intervals that carry both the sampling error and the"
        f" uncertainty of that matrix.{left_out}"
    )


def _interval(row: dict, name: str) -> str:
    return f"{row[name]:.2f} [{row[f'{name}_ci_low']:.2f}, {row[f'{name}_ci_high']:.2f}]"


def _lead(finding: str, rows: list[dict], label: str, name: str, basis: str) -> list[str]:
    ranked = sorted((r for r in rows if r[name] is not None), key=lambda r: r[name], reverse=True)
    if len(ranked) < 2:
        return [finding, "no data", "", "", basis]
    first, second = ranked[:2]
    clear = first[f"{name}_ci_low"] > second[f"{name}_ci_high"]
    verdict = "yes: the intervals do not overlap" if clear else "no: the intervals overlap"
    return [
        finding,
        f"{first[label]}: {_interval(first, name)}",
        f"{second[label]}: {_interval(second, name)}",
        verdict,
        basis,
    ]


def headline_table(con: duckdb.DuckDBPyConnection) -> Table:
    fields = _rows(con, "adoption_overall", "scope = 'field' and is_natural_science_field and papers_analysed > 0")
    patterns = _rows(con, "reuse_patterns_overall", "scope = 'overall'")
    stages = _rows(con, "stage_impact_overall", "scope = 'overall'")
    rows = [
        _lead(
            "field leading PTM reuse",
            fields,
            "field_name",
            "ptm_rate_of_analysed",
            "papers reusing PTMs / analysed papers of the field, all years; 95 % Wilson",
        ),
        _lead(
            "dominant reuse pattern",
            patterns,
            "reuse_pattern_name",
            "share_of_instances",
            "share of PTM instances, all years; Goodman simultaneous 95 %",
        ),
        _lead(
            "dominant stage",
            stages,
            "stage_name",
            "share_of_instances",
            "share of PTM instances, all years; Goodman simultaneous 95 %",
        ),
    ]
    corrected = [
        ("field leading PTM reuse, corrected", fields, "field_name", "ptm_rate_of_analysed_corrected",
         "the same rate corrected for classifier error; 95 % bootstrap interval"),
        ("dominant reuse pattern, corrected", patterns, "reuse_pattern_name", "share_of_instances_corrected",
         "the same share corrected for classification error; simultaneous 95 % Monte Carlo interval"),
        ("dominant stage, corrected", stages, "stage_name", "share_of_instances_corrected",
         "the same share corrected for classification error (covered stages); simultaneous 95 % Monte Carlo"
         " interval"),
    ]  # fmt: skip
    for finding, candidates, label, name, basis in corrected:
        if any(r[name] is not None for r in candidates):
            rows.append(_lead(finding, [r for r in candidates if r[name] is not None], label, name, basis))
    return Table(
        columns=[
            "finding",
            "leader: value [interval]",
            "runner-up: value [interval]",
            "lead outside the intervals?",
            "measure",
        ],
        rows=rows,
        caption="Headline findings with their intervals (marts.adoption_overall, reuse_patterns_overall,"
        " stage_impact_overall); the corrected rows, where the gold set supports a correction, name their gold set"
        " in the figures' captions.",
    )


def study_table(con: duckdb.DuckDBPyConnection) -> Table | None:
    rows = _rows(con, "study_comparison", "true order by data_release, step_order")
    if not rows:
        return None

    def share(value: float | None) -> str:
        return "" if value is None else f"{value:.0%}"

    return Table(
        columns=[
            "study data",
            "step",
            "study papers",
            "study share of previous",
            "study rule",
            "our papers",
            "our share of previous",
            "our rule · counting",
        ],
        rows=[
            [
                r["data_release"],
                r["step"],
                f"{r['study_papers']:,}",
                share(r["study_share_of_previous"]),
                r["study_natural_science_rule"] or "",
                "no data" if r["our_papers"] is None else f"{r['our_papers']:,}",
                share(r["our_share_of_previous"]),
                f"{r['natural_science_rule']} · {r['counting_convention']}",
            ]
            for r in rows
        ],
        caption="Beside the study (marts.study_comparison): the 2026 study's published counts (seed"
        " study_published_figures, with the line of the study's specification each comes from) and ours at the"
        " same step, summed over our sources. The study counted DOIs deduplicated within each megajournal search.",
    )


def sections(con: duckdb.DuckDBPyConnection, out_dir: Path) -> list[Section]:
    fields = queries.natural_science_fields(con)
    corrected = correction_caption(con)
    share_notes = [share_caption(con, mart) for mart in _MARTS[1:]]
    return [
        Section(
            conditions=conditions(con, "adoption_overall", per_field=False),
            anchor="rates-by-year",
            title="Rates per year, with their uncertainty",
            study_figure="",
            image="fig_rates_by_year.png",
            has_data=interval_figures.draw_rates_by_year(
                _rows(con, "adoption_overall", "scope = 'year'"), out_dir / "fig_rates_by_year.png"
            ),
            shows="The DL and PTM rates of each year (blue) with their 95 % Wilson intervals (bands). " + corrected,
            denominator="analysed natural-science papers of the year (each paper once).",
            source="marts.adoption_overall (scope year)",
        ),
        Section(
            conditions=conditions(con, "adoption_overall", per_field=True),
            anchor="rates-by-field",
            title="Rates per field, with their uncertainty",
            study_figure="",
            image="fig_rates_by_field.png",
            has_data=interval_figures.draw_rates_by_field(
                _rows(con, "adoption_overall", "scope = 'field'"), fields, out_dir / "fig_rates_by_field.png"
            ),
            shows="Each natural-science field over all years: rate with its 95 % Wilson interval (error bar). "
            + corrected,
            denominator="analysed papers of the field, all years (n beside the field's name).",
            source="marts.adoption_overall (scope field)",
        ),
        Section(
            conditions=conditions(con, "reuse_patterns_overall", per_field=False),
            anchor="headline",
            title="Headline findings, with their intervals",
            study_figure="",
            image="fig_shares_overall.png",
            has_data=interval_figures.draw_shares_overall(
                _rows(con, "reuse_patterns_overall", "scope = 'overall'"),
                _rows(con, "stage_impact_overall", "scope = 'overall'"),
                queries.reuse_patterns(con),
                queries.stages(con),
                out_dir / "fig_shares_overall.png",
            ),
            shows="Reuse patterns and stages over all natural-science papers and years, with Goodman's simultaneous"
            f" 95 % intervals (error bars). {' '.join(share_notes)} The table says which field,"
            " pattern and stage lead and whether the lead is outside the intervals.",
            denominator="PTM instances = distinct (paper, PTM) pairs of natural-science papers in the year window.",
            source="marts.reuse_patterns_overall, marts.stage_impact_overall, marts.adoption_overall",
            tables=[headline_table(con)],
        ),
    ]
