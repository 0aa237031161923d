"""Cache keys cover every module that shapes the text a protocol sends (issue 14.3): edit one, and the next run
asks again instead of reusing answers given for other text. Edits that change no code (comments, docstrings,
formatting) keep the paid answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from rich.console import Console

from classifiers.engine import fingerprint
from classifiers.engine.fingerprint import SEED_FILES, SEEDS_DIR, SOURCE_DIR, _fingerprint, shaping_files
from classifiers.engine.service import classify
from classifiers.options import ClassifyRequest
from tests.support.llm_fault_server import FaultServer
from tests.support.llm_warehouse import POSITIVE_MEMBERS, fresh_warehouse

PROTOCOL_MODULES = ("classifiers.protocols.compact", "classifiers.protocols.aius", "classifiers.protocols.rules")


def modules_of(root: str) -> list[str]:
    return sorted(path.relative_to(SOURCE_DIR).as_posix() for path in shaping_files(root))


def test_the_modules_that_shape_the_text_are_all_covered() -> None:
    compact = modules_of("classifiers.protocols.compact")
    # The text compact sends: the paper as loaded, the prefilter's choice, the passages (left out before), the
    # catalogue and vocabulary they score with, the prompt templates; and no engine or transport code.
    shaping = {
        *("document.py", "prefilter.py", "passages.py", "sentence_features.py", "tokens.py", "taxonomy.py"),
        *("protocols/compact.py", "protocols/prompts.py", "protocols/base.py"),
        *("rules/catalogue.py", "rules/vocabulary.py", "rules/text.py"),
    }
    assert shaping <= set(compact)
    assert not any(module.startswith(("engine/", "llm/")) or module in ("store.py", "options.py") for module in compact)
    aius = modules_of("classifiers.protocols.aius")
    assert "passages.py" not in aius and "sentence_features.py" not in aius  # aius sends the whole body
    assert {"rules/classify.py", "rules/negation.py"} <= set(modules_of("classifiers.protocols.rules"))


def copy_sources(tmp_path: Path) -> tuple[Path, Path]:
    source = tmp_path / "classifiers"
    shutil.copytree(SOURCE_DIR, source, ignore=shutil.ignore_patterns("__pycache__"))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for name in SEED_FILES:
        shutil.copyfile(SEEDS_DIR / name, seeds / name)
    return source, seeds


@pytest.mark.parametrize("root", PROTOCOL_MODULES)
def test_editing_any_shaping_module_or_seed_changes_the_key(root: str, tmp_path: Path) -> None:
    source, seeds = copy_sources(tmp_path)
    original = _fingerprint(root, source, seeds)
    assert original == _fingerprint(root, SOURCE_DIR, SEEDS_DIR)  # a copy is the same code
    edited = [*modules_of(root), *(f"../seeds/{name}" for name in SEED_FILES)]
    for relative in edited:
        path = source / relative
        before = path.read_text(encoding="utf-8")
        path.write_text(before + ("\n_CACHE_TEST = 1\n" if path.suffix == ".py" else "x,y\n"), encoding="utf-8")
        _fingerprint.cache_clear()
        assert _fingerprint(root, source, seeds) != original, f"editing {relative} kept the cache key"
        path.write_text(before, encoding="utf-8")
    _fingerprint.cache_clear()


def test_comments_docstrings_and_formatting_keep_the_key(tmp_path: Path) -> None:
    source, seeds = copy_sources(tmp_path)
    root = "classifiers.protocols.compact"
    original = _fingerprint(root, source, seeds)
    features = source / "sentence_features.py"
    text = features.read_text(encoding="utf-8")
    text = text.replace('"""What each sentence', '"""Reworded: what each sentence', 1)
    assert "NAMES_PER_SENTENCE = 6" in text  # the edit below must hit real code, or this test proves nothing
    text = text.replace("NAMES_PER_SENTENCE = 6", "NAMES_PER_SENTENCE = (6)  # a comment", 1)
    features.write_text(text, encoding="utf-8")
    _fingerprint.cache_clear()
    assert _fingerprint(root, source, seeds) == original
    _fingerprint.cache_clear()


def test_a_run_after_editing_passage_selection_asks_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = fresh_warehouse(tmp_path)
    source, seeds = copy_sources(tmp_path / "copy")
    options = {"backend": "openai", "model": "loopback", "concurrency": 2, "max_output_tokens": 256}
    with FaultServer() as server:
        first = classify(db, ClassifyRequest(base_url=server.base_url, **options), Console(quiet=True))
        again = classify(db, ClassifyRequest(base_url=server.base_url, **options), Console(quiet=True))
        assert first.stats.calls == 2 * len(POSITIVE_MEMBERS) and again.stats.calls == 0  # answered from the cache
        # The fitted weights are code too (a module passages.py imports): refitting them changes the passages.
        weights = source / "passage_weights.py"
        assert "REPEAT_DECAY = 0.8" in weights.read_text()
        weights.write_text(weights.read_text().replace("REPEAT_DECAY = 0.8", "REPEAT_DECAY = 0.7"))
        monkeypatch.setattr(fingerprint, "SOURCE_DIR", source)  # the engine now reads the edited code's fingerprint
        monkeypatch.setattr(fingerprint, "SEEDS_DIR", seeds)
        edited = classify(db, ClassifyRequest(base_url=server.base_url, **options), Console(quiet=True))
    assert edited.stats.calls == 2 * len(POSITIVE_MEMBERS) and edited.stats.cache_hits == 0


def test_a_paper_whose_text_was_parsed_anew_is_asked_again_and_only_it(tmp_path: Path) -> None:
    # A new parser version re-parses every file: the file's content_hash stays, the text read from it may change.
    db = fresh_warehouse(tmp_path)
    options = {"backend": "openai", "model": "loopback", "concurrency": 2, "max_output_tokens": 256}
    with FaultServer() as server:
        classify(db, ClassifyRequest(base_url=server.base_url, **options), Console(quiet=True))
        unchanged = classify(db, ClassifyRequest(base_url=server.base_url, **options), Console(quiet=True))
        with duckdb.connect(str(db)) as con:
            (doi,) = con.execute("select min(doi) from raw.llm_labels").fetchone()
            first = "select min(ordinal) from raw.paper_sections where doi = $doi and text <> ''"
            twice_spaced = "update raw.paper_sections set text = replace(text, ' ', '  ')"
            con.execute(f"{twice_spaced} where doi = $doi and ordinal = ({first})", {"doi": doi})
        again = classify(db, ClassifyRequest(base_url=server.base_url, **options), Console(quiet=True))
    assert unchanged.stats.calls == 0  # the same text: every answer from the store
    assert again.stats.calls == 2 and again.stats.cache_hits == unchanged.stats.cache_hits - 2  # that paper's 2 calls
