"""Figures of rates and shares with their intervals (issue 15): Wilson bands, classifier-corrected rates and
Goodman's simultaneous intervals, drawn from the overall marts. Same conventions as report.figures: one PNG per
call, True when there was data, a labelled "no data" panel otherwise."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from report.figures import PALETTE, YES, _new, _save, _short, no_data
from report.queries import Field

CORRECTED = "#dd6b20"
_RATES = (
    ("dl_rate", "deep learning / analysed papers"),
    ("ptm_rate_of_analysed", "PTM reuse / analysed papers"),
)


def _errors(rows: Sequence[dict], rate: str, suffix: str = "") -> tuple[list[float], list[list[float]]]:
    """Values and matplotlib's asymmetric [below, above] error lengths of `rate` + suffix."""
    values = [float(r[f"{rate}{suffix}"]) for r in rows]
    below = [v - float(r[f"{rate}{suffix}_ci_low"]) for v, r in zip(values, rows, strict=True)]
    above = [float(r[f"{rate}{suffix}_ci_high"]) - v for v, r in zip(values, rows, strict=True)]
    return values, [below, above]


def _corrected(rows: Sequence[dict], rate: str) -> list[dict]:
    return [r for r in rows if r.get(f"{rate}_corrected") is not None]


def draw_rates_by_year(rows: Sequence[dict], path: Path) -> bool:
    """Per year (adoption_overall, scope year): each rate with its 95 % Wilson interval as a band, and the
    classifier-corrected rate with its interval where the classifier was evaluated."""
    fig = _new(11, 3.8)
    axes = fig.subplots(1, len(_RATES), squeeze=False)[0]
    rows = sorted((r for r in rows if r["papers_analysed"]), key=lambda r: r["publication_year"])
    for ax, (rate, title) in zip(axes, _RATES, strict=True):
        ax.set_title(title, fontsize=10)
        if not rows:
            no_data(ax, "no data: no analysed natural-science paper")
            continue
        years = [int(r["publication_year"]) for r in rows]
        values, _ = _errors(rows, rate)
        ax.fill_between(
            years,
            [r[f"{rate}_ci_low"] for r in rows],
            [r[f"{rate}_ci_high"] for r in rows],
            color=YES,
            alpha=0.2,
            linewidth=0,
            label="95 % Wilson interval",
        )
        ax.plot(years, values, "o-", color=YES, markersize=3, label="measured rate")
        corrected = _corrected(rows, rate)
        if corrected:
            cyears = [int(r["publication_year"]) for r in corrected]
            ax.fill_between(
                cyears,
                [r[f"{rate}_corrected_ci_low"] for r in corrected],
                [r[f"{rate}_corrected_ci_high"] for r in corrected],
                color=CORRECTED,
                alpha=0.15,
                linewidth=0,
                label="corrected: 95 % interval",
            )
            ax.plot(
                cyears,
                [r[f"{rate}_corrected"] for r in corrected],
                "s--",
                color=CORRECTED,
                markersize=3,
                label="corrected for classifier error",
            )
        ax.set_ylim(0, 1)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.spines[["top", "right"]].set_visible(False)
    if rows:
        handles, labels = axes[-1].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=4, fontsize=9, frameon=False)
    _save(fig, path)
    return bool(rows)


def draw_rates_by_field(rows: Sequence[dict], fields: Sequence[Field], path: Path) -> bool:
    """Per natural-science field, all years (adoption_overall, scope field): each rate with its Wilson interval and,
    offset below it, the corrected rate with its interval."""
    fig = _new(11, 0.5 * max(len(fields), 2) + 1.5)
    axes = fig.subplots(1, len(_RATES), squeeze=False, sharey=True)[0]
    by_id = {int(r["field_id"]): r for r in rows if r["papers_analysed"]}
    present = [f for f in fields if f.field_id in by_id]
    for ax, (rate, title) in zip(axes, _RATES, strict=True):
        ax.set_title(title, fontsize=10)
        if not present:
            no_data(ax, "no data: no analysed paper in a natural-science field")
            continue
        mine = [by_id[f.field_id] for f in present]
        positions = list(range(len(present)))
        values, errors = _errors(mine, rate)
        ax.errorbar(values, positions, xerr=errors, fmt="o", color=YES, capsize=3, label="measured, 95 % Wilson")
        corrected = [(i, r) for i, r in zip(positions, mine, strict=True) if r.get(f"{rate}_corrected") is not None]
        if corrected:
            cvalues, cerrors = _errors([r for _, r in corrected], rate, "_corrected")
            ax.errorbar(
                cvalues,
                [i + 0.3 for i, _ in corrected],
                xerr=cerrors,
                fmt="s",
                color=CORRECTED,
                capsize=3,
                label="corrected, 95 % interval",
            )
        ax.set_yticks(
            positions, [f"{_short(f.name, 34)} (n={by_id[f.field_id]['papers_analysed']})" for f in present], fontsize=8
        )
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.spines[["top", "right"]].set_visible(False)
    if present:
        handles, labels = axes[-1].get_legend_handles_labels()
        fig.legend(handles, labels, loc="outside upper center", ncols=2, fontsize=9, frameon=False)
    _save(fig, path)
    return bool(present)


def _shares(ax: Axes, rows: Sequence[dict], order: dict[str, str], key: str, title: str) -> bool:
    ax.set_title(title, fontsize=10)
    by_code = {r[key]: r for r in rows if r["ptm_instances_total"]}
    codes = [code for code in order if code in by_code]
    if not codes:
        no_data(ax, "no data: no natural-science paper lists a PTM")
        return False
    mine = [by_code[c] for c in codes]
    values, errors = _errors(mine, "share_of_instances")
    positions = list(range(len(codes)))
    ax.barh(positions, values, color=[PALETTE[list(order).index(c) % len(PALETTE)] for c in codes], alpha=0.8)
    ax.errorbar(values, positions, xerr=errors, fmt="none", ecolor="black", capsize=4)
    corrected = [(i, r) for i, r in zip(positions, mine, strict=True) if r["share_of_instances_corrected"] is not None]
    if corrected:  # below each bar, so the two intervals do not overlap
        values, errors = _errors([r for _, r in corrected], "share_of_instances", "_corrected")
        ax.errorbar(
            values,
            [i + 0.3 for i, _ in corrected],
            xerr=errors,
            fmt="D",
            color=CORRECTED,
            ecolor=CORRECTED,
            capsize=3,
            markersize=6,
            label="corrected for classification error",
        )
        ax.legend(fontsize=8, frameon=False, loc="best")
    ax.set_yticks(positions, [order[c] for c in codes], fontsize=9)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.set_xlabel(f"share of PTM instances (n = {mine[0]['ptm_instances_total']})", fontsize=9)
    ax.spines[["top", "right"]].set_visible(False)
    return True


def draw_shares_overall(
    patterns: Sequence[dict],
    stages: Sequence[dict],
    pattern_names: dict[str, str],
    stage_names: dict[str, str],
    path: Path,
) -> bool:
    """Overall reuse-pattern and stage shares of PTM instances with Goodman's simultaneous 95 % intervals, and the
    shares corrected for classification error with their simultaneous Monte Carlo intervals where they are."""
    fig = _new(11, 3.6)
    left, right = fig.subplots(1, 2)
    drawn = _shares(left, patterns, pattern_names, "reuse_pattern", "reuse pattern")
    drawn = _shares(right, stages, stage_names, "stage", "stage of the scientific process") or drawn
    _save(fig, path)
    return drawn
