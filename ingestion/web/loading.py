"""Run a dlt source and surface our own errors (a refused key, …) instead of dlt's wrapper around them."""

from __future__ import annotations

from typing import Any

import dlt
from dlt.pipeline.exceptions import PipelineStepFailed

from ingestion.web.client import AccessDenied


def _root_access_error(error: BaseException | None) -> AccessDenied | None:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, AccessDenied):
            return error
        seen.add(id(error))
        error = getattr(error, "exception", None) or error.__cause__ or error.__context__
    return None


def run(pipeline: dlt.Pipeline, source: Any) -> None:
    """`pipeline.run(source)` as Parquet; an AccessDenied raised while extracting comes out as itself."""
    try:
        pipeline.run(source, loader_file_format="parquet")
    except PipelineStepFailed as error:
        denied = _root_access_error(error)
        if denied is not None:
            raise denied from None
        raise
