"""The recorded responses in tests/fixtures/recorded/, and servers that answer like the real services with them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.support.http_server import Reply, Request

RECORDED = Path(__file__).resolve().parent.parent / "fixtures" / "recorded"


def openalex_works() -> list[dict[str, Any]]:
    """The 49 real OpenAlex works recorded by peneira (47 with a DOI)."""
    return json.loads((RECORDED / "openalex-peneira" / "works.json").read_text())["results"]


def openalex_responder(works: list[dict[str, Any]]):
    """Answer `/works` like OpenAlex: `doi:` filter, `select`, `per-page` and cursor paging over `works`.

    The works are recorded; the page split and the cursor strings are made here (`c<offset>`).
    """

    def respond(request: Request) -> Reply:
        items = works
        for part in (request.param("filter") or "").split(","):
            if part.startswith("doi:"):
                wanted = set(part[4:].lower().split("|"))
                items = [w for w in works if (w.get("doi") or "").lower() in wanted]
        per_page = int(request.param("per-page") or 25)
        cursor = request.param("cursor")
        start = 0 if cursor in (None, "*") else int(cursor.removeprefix("c"))
        page = items[start : start + per_page]
        next_cursor = f"c{start + per_page}" if start + per_page < len(items) else None
        if select := request.param("select"):
            keys = select.split(",")
            page = [{k: w[k] for k in keys if k in w} for w in page]
        meta = {"count": len(items), "per_page": per_page, "next_cursor": next_cursor}
        return Reply(body={"meta": meta, "results": page})

    return respond
