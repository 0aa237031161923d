"""A hard cap on tokens and dollars for one run, or for every worker of a job at once (SharedBudget).

Each call reserves its worst case (prompt tokens + max output tokens) before it starts and settles the actual usage
when it ends, so concurrent calls can never overshoot the cap by more than the reservation error of one call.
"""

from __future__ import annotations

from dataclasses import dataclass

import psycopg

from classifiers.llm.prices import Price
from warehouse.catalog import catalog_connection
from warehouse.lake import Lake


class BudgetExhausted(Exception):
    """Raised instead of starting a call that could exceed the budget; the run stops cleanly."""


@dataclass(slots=True)
class Budget:
    max_tokens: int | None = None
    max_cost_usd: float | None = None
    price: Price | None = None
    spent_tokens: int = 0
    spent_cost_usd: float = 0.0
    _reserved_tokens: int = 0
    _reserved_cost: float = 0.0
    exhausted: bool = False

    def cost(self, input_tokens: int, output_tokens: int) -> float | None:
        return self.price.cost(input_tokens, output_tokens) if self.price else None

    def reserve(self, input_tokens: int, max_output_tokens: int) -> tuple[int, float]:
        tokens = input_tokens + max_output_tokens
        cost = self.cost(input_tokens, max_output_tokens) or 0.0
        over_tokens = (
            self.max_tokens is not None and self.spent_tokens + self._reserved_tokens + tokens > self.max_tokens
        )
        over_cost = (
            self.max_cost_usd is not None and self.spent_cost_usd + self._reserved_cost + cost > self.max_cost_usd
        )
        if self.exhausted or over_tokens or over_cost:
            self.exhausted = True
            limit_cost = "-" if self.max_cost_usd is None else f"{self.max_cost_usd}"
            raise BudgetExhausted(
                f"budget reached: {self.spent_tokens:,} tokens / ${self.spent_cost_usd:.4f} spent"
                f" (limits: {self.max_tokens or '-'} tokens, ${limit_cost})"
            )
        self._reserved_tokens += tokens
        self._reserved_cost += cost
        return tokens, cost

    def settle(self, reservation: tuple[int, float], input_tokens: int, output_tokens: int) -> float | None:
        """Release the reservation, book the actual usage; returns the actual cost (None if the price is unknown)."""
        self._reserved_tokens -= reservation[0]
        self._reserved_cost -= reservation[1]
        actual = self.cost(input_tokens, output_tokens)
        self.spent_tokens += input_tokens + output_tokens
        self.spent_cost_usd += actual or 0.0
        return actual

    def resume(self, spent: tuple[int, float], reserved: tuple[int, float]) -> None:
        """Start from what earlier commands of the same batch job spent and still hold (the worst case of their
        batches not yet collected), so that the caps hold for the job, not for each command."""
        self.spent_tokens += spent[0]
        self.spent_cost_usd += spent[1]
        self._reserved_tokens += reserved[0]
        self._reserved_cost += reserved[1]

    def close(self) -> None:
        """Release what the budget holds (nothing here; the shared budget's connection)."""


SHARED_BUDGETS = """
create table if not exists ptmreuse_budgets (
    name text primary key,
    max_tokens bigint,
    max_cost_usd double precision,
    spent_tokens bigint not null default 0,
    spent_cost_usd double precision not null default 0,
    reserved_tokens bigint not null default 0,
    reserved_cost_usd double precision not null default 0
)
"""


def declare_shared_budget(lake: Lake, name: str, max_tokens: int | None, max_cost_usd: float | None) -> None:
    """Create (or re-cap) the budget `name` that every worker of a job draws on, in the lake's catalog."""
    with catalog_connection(lake) as con:
        con.execute(SHARED_BUDGETS)
        con.execute(
            "insert into ptmreuse_budgets (name, max_tokens, max_cost_usd) values (%s, %s, %s) on conflict (name) "
            "do update set max_tokens = excluded.max_tokens, max_cost_usd = excluded.max_cost_usd",
            [name, max_tokens, max_cost_usd],
        )


@dataclass(slots=True)
class SharedBudget(Budget):
    """One cap for every worker of a job, on every machine: reservations and spending are rows of the catalog's
    `ptmreuse_budgets`, changed by single atomic statements. The caps are the row's; the fields inherited from
    Budget count this run's own spending. A killed worker's open reservations stay booked: the job may then stop
    a little early, never spend more."""

    name: str = ""
    lake: Lake | None = None
    _con: psycopg.Connection | None = None

    def _connection(self) -> psycopg.Connection:
        if self._con is None:
            assert self.lake is not None
            self._con = catalog_connection(self.lake)
        return self._con

    def reserve(self, input_tokens: int, max_output_tokens: int) -> tuple[int, float]:
        tokens = input_tokens + max_output_tokens
        cost = self.cost(input_tokens, max_output_tokens) or 0.0
        reserved = self._connection().execute(
            "update ptmreuse_budgets set reserved_tokens = reserved_tokens + %(t)s, "
            "reserved_cost_usd = reserved_cost_usd + %(c)s where name = %(n)s "
            "and (max_tokens is null or spent_tokens + reserved_tokens + %(t)s <= max_tokens) "
            "and (max_cost_usd is null or spent_cost_usd + reserved_cost_usd + %(c)s <= max_cost_usd) returning 1",
            {"t": tokens, "c": cost, "n": self.name},
        )
        row = reserved.fetchone()
        if self.exhausted or row is None:
            self.exhausted = True
            raise BudgetExhausted(f"the job's shared budget {self.name!r} is reached")
        return tokens, cost

    def settle(self, reservation: tuple[int, float], input_tokens: int, output_tokens: int) -> float | None:
        actual = self.cost(input_tokens, output_tokens)
        self._connection().execute(
            "update ptmreuse_budgets set reserved_tokens = reserved_tokens - %s, "
            "reserved_cost_usd = reserved_cost_usd - %s, spent_tokens = spent_tokens + %s, "
            "spent_cost_usd = spent_cost_usd + %s where name = %s",
            [reservation[0], reservation[1], input_tokens + output_tokens, actual or 0.0, self.name],
        )
        self.spent_tokens += input_tokens + output_tokens
        self.spent_cost_usd += actual or 0.0
        return actual

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
