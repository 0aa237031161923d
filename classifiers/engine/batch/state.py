"""What a batch run has done so far, in a folder beside the warehouse, so that a killed run continues exactly.

`<warehouse>.batches/<job>/` holds the open request shards, their downloaded output and error files (deleted once
their answers are stored), and `state.json`: per shard, the uploaded file's id, the batch's id and status, the
downloaded files, and whether its answers are stored; the re-asks still open; and what the job has spent and holds
reserved, so that its budget spans the commands that resume it. The job is one configuration
(protocol, model, parameters, server, code fingerprint): its custom_ids are cache keys (a re-ask's with its attempt
appended), so another configuration's batches can never answer its questions. `state.json` is rewritten whole and
atomically after every step, and each step is idempotent (an upload or a batch made just before a kill is found
again on the server), so a kill -9 anywhere loses nothing and pays for nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from classifiers.engine.batch.jsonl import write_atomically

TERMINAL = ("completed", "failed", "expired", "cancelled")  # a batch that will not change any more


@dataclass(slots=True)
class Shard:
    name: str  # the JSONL file in the job folder, also the uploaded file's name
    round: int
    requests: int
    file_id: str | None = None
    batch_id: str | None = None
    status: str | None = None  # the batch's last seen status
    errors: str | None = None  # why a failed batch failed (its `errors`)
    output: str | None = None  # downloaded output file (name in the job folder)
    error_file: str | None = None  # downloaded error file
    downloaded: bool = False
    collected: bool = False  # its answers (and failures) are stored in raw.llm_labels

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL


@dataclass(slots=True)
class BatchJob:
    folder: Path
    configuration: dict[str, Any]
    shards: list[Shard] = field(default_factory=list)
    # Cache key → what its re-ask adds to the first request (engine.asker.reask_turns), for each invalid answer whose
    # re-ask is not answered yet: the store holds its first attempt's parse_error meanwhile, which is not final.
    reasks: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    spent: tuple[int, float] = (0, 0.0)  # tokens and USD of the answers collected since the job last finished
    reserved: tuple[int, float] = (0, 0.0)  # the worst case of the requests in shards not yet collected

    @property
    def state_file(self) -> Path:
        return self.folder / "state.json"

    def path(self, name: str) -> Path:
        return self.folder / name

    def save(self) -> None:
        payload = {"configuration": self.configuration, "shards": [asdict(shard) for shard in self.shards],
                   "reasks": self.reasks, "spent": self.spent, "reserved": self.reserved}  # fmt: skip
        write_atomically(self.state_file, json.dumps(payload, indent=1, sort_keys=True, default=str).encode())

    def discard_collected(self) -> None:
        """Delete the request, output and error files of every shard whose answers are stored: resuming needs only
        `state.json` (which also keeps shard names unique across rounds). Run after the save that marked them
        collected, so a kill in between leaves files this sweeps next time, never a shard without its files."""
        for shard in self.shards:
            if shard.collected:
                for name in (shard.name, shard.output, shard.error_file):
                    if name:
                        self.path(name).unlink(missing_ok=True)

    def pending(self) -> list[Shard]:
        return [shard for shard in self.shards if not shard.collected]

    @property
    def next_round(self) -> int:
        return max((shard.round for shard in self.shards), default=0) + 1


def job_id(configuration: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(configuration, sort_keys=True, default=str).encode()).hexdigest()[:16]


def batches_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".batches")


def open_job(db_path: Path, configuration: dict[str, Any]) -> BatchJob:
    """The job of this configuration, as a previous (possibly killed) run left it, or a new one."""
    folder = batches_dir(db_path) / job_id(configuration)
    folder.mkdir(parents=True, exist_ok=True)
    job = BatchJob(folder, configuration)
    if job.state_file.exists():
        saved = json.loads(job.state_file.read_text(encoding="utf-8"))
        job.shards = [Shard(**shard) for shard in saved["shards"]]
        job.reasks = saved.get("reasks", {})  # absent from the state of a job started before re-asks were batched
        job.spent = tuple(saved.get("spent", job.spent))
        job.reserved = tuple(saved.get("reserved", job.reserved))
    return job
