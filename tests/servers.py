"""Real servers for the tests, started on a free loopback port and always stopped.

Where a server's program is missing the tests that need it skip, with how to install it, except in CI
(CI=true), where they fail: CI installs everything.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require(program: str, how: str) -> str:
    """The path of a program, or skip (fail in CI) saying how to install it."""
    path = shutil.which(program) or shutil.which(program, path=str(Path(sys.executable).parent))
    if path:
        return path
    message = f"{program} is not installed; {how}"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI must install it)")
    pytest.skip(message)


def serve_command(root: Path, port: int, *options: str) -> list[str]:
    """The command that runs ``policykg serve`` on a project's build, on a loopback port."""
    return [sys.executable, "-m", "policykg.cli", "--root", str(root), "serve", "--port", str(port), *options]


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited with {process.returncode}: {process.stderr.read().decode()[:500]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server at {url} did not come up within {seconds} s")


@contextmanager
def running(
    command: list[str],
    ready_url: str,
    *,
    seconds: float = 30.0,
    stop_within: float = 10.0,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen]:
    """Start a server process, wait until ``ready_url`` answers, and always stop it afterwards."""
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(ready_url, process, seconds)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=stop_within)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def oxigraph_server(data: Path, folder: Path) -> Iterator[str]:
    """An Oxigraph server loaded with ``data`` (N-Triples), read-only; yields its query endpoint URL."""
    program = require("oxigraph", "pip install oxigraph (the test extras include it)")
    location = folder / "oxigraph-db"
    subprocess.run(
        [program, "load", "--location", str(location), "--file", str(data)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    command = [program, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
    with running(command, f"http://127.0.0.1:{port}/query?query=ASK%7B%7D"):
        yield f"http://127.0.0.1:{port}/query"


@contextmanager
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers: for timeouts."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    port = listener.getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/sparql"
    finally:
        listener.close()


@contextmanager
def oxigraph_store(folder: Path) -> Iterator[str]:
    """An empty, writable Oxigraph server whose queries see every named graph; yields its base URL
    (queries at /query, the Graph Store Protocol at /store)."""
    program = require("oxigraph", "pip install oxigraph (the test extras include it)")
    port = free_port()
    process = subprocess.Popen(
        [
            program,
            "serve",
            "--location",
            str(folder / "oxigraph-rw"),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


VIRTUOSO_INI = """[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {folder}
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
MaxClientConnections = 4
ServerThreads = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


@contextmanager
def virtuoso_server(folder: Path) -> Iterator[str]:
    """A Virtuoso Open Source server with a fresh database; yields its base URL (queries at /sparql, the
    Graph Store Protocol with digest authentication at /sparql-graph-crud-auth, user dba:dba)."""
    program = require("virtuoso-t", "apt-get install virtuoso-opensource-7-bin (Debian)")
    folder.mkdir(parents=True, exist_ok=True)
    http_port, sql_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(folder=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8"
    )
    ready = f"http://127.0.0.1:{http_port}/sparql?query=ASK%7B%7D"
    with running([program, "-f", "-c", str(ini)], ready, seconds=90, stop_within=30, cwd=folder):
        yield f"http://127.0.0.1:{http_port}"
