"""The classification engine: runs a protocol over papers with bounded concurrency, limits, budget and cache."""
