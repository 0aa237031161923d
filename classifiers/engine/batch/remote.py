"""The OpenAI Files and Batches API, one idempotent step at a time, with the `openai` SDK (its retries too).

Each step records its result in the job's state before the next starts, and looks on the server first for what a
killed run may have made after its last save: an uploaded file is found again by its name (the shard's, unique
per job and content), a batch by its input file. So a re-run never uploads a shard twice nor creates a second
batch for it.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from openai import OpenAI
from openai.types import Batch

from classifiers.engine.batch.jsonl import ENDPOINT, write_atomically
from classifiers.engine.batch.state import BatchJob, Shard
from classifiers.llm.openai_backend import api_key
from classifiers.options import ClassifyRequest

COMPLETION_WINDOW = "24h"  # the only window the Batch API offers


class BatchRemote:
    def __init__(self, options: ClassifyRequest) -> None:
        self.options = options
        self.client = OpenAI(
            api_key=api_key(), base_url=options.base_url, max_retries=options.max_retries, timeout=options.timeout_s
        )

    def close(self) -> None:
        self.client.close()

    def submit(self, job: BatchJob, shard: Shard) -> None:
        """Upload the shard and create its batch (each only if not done before)."""
        if shard.file_id is None:
            found = next((f for f in self.client.files.list(purpose="batch") if f.filename == shard.name), None)
            if found is None:
                found = self.client.files.create(file=(shard.name, job.path(shard.name).read_bytes()), purpose="batch")
            shard.file_id = found.id
            job.save()
        if shard.batch_id is None:
            batch = next((b for b in self.client.batches.list(limit=100) if b.input_file_id == shard.file_id), None)
            if batch is None:
                batch = self.client.batches.create(
                    input_file_id=shard.file_id,
                    endpoint=ENDPOINT,
                    completion_window=COMPLETION_WINDOW,
                    metadata={"ptmreuse_job": job.folder.name, "ptmreuse_shard": shard.name},
                )
            shard.batch_id, shard.status = batch.id, batch.status
            job.save()

    def _download(self, job: BatchJob, shard: Shard, batch: Batch) -> None:
        for file_id, suffix in ((batch.output_file_id, "output"), (batch.error_file_id, "errors")):
            if file_id:
                name = f"{shard.name}.{suffix}.jsonl"
                write_atomically(job.path(name), self.client.files.content(file_id).read())
                if suffix == "output":
                    shard.output = name
                else:
                    shard.error_file = name
        if batch.errors and batch.errors.data:
            shard.errors = "; ".join(f"{e.code}: {e.message}" for e in batch.errors.data)[:1000]
        shard.downloaded = True
        job.save()

    def wait(self, job: BatchJob, shards: list[Shard], on_poll: Callable[[list[Batch]], None]) -> None:
        """Poll the shards' batches until every one has ended, downloading each one's output and error files."""
        while True:
            batches = [self.client.batches.retrieve(shard.batch_id) for shard in shards if shard.batch_id]
            for shard, batch in zip(shards, batches, strict=True):
                if batch.status != shard.status:
                    shard.status = batch.status
                    job.save()
                if shard.terminal and not shard.downloaded:
                    self._download(job, shard, batch)
            on_poll(batches)
            if all(shard.downloaded for shard in shards):
                return
            time.sleep(self.options.batch_poll_s)
