"""Benchmark publication: the site for the fiche, and the SPARQL endpoint under concurrent load.

Targets on a 2-core machine: ``policykg site`` under 5 s (cold); with 8 concurrent clients running the
whole query library against ``policykg serve``, p95 latency under 50 ms and no error. The server runs as
its own process on a loopback port; the clients are threads in this process, each running every query of
the library ``--rounds`` times. The server keeps answers (the graph does not change while it serves), so
the first pass over the library, with an empty cache, is measured on its own too. Run ``make bench``; the figures are written to ``bench/results/site.md``.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs of policykg site (default 3)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (default 8)")
    parser.add_argument(
        "--rounds", type=int, default=5, help="passes over the library per client (default 5)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = copy_project(Path(folder))
        policykg(root, "build")
        site_times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            policykg(root, "site")
            site_times.append(time.perf_counter() - started)
        port = free_port()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "policykg.cli",
                "--root",
                str(root),
                "serve",
                "--port",
                str(port),
                "--workers",
                "2",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}/sparql"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.1)
            queries = [prepare(q)[0] for q in list_queries(root / "queries")]
            latencies: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()

            def client() -> None:
                for _ in range(args.rounds):
                    for sparql in queries:
                        body = urllib.parse.urlencode({"query": sparql}).encode()
                        request = urllib.request.Request(
                            url, data=body, headers={"Accept": "application/sparql-results+json"}
                        )
                        started = time.perf_counter()
                        try:
                            urllib.request.urlopen(request, timeout=30).read()
                        except OSError as error:
                            with lock:
                                errors.append(str(error))
                            continue
                        with lock:
                            latencies.append(time.perf_counter() - started)

            first: list[float] = []
            for (
                sparql
            ) in queries:  # one pass with an empty answer cache: what each query costs the first time
                body = urllib.parse.urlencode({"query": sparql}).encode()
                started = time.perf_counter()
                urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=30).read()
                first.append(time.perf_counter() - started)
            threads = [threading.Thread(target=client) for _ in range(args.clients)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=10)
    latencies.sort()
    p95 = latencies[int(0.95 * (len(latencies) - 1))] * 1000
    p50 = statistics.median(latencies) * 1000
    site = statistics.median(site_times)
    lines = [
        f"Publication benchmark: {machine()}",
        "",
        "| measurement | result | target |",
        "| --- | ---: | --- |",
        f"| policykg site (cold, median of {args.runs}) | {site:.2f} s | < 5 s {'met' if site < 5 else 'MISSED'} |",
        f"| {args.clients} clients × {args.rounds} passes over the library ({len(latencies)} requests in {wall:.1f} s): p50 | "
        f"{p50:.1f} ms | |",
        f"| … p95 | {p95:.1f} ms | < 50 ms {'met' if p95 < 50 and not errors else 'MISSED'} |",
        f"| … errors | {len(errors)} | 0 |",
        f"| the library once, one client, empty answer cache: total | {sum(first) * 1000:.0f} ms | |",
        f"| … slowest query | {max(first) * 1000:.0f} ms | |",
    ]
    report("site", lines)


if __name__ == "__main__":
    main()
