"""The data-quality gate: Great Expectations suites over the raw tables, run as `ptmreuse check`.

GX cannot read DuckDB through SQL (its SQLAlchemy path fails on DuckDB), so every suite validates the result of a
DuckDB query as a pandas DataFrame, a chunk at a time.
"""

from quality.gate import GateResult, run_checks
from quality.report import run_gate

__all__ = ["GateResult", "run_checks", "run_gate"]
