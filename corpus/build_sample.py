"""Rebuild the bundled sample corpus from the project's shared data folder (maintainers only).

The demo and the tests read `corpus/sample-jats.zip` and never `../shared`; this script is how that zip and its
`ATTRIBUTION.md` were made: every JATS file listed in `SOURCES.md`, copied byte for byte, with the repository,
path, commit and licence of each file carried into the attribution.

    python corpus/build_sample.py ../shared/data-candidates
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ZIP_PATH = HERE / "sample-jats.zip"
ATTRIBUTION_PATH = HERE / "ATTRIBUTION.md"
JATS_SUFFIXES = (".xml", ".nxml")


def attribution_rows(sources_md: str) -> dict[str, list[str]]:
    """Map file path -> table cells (repository, path, commit, licence) for every JATS row of SOURCES.md."""
    rows: dict[str, list[str]] = {}
    for line in sources_md.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 5 or not cells[0].split(" ")[0].endswith(JATS_SUFFIXES):
            continue
        path = cells[0].split(" ")[0]
        rows[path] = cells
    return rows


def licence_paragraphs(sources_md: str) -> list[str]:
    """The prose paragraphs of SOURCES.md that state source-level licences and derivations."""
    keep = re.compile(r"(Source-level licences|derived|root wrapper|licence)", re.IGNORECASE)
    paragraphs = [p.strip() for p in sources_md.split("\n\n")]
    skip = ("|", "#", "Total size", "Added about")
    return [p for p in paragraphs if not p.startswith(skip) and keep.search(p) and "PDF" not in p]


def main(candidates_dir: Path) -> None:
    sources_md = (candidates_dir / "SOURCES.md").read_text(encoding="utf-8")
    rows = attribution_rows(sources_md)
    files = sorted(p for p in candidates_dir.rglob("*") if p.suffix in JATS_SUFFIXES and p.is_file())
    missing = [str(p.relative_to(candidates_dir)) for p in files if str(p.relative_to(candidates_dir)) not in rows]
    if missing:
        sys.exit(f"no attribution row in SOURCES.md for: {missing}")

    with zipfile.ZipFile(ZIP_PATH, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for path in files:
            info = zipfile.ZipInfo(str(path.relative_to(candidates_dir)), date_time=(2026, 11, 26, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, path.read_bytes())

    lines = [
        "# Attribution: bundled sample corpus (`sample-jats.zip`)",
        "",
        f"{len(files)} open-access JATS articles, each copied byte for byte from a public repository snapshot",
        "(except where a row says **derived**). Nobody on this project wrote them. Each article's own licence,",
        "kept in the data as `raw.papers.license_url` / `license_text`, governs its text.",
        "",
        *[p + "\n" for p in licence_paragraphs(sources_md)],
        "| file in zip | repository | path in repository | commit | article licence |",
        "|---|---|---|---|---|",
    ]
    for path in files:
        rel = str(path.relative_to(candidates_dir))
        lines.append("| " + " | ".join(rows[rel]) + " |")
    ATTRIBUTION_PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")
    size_mb = ZIP_PATH.stat().st_size / 1e6
    print(f"wrote {ZIP_PATH.name} ({size_mb:.1f} MB, {len(files)} files) and {ATTRIBUTION_PATH.name}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "data-candidates"))
