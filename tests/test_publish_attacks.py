"""policykg publish against loopback stand-ins for a store that misbehave: redirects to another origin after
a challenge, credentials in the URL, plain http, broken and unparsable answers. Each failure is one line
and exit 1; credentials never reach another origin and never appear in a message."""

from __future__ import annotations

import base64
import hashlib
import shutil
import socket
import ssl
import subprocess
import threading
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from servers import free_port, silent_server

from policykg.cli import main
from policykg.publish import publish_graph

TRIPLES = b'<https://example.org/s> <https://example.org/p> "one" .\n<https://example.org/s> <https://example.org/p> "two" .\n'
USER, PASSWORD = "alice", "s3cret@:/x"  # a password that needs percent-encoding in a URL
IN_URL = "alice:s3cret%40%3A%2Fx@"
SECRETS = ("s3cret", base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode())


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:
        pass

    def answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.server.seen.append(Seen(self.command, self.path, dict(self.headers)))
        self.server.respond(self, body)

    do_HEAD = do_GET = do_PUT = answer


class Fake(ThreadingHTTPServer):
    daemon_threads = True
    respond: Callable[[Handler, bytes], None]
    seen: list[Seen]
    graph: bytes = b""
    url: str = ""


def send(handler: Handler, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(body)


def store(handler: Handler, body: bytes) -> None:
    """A Graph Store that keeps what is PUT and gives it back on GET."""
    if handler.command == "PUT":
        handler.server.graph = body
        send(handler, 204)
    elif handler.server.graph:
        send(handler, 200, handler.server.graph, {"Content-Type": "application/n-triples"})
    else:
        send(handler, 404, b"no such graph", {"Content-Type": "text/plain"})


def basic(respond: Callable[[Handler, bytes], None]) -> Callable[[Handler, bytes], None]:
    """``respond`` behind Basic authentication (RFC 7617) of USER and PASSWORD."""
    expected = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()

    def guarded(handler: Handler, body: bytes) -> None:
        if handler.headers.get("Authorization") != expected:
            send(handler, 401, b"", {"WWW-Authenticate": 'Basic realm="store"'})
        else:
            respond(handler, body)

    return guarded


@contextmanager
def fake(respond: Callable[[Handler, bytes], None], tls: ssl.SSLContext | None = None) -> Iterator[Fake]:
    server = Fake(("127.0.0.1", 0), Handler)
    server.respond, server.seen = respond, []
    if tls:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.url = f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("ontology", "graphs", "dist"):
        (tmp_path / name).mkdir()
    (tmp_path / "dist" / "policykg.nt").write_bytes(TRIPLES)
    return tmp_path


@dataclass
class Run:
    code: int
    out: str
    err: str
    lines: list[str] = field(default_factory=list)


def publish(project: Path, endpoint: str, *extra: str, capsys: pytest.CaptureFixture[str]) -> Run:
    """policykg publish as the command line runs it, in this process (so DNS can be stood in for)."""
    code = main(["--root", str(project), "publish", "--endpoint", endpoint, "--timeout", "5", *extra])
    out, err = capsys.readouterr()
    return Run(code, out, err, err.strip().splitlines())


def assert_one_line_failure(run: Run, *expected: str) -> None:
    assert run.code == 1, run
    assert len(run.lines) == 1 and "internal error" not in run.err and "Traceback" not in run.err, run.err
    for text in expected:
        assert text in run.err, run.err
    assert not any(secret in run.err + run.out for secret in SECRETS), run.err


@pytest.fixture(autouse=True)
def no_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POLICYKG_DEBUG", raising=False)


# 1. credentials never leave the origin given


@pytest.mark.parametrize("code", [302, 307])
@pytest.mark.parametrize("elsewhere", ["port", "host"])
def test_no_credentials_for_a_redirect_to_another_origin(
    project: Path, capsys: pytest.CaptureFixture[str], code: int, elsewhere: str
) -> None:
    with fake(store) as other:

        def challenge_then_redirect(handler: Handler, body: bytes) -> None:
            if "Authorization" not in handler.headers:
                send(handler, 401, b"", {"WWW-Authenticate": 'Basic realm="store"'})
            else:
                send(handler, code, b"", {"Location": elsewhere_url + handler.path})

        with fake(challenge_then_redirect) as here:
            # another port, or the same port under another name (localhost is not 127.0.0.1)
            elsewhere_url = other.url if elsewhere == "port" else here.url.replace("127.0.0.1", "localhost")
            run = publish(project, here.url + "/store", "--auth", f"{USER}:{PASSWORD}", capsys=capsys)
    assert other.seen == [], "nothing goes to another port"
    assert all(seen.headers["Host"].startswith("127.0.0.1:") for seen in here.seen), "nor to another host"
    assert_one_line_failure(run, "another origin", "not followed")


def test_a_redirect_within_the_origin_is_followed_with_the_credentials(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    guarded = basic(store)

    def moved(handler: Handler, body: bytes) -> None:
        if handler.path.startswith("/old"):
            send(handler, 307, b"", {"Location": handler.path.replace("/old", "/store", 1)})
        else:
            guarded(handler, body)

    with fake(moved) as here:
        run = publish(project, here.url + "/old", "--auth", f"{USER}:{PASSWORD}", capsys=capsys)
    assert run.code == 0, run.err
    assert "the store holds 2" in run.out
    assert here.graph == TRIPLES
    assert {s.method for s in here.seen if s.path.startswith("/store") and "Authorization" in s.headers} == {
        "HEAD",
        "PUT",
        "GET",
    }


def test_endless_redirects_end(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fake(lambda handler, body: send(handler, 302, b"", {"Location": handler.path})) as here:
        run = publish(project, here.url + "/store", capsys=capsys)
    assert_one_line_failure(run, "redirected PUT more than 5 times")


# 2. credentials in the URL, never shown


def test_credentials_in_the_url_are_used_and_never_shown(tmp_path: Path) -> None:
    dump = tmp_path / "policykg.nt"
    dump.write_bytes(TRIPLES)
    with fake(basic(store)) as here:
        endpoint = here.url.replace("//", "//" + IN_URL) + "/store"
        result = publish_graph(dump, endpoint, timeout=5)
    assert (result.sent, result.stored) == (2, 2)
    assert result.endpoint == here.url + "/store"
    assert here.graph == TRIPLES


def test_the_success_line_shows_no_credentials(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fake(basic(store)) as here:
        run = publish(project, here.url.replace("//", "//" + IN_URL) + "/store", capsys=capsys)
    assert run.code == 0, run.err
    assert f"at {here.url}/store " in run.out
    assert not any(secret in run.out + run.err for secret in SECRETS), run.out


def test_digest_sha256_with_credentials_in_the_url(tmp_path: Path) -> None:
    """RFC 7616 §3.4.1 with SHA-256 and qop=auth, checked by the stand-in, chosen among the challenges
    offered: Digest before Basic, and not with an algorithm publish cannot compute."""
    dump = tmp_path / "policykg.nt"
    dump.write_bytes(TRIPLES)
    realm, nonce = "graphs@example.org", "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"

    def h(text: str) -> str:
        return hashlib.sha256(text.encode()).hexdigest()

    def guarded(handler: Handler, body: bytes) -> None:
        scheme, _, rest = handler.headers.get("Authorization", "").partition(" ")
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest)) if rest else {}
        secret, target = h(f"{USER}:{realm}:{PASSWORD}"), h(f"{handler.command}:{handler.path}")
        expected = h(f"{secret}:{nonce}:{fields.get('nc')}:{fields.get('cnonce')}:auth:{target}")
        if scheme == "Digest" and fields.get("uri") == handler.path and fields.get("response") == expected:
            store(handler, body)
        else:
            challenges = [
                'Basic realm="store"',
                f'Digest realm="{realm}", qop="auth", algorithm=SHA-999, nonce="{nonce}"',
                f'Digest realm="{realm}", qop="auth", algorithm=SHA-256, nonce="{nonce}", opaque="o"',
            ]
            send(handler, 401, b"", {"WWW-Authenticate": ", ".join(challenges)})

    with fake(guarded) as here:
        result = publish_graph(dump, here.url.replace("//", "//" + IN_URL) + "/store", timeout=5)
    assert (result.sent, result.stored) == (2, 2)
    answered = [seen.headers.get("Authorization", "") for seen in here.seen]
    assert answered[0] == "" and all("algorithm=SHA-256" in a for a in answered[1:]), answered


def test_credentials_twice_are_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = publish(project, f"http://{IN_URL}127.0.0.1:9/store", "--auth", "bob:other", capsys=capsys)
    assert run.code == 2 and "credentials given twice" in run.err and len(run.lines) == 1
    assert "s3cret" not in run.err and "other" not in run.err


@pytest.mark.parametrize("answer", ["refused", "404", "redirect"])
def test_messages_show_no_credentials(project: Path, capsys: pytest.CaptureFixture[str], answer: str) -> None:
    def respond(handler: Handler, body: bytes) -> None:
        if answer == "404":
            send(handler, 404, b"not here", {"Content-Type": "text/plain"})
        else:
            send(handler, 307, b"", {"Location": f"http://{IN_URL}203.0.113.9/store"})

    with fake(respond) as here:
        port = free_port() if answer == "refused" else here.server_address[1]
        run = publish(project, f"http://{IN_URL}127.0.0.1:{port}/store", capsys=capsys)
    assert_one_line_failure(run, "127.0.0.1")
    assert "alice" not in run.err


def test_an_endpoint_that_is_no_url_is_shown_without_credentials(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run = publish(project, f"ftp://{IN_URL}example.org/store", capsys=capsys)
    assert run.code == 2 and "must be an http(s) URL" in run.err and "s3cret" not in run.err


# 3. plain http beyond this machine


@pytest.fixture
def resolve(monkeypatch: pytest.MonkeyPatch) -> dict[str, str | None]:
    """Host names answered without DNS: a name maps to an address, or to None for a name that does not
    resolve."""
    names: dict[str, str | None] = {}
    real = socket.getaddrinfo

    def getaddrinfo(host: str, *args: object, **kwargs: object) -> list:
        if host in names:
            if names[host] is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            host = names[host]
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return names


def test_credentials_over_plain_http_beyond_loopback_are_warned_about(
    project: Path, capsys: pytest.CaptureFixture[str], resolve: dict[str, str | None]
) -> None:
    resolve["store.example.org"] = "127.0.0.1"
    with fake(basic(store)) as here:
        endpoint = here.url.replace("127.0.0.1", "store.example.org") + "/store"
        run = publish(project, endpoint, "--auth", f"{USER}:{PASSWORD}", capsys=capsys)
        assert run.code == 0, run.err
        assert len(run.lines) == 1 and "warning:" in run.err and "plain http" in run.err
        assert "store.example.org" in run.err
        for host in ("127.0.0.1", "localhost", "127.1.2.3"):
            quiet = publish(
                project, here.url.replace("127.0.0.1", host) + "/store", "--auth", "alice:x", capsys=capsys
            )
            assert "warning" not in quiet.err, (host, quiet.err)
        assert "warning" not in publish(project, endpoint, capsys=capsys).err


def test_https_is_not_warned_about(
    project: Path, capsys: pytest.CaptureFixture[str], resolve: dict[str, str | None]
) -> None:
    resolve["store.example.org"] = None
    run = publish(project, f"https://{IN_URL}store.example.org/store", capsys=capsys)
    assert_one_line_failure(run, "store.example.org does not resolve")
    assert "warning" not in run.err


# 4. every failure is one line


def test_connection_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = publish(project, f"http://127.0.0.1:{free_port()}/store", capsys=capsys)
    assert_one_line_failure(run, "cannot reach the store", "connection refused")


def test_a_name_that_does_not_resolve(
    project: Path, capsys: pytest.CaptureFixture[str], resolve: dict[str, str | None]
) -> None:
    resolve["nowhere.example.org"] = None
    run = publish(project, "http://nowhere.example.org/store", capsys=capsys)
    assert_one_line_failure(run, "nowhere.example.org does not resolve")


def test_no_answer_within_the_timeout(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with silent_server() as url:
        run = publish(project, url, "--timeout", "0.3", capsys=capsys)
    assert_one_line_failure(run, "did not answer PUT within 0.3 s")


def broken_off(handler: Handler, body: bytes) -> None:
    if handler.command == "PUT":
        return send(handler, 204)
    handler.send_response(200)
    handler.send_header("Content-Type", "application/n-triples")
    handler.send_header("Content-Length", "1000")
    handler.end_headers()
    handler.wfile.write(TRIPLES[:40])
    handler.close_connection = True


def not_http(handler: Handler, body: bytes) -> None:
    handler.wfile.write(b"hello\r\n\r\n")
    handler.close_connection = True


def closed(handler: Handler, body: bytes) -> None:
    handler.close_connection = True


def answers_get(status: int, body: bytes, media_type: str) -> Callable[[Handler, bytes], None]:
    def respond(handler: Handler, put: bytes) -> None:
        if handler.command == "PUT":
            send(handler, 204)
        else:
            send(handler, status, body, {"Content-Type": media_type})

    return respond


HTML = (
    b"<!DOCTYPE html><html><head><title>Oops</title><style>p{}</style></head><body><h1>%s</h1></body></html>"
)


@pytest.mark.parametrize(
    ("respond", "expected"),
    [
        (broken_off, "broke off its answer to GET after 40 bytes"),
        (not_http, "did not answer PUT in HTTP"),
        (closed, "closed the connection during PUT"),
        (answers_get(200, HTML % b"Welcome", "text/html"), "answered GET with an HTML page"),
        (answers_get(200, TRIPLES[:70], "application/n-triples"), "does not parse as N-Triples:"),
        (answers_get(200, TRIPLES[:70], "application/octet-stream"), "does not parse as N-Triples or Turtle"),
        (answers_get(200, TRIPLES[:56], "text/turtle"), "the store holds 1 triples"),
        (
            answers_get(503, HTML % b"Service Unavailable", "text/html"),
            "HTTP 503 to GET: Service Unavailable",
        ),
        (answers_get(500, b"", "text/plain"), "HTTP 500 to GET: Internal Server Error"),
        (
            lambda h, b: send(h, 403, HTML % b"Forbidden", {"Content-Type": "text/html"}),
            "HTTP 403 to PUT: Forbidden",
        ),
        (
            lambda h, b: send(h, 404, HTML % b"Not Found", {"Content-Type": "text/html"}),
            "HTTP 404 to PUT: Not Found",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_a_broken_or_unparsable_answer_is_one_line(
    project: Path,
    capsys: pytest.CaptureFixture[str],
    respond: Callable[[Handler, bytes], None],
    expected: str,
) -> None:
    with fake(respond) as here:
        run = publish(project, here.url + "/store", capsys=capsys)
    assert_one_line_failure(run, expected)
    assert "<" not in run.err.replace("<https://w3id.org/policykg/dataset>", "")


def test_refused_credentials_are_told_as_such(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fake(basic(store)) as here:
        run = publish(project, here.url + "/store", "--auth", f"{USER}:wrong", capsys=capsys)
        assert_one_line_failure(run, "refused the credentials (HTTP 401 to HEAD)")
        assert "PUT" not in run.err and [s.method for s in here.seen] == ["HEAD", "HEAD"]
        missing = publish(project, here.url + "/store", capsys=capsys)
    assert_one_line_failure(missing, "asks for credentials (HTTP 401 to PUT, Basic): give --auth")


def test_a_scheme_publish_does_not_speak(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bearer = lambda h, b: send(h, 401, b"", {"WWW-Authenticate": 'Bearer realm="store"'})  # noqa: E731
    with fake(bearer) as here:
        run = publish(project, here.url + "/store", "--auth", f"{USER}:{PASSWORD}", capsys=capsys)
    assert_one_line_failure(run, "asking for Bearer; publish speaks Basic and Digest")


def test_tls_to_a_plain_http_server(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with fake(store) as here:
        run = publish(project, here.url.replace("http:", "https:") + "/store", capsys=capsys)
    assert_one_line_failure(run, "cannot reach the store", "TLS failed")


def test_an_untrusted_certificate(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    openssl = shutil.which("openssl")
    if not openssl:
        pytest.skip("openssl is not installed")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with fake(store, tls=context) as here:
        run = publish(project, here.url + "/store", capsys=capsys)
    assert_one_line_failure(run, "TLS certificate is not trusted")


@pytest.mark.parametrize("seconds", ["0", "-1", "inf", "nan"])
def test_a_timeout_that_cannot_be_kept_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], seconds: str
) -> None:
    run = publish(project, "http://127.0.0.1:9/store", "--timeout", seconds, capsys=capsys)
    assert run.code == 2 and "--timeout takes" in run.err and len(run.lines) == 1
