"""Batch mode: the same questions as a synchronous run, sent as OpenAI Batch JSONL files instead of one request each.

A round walks every paper through its protocol with a `BatchAsker` (answers from the store and from collected
output files move the cascade on; the first unanswered call of each paper is queued), writes the queued requests
as JSONL shards (`custom_id` = the cache key), and sends them (OpenAI Files + Batches, or `vllm run-batch` by hand
through --export-jsonl / --import-results). Collected answers go through the synchronous path's validation and row
builder. The cascade's next call is the next round's batch, and so is the re-ask of an invalid answer. State
lives in a folder beside the warehouse.
"""
