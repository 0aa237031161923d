"""LLM transport: the backend interface, the OpenAI-compatible backend, wire schemas, retry policy and prices."""
