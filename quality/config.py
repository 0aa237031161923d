"""Every threshold of the gate in one place, so a reader can see what "passing" means without reading the suites.

Change a number here (or pass a `GateConfig` to `run_checks`) and the suites, the summary and Data Docs follow.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from warehouse.paths import PROJECT_DIR

# Where Data Docs (HTML) go unless PTMREUSE_QUALITY_DIR says otherwise; reports/ is git-ignored.
DEFAULT_REPORT_DIR = Path("reports") / "quality"


def report_dir() -> Path:
    path = Path(os.environ.get("PTMREUSE_QUALITY_DIR", DEFAULT_REPORT_DIR))
    return path if path.is_absolute() else PROJECT_DIR / path


@dataclass(frozen=True, slots=True)
class GateConfig:
    # Deep-learning reuse cannot predate the perceptron; an earlier year is a date the parser got wrong.
    min_publication_year: int = 1950
    # Next year: journals publish issues dated ahead of the calendar.
    max_publication_year: int = field(default_factory=lambda: date.today().year + 1)
    # Share of LLM calls of one run whose final attempt did not validate against the taxonomy.
    max_parse_error_share: float = 0.05
    # Share of evidence quotes of one run that were not found in the paper text (possible hallucinations).
    max_ungrounded_share: float = 0.10
    # Rows per DataFrame handed to GX: bounds memory on large tables (bodies are read as lengths, never as text).
    chunk_rows: int = 50_000
    # Failing values shown per expectation in the terminal summary.
    examples_shown: int = 3
