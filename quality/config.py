"""Every threshold of the gate in one place, so a reader can see what "passing" means without reading the suites.

Change a number here (or pass a `GateConfig` to `run_checks`) and the suites, the summary and Data Docs follow.
The values a raw column accepts (publication years, statuses, tasks, section kinds …) are not here: they are
declared once, as dbt tests in models/staging/__sources.yml, and the gate reads them (warehouse.raw_schema), so
`ptmreuse check` and `dbt build` accept the same rows.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from warehouse.paths import PROJECT_DIR

# Where Data Docs (HTML) go unless PTMREUSE_QUALITY_DIR says otherwise; reports/ is git-ignored.
DEFAULT_REPORT_DIR = Path("reports") / "quality"


def report_dir() -> Path:
    path = Path(os.environ.get("PTMREUSE_QUALITY_DIR", DEFAULT_REPORT_DIR))
    return path if path.is_absolute() else PROJECT_DIR / path


@dataclass(frozen=True, slots=True)
class GateConfig:
    # Share of LLM calls of one run whose final attempt did not validate against the taxonomy.
    max_parse_error_share: float = 0.05
    # Share of evidence quotes of one run that were not found in the paper text (possible hallucinations).
    max_ungrounded_share: float = 0.10
    # Rows per DataFrame handed to GX: bounds memory on large tables (bodies are read as lengths, never as text).
    chunk_rows: int = 50_000
    # Failing values shown per expectation in the terminal summary.
    examples_shown: int = 3
