"""The `rules` backend: `classifiers.rules.classify_paper` written through the same store, cache and run record.

Rows get decided_by=rules, zero tokens and zero cost; their cache key carries a fingerprint of the rules' code and
seeds, so editing the rules relabels every paper on the next run and leaves the old labels in place.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime

from classifiers.document import PaperDocument
from classifiers.engine.cache import cache_key, local_fingerprint
from classifiers.engine.runner import RunOutcome
from classifiers.engine.stats import RunStats
from classifiers.grounding import paper_text
from classifiers.store import OK, LabelRow, LabelStore
from classifiers.taxonomy import CODEBOOK_VERSION, PaperLabels, Task

FLUSH_EVERY = 200  # rows; rules are fast, so batches can be larger than for LLM calls


def label_rows(doc: PaperDocument, labels: PaperLabels, run_id: str, key: str, fingerprint: str) -> list[LabelRow]:
    from classifiers.engine.asker import evidence_of, full_text

    answers = {Task.USES_DL: labels.uses_dl, Task.USES_PTMS: labels.uses_ptms}
    if labels.uses_ptms.answer:
        answers[Task.PTMS] = labels.ptms
    text = paper_text(full_text(doc))
    call_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    rows = []
    for task, answer in answers.items():
        checks = [check for check in (text.ground(quote) for quote in evidence_of(answer)) if check is not None]
        rows.append(
            LabelRow(
                label_id=str(uuid.uuid4()),
                run_id=run_id,
                call_id=call_id,
                cache_key=key,
                doi=doc.doi,
                content_hash=doc.content_hash,
                task=task.value,
                attempt=1,
                protocol="rules",
                backend="rules",
                model=None,
                status=OK,
                decided_by="rules",
                prompt_version=f"rules/{fingerprint}",
                prompt_hash=fingerprint,
                codebook_version=CODEBOOK_VERSION,
                parameters={},
                parsed=answer.model_dump(mode="json"),
                grounded=[check.grounded for check in checks],
                grounding_scores=[check.score for check in checks],
                started_at=now,
                finished_at=now,
            )
        )
    return rows


def run_rules(
    store: LabelStore,
    documents: Iterable[PaperDocument],
    total: int,
    on_progress: Callable[[RunStats], None] | None = None,
) -> RunOutcome:
    from classifiers.rules import classify_paper

    stats = RunStats(papers_total=total)
    run_id = str(uuid.uuid4())
    fingerprint = local_fingerprint()
    store.start_run(run_id, "rules", "rules", None, {"rules_fingerprint": fingerprint})
    done = set(store.final_answers())
    pending: list[LabelRow] = []
    status, error = "failed", None
    try:
        for doc in documents:
            key = cache_key(content_hash=doc.content_hash, doi=doc.doi, call="rules", protocol="rules",
                            prompt_hash=fingerprint, model=None, parameters={})  # fmt: skip
            if key in done:
                stats.cache_hits += 1
            else:
                pending.extend(label_rows(doc, classify_paper(doc), run_id, key, fingerprint))
                done.add(key)
            stats.papers_done += 1
            if len(pending) >= FLUSH_EVERY:
                stats.rows_written += store.append(pending)
                pending = []
            if on_progress:
                on_progress(stats)
        status = "finished"
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        raise
    finally:
        stats.rows_written += store.append(pending)
        store.finish_run(run_id, status, stats.as_dict(), error)
    return RunOutcome(run_id, status, stats)
