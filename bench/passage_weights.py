"""Fit the passage selector's sentence values on the development sets, cross-validated (issue 14, item 1).

Data: the reference set's tuning half and the project's dev set (`--project-zip`), never the frozen half or check.
A sentence (as `classifiers.sentence_features` cuts them) is a positive when it contains a gold evidence sentence — the
uses_dl evidence of a positive paper, the evidence of a PTM entry — by the test of `evaluation.coverage` (≥ 80 % of
the evidence's 10-character pieces); an evidence sentence the splitter cut in two makes both halves positive.

Model: two logistic regressions — one for uses_dl evidence, one for PTM evidence (a sentence holding k of them
counts k times) — over `classifiers.sentence_features.FEATURES` (standardised, L2 penalty PENALTY) and the
sentence's words (`sentence_words`, names masked; one 0/1 column per word met, away from a sentence's opening, in
at least MIN_PAPERS of the papers fitted on; L2 penalty WORD_PENALTY), intercept not shrunk, fitted by L-BFGS to
convergence (deterministic). Word weights under PRUNE in size are dropped, so the written model holds a few hundred
words. Selection then takes sentences by value per token^COST_EXPONENT, the PTM value fading by REPEAT_DECAY per
shown sentence with the same name.

Cross-validation: each set's papers are dealt into FOLDS folds in the order of a salted hash of their DOI; every
paper's values come from models fitted on the other folds. Printed per setting: the pooled uses_dl and PTM evidence
coverage averaged over budgets 1,000–3,000 (a steadier number to choose by, averaged over the `--salts` fold
assignments), then coverage and share of body per set at `--budgets` (first salt). The counting is the bench's
(`evaluation.coverage.measure` on the text `passages_text` would send) with `--exact`; without it, an evidence
sentence counts as shown when a sentence containing it was chosen, which gives the same numbers faster.

`--write` fits both models on all development papers with the chosen setting (PENALTY, COST_EXPONENT,
REPEAT_DECAY, WORD_PENALTY) and writes classifiers/passage_weights.py, which classifiers/passages.py imports.
`--drop words` leaves the words out (ablation), as `--drop PREFIX` does a feature.

Usage: .venv/bin/python bench/passage_weights.py --project-zip PATH [--penalties 30,100,300] [--decays 1,0.8]
       [--word-penalties 10,30] [--exponents 1] [--salts ,a,b] [--budgets 1500,2000,3000] [--drop FEATURE_PREFIX,…]
       [--exact] [--batches 1,2,3] [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from dataclasses import dataclass
from itertools import product
from pathlib import Path

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from bench.passages import documents  # noqa: E402
from classifiers.document import PaperDocument  # noqa: E402
from classifiers.passages import Model, Selection, chosen_indices, joined, predict, select, valued  # noqa: E402
from classifiers.protocols.compact import format_passages  # noqa: E402
from classifiers.sentence_features import FEATURES, Place, SentenceTable, sentence_table, sentence_words  # noqa: E402
from classifiers.tokens import count_tokens  # noqa: E402
from evaluation.coverage import KINDS, ShownText, gold_evidence, measure  # noqa: E402
from evaluation.gold import GoldPaper, project_batches, project_sets, reference_sets  # noqa: E402
from warehouse.paths import SAMPLE_CORPUS  # noqa: E402

WEIGHTS_FILE = PROJECT_DIR / "classifiers" / "passage_weights.py"
SETS = ("tuning", "dev")
FOLDS = 6
CURVE = tuple(range(1000, 3001, 250))
BUDGETS = (1500, 2000, 3000)
# The setting chosen by cross-validation (docs/passages.md): what --write fits with.
PENALTY = 100.0
COST_EXPONENT = 1.0
REPEAT_DECAY = 0.8
WORD_PENALTY = 10.0
MIN_PAPERS = 3  # a word enters the vocabulary when this many papers use it
PRUNE = 0.1  # word weights smaller than this are dropped from the written model

Values = list[tuple[np.ndarray, np.ndarray]]  # per paper: (uses_dl value, PTM value) of each sentence


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: str  # uses_dl | ptm
    where: tuple[tuple[int, ...], ...]  # the sentences containing it: any one of these (or both halves of a cut one)


@dataclass
class Paper:
    set_name: str
    gold: GoldPaper
    doc: PaperDocument
    table: SentenceTable
    evidence: list[Evidence]
    labels: np.ndarray  # per sentence: (uses_dl, PTM) evidence sentences it contains
    body_tokens: int
    vocabulary: frozenset[str]  # the paper's words away from a sentence's opening: what the vocabulary counts
    fold: int = 0


def _evidence(paper: GoldPaper, places: list[Place]) -> list[Evidence]:
    """Each gold evidence sentence with the sentences containing it (the test of evaluation.coverage)."""
    shown = [ShownText(place.text) for place in places]
    found = []
    for item in gold_evidence([paper]):
        where = [(i,) for i, text in enumerate(shown) if text.contains(item.text)]
        if not where:  # an evidence sentence the splitter cut in two: both halves carry it
            where = [
                (i, i + 1)
                for i in range(len(places) - 1)
                if ShownText(places[i].text + " " + places[i + 1].text).contains(item.text)
            ]
        found.append(Evidence(item.kind, tuple(where)))
    return found


def _labels(evidence: list[Evidence], size: int) -> np.ndarray:
    labels = np.zeros((size, len(KINDS)))
    for item in evidence:
        for where in item.where:
            labels[list(where), KINDS.index(item.kind)] += 1
    return labels


# The labelling batches of the project's dev set the committed weights were fitted on.
FITTED_BATCHES = (1, 2, 3, 4)


def development_papers(project_zip: Path, batches: tuple[int, ...] = FITTED_BATCHES) -> list[Paper]:
    """The tuning half of the reference set and the project's dev papers of `batches`, with sentences and labels."""
    tuning = next(gold for gold in reference_sets() if gold.subset == "tuning")
    dev = next(gold for gold in project_sets() if gold.subset == "dev")
    batch_of = project_batches()
    dev_papers = [paper for doi, paper in dev.papers.items() if batch_of[doi] in batches]
    papers = []
    for set_name, pairs in (
        ("tuning", documents(tuning.papers.values(), SAMPLE_CORPUS)),
        ("dev", documents(dev_papers, project_zip)),
    ):
        for gold, doc in pairs:
            table = sentence_table(doc)
            evidence = _evidence(gold, table.places)
            labels = _labels(evidence, len(table.places))
            words = frozenset().union(*(sentence_words(place.text, opening=False) for place in table.places))
            papers.append(Paper(set_name, gold, doc, table, evidence, labels, count_tokens(doc.body_text), words))
    return papers


def assign_folds(papers: list[Paper], salt: str) -> None:
    """Each set's papers dealt round-robin into FOLDS folds, in the order of a salted hash of their DOI."""
    for name in SETS:
        members = [p for p in papers if p.set_name == name]
        members.sort(key=lambda p: hashlib.sha256((salt + p.gold.doi).encode()).hexdigest())
        for position, paper in enumerate(members):
            paper.fold = position % FOLDS


@dataclass(frozen=True)
class Setting:
    penalty: float = PENALTY
    word_penalty: float = WORD_PENALTY
    columns: tuple[int, ...] = tuple(range(len(FEATURES)))  # the features used (others get weight 0)
    words: bool = True


def _word_matrix(table: SentenceTable, vocabulary: dict[str, int]) -> sparse.csr_matrix:
    rows = [i for i, words in enumerate(table.words) for word in words if word in vocabulary]
    columns = [vocabulary[word] for words in table.words for word in words if word in vocabulary]
    return sparse.csr_matrix((np.ones(len(rows)), (rows, columns)), shape=(len(table.words), len(vocabulary)))


def fit(
    features: np.ndarray, words: sparse.csr_matrix, labels: np.ndarray, setting: Setting
) -> tuple[np.ndarray, float, np.ndarray]:
    """L2-penalised logistic regression by L-BFGS on standardised features and 0/1 word columns; (feature weights
    for the raw features, intercept, word weights). A sentence holding k evidence sentences counts k positives."""
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale == 0] = 1.0
    ones = np.ones((len(features), 1))
    x = sparse.hstack([sparse.csr_matrix((features - mean) / scale), words, sparse.csr_matrix(ones)]).tocsr()
    y = (labels > 0).astype(float)
    weight = np.where(labels > 0, labels, 1.0)
    ridge = np.concatenate([np.full(features.shape[1], setting.penalty), np.full(words.shape[1], setting.word_penalty)])
    ridge = np.append(ridge, 0.0)  # the intercept is not shrunk

    def loss(beta: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ beta
        p = 1.0 / (1.0 + np.exp(-z))
        value = np.sum(weight * (np.logaddexp(0.0, z) - y * z)) + 0.5 * np.sum(ridge * beta * beta)
        return value, x.T @ (weight * (p - y)) + ridge * beta

    beta = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B", options={"maxiter": 5000}).x
    n = features.shape[1]
    weights = beta[:n] / scale
    return weights, float(beta[-1] - weights @ mean), beta[n:-1]


def fit_both(papers: list[Paper], setting: Setting) -> list[Model]:
    """The uses_dl model and the PTM model, fitted on `papers` (words from their own vocabulary, pruned)."""
    counts = Counter(word for paper in papers for word in paper.vocabulary)
    known = sorted(word for word, n in counts.items() if n >= MIN_PAPERS) if setting.words else []
    vocabulary = {word: i for i, word in enumerate(known)}
    columns = list(setting.columns)
    features = np.vstack([p.table.features[:, columns] for p in papers])
    words = sparse.vstack([_word_matrix(p.table, vocabulary) for p in papers]).tocsr()
    models = []
    for k in range(len(KINDS)):
        labels = np.concatenate([p.labels[:, k] for p in papers])
        weights, bias, word_weights = fit(features, words, labels, setting)
        full = np.zeros(len(FEATURES))
        full[columns] = weights
        kept = {word: float(w) for word, w in zip(known, word_weights, strict=True) if abs(w) >= PRUNE}
        models.append(Model(full, bias, kept))
    return models


def out_of_fold(papers: list[Paper], setting: Setting) -> Values:
    """Each paper's sentence values from the models fitted on the other folds."""
    values: Values = [(np.zeros(0), np.zeros(0))] * len(papers)
    for fold in range(FOLDS):
        models = fit_both([p for p in papers if p.fold != fold], setting)
        for i, paper in enumerate(papers):
            if paper.fold == fold:
                dl, ptm = (predict(paper.table, model) for model in models)
                values[i] = (dl, ptm)
    return values


Result = dict[str, tuple[float, float, float]]  # set (and "pooled") → (uses_dl share, PTM share, share of body)


def fast_coverage(papers: list[Paper], values: Values, budget: int, selection: Selection) -> Result:
    """Coverage counted from the sentences chosen (an evidence sentence is shown when one containing it is)."""
    kept = {name: np.zeros(len(KINDS)) for name in (*SETS, "pooled")}
    total = {name: np.zeros(len(KINDS)) for name in kept}
    tokens = {name: np.zeros(2) for name in kept}  # shown, body
    for paper, value in zip(papers, values, strict=True):
        sentences = valued(paper.table, *value)
        order = chosen_indices(sentences, budget, selection)  # selected once: the passages are made from it
        chosen = set(order)
        shown = count_tokens(format_passages(joined(sentences, order)))
        for name in (paper.set_name, "pooled"):
            tokens[name] += (shown, paper.body_tokens)
            for item in paper.evidence:
                total[name][KINDS.index(item.kind)] += 1
                kept[name][KINDS.index(item.kind)] += any(chosen.issuperset(where) for where in item.where)
    return {name: (*(kept[name] / total[name]), tokens[name][0] / tokens[name][1]) for name in kept}


def exact_coverage(papers: list[Paper], values: Values, budget: int, selection: Selection) -> Result:
    """Coverage by evaluation.coverage.measure on the text passages_text would send (the bench's numbers)."""
    texts = {
        paper.doc.doi: format_passages(select(valued(paper.table, *value), budget, selection))
        for paper, value in zip(papers, values, strict=True)
    }
    result = {}
    for name in (*SETS, "pooled"):
        row = measure([(p.gold, p.doc) for p in papers if name in ("pooled", p.set_name)], lambda doc: texts[doc.doi])
        result[name] = (*(row.share(kind) for kind in KINDS), row.shown_tokens / row.body_tokens)
    return result


def curve(papers: list[Paper], values: Values, selection: Selection) -> np.ndarray:
    """Pooled (uses_dl, PTM) coverage averaged over budgets 1,000 to 3,000."""
    return np.mean([fast_coverage(papers, values, budget, selection)["pooled"][:2] for budget in CURVE], axis=0)


def _row(label: str, result: Result) -> str:
    return f"{label:<40}" + "  ".join(
        f"{name} {dl:6.1%} {ptm:6.1%} {share:5.1%}" for name, (dl, ptm, share) in result.items()
    )


def write_weights(papers: list[Paper], path: Path = WEIGHTS_FILE) -> None:
    """Fit both models on all development papers and write them as a module of constants."""
    dl, ptm = fit_both(papers, Setting())

    def table(names: list[str], weights: list[float]) -> str:
        return "".join(f'    "{name}": {float(w):.6g},\n' for name, w in zip(names, weights, strict=True))

    def words(model: Model) -> str:
        return table(sorted(model.words), [model.words[word] for word in sorted(model.words)])

    sentences = sum(len(p.table.places) for p in papers)
    path.write_text(
        '"""Weights of the passage selector\'s sentence values: written by bench/passage_weights.py --write, do not '
        "edit.\n\n"
        f"Two logistic regressions fitted on {len(papers)} papers ({sentences:,} sentences) of the development sets\n"
        f"(reference tuning half, project dev): L2 penalty {PENALTY:g} on standardised features, {WORD_PENALTY:g} on"
        " words met in\n"
        f"{MIN_PAPERS}+ papers (names masked; weights under {PRUNE:g} dropped). Feature weights are for the raw"
        " features of\nclassifiers.sentence_features.FEATURES; a word absent from a table weighs 0.\n"
        '"""\n\n'
        f"DL_BIAS = {dl.bias:.6g}\nDL_WEIGHTS = {{\n{table(list(FEATURES), list(dl.weights))}}}\n"
        f"DL_WORDS = {{\n{words(dl)}}}\n"
        f"PTM_BIAS = {ptm.bias:.6g}\nPTM_WEIGHTS = {{\n{table(list(FEATURES), list(ptm.weights))}}}\n"
        f"PTM_WORDS = {{\n{words(ptm)}}}\n"
        f"COST_EXPONENT = {COST_EXPONENT!r}  # sentences are taken by value per token^COST_EXPONENT\n"
        f"REPEAT_DECAY = {REPEAT_DECAY!r}  # PTM value × this per shown sentence with the same name\n"
    )


def _floats(text: str) -> list[float]:
    return [float(x) for x in text.split(",") if x]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project-zip", type=Path, required=True, help="the zip of pmc-biotools-3k")
    parser.add_argument("--penalties", default=str(PENALTY), help="L2 penalties to try, comma-separated")
    parser.add_argument("--exponents", default=str(COST_EXPONENT), help="cost exponents to try")
    parser.add_argument("--decays", default=str(REPEAT_DECAY), help="repeat decays to try")
    parser.add_argument("--word-penalties", default=str(WORD_PENALTY), help="L2 penalties of words to try")
    parser.add_argument("--salts", default="", help="fold assignments to average the curve over, comma-separated")
    parser.add_argument("--budgets", default=",".join(map(str, BUDGETS)), help="'' for the curve only")
    parser.add_argument("--drop", default="", help="leave out features whose names start so, or 'words' (ablation)")
    parser.add_argument("--exact", action="store_true", help="count with evaluation.coverage.measure (slower)")
    parser.add_argument("--write", action="store_true", help=f"fit on all and write {WEIGHTS_FILE.name}")
    batches = ",".join(map(str, FITTED_BATCHES))
    parser.add_argument("--batches", default=batches, help="the project's labelling batches whose dev papers to use")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    papers = development_papers(args.project_zip, tuple(int(b) for b in args.batches.split(",")))
    positives = sum(int((p.labels.sum(axis=1) > 0).sum()) for p in papers)
    sentences = sum(len(p.table.places) for p in papers)
    print(f"{len(papers)} papers, {sentences} sentences, {positives} positive ({time.perf_counter() - started:.1f} s)")
    if args.write:
        write_weights(papers)
        print(f"wrote {WEIGHTS_FILE.relative_to(PROJECT_DIR)}")
        return 0
    drop = [prefix for prefix in args.drop.split(",") if prefix]
    columns = tuple(i for i, name in enumerate(FEATURES) if not any(name.startswith(d) for d in drop))
    budgets = [int(b) for b in args.budgets.split(",") if b]
    coverage = exact_coverage if args.exact else fast_coverage
    for penalty, word_penalty in product(_floats(args.penalties), _floats(args.word_penalties)):
        fitting = Setting(penalty, word_penalty, columns, "words" not in drop)
        runs = []
        for salt in args.salts.split(","):
            assign_folds(papers, salt)
            runs.append(out_of_fold(papers, fitting))
        for exponent, decay in product(_floats(args.exponents), _floats(args.decays)):
            selection = Selection(exponent, decay)
            words = f"w={word_penalty:g}" if fitting.words else "no words"
            setting = f"λ={penalty:g} {words} e={exponent:g} d={decay:g}"
            dl, ptm = np.mean([curve(papers, run, selection) for run in runs], axis=0)
            print(f"{setting} curve 1000-3000: uses_dl {dl:6.2%} PTM {ptm:6.2%}", flush=True)
            for budget in budgets:
                print(_row(f"{setting} b={budget}", coverage(papers, runs[0], budget, selection)), flush=True)
    print(f"({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
