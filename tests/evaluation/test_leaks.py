"""Nothing may come from the frozen reference set (evaluation/split.py): no paper of it named by the classifiers,
the seeds or the tests, and no new catalogue, alias, vocabulary or rule entry matching one of its gold PTM names.

The catalogue and aliases were written after every reference paper's model names had been seen, so today some of
their entries match frozen gold names; `frozen_name_overlap_baseline.txt` records those name keys, and only an
entry outside it fails. Remove a line when its entries go; never add one.
"""

from __future__ import annotations

import ast
import csv
import re
from collections.abc import Iterable
from pathlib import Path

from classifiers.rules.vocabulary import PHRASES
from evaluation.entries import alternative_keys, entry_key
from evaluation.gold import GoldSet, reference_sets
from warehouse.paths import PROJECT_DIR

SCANNED = ("classifiers", "seeds", "tests")
BASELINE = Path(__file__).with_name("frozen_name_overlap_baseline.txt")


def _frozen() -> GoldSet:
    return next(g for g in reference_sets() if g.subset == "frozen")


def _is_allowed(path: Path, root: Path) -> bool:
    """The gold seeds themselves and the evaluation's own tests may name frozen papers."""
    relative = path.relative_to(root).as_posix()
    return relative.startswith(("seeds/gold_", "tests/evaluation/")) or "__pycache__" in relative


def paper_identifiers(gold: GoldSet) -> dict[str, str]:
    """Every way a file can name a paper → its DOI: the DOI, its suffix, and its file name in the bundled corpus."""
    names: dict[str, str] = {}
    for doi, paper in gold.papers.items():
        names[doi] = names[doi.split("/", 1)[1]] = doi
        if paper.corpus_file:
            names[Path(paper.corpus_file).stem.lower()] = doi
    return names


def files_naming(root: Path, identifiers: dict[str, str]) -> dict[str, set[str]]:
    """file (relative to root) → DOIs it names, over the scanned folders of `root`."""
    pattern = re.compile(
        "(?<![0-9a-z])(" + "|".join(re.escape(i) for i in sorted(identifiers, key=len, reverse=True)) + ")(?![0-9a-z])"
    )
    found: dict[str, set[str]] = {}
    for folder in SCANNED:
        for path in sorted((root / folder).rglob("*")):
            if not path.is_file() or _is_allowed(path, root):
                continue
            text = path.read_bytes().decode("utf-8", "replace").lower()
            dois = {identifiers[m] for m in pattern.findall(text)}
            if dois:
                found[path.relative_to(root).as_posix()] = dois
    return found


def frozen_name_keys(gold: GoldSet) -> set[str]:
    """Keys of the frozen gold PTM names, and of what their parentheses hold ("AlphaFold3 (AF3)" → also "af3")."""
    return {key for paper in gold.papers.values() for ptm in paper.ptms for key in alternative_keys(ptm.name)}


def watched_entries(root: Path) -> Iterable[tuple[str, str]]:
    """(where, entry): catalogue names, aliases, vocabulary phrases and terms, and every string in the classifiers."""
    with (root / "seeds" / "ptm_catalogue.csv").open(encoding="utf-8") as handle:
        yield from (("seeds/ptm_catalogue.csv", row["canonical_name"]) for row in csv.DictReader(handle))
    with (root / "seeds" / "ptm_aliases.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            yield "seeds/ptm_aliases.csv", row["alias"]
            yield "seeds/ptm_aliases.csv", row["canonical_name"]
    for phrase in PHRASES:
        yield "classifiers/rules/vocabulary.py", phrase.text
        yield "classifiers/rules/vocabulary.py", phrase.payload.name
    for path in sorted((root / "classifiers").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                yield path.relative_to(root).as_posix(), node.value


def overlaps(entries: Iterable[tuple[str, str]], keys: set[str]) -> dict[str, set[str]]:
    """name key → the entries (where: text) that match a frozen gold name."""
    found: dict[str, set[str]] = {}
    for where, text in entries:
        key = entry_key(text)
        if key in keys:
            found.setdefault(key, set()).add(f"{where}: {text}")
    return found


def _baseline() -> set[str]:
    lines = BASELINE.read_text(encoding="utf-8").splitlines()
    return {line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()}


def test_no_frozen_paper_is_named_outside_the_evaluation() -> None:
    named = files_naming(PROJECT_DIR, paper_identifiers(_frozen()))
    assert not named, (
        "these files name papers of the frozen reference set (evaluation/split.py); use a tuning paper or another "
        f"paper of the corpus instead: {named}"
    )


def test_no_new_catalogue_alias_or_vocabulary_entry_matches_a_frozen_gold_name() -> None:
    found = overlaps(watched_entries(PROJECT_DIR), frozen_name_keys(_frozen()))
    new = {key: entries for key, entries in found.items() if key not in _baseline()}
    assert not new, f"entries that match a frozen gold PTM name (nothing may come from the frozen set): {new}"


def test_the_leak_checks_catch_a_planted_leak(tmp_path: Path) -> None:
    """The two checks above on a SYNTHETIC tree: each finds the leak planted in it, and nothing else."""
    frozen = _frozen()
    doi, paper = next((d, p) for d, p in sorted(frozen.papers.items()) if p.ptms and p.corpus_file)
    member = Path(paper.corpus_file or "").name
    for folder in SCANNED:
        (tmp_path / folder).mkdir()
    (tmp_path / "tests" / "test_new.py").write_text(f'PAPER = "corpus/{member}"\n', encoding="utf-8")
    (tmp_path / "seeds" / "gold_reference_papers.csv").write_text(f"doi\n{doi}\n", encoding="utf-8")  # allowed
    (tmp_path / "classifiers" / "rules.py").write_text(f'DOI = "https://doi.org/{doi.upper()}"\n', encoding="utf-8")
    assert files_naming(tmp_path, paper_identifiers(frozen)) == {
        "tests/test_new.py": {doi},
        "classifiers/rules.py": {doi},
    }

    with (tmp_path / "seeds" / "ptm_catalogue.csv").open("w", encoding="utf-8") as handle:
        handle.write("canonical_name\nWidelyKnownNet\n")
    gold_name = paper.ptms[0].name
    with (tmp_path / "seeds" / "ptm_aliases.csv").open("w", encoding="utf-8") as handle:
        handle.write(f'alias,canonical_name\n"{gold_name.upper()}",WidelyKnownNet\n')
    found = overlaps(watched_entries(tmp_path), frozen_name_keys(frozen))
    assert found == {entry_key(gold_name): {f"seeds/ptm_aliases.csv: {gold_name.upper()}"}}
