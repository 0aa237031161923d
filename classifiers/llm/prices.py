"""Model prices from `classifiers/model_prices.csv` (a table to edit, not code), and cost arithmetic.

Each row has the synchronous price and, where the provider has one, the Batch API price (OpenAI: half); an empty
batch column means the batch price is unknown.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

PRICES_CSV = Path(__file__).resolve().parent.parent / "model_prices.csv"


@dataclass(frozen=True, slots=True)
class Price:
    model: str
    input_usd_per_mtok: float
    output_usd_per_mtok: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input_usd_per_mtok + output_tokens * self.output_usd_per_mtok) / 1_000_000


def load_prices(path: Path = PRICES_CSV, batch: bool = False) -> dict[str, Price]:
    """model (lower case) → its price; with `batch`, its Batch API price (models without one are left out)."""
    columns = ("batch_input_usd_per_mtok", "batch_output_usd_per_mtok") if batch else (
        "input_usd_per_mtok", "output_usd_per_mtok")  # fmt: skip
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            row["model"].strip().lower(): Price(row["model"].strip(), float(row[columns[0]]), float(row[columns[1]]))
            for row in csv.DictReader(handle)
            if (row.get(columns[0]) or "").strip() and (row.get(columns[1]) or "").strip()
        }


def price_for(model: str, base_url: str | None = None, path: Path = PRICES_CSV, batch: bool = False) -> Price | None:
    """Exact model name first, then the longest listed prefix (dated snapshots such as gpt-4o-mini-2024-07-18);
    a model served from this machine costs nothing. None when the price (or, with `batch`, the batch price) is
    unknown."""
    prices = load_prices(path, batch)
    key = model.strip().lower()
    if key in prices:
        return prices[key]
    prefixes = [name for name in prices if key.startswith(name)]
    if prefixes:
        return prices[max(prefixes, key=len)]
    if base_url and any(host in base_url for host in ("://127.0.0.1", "://localhost", "://[::1]")):
        return Price("local", 0.0, 0.0)
    return None
