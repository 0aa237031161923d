"""Benchmark the classifier engine.

1. Throughput: requests/s against a loopback OpenAI-compatible server with 200 ms injected latency, at
   concurrency 1, 4, 16, 32, through the whole engine (client, limiter, retries, validation, DuckDB appends).
   The ceiling is concurrency / latency; the target at concurrency 32 is ≥ 90 % of it.
2. On a corpus (the bundled sample by default, or a JATS zip/directory given as an argument, e.g.
   /work/shared/corpora/pmc-biotools-3k.zip), ingested once into a fresh DuckDB file (papers/s timed):
   a. the rules backend's labelling rate through the whole engine (read, label, store), on one process and on
      `-j` worker processes (default: every core), each on its own copy of the ingested file, beside the ingest
      rate of the same papers: the target is rules labelling at least as fast as ingest;
   b. input tokens of `compact` vs `aius`, both counted with the shared `count_tokens`, from the `--dry-run`
      estimate (every cascade stage assumed positive: an upper bound for both).

Usage: .venv/bin/python bench/classify.py [CORPUS] [-j N] [--skip-throughput] [--skip-rules] [--skip-tokens]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import duckdb
from rich.console import Console

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the loopback server lives with the tests

from classifiers.document import PaperDocument, Section  # noqa: E402
from classifiers.engine.budget import Budget  # noqa: E402
from classifiers.engine.runner import ClassifierEngine  # noqa: E402
from classifiers.engine.service import classify  # noqa: E402
from classifiers.llm.openai_backend import OpenAIBackend  # noqa: E402
from classifiers.llm.prices import price_for  # noqa: E402
from classifiers.options import ClassifyRequest  # noqa: E402
from classifiers.protocols import AiusProtocol  # noqa: E402
from classifiers.store import LabelStore  # noqa: E402
from warehouse.children import default_workers  # noqa: E402
from warehouse.paths import SAMPLE_CORPUS  # noqa: E402

LATENCY_S = 0.2
CONCURRENCY = (1, 4, 16, 32)
PRICED_MODEL = "gpt-4o-mini"  # for the cost line of the token comparison (classifiers/model_prices.csv)


def synthetic_papers(count: int, prefix: str) -> list[PaperDocument]:
    text = "We trained a convolutional neural network on the images. The network was evaluated on held-out data."
    section = Section(1, "Methods", "methods", "section", text)
    return [PaperDocument(f"10.0/{prefix}.{i}", "T", "A", f"{prefix}-{i}", (section,)) for i in range(count)]


async def requests_per_second(base_url: str, concurrency: int, db: Path) -> tuple[float, int]:
    """One call per paper (the loopback model answers uses_dl=false, which ends the aius cascade)."""
    # 75 rounds (~15 s): start-up (connections) and the last, partly filled round weigh ~10% in a 5 s run
    papers = synthetic_papers(max(20, concurrency * 75), f"c{concurrency}")
    options = ClassifyRequest(
        backend="openai", model="loopback", base_url=base_url, concurrency=concurrency, max_output_tokens=64
    )
    with duckdb.connect(str(db)) as con:
        engine = ClassifierEngine(LabelStore(con), OpenAIBackend(options), AiusProtocol(), options, Budget())
        started = time.perf_counter()
        outcome = await engine.run(iter([papers]), len(papers))
        elapsed = time.perf_counter() - started
    return outcome.stats.calls / elapsed, outcome.stats.calls


@contextlib.contextmanager
def loopback_server() -> Iterator[str]:
    """The loopback server in its own process, so its work does not share this process's GIL with the engine."""
    port = free_port()
    command = [sys.executable, "-m", "tests.support.llm_fault_server", "--port", str(port), "--latency", str(LATENCY_S),
               "--negative"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield base_url
    finally:
        process.terminate()
        process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def throughput(console: Console) -> None:
    console.rule(f"throughput: loopback server, {LATENCY_S * 1000:.0f} ms latency per request")
    with tempfile.TemporaryDirectory() as tmp, loopback_server() as base_url:
        for concurrency in CONCURRENCY:
            rate, calls = asyncio.run(requests_per_second(base_url, concurrency, Path(tmp) / "bench.duckdb"))
            ceiling = concurrency / LATENCY_S
            console.print(
                f"concurrency {concurrency:>2}: {rate:7.1f} req/s over {calls} calls"
                f"  (ceiling {ceiling:6.1f}; ratio {rate / ceiling:5.1%})"
            )


def cpu_seconds() -> float:
    """CPU time of this process and of its ended children (the parse and rules workers, once shut down)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


@dataclass
class Rate:
    papers: int
    seconds: float
    cpu: float

    def __str__(self) -> str:
        # CPU seconds too: on a shared machine the wall clock also counts other people's work.
        per_cpu = self.papers / self.cpu
        return f"{self.papers:,} papers at {self.papers / self.seconds:6.1f} papers/s ({per_cpu:5.1f} per CPU s)"


def timed(step: Callable[[], int]) -> Rate:
    started, cpu = time.perf_counter(), cpu_seconds()
    papers = step()
    return Rate(papers, time.perf_counter() - started, cpu_seconds() - cpu)


def ingested(corpus: Path, db: Path, console: Console) -> Rate:
    """Ingest the corpus into `db`, timed."""
    from ingestion.jats.pipeline import ingest_jats_corpus

    console.rule(f"ingest of {corpus.name}")
    rate = timed(lambda: ingest_jats_corpus(corpus, db, console=Console(quiet=True)).loaded)
    console.print(f"ingest, {default_workers()} parse workers: {rate}")
    return rate


def _label(db: Path, workers: int) -> int:
    return classify(db, ClassifyRequest(backend="rules", workers=workers), Console(quiet=True)).stats.papers_done


def rules_rate(db: Path, workers: int, ingest: Rate, console: Console) -> None:
    """The rules backend through the whole engine, each on a copy of the ingested file (no label cached yet)."""
    console.rule("rules labelling vs ingest, same papers")
    for count in sorted({1, workers}):
        copy = db.with_name(f"rules-{count}.duckdb")
        shutil.copy(db, copy)
        rate = timed(partial(_label, copy, count))
        ratio = (rate.papers / rate.seconds) / (ingest.papers / ingest.seconds)
        console.print(
            f"rules, {count} process{'es' if count > 1 else ''}: {rate}  — rules / ingest papers/s {ratio:4.2f}"
        )
        copy.unlink()


def tokens(db: Path, corpus: Path, console: Console) -> None:
    console.rule(f"input tokens: compact vs aius on {corpus.name}")
    quiet = Console(quiet=True)
    estimates = {}
    for protocol in ("aius", "compact"):
        request = ClassifyRequest(backend="openai", protocol=protocol, model=PRICED_MODEL, dry_run=True)
        started = time.perf_counter()
        estimates[protocol] = classify(db, request, quiet)
        console.print(f"{protocol} estimate took {time.perf_counter() - started:.1f} s")
    for protocol, estimate in estimates.items():
        low, _ = estimate.cost(price_for(PRICED_MODEL))
        console.print(
            f"{protocol:>7}: {estimate.papers:,} papers, {estimate.calls:,} calls "
            f"({estimate.prefiltered:,} prefiltered), {estimate.input_tokens:,} input tokens"
            f"  ≈ ${low:.2f} input at {PRICED_MODEL} prices"
        )
    ratio = estimates["compact"].input_tokens / max(estimates["aius"].input_tokens, 1)
    console.print(f"compact / aius input tokens: {ratio:.3f}  ({1 / max(ratio, 1e-9):.1f}× fewer)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=SAMPLE_CORPUS, help="JATS zip or directory")
    parser.add_argument("-j", "--workers", type=int, default=default_workers(), help="rules worker processes")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-rules", action="store_true")
    parser.add_argument("--skip-tokens", action="store_true")
    args = parser.parse_args()
    console = Console()
    if not args.skip_throughput:
        throughput(console)
    if args.skip_rules and args.skip_tokens:
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "corpus.duckdb"
        ingest = ingested(args.corpus, db, console)
        if not args.skip_rules:
            rules_rate(db, args.workers, ingest, console)
        if not args.skip_tokens:
            tokens(db, args.corpus, console)


if __name__ == "__main__":
    main()
