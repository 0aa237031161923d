"""The prompts follow codebook v1.2 (issue 14.2): every stage and pattern definition, the stage reading, the hard
cases and the conceptual notion of reuse are in the text sent; the new wording is a new version, and labels given
under the old one stay in the store beside the new ones."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from classifiers.engine.service import classify
from classifiers.options import ClassifyRequest
from classifiers.protocols import AiusProtocol, CompactProtocol, compact
from classifiers.protocols.prompts import Prompt
from classifiers.taxonomy import CODEBOOK_VERSION, PATTERN_DEFINITIONS, STAGE_DEFINITIONS, STAGE_TIE_BREAK
from tests.support.llm_fault_server import FaultServer
from tests.support.llm_warehouse import POSITIVE_MEMBERS, fresh_warehouse
from warehouse.paths import PROJECT_DIR

PROMPTS: dict[str, Prompt] = {p.name: p for p in (*CompactProtocol().prompts(), *AiusProtocol().prompts())}
PTM_PROMPTS = ("compact.ptms", "aius.ptms")
USES_PTMS_PROMPTS = ("compact.gate", "aius.uses_ptms", "compact.ptms", "aius.ptms")
# One phrase of each hard case of the codebook's decision rules, as the prompts word it.
HARD_CASES = (
    "Pre-training done inside this study",  # pre-training inside the study is not borrowed weights
    "names it without a citation",  # uncited named architectures count
    "word2vec",  # neural pre-trained embeddings count, TF-IDF does not
    "even when the paper does not say so",  # deep tools the paper doesn't call deep
    "two or more hidden layers",  # MLP depth
    "results only quoted from another paper",  # baselines run vs numbers quoted
    "actually run or retrain as a baseline",
)


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_codebook_version_is_the_codebooks() -> None:
    title = (PROJECT_DIR / "docs" / "codebook.md").read_text(encoding="utf-8").splitlines()[0]
    assert title.endswith(f"(v{CODEBOOK_VERSION})") and CODEBOOK_VERSION == "1.2"


@pytest.mark.parametrize("name", PTM_PROMPTS)
def test_ptm_prompts_carry_every_stage_and_pattern_definition(name: str) -> None:
    system = _flat(PROMPTS[name].system)
    for definitions in (STAGE_DEFINITIONS, PATTERN_DEFINITIONS):
        for value, definition in definitions.items():
            assert f'"{value.value}": {_flat(definition)}' in system, f"{name} lacks the definition of {value}"
    assert _flat(STAGE_TIE_BREAK) in system
    # The stage reading with examples: method papers put the model they test or build on at "test".
    assert "Examples of the stage reading" in system and 'is "test"' in system


@pytest.mark.parametrize("name", sorted(PROMPTS))
def test_every_prompt_carries_the_hard_cases(name: str) -> None:
    system = _flat(PROMPTS[name].system)
    missing = [case for case in HARD_CASES if case not in system]
    assert not missing, f"{name} lacks {missing}"


@pytest.mark.parametrize("name", USES_PTMS_PROMPTS)
def test_uses_ptms_means_reuse_including_conceptual(name: str) -> None:
    prompt = PROMPTS[name]
    system = _flat(prompt.system)
    assert "re-implementing a published, named architecture and training it themselves" in system
    assert "conceptual reuse" in system
    if name in ("compact.gate", "aius.uses_ptms"):
        assert "its weights or its architecture" in prompt.question


def test_the_v12_wording_is_a_new_version() -> None:
    # compact is at v3: its passages became selected sentences, and its note on the text changed with them.
    assert {name: p.version for name, p in PROMPTS.items()} == {
        name: "3" if name.startswith("compact.") else "2" for name in PROMPTS
    }
    assert len({p.hash for p in PROMPTS.values()}) == len(PROMPTS)
    older = dataclasses.replace(PROMPTS["compact.gate"], version="1")
    assert older.hash != PROMPTS["compact.gate"].hash


def test_labels_under_the_old_prompt_stay_beside_the_new(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = fresh_warehouse(tmp_path)
    options = {"backend": "openai", "model": "loopback", "concurrency": 2, "max_output_tokens": 256}
    gate, extract = compact.GATE, compact.EXTRACT
    with FaultServer() as server:
        request = ClassifyRequest(base_url=server.base_url, **options)
        # A stand-in for the v1 wording: same names, version 1, another text.
        monkeypatch.setattr(compact, "GATE", dataclasses.replace(gate, version="1", system="old wording"))
        monkeypatch.setattr(compact, "EXTRACT", dataclasses.replace(extract, version="1", system="old wording"))
        old = classify(db, request, Console(quiet=True))
        monkeypatch.undo()
        new = classify(db, request, Console(quiet=True))
    assert old.stats.calls == new.stats.calls == 2 * len(POSITIVE_MEMBERS)  # nothing answered from the old cache
    with duckdb.connect(str(db), read_only=True) as con:
        versions = dict(
            con.execute(
                "select prompt_version, count(distinct doi) from raw.llm_labels"
                " where decided_by <> 'prefilter' group by all"
            ).fetchall()
        )
    assert versions == {
        "compact.gate/v1": len(POSITIVE_MEMBERS),
        "compact.ptms/v1": len(POSITIVE_MEMBERS),
        "compact.gate/v3": len(POSITIVE_MEMBERS),
        "compact.ptms/v3": len(POSITIVE_MEMBERS),
    }
