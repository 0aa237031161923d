"""How many tokens a text is, as every budget and estimate here counts them."""

from __future__ import annotations

import math


def count_tokens(text: str) -> int:
    """An approximation (characters / 4, rounded up) used by everyone, so budgets mean one thing; not a tokenizer."""
    return math.ceil(len(text) / 4)
