"""policykg serve and policykg query against an attacker: no request ever leaves for the network, no query
takes the endpoint down, no body, length or path crashes it, and its memory stays bounded."""

from __future__ import annotations

import contextlib
import http.server
import json
import os
import socket
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run_cli
from servers import free_port, running, serve_command
from test_serve import fetch

from policykg.serve import Settings, open_store, start


class Internal(http.server.BaseHTTPRequestHandler):
    """A service on loopback that must never be asked anything by the endpoint."""

    asked: list[str] = []

    def do_GET(self) -> None:  # noqa: N802
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self) -> None:
        type(self).asked.append(self.path)
        body = json.dumps(
            {
                "head": {"vars": ["s"]},
                "results": {"bindings": [{"s": {"type": "literal", "value": "secret"}}]},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture(scope="module")
def internal() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Internal)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/internal-sparql"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def project(built: Path) -> Path:
    return built


@pytest.fixture(scope="module")
def server(project: Path) -> Iterator:
    dist = project / "dist"
    settings = Settings(timeout=3, max_rows=1000, max_body=100_000, body_timeout=1.0)
    running_server = start(dist / "site", open_store(dist), settings=settings)
    try:
        yield running_server
    finally:
        running_server.stop()


def ask(base: str, query: str, **params: str) -> tuple[int, bytes]:
    status, _, body = fetch(base + "/sparql?" + urllib.parse.urlencode({"query": query, **params}))
    return status, body


def variants(target: str) -> list[str]:
    """SERVICE hidden every way a comment, white space, case or an escape might hide it from a check."""
    clause = f"SERVICE <{target}> {{ ?s ?p ?o }}"
    out = []
    for before in ("#\r", "#\n", "#x\r\n", "# \r", "\r", "\t", "\n\n", "#\u2028\n", "#\x0c\r"):
        out.append(f"SELECT * WHERE {{\n{before}{clause}\n}}")
    for word in ("service", "SeRvIcE", "SERVICE SILENT"):
        out.append(f"SELECT * WHERE {{ {word} <{target}> {{ ?s ?p ?o }} }}")
    out += [
        f"SELECT * WHERE {{ OPTIONAL {{ {clause} }} }}",
        f"SELECT * WHERE {{ {{ ?a ?b ?c }} UNION {{ {clause} }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ {clause} }} }} }}",
        f"SELECT * WHERE {{ FILTER EXISTS {{ {clause} }} }}",
        f"ASK {{ {clause} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {clause} }}",
        f"SELECT * WHERE {{ BIND(<{target}> AS ?u) SERVICE ?u {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ ?x ?y "a\\"" . {clause} }}',
        f"SELECT * WHERE {{ ?x ?y '''a''' . {clause} }}",
        f"SELECT * WHERE {{ ?x ?y <urn:a#b> . {clause} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVIC\\u0045 <{target}> {{ ?s ?p ?o }} }}",
        f'SELECT * WHERE {{ ?x ?y "\\u0022 . {clause} #" }}',
        f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{\n#\rFROM <{target}>\n?s ?p ?o }}",
        f"PREFIX x: <{target}>\nSELECT * WHERE {{ SERVICE x: {{ ?s ?p ?o }} }}",
        f"BASE <{target}>\nSELECT * WHERE {{ SERVICE <> {{ ?s ?p ?o }} }}",
        # a `<` the engine reads as less-than where it is no valid IRI, hiding SERVICE in a "string"
        f"SELECT * {{ BIND(1 <'>' AS ?q) SERVICE <{target}> {{ ?x ?y ?z }} #'\n}}",
        f"SELECT * {{ BIND(1 <STR('%zz>') AS ?q) SERVICE <{target}> {{ ?x ?y ?z }} #')\n}}",
        f"SELECT * {{ BIND(1 <?v#> '''\nAS ?q) SERVICE <{target}> {{ ?x ?y ?z }} #'''\n}}",
        f"PREFIX a: <http://a/>\nSELECT * {{ BIND(1 <a:b#> '''\nAS ?q) SERVICE <{target}> {{ ?x ?y ?z }} #'''\n}}",
    ]
    return out


def test_service_and_from_never_reach_the_network(server, internal: str) -> None:
    Internal.asked.clear()
    for query in variants(internal):
        status, body = ask(server.url, query)
        assert b"secret" not in body, query
        if status == 200:  # FROM names graphs of this store: none, so nothing is found
            answer = json.loads(body)
            assert answer.get("results", {}).get("bindings", []) == [] or "FROM" in query, query
    status, body = ask(server.url, "SELECT * { ?s ?p ?o } LIMIT 1", **{"default-graph-uri": internal})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, body = ask(server.url, "SELECT * WHERE {\n#\rSERVICE <" + internal + "> { ?s ?p ?o }\n}")
    assert status == 400 and b"SERVICE is not allowed" in body
    assert Internal.asked == []


def test_a_worker_cannot_reach_the_network_even_past_the_check(
    project: Path, internal: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is one wall; the worker's seccomp filter is the second: with the check switched off, a
    SERVICE query fails in the engine and the internal service is never asked."""
    from policykg.serve import pool

    monkeypatch.setattr(pool, "check_query", lambda text, **_: text)
    dist = project / "dist"
    running_server = start(dist / "site", open_store(dist), settings=Settings(timeout=3))
    try:
        assert running_server.site.pool.isolated, "the workers could not install their seccomp filter"
        Internal.asked.clear()
        status, body = ask(running_server.url, f"SELECT * {{ SERVICE <{internal}> {{ ?s ?p ?o }} }}")
        assert status == 400 and b"secret" not in body and b"Permission denied" in body
        assert Internal.asked == []
    finally:
        running_server.stop()


def test_query_command_refuses_every_variant(project: Path, internal: str, tmp_path: Path) -> None:
    Internal.asked.clear()
    for n, query in enumerate(variants(internal)):
        if "FROM" in query:
            continue
        (tmp_path / f"v{n}.rq").write_text(query, encoding="utf-8")
        result = run_cli("query", str(tmp_path / f"v{n}.rq"), "--format", "csv", root=project)
        assert "secret" not in result.stdout and "Traceback" not in result.stderr, query
    assert Internal.asked == []


def test_the_command_line_is_closed_off_from_the_network_for_offline_commands() -> None:
    import subprocess
    import sys

    from policykg.cli import make_parser, offline

    parser = make_parser()
    assert offline(parser.parse_args(["query", "x.rq"])) and offline(parser.parse_args(["build"]))
    assert not offline(parser.parse_args(["query", "x.rq", "--allow-service"]))
    assert not offline(parser.parse_args(["query", "x.rq", "--endpoint", "http://127.0.0.1:1/sparql"]))
    assert not offline(parser.parse_args(["serve"]))
    assert not offline(parser.parse_args(["publish", "--endpoint", "http://x/"]))
    probe = "from policykg.processes import isolate; import socket; assert isolate(); socket.socket()"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.returncode != 0 and "Permission denied" in result.stderr


def test_query_command_refuses_service_unless_allowed(project: Path, internal: str, tmp_path: Path) -> None:
    query = tmp_path / "federated.rq"
    query.write_text(f"SELECT ?s WHERE {{\n#\rSERVICE <{internal}> {{ ?s ?p ?o }}\n}}\n", encoding="utf-8")
    Internal.asked.clear()
    refused = run_cli("query", str(query), root=project)
    assert (
        refused.returncode == 2
        and "SERVICE is refused" in refused.stderr
        and "--allow-service" in refused.stderr
    )
    assert "Traceback" not in refused.stderr and Internal.asked == []
    allowed = run_cli("query", str(query), "--allow-service", "--format", "csv", root=project)
    assert allowed.returncode == 0 and "secret" in allowed.stdout and len(Internal.asked) == 1


def test_deep_queries_are_refused_and_the_endpoint_goes_on(server, project: Path, tmp_path: Path) -> None:
    deep = "SELECT * WHERE " + "{ " * 10_000 + "?s ?p ?o" + " }" * 10_000
    for _ in range(2):
        status, _, body = fetch(server.url + "/sparql", None, deep.encode(), "application/sparql-query")
        assert status == 400 and b"nests" in body
    started = time.monotonic()
    status, body = ask(server.url, "ASK { ?s a pkg:Law }")
    assert status == 200 and json.loads(body)["boolean"] is True and time.monotonic() - started < 1
    (tmp_path / "deep.rq").write_text(deep, encoding="utf-8")
    result = run_cli("query", str(tmp_path / "deep.rq"), root=project)
    assert result.returncode == 2 and "nests" in result.stderr


def test_a_dead_worker_is_replaced_and_no_slot_is_lost(server) -> None:
    for process, _connection in list(server.site.pool.free):
        os.kill(process.pid, 9)
    for _ in range(4):  # more queries than workers: every slot came back
        status, body = ask(server.url, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {time.time()}")
        assert status in (200, 500), body
    status, body = ask(server.url, "ASK { ?s a pkg:Priority }")
    assert status == 200 and json.loads(body)["boolean"] is True


def raw(base: str, request: bytes, wait: float = 5.0) -> bytes:
    """Send bytes as they are on a fresh connection; what came back (until close or ``wait`` seconds)."""
    host, port = urllib.parse.urlsplit(base).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as connection:
        # the server may answer before the end of the request, and close: read its answer all the same
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(request)
        chunks = []
        try:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and len(b"".join(chunks)) > 12:
                    break
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_lengths_bodies_and_paths_never_crash(server) -> None:
    query = b"query=ASK%20%7B%7D"
    head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    answer = raw(server.url, head + b"Content-Length: -1\r\n\r\n" + query)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    answer = raw(server.url, head + b"Content-Length: 5000000\r\n\r\n" + query)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    started = time.monotonic()
    answer = raw(server.url, head + b"Content-Length: 100\r\n\r\n" + query)  # 82 bytes never come
    assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - started < 4, answer[:80]
    chunked = head + b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(query):x}".encode() + b"\r\n" + query
    answer = raw(server.url, chunked + b"\r\n0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200"), answer[:80]
    big = b"query=" + b"%20" * 200_000  # sent in chunks, with no length declared
    chunked = head + b"Transfer-Encoding: chunked\r\n\r\n" + f"{len(big):x}".encode() + b"\r\n" + big
    assert raw(server.url, chunked + b"\r\n0\r\n\r\n").startswith(b"HTTP/1.1 413")
    status, _, body = fetch(server.url + "/sparql", None, b"\xff\xfe", "application/sparql-query")
    assert status == 400 and b"UTF-8" in body
    assert fetch(server.url + "/" + "a" * 5000)[0] == 414
    for path in ("/%00", "/a%5cb", "/..%2f..%2fetc/passwd", "//etc/passwd", "/id/" + "x/" * 500, "/%ff%fe"):
        status, _, body = fetch(server.url + path)
        assert status in (400, 404) and b"root:" not in body, path


def test_methods_and_cross_origin(server) -> None:
    for method, status, allow in (("PUT", 405, "GET, HEAD, OPTIONS"), ("DELETE", 405, "GET, HEAD, OPTIONS")):
        answer = raw(
            server.url, f"{method} /index.html HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n".encode()
        )
        assert (
            answer.startswith(f"HTTP/1.1 {status}".encode())
            and f"allow: {allow}".lower().encode() in answer.lower()
        )
    answer = raw(server.url, b"PROPFIND /index.html HTTP/1.1\r\nHost: x\r\n\r\n")  # WebDAV: not ours
    assert answer.startswith(b"HTTP/1.1 501")
    answer = raw(server.url, b"PATCH /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 405") and b"allow: get, head, post, options" in answer.lower()
    preflight = (
        b"OPTIONS /sparql HTTP/1.1\r\nHost: x\r\nOrigin: https://yasgui.example\r\n"
        b"Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n"
    )
    answer = raw(server.url, preflight).lower()
    assert answer.startswith(b"http/1.1 200") and b"access-control-allow-origin: *" in answer
    assert b"access-control-allow-methods: get, head, post, options" in answer


@pytest.mark.parametrize("origins", ["https://allowed.example"])
def test_cross_origin_can_be_restricted(project: Path, origins: str) -> None:
    port = free_port()
    command = serve_command(project, port, "--cors", origins)
    with running(command, f"http://127.0.0.1:{port}/index.html"):
        for origin, allowed in (("https://allowed.example", True), ("https://other.example", False)):
            request = f"GET /id/law/dsa.ttl HTTP/1.1\r\nHost: x\r\nOrigin: {origin}\r\n\r\n".encode()
            answer = raw(f"http://127.0.0.1:{port}", request).lower()
            assert (f"access-control-allow-origin: {origin}".encode() in answer) is allowed


def resident(pid: int) -> int:
    """The resident memory of a process, in bytes (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


MEMORY_BOUND = 400_000_000
"""The stated bound: the server's own process (not its workers) under 400 MB after 50 large answers."""


def test_memory_stays_bounded_after_many_large_answers(project: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = serve_command(project, port, "--cache", "64")
    with running(command, base + "/index.html") as process:
        for n in range(50):
            # 10,000 rows (the row cap), each carrying a passage's text: about 4 MB of JSON per answer
            query = (
                f"SELECT ?q ?n WHERE {{ ?x oa:exact ?q . VALUES ?n {{ {' '.join(str(i) for i in range(40))} }} "
                f"FILTER(?n >= 0) }} LIMIT 10000 # {n}"
            )
            status, _, body = fetch(
                base + "/sparql",
                "application/sparql-results+json",
                urllib.parse.urlencode({"query": query}).encode(),
                "application/x-www-form-urlencoded",
            )
            assert status == 200 and len(body) > 1_000_000
        used = resident(process.pid)
        assert used < MEMORY_BOUND, f"{used / 1e6:.0f} MB"
        status, _, _ = fetch(base + "/sparql?query=" + urllib.parse.quote("ASK {}"))
        assert status == 200


def test_bad_graph_iris_flat_queries_and_huge_answers(server) -> None:
    replaced = server.site.pool.replaced
    for iri in ("_:b", "a:%zz", "1:x", "nothing"):
        status, body = ask(server.url, "ASK {}", **{"default-graph-uri": iri})
        assert status == 400 and b"not an absolute IRI" in body, iri
    flats = ("SELECT * { ?s ?p ( " + "1 " * 5000 + ") }", "SELECT * { FILTER(?x" + " || ?x" * 10000 + ") }")
    for flat in flats:
        status, _, body = fetch(server.url + "/sparql", None, flat.encode(), "application/sparql-query")
        assert status == 400 and b"parentheses" in body
    assert server.site.pool.replaced == replaced, "a worker died"
    doubling = "".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1}) " for i in range(17))
    big = f'SELECT ?v17 WHERE {{ ?s ?p ?o BIND("abcdefgh" AS ?v0) {doubling}}} LIMIT 800'
    status, headers, body = fetch(server.url + "/sparql", None, big.encode(), "application/sparql-query")
    assert status == 200 and headers["X-Result-Truncated"] == "true" and len(body) < 60_000_000


def test_a_worker_that_cannot_be_started_loses_no_slot(server, monkeypatch: pytest.MonkeyPatch) -> None:
    pool = server.site.pool

    def refuse() -> None:
        raise OSError(11, "Resource temporarily unavailable")

    for process, _connection in list(pool.free):
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, 9)
    monkeypatch.setattr(pool, "_spawn", refuse)
    for _ in range(3):
        status, _ = ask(server.url, f"ASK {{ ?s ?p ?o }} # {time.time()}")
        assert status in (500, 503)
    monkeypatch.undo()
    status, body = ask(server.url, f"ASK {{ ?s a pkg:Law }} # {time.time()}")
    assert status == 200 and json.loads(body)["boolean"] is True


def test_a_file_swapped_for_a_symlink_is_not_followed(server, project: Path) -> None:
    page = project / "dist" / "site" / "planted.html"
    page.write_text("<p>planted</p>", encoding="utf-8")
    try:
        assert fetch(server.url + "/planted.html")[0] == 200
        page.unlink()
        page.symlink_to("/etc/passwd")
        status, _, body = fetch(server.url + "/planted.html")
        assert status == 404 and b"root:" not in body
    finally:
        page.unlink(missing_ok=True)
