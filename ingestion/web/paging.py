"""dlt's paginators for the three paging styles, plus the checks that make a query complete or an error.

dlt's paginators stop quietly (on an empty page, at a missing cursor); a query we write must instead be complete:
the service's own count reached, no cursor sent twice, no empty page before the end. Anything else raises
IncompleteResults, so nothing of that query is written and a re-run asks again.
"""

from __future__ import annotations

from typing import Any

from dlt.common import jsonpath
from dlt.sources.helpers.requests import Request, Response
from dlt.sources.helpers.rest_client.paginators import JSONResponseCursorPaginator, OffsetPaginator

from ingestion.web.client import IncompleteResults

RERUN = "nothing of it was written; re-run later to ask again"


def _count(service: str, response: Response, path: str) -> int:
    """The number of records the service says the query has; an answer without it is not a real page."""
    values = jsonpath.find_values(path, response.json())
    try:
        return int(values[0])
    except (IndexError, TypeError, ValueError):
        raise IncompleteResults(service, f"answered without a record count at `{path}`", RERUN) from None


class CursorPaginator(JSONResponseCursorPaginator):
    """A cursor in the JSON answer (OpenAlex `meta.next_cursor`, Europe PMC `nextCursorMark`), starting at `*`.

    The end is the service's count reached (OpenAlex would still send a cursor to one more, empty page), an empty
    page, no next cursor, or the cursor echoed back (Europe PMC's way); a cursor seen earlier is a loop. At the end,
    fewer records than counted is an error.
    """

    def __init__(self, service: str, cursor_path: str, cursor_param: str, count_path: str, max_pages: int) -> None:
        super().__init__(cursor_path=cursor_path, cursor_param=cursor_param, stop_after_empty_page=True)
        self.service, self.count_path, self.max_pages = service, count_path, max_pages
        self.count, self.fetched, self._sent = 0, 0, ["*"]

    def init_request(self, request: Request) -> None:
        self.count, self.fetched, self._sent = 0, 0, ["*"]
        request.params = {**(request.params or {}), self.cursor_param: "*"}

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        super().update_state(response, data)
        self.count = _count(self.service, response, self.count_path)
        self.fetched += len(data or [])
        cursor = self._next_reference
        if self.has_next_page and (self.fetched >= self.count or cursor == self._sent[-1]):
            self._has_next_page = False
        if not self.has_next_page:
            if self.fetched < self.count:
                problem = f"stopped after {self.fetched} of {self.count} records"
                raise IncompleteResults(self.service, problem, RERUN)
            return
        if cursor in self._sent:
            problem = f"sent an earlier cursor again after {self.fetched} records (a loop)"
            raise IncompleteResults(self.service, problem, RERUN)
        if len(self._sent) >= self.max_pages:
            raise IncompleteResults(self.service, f"more than {self.max_pages} pages", "narrow the query")
        self._sent.append(cursor)


class StartRowsPaginator(OffsetPaginator):
    """Solr's `start`/`rows` (PLOS search) until the count at `count_path`; an empty page before it is an error."""

    def __init__(self, service: str, rows: int, count_path: str) -> None:
        super().__init__(
            limit=rows, offset_param="start", limit_param="rows", total_path=count_path, stop_after_empty_page=False
        )
        self.service, self.count_path = service, count_path
        self.count, self.fetched = 0, 0

    def init_request(self, request: Request) -> None:
        self.count, self.fetched = 0, 0
        super().init_request(request)

    def update_state(self, response: Response, data: list[Any] | None = None) -> None:
        self.count = _count(self.service, response, self.count_path)
        self.fetched += len(data or [])
        if not data and self.current_value < self.count:
            problem = f"returned an empty page at start={self.current_value} of {self.count} records"
            raise IncompleteResults(self.service, problem, RERUN)
        super().update_state(response, data)
        if not self.has_next_page and self.fetched < self.count:  # a short page on the way skipped records
            raise IncompleteResults(self.service, f"sent {self.fetched} of {self.count} records", RERUN)
