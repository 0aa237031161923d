"""One classifier budget for every worker of a job, kept in the lake's catalog (a real PostgreSQL): reservations of
several workers together never pass the cap, settling books the real spend, and a cap reached stops them all."""

from __future__ import annotations

import threading

import psycopg
import pytest

from classifiers.engine.budget import BudgetExhausted, SharedBudget, declare_shared_budget
from classifiers.llm.prices import Price
from tests.support.postgres import Postgres
from warehouse.lake import Lake


@pytest.fixture(scope="module")
def lake(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Lake:
    return Lake(postgres.create_database("budget"), str(tmp_path_factory.mktemp("data")))


def _spent(lake: Lake, name: str) -> tuple[int, int]:
    with psycopg.connect(lake.catalog) as con:
        row = con.execute("select spent_tokens, reserved_tokens from ptmreuse_budgets where name = %s", [name])
        return row.fetchone()


def test_workers_share_one_token_cap(lake: Lake) -> None:
    declare_shared_budget(lake, "tokens", max_tokens=10_000, max_cost_usd=None)
    workers = [SharedBudget(name="tokens", lake=lake) for _ in range(4)]
    granted: list[int] = []

    def ask(budget: SharedBudget) -> None:  # each worker asks for 30 calls of 1,000 tokens at most
        for _ in range(30):
            try:
                reservation = budget.reserve(600, 400)
            except BudgetExhausted:
                return
            granted.append(reservation[0])
            budget.settle(reservation, 500, 300)  # the call used less than it reserved

    threads = [threading.Thread(target=ask, args=(budget,)) for budget in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for budget in workers:
        budget.close()
    # 800 tokens spent per call; a 1,000-token reservation fits while spent <= 9,000: calls 1..12
    assert len(granted) == 12
    assert _spent(lake, "tokens") == (12 * 800, 0)
    assert sum(budget.spent_tokens for budget in workers) == 12 * 800
    assert all(budget.exhausted for budget in workers)  # every worker saw the shared cap


def test_a_cost_cap_counts_every_workers_spend(lake: Lake) -> None:
    declare_shared_budget(lake, "dollars", max_tokens=None, max_cost_usd=0.01)
    price = Price("test-model", 1.0, 2.0)  # USD per million input, output tokens
    first, second = (SharedBudget(price=price, name="dollars", lake=lake) for _ in range(2))
    spend = first.reserve(1000, 2000)  # worst case $0.005
    first.settle(spend, 1000, 2000)
    second.settle(second.reserve(1000, 2000), 1000, 2000)  # the cap is now spent: $0.010
    with pytest.raises(BudgetExhausted, match="shared budget 'dollars'"):
        first.reserve(10, 10)
    first.close()
    second.close()


def test_a_budget_never_declared_grants_nothing(lake: Lake) -> None:
    declare_shared_budget(lake, "other", max_tokens=1, max_cost_usd=None)  # the table exists
    budget = SharedBudget(name="missing", lake=lake)
    with pytest.raises(BudgetExhausted):
        budget.reserve(1, 1)
    budget.close()
