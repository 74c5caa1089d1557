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
    process = subprocess.Popen(
        [program, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", process)
        yield f"http://127.0.0.1:{port}/query"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
