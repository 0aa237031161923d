"""dbt-duckdb plugin for the `lake` target (profiles.yml).

It loads DuckLake's extensions from their wheels before dbt attaches the lake, as every other connection does
(warehouse/lake.py): DuckDB's own INSTALL needs its server. And it makes the lake each cursor's default database:
the project's hooks and tests name tables by schema alone (`raw.papers`), as on the single file.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin
from duckdb import DuckDBPyConnection

from warehouse.lake import load_extensions


class Plugin(BasePlugin):
    def configure_connection(self, conn: DuckDBPyConnection) -> None:
        load_extensions(conn)

    def configure_cursor(self, cursor: DuckDBPyConnection) -> None:
        if self.creds is not None:
            cursor.execute(f'use "{self.creds.database}"')
