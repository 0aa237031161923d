"""A throwaway PostgreSQL for the lake's catalog, once per session; each test module takes a database of its own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.postgres import INSTALL_HINT, Postgres, postgres_bin, running_postgres


@pytest.fixture(scope="session")
def postgres() -> Iterator[Postgres]:
    if postgres_bin() is None:
        pytest.skip(INSTALL_HINT)  # `make test` installs it (make system-deps), so CI always runs these
    with running_postgres() as server:
        yield server
