"""Benchmark publication: the site, and ``policykg serve`` side by side with an Oxigraph server on the same
data, in one run.

Targets on a 2-core machine (issue 15):
- ``policykg site`` under 5 s (cold);
- a burst of 200 simultaneous connections, each asking once: 200 answered, none failed, for a page, a cached
  query and an uncached query;
- 32 concurrent clients over the query library without the answer cache: p99 at most that of the Oxigraph
  server, and no listen-queue overflow; with the cache, p99 under 50 ms;
- static pages with keep-alive: at least 5,000 requests a second (measured with wrk when installed:
  ``apt-get install wrk``; without it that line says so).

Servers run as their own processes on loopback ports; the query clients are threads in this process, each
with one keep-alive connection. The Oxigraph server is the ``oxigraph`` program of the test extras, read-only
on a store loaded from the same N-Triples. Run ``make bench``; the figures go to ``bench/results/site.md``.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

from common import copy_project, machine, report

from policykg.library import list_queries  # noqa: E402
from policykg.query import prepare  # noqa: E402


def policykg(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "policykg.cli", "--root", str(root), *args], check=True, capture_output=True
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, path: str, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"server on {port} exited: {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"server on {port} did not come up")


def listen_overflows() -> int:
    """The kernel's count of connections dropped because a listen queue was full (TcpExt ListenOverflows)."""
    lines = Path("/proc/net/netstat").read_text().splitlines()
    for names, values in zip(lines[::2], lines[1::2], strict=False):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:], strict=False))
            return int(table.get("ListenOverflows", 0))
    return 0


def ask(
    port: int, path: str, query: str | None, connection: http.client.HTTPConnection | None = None
) -> float:
    """Seconds for one request (a POSTed query, or a GET of ``path``); raises on anything but 200."""
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    if query is None:
        connection.request("GET", path)
    else:
        body = urllib.parse.urlencode({"query": query})
        connection.request(
            "POST",
            path,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/sparql-results+json",
            },
        )
    response = connection.getresponse()
    response.read()
    if own:
        connection.close()
    if response.status != 200:
        raise OSError(f"HTTP {response.status}")
    return time.perf_counter() - started


def burst(port: int, path: str, queries: Callable[[int], str | None], size: int = 200) -> tuple[int, float]:
    """``size`` connections opened at once, each asking once: how many were answered, and the slowest."""
    gate = threading.Barrier(size)
    times: list[float] = []
    lock = threading.Lock()

    def one(index: int) -> None:
        gate.wait()
        try:
            took = ask(port, path, queries(index))
        except OSError:
            return
        with lock:
            times.append(took)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(size)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return len(times), max(times, default=float("nan"))


def load(port: int, path: str, queries: list[str], clients: int, rounds: int) -> tuple[list[float], int]:
    """``clients`` threads with a keep-alive connection each, every one running the queries ``rounds``
    times: the latencies, and the number of failures."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for _ in range(rounds):
            for query in queries:
                try:
                    mine.append(ask(port, path, query, connection))
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                    with lock:
                        failures[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(latencies), failures[0]


def quantile(values: list[float], q: float) -> float:
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")


def wrk(url: str, seconds: int = 8) -> float | None:
    """Requests a second over 64 keep-alive connections, by wrk; None when wrk is not installed."""
    if not shutil.which("wrk"):
        return None
    out = subprocess.run(
        ["wrk", "-t2", "-c64", f"-d{seconds}s", url], check=True, capture_output=True, text=True
    ).stdout
    return next(float(line.split()[1]) for line in out.splitlines() if line.startswith("Requests/sec"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs of policykg site (default 3)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent query clients (default 32)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="passes over the library per client (default 3)"
    )
    args = parser.parse_args()
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder) / "project")
        policykg(root, "build")
        site_times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            policykg(root, "site")
            site_times.append(time.perf_counter() - started)
        store = Path(folder) / "oxigraph"
        subprocess.run(
            [oxigraph, "load", "--location", str(store), "--file", str(root / "dist" / "policykg.nt")],
            check=True,
            capture_output=True,
        )
        queries = [prepare(q)[0] for q in list_queries(root / "queries")]
        servers = {}
        for name, command, probe in (
            ("policykg", ["serve", "--workers", "2"], "/index.html"),
            ("policykg, no cache", ["serve", "--workers", "2", "--cache", "0"], "/index.html"),
            ("oxigraph", None, "/query?query=ASK%7B%7D"),
        ):
            port = free_port()
            if command is None:
                argv = [oxigraph, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"]
            else:
                argv = [
                    sys.executable,
                    "-m",
                    "policykg.cli",
                    "--root",
                    str(root),
                    *command,
                    "--port",
                    str(port),
                ]
            process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            servers[name] = (port, process)
            wait_up(port, probe, process)
        rows = []
        try:
            ours, ours_nc, ox = (servers[n][0] for n in ("policykg", "policykg, no cache", "oxigraph"))
            for q in queries:  # the cache holds the library, as it would after the first visitors
                ask(ours, "/sparql", q)
            sample = queries[0]
            for label, port, path, make in (
                ("a page", ours, "/id/law/dsa.html", lambda i: None),
                ("a cached query", ours, "/sparql", lambda i: sample),
                ("an uncached query", ours_nc, "/sparql", lambda i: f"{sample}\n# {i} {time.time()}"),
                ("oxigraph: a query", ox, "/query", lambda i: f"{sample}\n# {i}"),
            ):
                before = listen_overflows()
                answered, worst = burst(port, path, make)
                rows.append(
                    f"| burst of 200 connections, {label} | {answered} answered, slowest {worst * 1000:.0f} ms, "
                    f"listen-queue overflows {listen_overflows() - before} | 200 answered, none failed "
                    f"{'met' if answered == 200 else 'MISSED'} |"
                )
            results = {}
            for name, port, path in (
                ("oxigraph", ox, "/query"),
                ("policykg, no cache", ours_nc, "/sparql"),
                ("policykg", ours, "/sparql"),
            ):
                before = listen_overflows()
                started = time.perf_counter()
                latencies, failures = load(port, path, queries, args.clients, args.rounds)
                wall = time.perf_counter() - started
                results[name] = latencies
                rows.append(
                    f"| {args.clients} clients × {args.rounds} passes over the library, {name} "
                    f"({len(latencies)} answers in {wall:.1f} s): p50 / p99 | "
                    f"{quantile(latencies, 0.5):.1f} / {quantile(latencies, 0.99):.1f} ms, {failures} failed, "
                    f"listen-queue overflows {listen_overflows() - before} | |"
                )
            p99_ox, p99_nc, p99 = (
                quantile(results[n], 0.99) for n in ("oxigraph", "policykg, no cache", "policykg")
            )
            rows.append(
                f"| … without the cache, p99 against Oxigraph's | {p99_nc:.1f} ms against {p99_ox:.1f} ms | "
                f"at most Oxigraph's {'met' if p99_nc <= p99_ox else 'MISSED'} |"
            )
            rows.append(
                f"| … with the cache, p99 | {p99:.1f} ms | < 50 ms {'met' if p99 < 50 else 'MISSED'} |"
            )
            rate = wrk(f"http://127.0.0.1:{ours}/id/law/dsa.html")
            rows.append(
                "| static page, 64 keep-alive connections (wrk) | "
                + (
                    f"{rate:,.0f} req/s | ≥ 5,000 {'met' if rate >= 5000 else 'MISSED'} |"
                    if rate
                    else "wrk not installed | ≥ 5,000 |"
                )
            )
        finally:
            for _port, process in servers.values():
                process.terminate()
                process.wait(timeout=10)
    site = statistics.median(site_times)
    lines = [
        f"Publication benchmark: {machine()}",
        "",
        "| measurement | result | target |",
        "| --- | --- | --- |",
        f"| policykg site (cold, median of {args.runs}) | {site:.2f} s | < 5 s {'met' if site < 5 else 'MISSED'} |",
        *rows,
    ]
    report("site", lines)


if __name__ == "__main__":
    main()
