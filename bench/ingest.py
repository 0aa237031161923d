"""Benchmark: full JATS ingest vs a bare lxml parse of the same files, measured in one run.

    python bench/ingest.py [PATH]              # default: the bundled corpus/sample-jats.zip
    python bench/ingest.py /path/pmc-biotools-3k.zip
    python bench/ingest.py --synthetic-gb 2    # peak memory on a ~2 GB zip (SYNTHETIC: the sample repeated)

(a) bare parse: read each member, lxml-parse it, take the body's text — the floor any JATS loader pays.
(b) full ingest: `ingest_jats_corpus` into a fresh DuckDB file (parse, sections, hashing, dlt, load), run in a
    child process so its peak RSS is its own. The ratio b/a (papers/s) is the figure of merit (target ≥ 0.5).
Both run here, on the same files, one after the other: the machine is noisy, so compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingestion.jats.files import iter_corpus  # noqa: E402
from warehouse.paths import SAMPLE_CORPUS  # noqa: E402

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def bare_parse(path: Path) -> tuple[int, int, float]:
    """Files, bytes and seconds for read + lxml parse + body text of every file."""
    files = size = 0
    start = time.perf_counter()
    for item in iter_corpus(path):
        data = getattr(item, "data", None)
        if data is None:
            continue
        try:
            body = etree.fromstring(data, _PARSER).find("body")
        except etree.XMLSyntaxError:
            continue
        " ".join(body.itertext()) if body is not None else ""
        files += 1
        size += len(data)
    return files, size, time.perf_counter() - start


def full_ingest(path: Path, db_path: Path) -> dict:
    """Run the real ingest in a child process; return its counts, seconds and peak RSS."""
    code = f"""
import json, resource, time
from pathlib import Path
from rich.console import Console
from ingestion.jats.pipeline import ingest_jats_corpus
start = time.perf_counter()
stats = ingest_jats_corpus(Path({str(path)!r}), Path({str(db_path)!r}), console=Console(quiet=True))
print(json.dumps({{"seconds": time.perf_counter() - start, "loaded": stats.loaded, "rejected": stats.rejected,
                  "unchanged": stats.unchanged,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}}))
"""
    env = {"RUNTIME__DLTHUB_TELEMETRY": "false", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def synthetic_zip(target: Path, gigabytes: float) -> Path:
    """SYNTHETIC corpus: the bundled articles repeated with fresh DOIs (10.99999/synthetic.N.…), stored uncompressed."""
    sample = zipfile.ZipFile(SAMPLE_CORPUS)
    members = [(n, sample.read(n)) for n in sample.namelist()]
    budget = int(gigabytes * 1e9)
    written = copy = 0
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as out:
        while written < budget:
            for name, data in members:
                fresh = data.replace(b'pub-id-type="doi">', b'pub-id-type="doi">10.99999/synthetic.%d.' % copy, 1)
                fresh = fresh.replace(b"10.99999/synthetic.%d.10." % copy, b"10.99999/synthetic.%d." % copy, 1)
                out.writestr(f"synthetic-{copy}/{name}", fresh)
                written += len(fresh)
            copy += 1
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=SAMPLE_CORPUS)
    parser.add_argument("--synthetic-gb", type=float, default=0.0, help="build and ingest a SYNTHETIC zip this big")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = synthetic_zip(Path(tmp) / "synthetic.zip", args.synthetic_gb) if args.synthetic_gb else args.path
        label = f"SYNTHETIC {args.synthetic_gb:g} GB zip" if args.synthetic_gb else str(path)
        # the bare parse runs before and after the full ingest, so load on the machine weighs on both sides
        files, size, before = bare_parse(path)
        full = full_ingest(path, Path(tmp) / "bench.duckdb")
        bare_seconds = (before + bare_parse(path)[2]) / 2
        rerun = full_ingest(path, Path(tmp) / "bench.duckdb")

    mb = size / 1e6
    bare_rate, full_rate = files / bare_seconds, files / full["seconds"]
    full_note = f"{full['seconds']:.1f} s; loaded {full['loaded']}, rejected {full['rejected']}"
    print(f"corpus: {label}: {files} parseable files, {mb:.0f} MB of XML")
    bare_note = f"{bare_seconds:.1f} s"
    print(f"(a) bare lxml parse + body text : {bare_rate:7.1f} papers/s {mb / bare_seconds:6.1f} MB/s ({bare_note})")
    print(f"(b) full ingest into DuckDB     : {full_rate:7.1f} papers/s {mb / full['seconds']:6.1f} MB/s ({full_note})")
    print(f"ratio b/a = {full_rate / bare_rate:.2f}   (target >= 0.50)")
    print(f"re-ingest, same corpus: {rerun['seconds']:.1f} s, {rerun['unchanged']} unchanged, {rerun['loaded']} loaded")
    rss, worker_rss = full["peak_rss_mb"], full["worker_peak_rss_mb"]
    print(f"peak RSS of the full ingest: {rss:.0f} MB in the main process (target < 1024 MB on a 2 GB zip),")
    print(f"  plus {worker_rss:.0f} MB at most per parse worker process")


if __name__ == "__main__":
    main()
