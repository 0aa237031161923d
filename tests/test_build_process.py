"""`ptmreuse build` and its dbt child, stopped the hard way: kill -9 and Ctrl-C of the real command in a subprocess.

dbt must die with ptmreuse (it would go on writing while the writer lock says nobody holds it), a Ctrl-C must end
in one line saying what is kept, and the next build must simply work.
"""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from ptmreuse.dbt import run_dbt
from tests.support.warehouses import dbt_runner, rules_warehouse

PTMREUSE = str(Path(sys.executable).parent / "ptmreuse")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The session's ingested and labelled papers, on the path of the session's dbt runner: every build reuses the
    session's parse of the project."""
    runner = dbt_runner(tmp_path_factory)
    db = runner.use(rules_warehouse(tmp_path_factory).parent.parent / "ingested.duckdb")
    return db, {**os.environ, **runner.env}


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def _forks(pid: int) -> list[int]:
    """Children running the parent's own command line: forked workers, not programs it ran."""

    def command(process: int) -> bytes | None:
        try:
            return Path(f"/proc/{process}/cmdline").read_bytes()
        except OSError:  # it has just ended
            return None

    parent = command(pid)
    return [child for child in _children(pid) if parent is not None and command(child) == parent]


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _is_dbt(pid: int) -> bool:
    try:
        return b"dbt" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


@pytest.fixture
def build_running(warehouse: tuple[Path, dict[str, str]]) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`ptmreuse build` in its own session (as in a terminal), once its dbt child has started running nodes."""
    _, env = warehouse
    build = subprocess.Popen(
        [PTMREUSE, "build"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert build.stdout is not None
    for line in build.stdout:  # dbt's own log: it has found the project and is now building
        if " START " in line:
            break
    else:
        pytest.fail("dbt never started a node")
    dbt = [pid for pid in _children(build.pid) if _is_dbt(pid)]
    assert len(dbt) == 1
    yield build, dbt[0]
    if build.poll() is None:
        build.kill()
    build.communicate()


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.slow
def test_kill_9_of_build_kills_dbt_and_the_next_build_succeeds(
    build_running: tuple[subprocess.Popen[str], int], warehouse: tuple[Path, dict[str, str]]
) -> None:
    build, dbt = build_running
    build.kill()  # SIGKILL: nothing in ptmreuse runs any more
    build.wait()
    assert _gone_within(dbt, 5), "dbt outlived the ptmreuse build that started it"
    _, env = warehouse
    # any write shows that dbt's DuckDB lock and the writer lock are free: one seed and its tests, not every model
    rebuild = subprocess.run(
        [PTMREUSE, "build", "--select", "openalex_domains", "--indirect-selection", "cautious"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert rebuild.returncode == 0, rebuild.stdout + rebuild.stderr
    assert f"note: `ptmreuse build` (pid {build.pid}) stopped mid-run before this one." in rebuild.stdout
    assert "Done. PASS=" in rebuild.stdout and "\x1b[" not in rebuild.stdout  # no colour codes into a pipe


@pytest.mark.slow
def test_ctrl_c_during_build_is_one_line_and_stops_dbt(
    build_running: tuple[subprocess.Popen[str], int], warehouse: tuple[Path, dict[str, str]]
) -> None:
    build, dbt = build_running
    os.killpg(build.pid, signal.SIGINT)  # what the terminal does on Ctrl-C: the whole foreground process group
    rest, _ = build.communicate(timeout=60)
    assert build.returncode == 130
    assert _gone_within(dbt, 5)
    assert "Traceback" not in rest and "KeyboardInterrupt" not in rest, rest
    assert (
        rest.strip()
        .splitlines()[-1]
        .startswith(
            "interrupted: the models dbt finished are kept and the one it was writing is rolled back; "
            "re-run the same command to continue (traceback in "
        )
    ), rest
    db, _ = warehouse
    assert "KeyboardInterrupt" in (db.parent / "logs" / "ptmreuse.log").read_text()


@pytest.mark.slow
def test_ctrl_c_during_ingest_is_one_line(tmp_path: Path) -> None:
    from warehouse.paths import SAMPLE_CORPUS

    env = {**os.environ, "PTMREUSE_DB": str(tmp_path / "w.duckdb")}
    ingest = subprocess.Popen(
        [PTMREUSE, "ingest", "jats", str(SAMPLE_CORPUS)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    # its parse workers are starting: forks of it (other children come and go first, e.g. a short-lived `file`)
    while not _forks(ingest.pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.3)  # reading papers now (a Ctrl-C within the milliseconds of a fork can be lost by CPython)
    workers = _forks(ingest.pid)
    os.killpg(ingest.pid, signal.SIGINT)
    out, _ = ingest.communicate(timeout=60)
    assert ingest.returncode == 130, out
    assert "Traceback" not in out, out
    assert out.strip().splitlines()[-1].startswith("interrupted: every chunk or batch loaded before it is kept"), out
    # the parse workers end with it (a worker notices its parent is gone within half a second)
    assert workers and all(_gone_within(pid, 5) for pid in workers)


@pytest.mark.slow
def test_the_summary_shows_what_dbt_found_and_did_not_each_node(warehouse: tuple[Path, dict[str, str]]) -> None:
    db, env = warehouse
    out = io.StringIO()
    console = Console(file=out, width=80)  # not a terminal, as under `make demo | tee`
    dbt_paths = {name: env[name] for name in ("DBT_TARGET_PATH", "DBT_LOG_PATH")}
    code = run_dbt(
        ["build", "--select", "openalex_domains", "--indirect-selection", "cautious"],
        db,
        extra_env=dbt_paths,
        summary=console,
    )
    assert code == 0
    text = out.getvalue()
    lines = text.strip().splitlines()
    assert lines[0].startswith("Found ") and lines[-1].startswith("Done. PASS=") and "ERROR=0" in lines[-1]
    assert "Completed successfully" in text
    assert " START " not in text and "\x1b[" not in text, text
