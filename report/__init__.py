"""`ptmreuse report`: a static HTML page with the study's figures, drawn from the marts of a warehouse (read-only)."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from report.page import Overview, render
from report.queries import ReportError, connect
from report.sections import agreement_tables, build_sections, conditions
from report.uncertainty import sections as uncertainty_sections
from report.uncertainty import study_table
from warehouse.paths import PROJECT_DIR

__all__ = ["ReportError", "ReportResult", "report_dir", "write_report"]


def report_dir() -> Path:
    """`PTMREUSE_REPORT_DIR`, else reports/ (git-ignored; `ptmreuse check` puts its Data Docs in reports/quality/)."""
    path = Path(os.environ.get("PTMREUSE_REPORT_DIR", "reports"))
    return path if path.is_absolute() else PROJECT_DIR / path


@dataclass(frozen=True, slots=True)
class ReportResult:
    index: Path
    images: list[Path]
    empty: list[str]  # titles of the figures that had no data


def write_report(db_path: Path, out_dir: Path) -> ReportResult:
    """Write out_dir/index.html and one PNG per figure beside it; raise ReportError when there is nothing to report."""
    with connect(db_path) as con:
        out_dir.mkdir(parents=True, exist_ok=True)
        sections = build_sections(con, out_dir) + uncertainty_sections(con, out_dir)
        beside_study = study_table(con)
        if beside_study is not None:  # our funnel beside the study's published one
            next(s for s in sections if s.anchor == "funnel").tables.append(beside_study)
        agreement = agreement_tables(con)
        papers, natural_science, analysed = con.execute(
            "select count(*), count(*) filter (where is_natural_science and is_in_year_window),"
            " count(*) filter (where is_natural_science and is_in_year_window and is_analysed) from marts.papers"
        ).fetchone() or (0, 0, 0)
        overview = Overview(
            database=str(db_path),
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            papers=papers,
            natural_science=natural_science,
            analysed=analysed,
            conditions=conditions(con, "papers", per_field=False),
        )
    index = out_dir / "index.html"
    # written last and renamed into place: a browser never shows a page whose images aren't there yet
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=out_dir, suffix=".tmp", delete=False) as tmp:
        tmp.write(render(overview, sections, agreement))
    os.chmod(tmp.name, 0o644)  # a temporary file is private; the page is meant to be shared
    os.replace(tmp.name, index)
    return ReportResult(
        index=index,
        images=[out_dir / s.image for s in sections],
        empty=[s.title for s in sections if not s.has_data],
    )
