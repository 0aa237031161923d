"""Measure the offline pieces of the classifier step against the gold reference labels.

Prints: uses_dl / uses_ptms precision, recall and F1 for the rules classifier and a naive keyword count, on the
development half, the held-out half and the whole gold set; PTM-level precision/recall after canonicalisation,
pattern and stage accuracy on matched PTMs; what the prefilter removes; what share of the gold evidence the
passage selector keeps at several token budgets.

The split is fixed: papers sorted by sha256("ptmreuse-rules-split-v1:" + doi), the first half is `dev` (the rules
were developed looking at these only), the second half `held-out`. Run: `.venv/bin/python bench/rules_baseline.py`
(`--split` lists which DOI is in which half).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from classifiers.document import PaperDocument  # noqa: E402
from classifiers.passages import count_tokens, select_passages  # noqa: E402
from classifiers.prefilter import has_dl_vocabulary  # noqa: E402
from classifiers.rules import classify_paper  # noqa: E402
from classifiers.rules.catalogue import load_catalogue  # noqa: E402
from classifiers.taxonomy import PaperLabels  # noqa: E402
from evaluation.documents import document_from_jats  # noqa: E402
from ingestion.jats.parse import RejectedArticle  # noqa: E402

SEEDS = PROJECT_DIR / "seeds"
CORPUS = PROJECT_DIR / "corpus" / "sample-jats.zip"
SPLIT_SALT = "ptmreuse-rules-split-v1:"
BUDGETS = (1000, 2000, 4000)


@dataclass(frozen=True)
class Gold:
    row: dict[str, str]
    ptms: list[dict[str, str]]
    doc: PaperDocument

    @property
    def uses_dl(self) -> bool:
        return self.row["uses_dl"] == "true"

    @property
    def uses_ptms(self) -> bool:
        return self.row["uses_ptms"] == "true"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def split_of(dois: Iterable[str]) -> dict[str, str]:
    ordered = sorted(dois, key=lambda doi: hashlib.sha256((SPLIT_SALT + doi).encode()).hexdigest())
    half = len(ordered) // 2
    return {doi: ("dev" if index < half else "held-out") for index, doi in enumerate(ordered)}


# The naive baseline the brief compares against: count deep-learning keywords, look for "pretrained" words.
_NAIVE_DL = re.compile(r"deep learning|neural network|convolutional|\bCNNs?\b|\bLSTM|transformer", re.IGNORECASE)
_NAIVE_PTM = re.compile(r"pre-?trained|fine-?tun|transfer learning", re.IGNORECASE)


def naive(doc: PaperDocument) -> tuple[bool, bool]:
    text = doc.body_text
    dl = len(_NAIVE_DL.findall(text)) >= 3
    return dl, dl and bool(_NAIVE_PTM.search(text))


def prf(pairs: list[tuple[bool, bool]]) -> tuple[float, float, float]:
    tp = sum(1 for gold, pred in pairs if gold and pred)
    fp = sum(1 for gold, pred in pairs if pred and not gold)
    fn = sum(1 for gold, pred in pairs if gold and not pred)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _normalise(text: str) -> str:
    return " ".join(load_catalogue().canonicalise(text).split()) if text else ""


def binary_table(golds: list[Gold], predicted: dict[str, PaperLabels], halves: dict[str, str]) -> None:
    print("\n## uses_dl / uses_ptms (P / R / F1)")
    columns = ("rules uses_dl", "naive uses_dl", "rules uses_ptms", "naive uses_ptms")
    print(f"{'set':9} {'n':>3}  " + "  ".join(f"{c:>20}" for c in columns))
    for name in ("dev", "held-out", "all"):
        subset = [g for g in golds if name == "all" or halves[g.row["doi"]] == name]
        cells = []
        for task in ("uses_dl", "uses_ptms"):
            rules = [(getattr(g, task), getattr(predicted[g.row["doi"]], task).answer) for g in subset]
            index = 0 if task == "uses_dl" else 1
            base = [(getattr(g, task), naive(g.doc)[index]) for g in subset]
            cells += [prf(rules), prf(base)]
        line = "  ".join(f"{p:.2f}/{r:.2f}/{f:.2f}".rjust(20) for p, r, f in cells)
        print(f"{name:9} {len(subset):>3}  {line}")


def ptm_table(golds: list[Gold], predicted: dict[str, PaperLabels], halves: dict[str, str]) -> None:
    print("\n## PTM level (canonical names per paper; pattern and stage on matched PTMs)")
    print(
        f"{'set':9} {'gold':>5} {'pred':>5} {'match':>5} {'prec':>5} {'rec':>5} {'pattern acc':>12} {'stage acc':>10}"
    )
    for name in ("dev", "held-out", "all"):
        n_gold = n_pred = matched = pattern_ok = stage_ok = 0
        for gold in golds:
            if name != "all" and halves[gold.row["doi"]] != name:
                continue
            gold_by_name: dict[str, list[dict[str, str]]] = {}
            for row in gold.ptms:
                gold_by_name.setdefault(_normalise(row["ptm_name"]), []).append(row)
            pred_by_name = {_normalise(p.name): p for p in predicted[gold.row["doi"]].ptms.ptms}
            n_gold += len(gold_by_name)
            n_pred += len(pred_by_name)
            for canonical, mention in pred_by_name.items():
                rows = gold_by_name.get(canonical)
                if not rows:
                    continue
                matched += 1
                pattern_ok += any(r["reuse_pattern"] == mention.reuse_pattern.value for r in rows)
                stage_ok += any(r["stage"] == mention.stage.value for r in rows)
        precision = matched / n_pred if n_pred else 0.0
        recall = matched / n_gold if n_gold else 0.0
        pattern_acc = pattern_ok / matched if matched else 0.0
        stage_acc = stage_ok / matched if matched else 0.0
        print(
            f"{name:9} {n_gold:>5} {n_pred:>5} {matched:>5} {precision:>5.2f} {recall:>5.2f} "
            f"{pattern_acc:>12.2f} {stage_acc:>10.2f}"
        )


def prefilter_table(golds: list[Gold], corpus: list[PaperDocument]) -> None:
    print("\n## prefilter (has_dl_vocabulary = False → labelled negative without an LLM call)")
    positives = [g for g in golds if g.uses_dl]
    kept = sum(1 for g in positives if has_dl_vocabulary(g.doc))
    negatives = [g for g in golds if not g.uses_dl]
    removed = sum(1 for g in negatives if not has_dl_vocabulary(g.doc))
    print(f"gold uses_dl positives kept: {kept}/{len(positives)} (recall {kept / len(positives):.2f})")
    print(f"gold negatives removed:      {removed}/{len(negatives)}")
    corpus_removed = sum(1 for doc in corpus if not has_dl_vocabulary(doc))
    print(f"bundled corpus removed:      {corpus_removed}/{len(corpus)} papers")


def evidence_strings(gold: Gold) -> list[str]:
    strings = [row["evidence"] for row in gold.ptms if row["evidence"]]
    if gold.row["dl_evidence"]:
        strings.append(gold.row["dl_evidence"])
    return strings


def passage_table(golds: list[Gold]) -> None:
    print("\n## passages: share of gold evidence sentences inside the selected passages")
    print("(containment compares letters and digits only: our parser and the annotator's text space citations apart")
    print(" differently; 'ceiling' = evidence found anywhere in title, abstract and body)")
    body_tokens = sum(count_tokens(g.doc.body_text) for g in golds)
    found = {budget: [0, 0, 0] for budget in BUDGETS}  # evidence inside, papers with all inside, tokens selected
    total = ceiling = 0
    for gold in golds:
        strings = [_letters(s) for s in evidence_strings(gold)]
        whole = _letters(" ".join([gold.doc.title or "", gold.doc.abstract or "", gold.doc.body_text]))
        total += len(strings)
        ceiling += sum(1 for s in strings if s in whole)
        for budget in BUDGETS:
            passages = select_passages(gold.doc, budget)
            selected = "|".join(_letters(p.text) for p in passages)
            hits = sum(1 for s in strings if s in selected)
            found[budget][0] += hits
            found[budget][1] += bool(strings) and hits == len(strings)
            found[budget][2] += sum(count_tokens(p.text) for p in passages)
    with_evidence = sum(1 for g in golds if evidence_strings(g))
    print(f"evidence sentences: {total}, ceiling {ceiling} ({ceiling / total:.0%}); papers with any: {with_evidence}")
    print(
        f"{'budget':>7} {'evidence kept':>15} {'of ceiling':>10} {'papers all kept':>16} {'tokens selected':>16} "
        f"{'full body':>10} {'share':>6}"
    )
    for budget, (inside, papers_full, selected_tokens) in found.items():
        print(
            f"{budget:>7} {inside:>6}/{total:<4} {inside / total:>4.0%} {inside / ceiling:>10.0%} "
            f"{papers_full:>9}/{with_evidence:<6} {selected_tokens:>16} {body_tokens:>10} "
            f"{selected_tokens / body_tokens:>6.1%}"
        )


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


def load(limit_to: set[str] | None = None) -> tuple[list[Gold], list[PaperDocument]]:
    papers = read_csv(SEEDS / "gold_reference_papers.csv")
    ptms = read_csv(SEEDS / "gold_reference_ptms.csv")
    by_member = {row["corpus_file"]: row for row in papers}
    golds: list[Gold] = []
    corpus: list[PaperDocument] = []
    with zipfile.ZipFile(CORPUS) as archive:
        for member in archive.namelist():
            if limit_to is not None and member not in limit_to:
                continue
            try:
                doc = document_from_jats(archive.read(member), member)
            except RejectedArticle:
                continue
            corpus.append(doc)
            if member in by_member:
                row = by_member[member]
                golds.append(Gold(row, [p for p in ptms if p["doi"] == row["doi"]], doc))
    return golds, corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", action="store_true", help="list the DOIs of each half and stop")
    parser.add_argument("--errors", choices=("dev", "held-out", "all"), help="print the papers the rules get wrong")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    golds, corpus = load()
    halves = split_of(g.row["doi"] for g in golds)
    if args.split:
        for doi, half in sorted(halves.items(), key=lambda item: (item[1], item[0])):
            print(half, doi)
        return 0
    predicted = {g.row["doi"]: classify_paper(g.doc) for g in golds}
    print(
        f"gold papers: {len(golds)} (dev {sum(h == 'dev' for h in halves.values())}, held-out "
        f"{sum(h == 'held-out' for h in halves.values())}); bundled corpus: {len(corpus)} papers"
    )
    binary_table(golds, predicted, halves)
    ptm_table(golds, predicted, halves)
    prefilter_table(golds, corpus)
    passage_table(golds)
    if args.errors:
        show_errors(golds, predicted, halves, args.errors)
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


def show_errors(golds: list[Gold], predicted: dict[str, PaperLabels], halves: dict[str, str], half: str) -> None:
    print(f"\n## disagreements ({half})")
    selected: Callable[[Gold], bool] = lambda g: half == "all" or halves[g.row["doi"]] == half  # noqa: E731
    for gold in filter(selected, golds):
        labels = predicted[gold.row["doi"]]
        gold_names = sorted({_normalise(r["ptm_name"]) for r in gold.ptms})
        pred_names = sorted({_normalise(p.name) for p in labels.ptms.ptms})
        if (gold.uses_dl, gold.uses_ptms, gold_names) == (labels.uses_dl.answer, labels.uses_ptms.answer, pred_names):
            continue
        print(
            f"- {gold.row['doi']} ({gold.row['corpus_file']}) gold dl={gold.uses_dl} ptms={gold.uses_ptms} "
            f"rules dl={labels.uses_dl.answer} ptms={labels.uses_ptms.answer}"
        )
        print(f"    gold PTMs: {gold_names}\n    rules PTMs: {pred_names}")
        if labels.uses_dl.evidence:
            print(f"    rules dl evidence: {labels.uses_dl.evidence[:200]}")


if __name__ == "__main__":
    raise SystemExit(main())
