"""Publish landed chunks to `raw` in one transaction: a chunk's papers, sections and rejects appear together or not.

dlt loads each table of a chunk in its own transaction, and may replay a table's job after a crash (one that
committed just before the kill, before dlt could mark it done). So dlt loads into a landing dataset, and only
here do rows reach `raw`: rows of chunks dlt finished (their load id is in `_dlt_loads`) replace the same papers
in `raw` — a changed article loses sections that no longer exist — and the landing tables are emptied, all in one
DuckDB transaction. Replayed copies are identical rows, dropped by key before publishing; rows of a chunk dlt
never finished (an aborted package) are dropped with it. A crash during publishing rolls back; the next run
publishes again. dlt has no multi-table transaction, hence this step.

On a lake, many ingests run at once, each landing in a dataset of its own (`landing_dataset`); their publishes
into `raw` take turns (an advisory lock in the catalog, ingestion/jats/pipeline.py), so a DOI two ingests both
hold is replaced, never duplicated.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from warehouse import tables_in
from warehouse.raw_schema import RAW_SCHEMA, create_raw_tables, raw_table

LANDING = "jats_landing"  # the single file's; on a lake, each ingest (or shard) lands in a dataset of its own
# table -> the key that identifies a row; the papers' key also decides which sections a chunk replaces
KEYS = {"papers": ("doi",), "paper_sections": ("doi", "ordinal"), "ingest_rejects": ("source_file", "content_hash")}
_LOAD_ID = "_dlt_load_id"


@dataclass(frozen=True, slots=True)
class Published:
    replayed_rows: int = 0  # identical copies left by a replayed load job, dropped
    abandoned_rows: int = 0  # rows of a chunk dlt never finished (its package was dropped), dropped


def _add_declared_columns(con: duckdb.DuckDBPyConnection) -> None:
    """Tables made by an older ptmreuse lack columns declared since (e.g. papers.other_dois): add them."""
    sql = "select table_name, column_name from information_schema.columns where table_schema = ?"
    present = set(con.execute(sql, [RAW_SCHEMA]).fetchall())
    for name in KEYS:
        for column in raw_table(name).columns:
            if (name, column.name) not in present:
                con.execute(f'alter table {RAW_SCHEMA}.{name} add column "{column.name}" {column.sql_type}')


def _drop_replayed_copies(con: duckdb.DuckDBPyConnection, landing: str, table: str) -> int:
    """Keep one row per key and chunk: a replayed job's rows are exact copies of the first load's."""
    key = ", ".join((_LOAD_ID, *KEYS[table]))
    copies = f"""
        select rowid from (
            select rowid, row_number() over (partition by {key} order by rowid) as copy from {landing}.{table}
        ) where copy > 1
    """
    return _count(con, f"delete from {landing}.{table} where rowid in ({copies})")


def _count(con: duckdb.DuckDBPyConnection, sql: str, parameters: list[object] | None = None) -> int:
    row = con.execute(sql, parameters or []).fetchone()
    return int(row[0]) if row else 0


def _finished(landing: str) -> str:
    return f"{_LOAD_ID} in (select load_id from {landing}._dlt_loads where status = 0)"


_WAITING = f"{_LOAD_ID} in (select unnest(?::varchar[]))"


def _publish_table(con: duckdb.DuckDBPyConnection, landing: str, table: str) -> None:
    """Replace the `raw` rows of the papers (or rejected files) a finished chunk holds by its landed rows."""
    # a changed paper replaces its row and all its sections, including ones that no longer exist
    owner = "ingest_rejects" if table == "ingest_rejects" else "papers"
    key = ", ".join(KEYS[owner])
    finished = _finished(landing)
    con.execute(
        f"delete from {RAW_SCHEMA}.{table} where ({key}) in (select {key} from {landing}.{owner} where {finished})"
    )
    columns = ", ".join(f'"{c.name}"' for c in raw_table(table).columns)
    con.execute(
        f"insert into {RAW_SCHEMA}.{table} ({columns}) select {columns} from {landing}.{table} where {finished}"
    )


def _empty_landing(con: duckdb.DuckDBPyConnection, landing: str, table: str, pending: list[str]) -> int:
    """Delete the published rows and any of an abandoned chunk; how many were abandoned."""
    abandoned = _count(
        con, f"select count(*) from {landing}.{table} where not ({_finished(landing)}) and not ({_WAITING})", [pending]
    )
    con.execute(f"delete from {landing}.{table} where not ({_WAITING})", [pending])
    return abandoned


def publish(
    con: duckdb.DuckDBPyConnection, pending_load_ids: tuple[str, ...] = (), landing: str = LANDING
) -> Published:
    """Move every finished chunk from the landing tables into `raw`, in one transaction.

    Rows of `pending_load_ids` (chunks dlt has yet to finish) stay; rows of any other unfinished chunk are dropped.
    """
    landed = tables_in(con, landing)
    tables = [name for name in KEYS if name in landed] if "_dlt_loads" in landed else []
    con.begin()
    create_raw_tables(con, tuple(KEYS))
    _add_declared_columns(con)
    replayed = sum(_drop_replayed_copies(con, landing, table) for table in tables)
    for table in tables:
        _publish_table(con, landing, table)
    abandoned = sum(_empty_landing(con, landing, table, list(pending_load_ids)) for table in tables)
    con.commit()
    return Published(replayed, abandoned)


def drop_landed(
    con: duckdb.DuckDBPyConnection, pending_load_ids: tuple[str, ...] = (), landing: str = LANDING
) -> tuple[int, set[str]]:
    """Delete landed rows that cannot be published (all but `pending_load_ids`'); the papers and corpora they held."""
    landed = [name for name in KEYS if name in tables_in(con, landing)]
    if "papers" not in landed:
        return 0, set()
    held = f"select doi, corpus from {landing}.papers where not ({_WAITING})"
    rows = con.execute(held, [list(pending_load_ids)]).fetchall()
    con.begin()
    for table in landed:
        con.execute(f"delete from {landing}.{table} where not ({_WAITING})", [list(pending_load_ids)])
    con.commit()
    return len({doi for doi, _ in rows}), {corpus for _, corpus in rows}
