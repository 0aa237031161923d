"""What sqlfluff's jinja templater lacks of dbt's context to render the project's SQL (`library_path` in .sqlfluff).

sqlfluff's own dbt stand-ins answer every `var()` with a placeholder, which the project's settings() macro rightly
refuses; here `var()` answers with the defaults declared in dbt_project.yml, so models render as a plain build
would. The dbt templater would need a database connection (and the DuckDB file lock), which linting must not take.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml

_PROJECT = yaml.safe_load((Path(__file__).resolve().parents[2] / "dbt_project.yml").read_text(encoding="utf-8"))
_UNSET = object()


def var(name: str, default: Any = _UNSET) -> Any:
    if name in _PROJECT.get("vars", {}):
        return _PROJECT["vars"][name]
    if default is _UNSET:
        raise KeyError(f"var {name!r} is not declared in dbt_project.yml")
    return default


def _raise_compiler_error(message: str) -> None:
    raise RuntimeError(message)


exceptions = SimpleNamespace(raise_compiler_error=_raise_compiler_error)
