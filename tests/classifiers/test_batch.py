"""Batch mode against a loopback server implementing OpenAI's Files and Batches endpoints, with the real `openai`
client, real DuckDB files and real papers: the same labels as a synchronous run, error files, expired and failed
batches, partial output, and the JSONL round trip `vllm run-batch` uses."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from classifiers.engine.batch.asker import Results
from classifiers.engine.batch.jsonl import read_results, request_line, shards
from classifiers.engine.batch.remote import BatchRemote
from classifiers.engine.batch.runner import BatchRunner
from classifiers.engine.runner import RunOutcome
from classifiers.engine.service import ClassifyError, RunFailed, classify
from classifiers.llm.backend import ChatResult, TransportFailure
from classifiers.llm.prices import price_for
from classifiers.options import ClassifyRequest
from classifiers.tokens import count_tokens
from ingestion.jats.pipeline import ingest_jats_corpus
from tests.duck import query
from tests.support.llm_batch_server import BatchScript, BatchServer
from tests.support.llm_fault_server import FaultScript, FaultServer, answer, answer_shape, chat_completion
from tests.support.llm_warehouse import NEGATIVE_MEMBERS, POSITIVE_MEMBERS, fresh_warehouse
from warehouse.paths import SAMPLE_CORPUS

SECRET = "sk-test-DO-NOT-STORE-batch-0123456789"
# What a run stores, minus what differs by run or transport (ids, timings, call ids).
LABELS_SQL = """
    select cache_key, doi, task, status, attempt, decided_by, prompt_version, prompt_hash, parsed, grounded,
           input_hash, input_tokens, output_tokens, finish_reason, response_text
    from raw.llm_labels order by all
"""

STATUS_COUNTS_SQL = "select status, count(*) from raw.llm_labels where decided_by = 'llm' group by all order by 1"
Fault = Callable[[dict[str, Any]], str | None]


def spoiled(body: dict[str, Any]) -> str | None:
    """Answers spoiled by paper and question, the same for a synchronous and a batch run: one paper's gate is invalid
    when first asked and valid when re-asked, another's invalid every time (re-asked once, then final), a third's cut
    off (never re-asked), and the fourth's PTM list invalid when first asked."""
    paper = next(m["content"] for m in body["messages"] if m["role"] == "user")[:300]
    reask = any(m["role"] == "assistant" for m in body["messages"])
    shape = answer_shape(body)
    if shape == "gate" and "AcrIIA8" in paper:
        return None if reask else "schema_violation"
    if shape == "gate" and "image recognition" in paper:
        return "malformed"
    if shape == "gate" and "ManyFold" in paper:
        return "truncated"
    if shape == "ptms" and "AlphaFind" in paper:
        return None if reask else "schema_violation"
    return None


# What `spoiled` makes of the four papers: the gates, then two gates' re-asks and one PTM list, then the re-asked
# gate's PTM list and the PTM list's re-ask.
SPOILED_ROUNDS = [(4, 0), (3, 2), (2, 1)]  # (requests, of which re-asks) per round


@pytest.fixture(autouse=True)
def _api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)


def request(base_url: str, **options: object) -> ClassifyRequest:
    defaults: dict[str, object] = {"backend": "openai", "protocol": "compact", "model": "loopback",
                                   "base_url": base_url, "max_output_tokens": 256, "timeout_s": 5.0,
                                   "batch": True, "batch_poll_s": 0.01}  # fmt: skip
    return ClassifyRequest(**{**defaults, **options})


def run(db: Path, base_url: str, **options: object) -> RunOutcome:
    outcome = classify(db, request(base_url, **options), Console(quiet=True))
    assert isinstance(outcome, RunOutcome)
    return outcome


def synchronous_labels(folder: Path, fault_for: Fault | None = None, **options: object) -> list[tuple]:
    """The labels a synchronous run against the same answers stores, on a fresh copy of the small warehouse."""
    folder.mkdir()
    db = fresh_warehouse(folder)
    with FaultServer(FaultScript(fault_for=fault_for)) as server:
        run(db, server.base_url, batch=False, **options)
    return query(db, LABELS_SQL)


def batches_sent(script: BatchScript) -> list[tuple[int, int]]:
    """(requests, of which re-asks) of each batch the server was given, in order."""
    per_batch = []
    for batch in script.batches.values():
        lines = script.files[batch["input_file_id"]]["_content"].splitlines()
        ids = [json.loads(line)["custom_id"] for line in lines]
        per_batch.append((len(ids), sum(custom.endswith("-2") for custom in ids)))
    return per_batch


def test_shards_respect_the_request_and_byte_limits() -> None:
    lines = [request_line(f"k{i}", {"messages": [{"role": "user", "content": "x" * 100}]}) for i in range(10)]
    assert [chunk.count(b"\n") for chunk in shards(lines, max_requests=4)] == [4, 4, 2]
    size = len(lines[0])
    assert [chunk.count(b"\n") for chunk in shards(lines, max_bytes=3 * size)] == [3, 3, 3, 1]
    assert all(len(chunk) <= 3 * size for chunk in shards(lines, max_bytes=3 * size))
    with pytest.raises(ValueError, match="batch file limit"):
        list(shards(lines, max_bytes=size - 1))


def test_result_lines_become_answers_or_failures(tmp_path: Path) -> None:
    body = {"messages": [{"role": "user", "content": "<paper>We trained a network on images.</paper>"}]}
    lines = [
        {"custom_id": "a", "response": {"status_code": 200, "body": chat_completion(body, '{"answer": true}')}},
        {"custom_id": "b", "response": {"status_code": 500, "body": {"error": {"message": "server broke"}}}},
        {"custom_id": "c", "response": None, "error": {"code": "batch_expired", "message": "window expired"}},
        {"custom_id": "d", "response": {"status_code": 200, "body": {"unexpected": True}}},
    ]
    path = tmp_path / "out.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    results = dict(read_results(path))
    assert isinstance(results["a"], ChatResult) and results["a"].text == '{"answer": true}'
    assert isinstance(results["b"], TransportFailure) and results["b"].status_code == 500
    assert str(results["c"]) == "batch_expired: window expired"
    assert isinstance(results["d"], TransportFailure) and results["d"].error_class == "UnexpectedResponse"
    path.write_text("not json\n")
    with pytest.raises(ValueError, match="line 1 is not a batch result line"):
        list(read_results(path))


def test_batch_prices_come_from_the_table(tmp_path: Path) -> None:
    assert price_for("gpt-4o-mini", batch=True).input_usd_per_mtok == price_for("gpt-4o-mini").input_usd_per_mtok / 2
    table = tmp_path / "prices.csv"
    table.write_text("model,input_usd_per_mtok,output_usd_per_mtok,batch_input_usd_per_mtok,"
                     "batch_output_usd_per_mtok,note\nacme-1,2,8,,,no batch tier\n")  # fmt: skip
    assert price_for("acme-1", path=table).input_usd_per_mtok == 2
    assert price_for("acme-1", path=table, batch=True) is None


@pytest.mark.slow
def test_a_batch_run_of_the_bundled_corpus_lands_the_same_labels_as_a_synchronous_run(tmp_path: Path) -> None:
    synchronous_db, batch_db = tmp_path / "sync.duckdb", tmp_path / "batch.duckdb"
    ingest_jats_corpus(SAMPLE_CORPUS, synchronous_db)
    batch_db.write_bytes(synchronous_db.read_bytes())
    with FaultServer() as server:
        run(synchronous_db, server.base_url, batch=False)
    expected = query(synchronous_db, LABELS_SQL)
    with BatchServer() as server:
        outcome = run(batch_db, server.base_url)
        script = server.script
        assert outcome.status == "finished" and script.creations == 2  # the gate round, then the extraction round
        assert script.answered == outcome.stats.calls == len(set(script.custom_ids))  # each request once
        again = run(batch_db, server.base_url)
        assert (script.uploads, script.creations) == (2, 2) and again.stats.calls == 0  # all cached
    assert query(batch_db, LABELS_SQL) == expected
    assert len(expected) > 500


def test_batch_rows_carry_the_provenance_of_a_synchronous_run(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    with BatchServer() as server:
        outcome = run(db, server.base_url, concurrency=3)
        batches = {b["id"]: b for b in server.script.batches.values()}
    assert outcome.stats.calls == 2 * len(POSITIVE_MEMBERS) and outcome.stats.prefiltered == len(NEGATIVE_MEMBERS)
    rows = query(db, "select call_id, cache_key, model, backend, parameters, status from raw.llm_labels"
                     " where decided_by = 'llm'")  # fmt: skip
    for call_id, key, model, backend, parameters, status in rows:
        source, custom_id = call_id.split(":")
        assert source in batches and custom_id == key  # which batch answered which request
        assert (model, backend, status) == ("loopback", "openai", "ok")
        assert json.loads(parameters)["base_url"] == server.base_url
    (configuration,) = query(db, "select configuration from raw.classifier_runs")[0]
    assert json.loads(configuration)["batch"] == "openai"
    uploaded = {f["filename"]: f["_content"] for f in server.script.files.values() if f.get("purpose") == "batch"}
    (gates,) = [content for name, content in uploaded.items() if name.endswith("-r1-001.jsonl")]
    sent = [json.loads(line) for line in gates.decode().splitlines()]
    assert len(sent) == len(POSITIVE_MEMBERS)
    assert all(line["url"] == "/v1/chat/completions" and line["body"]["model"] == "loopback" for line in sent)
    assert not any(SECRET.encode() in content for content in uploaded.values())  # the key goes in a header only
    # Every answer is stored: the shards and downloaded files are gone, state.json (names, ids, rounds) stays.
    (job,) = (tmp_path / "warehouse.duckdb.batches").iterdir()
    assert [path.name for path in job.iterdir()] == ["state.json"]
    assert not any(SECRET in path.read_text() for path in job.iterdir())


def test_error_file_expired_batch_and_partial_output_are_recorded_and_retried(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    expected = synchronous_labels(tmp_path / "sync")
    # Run 1: the gates' batch fails every second request (error file); the extractions' batch expires half-way.
    with BatchServer(BatchScript(outcomes=deque(["errors", "expire"]))) as server:
        first = run(db, server.base_url)
        assert first.status == "finished" and server.script.creations == 2
        errors = query(db, "select task, error from raw.llm_labels where status = 'api_error' order by all")
        assert len(errors) == 2 * 2 + 1  # two gates (two rows each), one extraction
        assert sum("server had an error" in e for _, e in errors) == 4
        assert [e for t, e in errors if t == "ptms"] == [
            "batch_expired: This request could not be executed before the completion window expired."
        ]
        # Run 2: the failed requests again; the server leaves the last one out of its output (partial output).
        server.script.outcomes.extend(["partial", None])
        second = run(db, server.base_url)
        missing = query(db, "select error from raw.llm_labels where error like 'MissingFromBatch%'")
        assert len(missing) >= 1 and "ended completed without it" in missing[0][0]
        # Run 3: only what is still unanswered is sent; then everything is answered.
        answered_before = server.script.answered
        third = run(db, server.base_url)
        assert server.script.answered - answered_before == third.stats.calls <= 2
    assert second.stats.api_errors >= 1 and third.stats.api_errors == 0
    final = query(db, "select cache_key, task, count(*) from raw.llm_labels where status = 'ok' group by all")
    assert all(count == 1 for *_, count in final)  # nothing answered twice
    ok_rows = [row for row in query(db, LABELS_SQL) if row[3] != "api_error"]
    assert ok_rows == expected  # in the end, the labels a synchronous run stores


def test_a_failed_batch_fails_the_run_with_its_reason_and_a_rerun_continues(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    with BatchServer(BatchScript(outcomes=deque(["fail"]))) as server:
        with pytest.raises(RunFailed, match=r"scripted failure.*Fix: the batch ended without these answers"):
            run(db, server.base_url)
        statuses = query(db, "select status, count(*) from raw.llm_labels where decided_by = 'llm' group by all")
        assert statuses == [("api_error", 2 * len(POSITIVE_MEMBERS))]
        assert run(db, server.base_url).status == "finished"
    assert query(db, "select status from raw.classifier_runs order by started_at") == [("failed",), ("finished",)]


def run_batch_file(requests: Path, results: Path, fault_for: Fault | None = None) -> None:
    """What `vllm run-batch -i requests -o results` does, answering with the loopback model's function."""
    lines = [json.loads(line) for line in requests.read_text().splitlines()]
    results.write_text("".join(json.dumps({"id": f"vllm-{i}", "custom_id": line["custom_id"], "error": None,
                                           "response": {"status_code": 200, "request_id": f"r{i}",
                                                        "body": answer(line["body"], fault=fault_for and
                                                                       fault_for(line["body"]))}})
                               + "\n" for i, line in enumerate(lines)))  # fmt: skip


def test_export_and_import_run_the_same_questions_through_vllm_run_batch(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    expected = synchronous_labels(tmp_path / "sync")
    offline = "http://127.0.0.1:9/v1"  # nothing listens: export and import never call a server
    for step in (1, 2):
        out = tmp_path / f"requests-{step}"
        run(db, offline, batch=False, export_jsonl=out)
        (requests,) = sorted(out.glob("*.jsonl"))
        assert len(requests.read_text().splitlines()) == len(POSITIVE_MEMBERS)  # gates, then extractions
        run_batch_file(requests, tmp_path / f"results-{step}.jsonl")
        imported = run(db, offline, batch=False, import_results=(tmp_path / f"results-{step}.jsonl",))
        assert imported.stats.calls == len(POSITIVE_MEMBERS)
    again = run(db, offline, batch=False, import_results=(tmp_path / "results-1.jsonl",))  # imported twice
    assert again.stats.calls == 0 and again.stats.rows_written == 0
    run(db, offline, batch=False, export_jsonl=tmp_path / "requests-3")
    assert not list((tmp_path / "requests-3").glob("*.jsonl"))  # nothing left to ask
    assert query(db, LABELS_SQL) == expected
    modes = query(db, "select configuration->>'batch' from raw.classifier_runs order by started_at")
    assert [m for (m,) in modes] == ["export", "import", "export", "import", "import", "export"]


def test_dry_run_prices_a_batch_at_the_batch_price(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = fresh_warehouse(tmp_path)
    synchronous = classify(db, request("https://api.example.com/v1", model="gpt-4o-mini", batch=False,
                                       dry_run=True), Console())  # fmt: skip
    batch = classify(db, request("https://api.example.com/v1", model="gpt-4o-mini", dry_run=True), Console())
    low, _ = batch.cost(price_for("gpt-4o-mini", batch=True))
    assert synchronous.input_tokens == batch.input_tokens and low > 0
    printed = capsys.readouterr().out
    assert "gpt-4o-mini at the Batch API price" in printed and f"${low:.4f}" in printed


def test_a_crash_after_storing_a_round_before_saving_its_state_stores_nothing_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = fresh_warehouse(tmp_path)
    collect = BatchRunner.round
    rounds: list[int] = []

    def crash_after_the_second_walk(
        self: BatchRunner, results: Results, held: tuple[int, float] = (0, 0.0)
    ) -> tuple[dict[str, bytes], tuple[int, float]]:
        queued = collect(self, results, held)  # rows of the collected batch are committed …
        rounds.append(len(results))
        if len(rounds) == 2:
            raise KeyboardInterrupt  # … and the process dies before the state says so
        return queued

    with BatchServer(BatchScript(outcomes=deque(["errors"]))) as server:
        monkeypatch.setattr(BatchRunner, "round", crash_after_the_second_walk)
        with pytest.raises(KeyboardInterrupt):
            run(db, server.base_url)
        stored = query(
            db, "select status, count(*) from raw.llm_labels where decided_by = 'llm' group by all order by 1"
        )
        assert stored == [("api_error", 4), ("ok", 4)]  # two gates answered, two failed (two rows each)
        monkeypatch.setattr(BatchRunner, "round", collect)
        rerun = run(db, server.base_url)
        assert server.script.creations == 2  # the collected batch was not sent again, only the extractions
    assert rerun.stats.api_errors == 0 and rerun.stats.calls == 2  # the two extractions
    again = query(db, STATUS_COUNTS_SQL)
    assert again == [("api_error", 4), ("ok", 6)]  # the failures were not stored a second time


def test_the_budget_caps_what_is_submitted_and_a_rerun_with_more_continues(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    with BatchServer() as server:
        # Room for one or two gate requests (3–4 k tokens each: system prompt and ~3,000 tokens of passages).
        stopped = run(db, server.base_url, max_tokens_budget=2 * (4000 + 256))
        assert stopped.status == "budget_stopped" and 0 < server.script.answered < len(POSITIVE_MEMBERS)
        finished = run(db, server.base_url)
        assert finished.status == "finished"
        assert server.script.answered == len(set(server.script.custom_ids)) == 2 * len(POSITIVE_MEMBERS)


def test_the_warehouse_is_open_to_readers_while_the_batches_run(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    read = [sys.executable, "-c", "import duckdb, sys; con = duckdb.connect(sys.argv[1], read_only=True);"
            "print(con.execute('select count(*) from raw.papers').fetchone()[0])", str(db)]  # fmt: skip
    with BatchServer(BatchScript(hold={"poll": 2})) as server, ThreadPoolExecutor(1) as pool:
        running = pool.submit(run, db, server.base_url)
        assert server.script.held.wait(60)  # waiting for the first round's batch
        reader = subprocess.run(read, capture_output=True, text=True, timeout=60)  # another process reads
        server.script.release.set()
        assert running.result(timeout=120).status == "finished"
    assert reader.returncode == 0 and reader.stdout.strip() == str(len(POSITIVE_MEMBERS) + len(NEGATIVE_MEMBERS))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"backend": "rules"}, "need `--backend openai`"),
        ({"export_jsonl": Path("x")}, "one of --batch, --export-jsonl and --import-results"),
    ],
)
def test_batch_options_are_checked(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(ClassifyError, match=message):
        run(fresh_warehouse(tmp_path), "http://127.0.0.1:9/v1", **options)


def test_the_aius_cascade_is_three_rounds_of_batches_with_the_labels_of_a_synchronous_run(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    expected = synchronous_labels(tmp_path / "sync", protocol="aius")
    with BatchServer() as server:
        outcome = run(db, server.base_url, protocol="aius")
        assert server.script.creations == 3  # uses_dl, then uses_ptms, then the PTM list
        assert outcome.stats.calls == server.script.answered == 3 * (len(POSITIVE_MEMBERS) + len(NEGATIVE_MEMBERS))
    assert query(db, LABELS_SQL) == expected


def test_invalid_answers_are_reasked_in_the_next_round_as_a_synchronous_run_reasks_them(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    expected = synchronous_labels(tmp_path / "sync", fault_for=spoiled)
    with BatchServer(BatchScript(fault_for=spoiled)) as server:
        outcome = run(db, server.base_url)
        script = server.script
        assert batches_sent(script) == SPOILED_ROUNDS
        assert script.answered == len(set(script.custom_ids)) == outcome.stats.calls == 9  # each request once
        assert outcome.stats.validation_errors == 5  # 3 first asks, the re-ask that failed again, the cut-off one
        again = run(db, server.base_url)  # nothing is re-asked twice, nor a cut-off answer ever
        assert again.stats.calls == 0 and script.creations == len(SPOILED_ROUNDS)
    assert query(db, LABELS_SQL) == expected  # the same rows, attempts and input hashes as the synchronous run
    attempts = query(db, "select attempt, status, count(*) from raw.llm_labels where decided_by = 'llm' "
                         "group by all order by all")  # fmt: skip
    assert attempts == [(1, "ok", 3), (1, "parse_error", 7), (2, "ok", 3), (2, "parse_error", 2)]
    (job,) = (tmp_path / "warehouse.duckdb.batches").iterdir()
    state = json.loads((job / "state.json").read_text())
    assert state["reasks"] == {} and state["spent"] == [0, 0.0]  # nothing open: the job is done


def test_a_crash_before_the_state_holds_the_reasks_loses_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = fresh_warehouse(tmp_path)
    expected = synchronous_labels(tmp_path / "sync", fault_for=spoiled)
    collect = BatchRunner.round

    def crash_after_storing_the_first_answers(
        self: BatchRunner, results: Results, held: tuple[int, float] = (0, 0.0)
    ) -> tuple[dict[str, bytes], tuple[int, float]]:
        collecting = bool(results)  # (the walk consumes them)
        queued = collect(self, results, held)  # the invalid answers' parse errors are committed …
        if collecting:
            raise KeyboardInterrupt  # … and the process dies before the state holds their re-asks
        return queued

    with BatchServer(BatchScript(fault_for=spoiled)) as server:
        monkeypatch.setattr(BatchRunner, "round", crash_after_storing_the_first_answers)
        with pytest.raises(KeyboardInterrupt):
            run(db, server.base_url)
        assert query(db, STATUS_COUNTS_SQL) == [("ok", 2), ("parse_error", 6)]
        monkeypatch.setattr(BatchRunner, "round", collect)
        rerun = run(db, server.base_url)
        script = server.script
        assert batches_sent(script) == SPOILED_ROUNDS  # the re-asks went out all the same
        assert script.answered == len(set(script.custom_ids)) == 9 and rerun.stats.calls == 5
    assert query(db, LABELS_SQL) == expected  # and nothing was stored twice


def test_export_and_import_leave_the_reasks_of_invalid_answers_open_for_the_next_export(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    expected = synchronous_labels(tmp_path / "sync", fault_for=spoiled)
    offline = "http://127.0.0.1:9/v1"
    exported: list[tuple[int, int]] = []
    for step in range(1, 5):
        out = tmp_path / f"requests-{step}"
        run(db, offline, batch=False, export_jsonl=out)
        files = sorted(out.glob("*.jsonl"))
        if not files:
            break
        (requests,) = files
        ids = [json.loads(line)["custom_id"] for line in requests.read_text().splitlines()]
        exported.append((len(ids), sum(custom.endswith("-2") for custom in ids)))
        run_batch_file(requests, tmp_path / f"results-{step}.jsonl", spoiled)
        run(db, offline, batch=False, import_results=(tmp_path / f"results-{step}.jsonl",))
    assert exported == SPOILED_ROUNDS  # each import's invalid answers are re-asked by the next export, once
    again = run(db, offline, batch=False, import_results=(tmp_path / "results-1.jsonl",))  # imported twice
    assert again.stats.calls == 0 and again.stats.rows_written == 0
    assert query(db, LABELS_SQL) == expected


def test_the_budget_caps_the_job_across_the_commands_that_resume_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The worst case of each request (what the budget reserves), from an uncapped run of another copy.
    with BatchServer() as server:
        (tmp_path / "measure").mkdir()
        run(fresh_warehouse(tmp_path / "measure"), server.base_url)
        worst: dict[str, list[int]] = {}
        for file in server.script.files.values():
            if file["purpose"] == "batch":
                lines = [json.loads(line) for line in file["_content"].splitlines()]
                worst[file["filename"].split("-")[-2]] = [
                    sum(count_tokens(m["content"]) for m in line["body"]["messages"]) + 256 for line in lines
                ]
    # Room for every gate and one PTM list: the extractions' round is cut by the cap.
    cap = sum(worst["r1"]) + max(worst["r2"])
    db = fresh_warehouse(tmp_path)
    wait = BatchRemote.wait
    waits: list[int] = []

    def interrupted_in_the_second_round(self: BatchRemote, *args: Any) -> None:
        waits.append(1)
        if len(waits) == 2:
            raise KeyboardInterrupt  # Ctrl-C while the second round's batch runs
        wait(self, *args)

    with BatchServer() as server:
        monkeypatch.setattr(BatchRemote, "wait", interrupted_in_the_second_round)
        with pytest.raises(KeyboardInterrupt):
            run(db, server.base_url, max_tokens_budget=cap)
        assert batches_sent(server.script) == [(4, 0), (1, 0)]
        monkeypatch.setattr(BatchRemote, "wait", wait)
        resumed = run(db, server.base_url, max_tokens_budget=cap)  # the same cap: the job's, not this command's
        assert resumed.status == "budget_stopped" and server.script.creations == 2  # no room for another request
        assert server.script.tokens <= cap  # what the server billed, over both commands
    (job,) = (tmp_path / "warehouse.duckdb.batches").iterdir()
    spent, reserved = (json.loads((job / "state.json").read_text())[name] for name in ("spent", "reserved"))
    assert spent[0] == server.script.tokens and reserved == [0, 0.0]
