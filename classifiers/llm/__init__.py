"""LLM transport: the backend interface, the OpenAI-compatible backend (the SDK retries), wire schemas, prices."""
