"""A hard cap on tokens and dollars for one run.

Each call reserves its worst case (prompt tokens + max output tokens) before it starts and settles the actual usage
when it ends, so concurrent calls can never overshoot the cap by more than the reservation error of one call.
"""

from __future__ import annotations

from dataclasses import dataclass

from classifiers.llm.prices import Price


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
