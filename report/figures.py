"""Draw the report's figures as PNG files with matplotlib's object API (Agg canvas, no pyplot global state).

Each `draw_*` takes rows from report.queries, writes one PNG and returns whether it had any data. A panel without
data is drawn as a labelled "no data" box rather than left blank or raising, so an empty field is visibly empty.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from matplotlib import colormaps
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from report.queries import Field

DPI = 110
YES, NO = "#2b6cb0", "#cbd5e0"  # the positive share in blue, the rest of the denominator in grey
PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#718096")


def _new(width: float, height: float) -> Figure:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)  # explicit Agg canvas: rendering never depends on the user's matplotlib backend
    return fig


def _save(fig: Figure, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png", dpi=DPI, facecolor="white")


def no_data(ax: Axes, message: str = "no data") -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_facecolor("#f7fafc")
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color="#4a5568", transform=ax.transAxes)


def _short(name: str, width: int = 30) -> str:
    return "\n".join(textwrap.wrap(name, width)[:2])


def _years(rows: Sequence[dict]) -> list[int]:
    years = sorted({int(r["publication_year"]) for r in rows})
    return list(range(years[0], years[-1] + 1)) if years else []


def _year_axis(ax: Axes, years: Sequence[int]) -> None:
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    if years:
        ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)


def _field_axes(fig: Figure, n: int) -> list[Axes]:
    cols = 4 if n > 3 else max(n, 1)
    rows = max(math.ceil(n / cols), 1)
    grid = fig.subplots(rows, cols, squeeze=False)
    axes = [ax for row in grid for ax in row]
    for ax in axes[n:]:
        ax.set_visible(False)
    return axes[:n]


def draw_adoption_by_field(
    rows: Sequence[dict],
    fields: Sequence[Field],
    path: Path,
    *,
    numerator: str,
    denominator: str,
    labels: tuple[str, str],
    empty: str,
) -> bool:
    """R/S: one panel per field, stacked bars per year: numerator vs the rest of the denominator.

    `empty` names the denominator for the panels without any, e.g. "no analysed papers".
    """
    years = _years([r for r in rows if r[denominator]])
    by_field: dict[int, dict[int, dict]] = defaultdict(dict)
    for r in rows:
        by_field[r["field_id"]][int(r["publication_year"])] = r
    fig = _new(13, 3.2 * max(math.ceil(len(fields) / 4), 1))
    any_data = False
    for ax, field in zip(_field_axes(fig, len(fields)), fields, strict=True):
        data = by_field.get(field.field_id, {})
        total = sum(int(r[denominator] or 0) for r in data.values())
        hits = sum(int(r[numerator] or 0) for r in data.values())
        ax.set_title(_short(field.name), fontsize=9)
        if total == 0:
            no_data(ax, f"no data\n({empty})")
            continue
        any_data = True
        yes = [int(data[y][numerator] or 0) if y in data else 0 for y in years]
        rest = [int(data[y][denominator] or 0) - n if y in data else 0 for y, n in zip(years, yes, strict=True)]
        ax.bar(years, yes, color=YES, label=labels[0])
        ax.bar(years, rest, bottom=yes, color=NO, label=labels[1])
        ax.text(0.02, 0.97, f"{hits}/{total} = {hits / total:.0%}", transform=ax.transAxes, va="top", fontsize=8)
        tallest = max(int(r[denominator] or 0) for r in data.values())
        ax.set_ylim(0, tallest * 1.3)  # headroom so the all-years rate never sits on a bar
        _year_axis(ax, years)
    if any_data:
        fig.legend(*_legend_of(fig), loc="outside lower center", ncols=2, fontsize=9, frameon=False)
    _save(fig, path)
    return any_data


def _legend_of(fig: Figure) -> tuple[list, list[str]]:
    for ax in fig.axes:
        handles, names = ax.get_legend_handles_labels()
        if handles:
            return handles, names
    return [], []


def draw_adoption_by_year(
    rows: Sequence[dict], path: Path, *, numerator: str, denominator: str, labels: tuple[str, str]
) -> bool:
    """V/W: all natural-science fields together, distinct papers per year, with the yearly rate above each bar."""
    fig = _new(11, 3.8)
    ax = fig.subplots()
    rows = [r for r in rows if r[denominator]]
    if not rows:
        no_data(ax, "no data: no analysed natural-science paper in the denominator")
        _save(fig, path)
        return False
    years = [int(r["publication_year"]) for r in rows]
    yes = [int(r[numerator]) for r in rows]
    rest = [int(r[denominator]) - n for r, n in zip(rows, yes, strict=True)]
    ax.bar(years, yes, color=YES, label=labels[0])
    ax.bar(years, rest, bottom=yes, color=NO, label=labels[1])
    for year, n, r in zip(years, yes, rows, strict=True):
        ax.annotate(f"{n / r[denominator]:.0%}", (year, r[denominator]), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("papers")
    ax.set_ylim(0, max(int(r[denominator]) for r in rows) * 1.15)  # room for the rates above the bars
    _year_axis(ax, _years(rows))
    fig.legend(loc="outside upper center", ncols=2, fontsize=9, frameon=False)  # outside: never over a bar
    _save(fig, path)
    return True


def _stack(ax: Axes, rows: Sequence[dict], years: Sequence[int], order: dict[str, str], value: str) -> None:
    counts = {(int(r["publication_year"]), r["category"]): float(r[value] or 0) for r in rows}
    bottom = [0.0] * len(years)
    for colour, (code, name) in zip(PALETTE, order.items(), strict=False):
        heights = [counts.get((y, code), 0.0) for y in years]
        ax.bar(years, heights, bottom=bottom, color=colour, label=name)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]


def draw_categories_by_year(
    rows: Sequence[dict], order: dict[str, str], denominators: dict[int, int], path: Path
) -> bool:
    """T and U (by year): stacked PTM instances per category, with the number of PTM papers above each bar."""
    fig = _new(11, 3.8)
    ax = fig.subplots()
    if not rows:
        no_data(ax, "no data: no natural-science paper lists a reused PTM")
        _save(fig, path)
        return False
    years = _years(rows)
    _stack(ax, rows, years, order, "ptm_instances")
    totals = defaultdict(int)
    for r in rows:
        totals[int(r["publication_year"])] += int(r["ptm_instances"])
    for year in years:
        if totals[year]:
            n = denominators.get(year, 0)
            label = f"{n} paper{'' if n == 1 else 's'}"
            ax.annotate(label, (year, totals[year]), ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("PTM instances (paper × PTM)")
    ax.set_ylim(0, max(totals.values()) * 1.15)  # room for the labels above the tallest bar
    _year_axis(ax, years)
    fig.legend(loc="outside upper center", ncols=len(order), fontsize=9, frameon=False)
    _save(fig, path)
    return True


def draw_categories_by_field(rows: Sequence[dict], fields: Sequence[Field], order: dict[str, str], path: Path) -> bool:
    """X: one panel per field, stacked PTM instances per reuse pattern and year."""
    years = _years(rows)
    by_field: dict[int, list[dict]] = defaultdict(list)
    for r in rows:
        by_field[r["field_id"]].append(r)
    fig = _new(13, 3.2 * max(math.ceil(len(fields) / 4), 1))
    any_data = False
    for ax, field in zip(_field_axes(fig, len(fields)), fields, strict=True):
        data = by_field.get(field.field_id, [])
        ax.set_title(_short(field.name), fontsize=9)
        if not any(r["ptm_instances"] for r in data):
            no_data(ax, "no data\n(no PTM papers in this field)")
            continue
        any_data = True
        _stack(ax, data, years, order, "ptm_instances")
        _year_axis(ax, years)
    if any_data:
        fig.legend(*_legend_of(fig), loc="outside lower center", ncols=len(order), fontsize=9, frameon=False)
    _save(fig, path)
    return any_data


def draw_stage_heatmap(rows: Sequence[dict], fields: Sequence[Field], order: dict[str, str], path: Path) -> bool:
    """U (by field): share of a field's PTM papers with a PTM at each stage; fields without PTM papers are marked."""
    has_data = any(r["papers"] for r in rows)
    fig = _new(11, 0.55 * len(fields) + 1.6 if has_data else 3.0)
    ax = fig.subplots()
    cells = {(r["field_id"], r["category"]): r for r in rows}
    if not has_data:
        no_data(ax, "no data: no natural-science paper lists a PTM with a stage")
        _save(fig, path)
        return False
    stages = list(order)
    grid = []
    for field in fields:
        line = []
        for stage in stages:
            cell = cells.get((field.field_id, stage))
            total = int(cell["papers_with_ptms"] or 0) if cell else 0
            line.append(float(cell["papers"]) / total if cell and total else math.nan)
        grid.append(line)
    cmap = colormaps["Blues"].with_extremes(bad="#edf2f7")  # a field without PTM papers: a grey row
    image = ax.imshow(grid, cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i, field in enumerate(fields):
        if all(math.isnan(share) for share in grid[i]):
            ax.text(
                (len(stages) - 1) / 2,
                i,
                "no data (no PTM papers in this field)",
                ha="center",
                va="center",
                fontsize=8,
                color="#4a5568",
            )
            continue
        for j, stage in enumerate(stages):
            cell = cells.get((field.field_id, stage))
            if not cell or not cell["papers_with_ptms"]:
                continue
            share = grid[i][j]
            ax.text(
                j,
                i,
                f"{int(cell['papers'])}/{int(cell['papers_with_ptms'])}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if share > 0.6 else "#1a202c",
            )
    ax.set_xticks(range(len(stages)), [order[s] for s in stages], fontsize=9)
    ax.set_yticks(range(len(fields)), [_short(f.name, 45).replace("\n", " ") for f in fields], fontsize=8)
    fig.colorbar(image, ax=ax, label="share of the field's PTM papers", shrink=0.8)
    _save(fig, path)
    return True


def draw_top_ptms(rows: Sequence[dict], order: dict[str, str], path: Path) -> bool:
    """Most reused PTMs, bars coloured by the pattern most papers reuse them with."""
    fig = _new(11, 0.32 * max(len(rows), 4) + 1.4)
    ax = fig.subplots()
    if not rows:
        no_data(ax, "no data: no natural-science paper lists a reused PTM")
        _save(fig, path)
        return False
    colours = dict(zip(order, PALETTE, strict=False))
    names = [r["canonical_name"] for r in rows][::-1]
    papers = [int(r["papers"]) for r in rows][::-1]
    ax.barh(names, papers, color=[colours.get(r["usual_pattern"], NO) for r in rows][::-1])
    for y, n in enumerate(papers):
        ax.annotate(str(n), (n, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=8)
    ax.set_xlabel("papers reusing the PTM")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    used = [code for code in order if any(r["usual_pattern"] == code for r in rows)]
    ax.legend(
        [Patch(color=colours[c]) for c in used],
        [f"mostly {order[c].lower()}" for c in used],
        fontsize=8,
        frameon=False,
        loc="lower right",
    )
    _save(fig, path)
    return True


STEP_NAMES = {
    "searched": "Searched (keyword hits)",
    "openalex_matched": "Indexed by OpenAlex",
    "cited": "Cited at least once",
    "natural_science": "Natural science",
    "full_text": "Full text (JATS) in the warehouse",
    "analysed": "Analysed (labels complete)",
    "uses_dl": "Uses deep learning",
    "uses_ptms": "Reuses PTMs",
}


def draw_funnel(rows: Sequence[dict], path: Path) -> bool:
    """Q: one horizontal funnel per source; each bar says its count and its share of the step before."""
    sources = list(dict.fromkeys(r["source"] for r in rows))
    fig = _new(11, sum(0.38 * sum(r["source"] == s for r in rows) + 0.9 for s in sources) if sources else 3)
    if not sources:
        no_data(fig.subplots(), "no data: no papers in the warehouse's year window")
        _save(fig, path)
        return False
    heights = [sum(r["source"] == s for r in rows) for s in sources]
    for ax, source in zip(
        fig.subplots(len(sources), 1, squeeze=False, height_ratios=heights)[:, 0], sources, strict=True
    ):
        steps = [r for r in rows if r["source"] == source][::-1]
        names = [STEP_NAMES.get(r["step"], r["step"]) for r in steps]
        values = [int(r["papers"]) for r in steps]
        ax.barh(names, values, color=YES)
        for y, r in enumerate(steps):
            share = "" if r["share_of_previous"] is None else f"  ({r['share_of_previous']:.0%} of previous)"
            ax.annotate(
                f"{int(r['papers']):,}{share}",
                (int(r["papers"]), y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=8,
            )
        ax.set_title(source, fontsize=10, loc="left")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlim(0, max(max(values), 1) * 1.35)
        ax.spines[["top", "right"]].set_visible(False)
    _save(fig, path)
    return True
