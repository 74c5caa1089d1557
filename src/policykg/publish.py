"""Publish the built graph into any triple store that speaks the SPARQL 1.1 Graph Store HTTP Protocol
(https://www.w3.org/TR/sparql11-http-rdf-update/): Fuseki, Oxigraph, Virtuoso, GraphDB.

The graph replaces the previous version of the named graph (HTTP PUT), then the store is asked for that
graph back (HTTP GET) and the triples are counted: publishing succeeds only when the store holds exactly
as many triples as were sent.

Credentials (``--auth`` or ``user:password@`` in the endpoint URL) answer Basic (RFC 7617) and Digest
(RFC 7616) challenges and go to the endpoint's origin only (scheme, host and port, RFC 9110 §4.3.1):
redirects (RFC 9110 §15.4) are followed within that origin and refused beyond it. Every failure is one
line, and no message shows the credentials.
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import ipaddress
import os
import re
import socket
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pyoxigraph as ox

from .errors import EXIT_USAGE, PolicyKGError

DEFAULT_GRAPH = "https://w3id.org/policykg/dataset"
"""The named graph the dataset is published into unless another is given."""

MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
DEFAULT_PORTS = {"http": 80, "https": 443}
DIGEST_HASHES = {"MD5": "md5", "SHA-256": "sha256", "SHA-512-256": "sha512_256"}
"""The Digest algorithms of RFC 7616 §3.3 (each also as ``-sess``), by hashlib name."""

_USERINFO = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/?#\s]*@")


@dataclass
class PublishResult:
    """What was sent and what the store holds afterwards."""

    graph: str
    sent: int
    stored: int
    status: int
    endpoint: str = ""
    """The endpoint without any credentials: the URL to show."""


Credentials = tuple[str, str]
"""A user name and a password."""


@dataclass
class Reply:
    """An HTTP answer read to the end."""

    status: int
    headers: Message
    body: bytes


def redact(text: str) -> str:
    """``text`` with the ``user:password@`` of every URL in it replaced by ``***@`` (RFC 3986 §3.2.1).

    >>> redact("cannot reach https://dba:s%40cret@example.org:8890/store?graph=x")
    'cannot reach https://***@example.org:8890/store?graph=x'
    """
    return _USERINFO.sub(r"\1***@", text)


def one_line(text: str, limit: int = 200) -> str:
    """``text`` on one line, without control characters, at most ``limit`` characters."""
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph (indirect identification, ``?graph=``).

    >>> graph_url("http://localhost:7878/store", "https://w3id.org/policykg/dataset")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fpolicykg%2Fdataset'
    """
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return endpoint + separator + urllib.parse.urlencode({"graph": graph})


def origin(url: str) -> tuple[str, str, int]:
    """Scheme, host and port of ``url`` (RFC 9110 §4.3.1); ValueError when it has none.

    >>> origin("HTTP://LocalHost/store") == origin("http://localhost:80/x")
    True
    """
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url}")
    return scheme, parts.hostname, parts.port or DEFAULT_PORTS[scheme]


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine: ``localhost``, 127.0.0.0/8 or ::1.

    >>> [is_loopback(h) for h in ("localhost", "127.0.0.2", "::1", "10.0.0.1", "example.org")]
    [True, True, True, False, False]
    """
    try:
        return host.lower().rstrip(".") == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def split_endpoint(endpoint: str, auth: str | None) -> tuple[str, Credentials | None]:
    """The endpoint without userinfo, and the credentials from ``--auth`` or from the URL's
    ``user:password@`` (percent-decoded, RFC 3986 §3.2.1); giving both is refused."""
    shown = redact(endpoint)
    try:
        parts = urllib.parse.urlsplit(endpoint)
        origin(endpoint)
    except ValueError:
        raise PolicyKGError(
            f"--endpoint must be an http(s) URL, not {shown!r}", exit_code=EXIT_USAGE
        ) from None
    userinfo, at, host = parts.netloc.rpartition("@")
    clean = urllib.parse.urlunsplit(parts._replace(netloc=host))
    if at and auth:
        raise PolicyKGError(
            f"credentials given twice, in the URL {shown} and with --auth: give them one way",
            exit_code=EXIT_USAGE,
        )
    if at:
        user, sep, password = userinfo.partition(":")
        if not sep:
            raise PolicyKGError(
                f"the endpoint {shown} has a user but no password: write user:password@", exit_code=EXIT_USAGE
            )
        return clean, (urllib.parse.unquote(user), urllib.parse.unquote(password))
    if auth is None:
        return clean, None
    user, sep, password = auth.partition(":")
    if not sep:
        raise PolicyKGError("--auth takes user:password", exit_code=EXIT_USAGE)
    return clean, (user, password)


def parse_challenges(values: list[str]) -> list[tuple[str, dict[str, str]]]:
    """The challenges of ``WWW-Authenticate`` header fields: lower-case scheme and parameters (RFC 9110
    §11.6.1).

    >>> parse_challenges(['Digest realm="a, b", nonce="n", qop="auth", Basic realm="c"'])
    [('digest', {'realm': 'a, b', 'nonce': 'n', 'qop': 'auth'}), ('basic', {'realm': 'c'})]
    """
    challenges: list[tuple[str, dict[str, str]]] = []
    for value in values:
        current: dict[str, str] | None = None
        for item in urllib.request.parse_http_list(value):
            scheme, _, rest = item.partition(" ")
            if "=" not in scheme:  # a scheme starts a challenge; its first parameter follows it
                current = {}
                challenges.append((scheme.lower(), current))
                item = rest.strip()
            if current is not None and "=" in item:
                key, _, text = item.partition("=")
                text = text.strip()
                if len(text) > 1 and text[0] == text[-1] == '"':
                    text = re.sub(r"\\(.)", r"\1", text[1:-1])
                current[key.strip().lower()] = text
    return challenges


def digest_hash(challenge: dict[str, str]) -> str | None:
    """The hashlib name of a Digest challenge's algorithm, if publish can answer it (RFC 7616 §3.3)."""
    name = DIGEST_HASHES.get(challenge.get("algorithm", "MD5").upper().removesuffix("-SESS"))
    qops = [q.strip().lower() for q in challenge.get("qop", "auth").split(",")]
    usable = "nonce" in challenge and "auth" in qops and name in hashlib.algorithms_available
    return name if usable else None


def digest(credentials: Credentials, method: str, uri: str, challenge: dict[str, str], count: int) -> str:
    """The ``Authorization`` value answering a Digest challenge with qop ``auth`` (RFC 7616 §3.4), or
    without qop as RFC 2069 did."""
    algorithm, qops = challenge.get("algorithm", "MD5"), challenge.get("qop")

    def h(text: str) -> str:
        return hashlib.new(digest_hash(challenge) or "md5", text.encode()).hexdigest()

    realm, nonce, cnonce = challenge.get("realm", ""), challenge["nonce"], os.urandom(8).hex()
    user, password = credentials
    secret = h(f"{user}:{realm}:{password}")
    if algorithm.upper().endswith("-SESS"):
        secret = h(f"{secret}:{nonce}:{cnonce}")
    target = h(f"{method}:{uri}")
    response = h(
        f"{secret}:{nonce}:{count:08x}:{cnonce}:auth:{target}" if qops else f"{secret}:{nonce}:{target}"
    )

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    fields = [f"username={quoted(user)}", f"realm={quoted(realm)}", f"nonce={quoted(nonce)}"]
    fields += [f"uri={quoted(uri)}", f"response={quoted(response)}", f"algorithm={algorithm}"]
    if "opaque" in challenge:
        fields.append(f"opaque={quoted(challenge['opaque'])}")
    if qops:
        fields += ["qop=auth", f"nc={count:08x}", f"cnonce={quoted(cnonce)}"]
    return "Digest " + ", ".join(fields)


class _Unredirected(urllib.request.HTTPRedirectHandler):
    """Hands every redirect back to :class:`Store`, which decides whether to follow it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


class Store:
    """HTTP exchanges with one Graph Store: credentials only to its origin, redirects only within it."""

    def __init__(self, endpoint: str, credentials: Credentials | None, timeout: float) -> None:
        self.endpoint, self.origin, self.credentials = endpoint, origin(endpoint), credentials
        self.where, self.timeout, self.count = f"the store at {endpoint}", timeout, 0
        self.challenge: tuple[str, dict[str, str]] | None = None
        self.opener = urllib.request.build_opener(_Unredirected)

    def authorization(self, method: str, url: str) -> str:
        """The answer to the last challenge for ``method`` on ``url``, which must be the store's origin."""
        if self.credentials is None or self.challenge is None or origin(url) != self.origin:
            raise PolicyKGError(f"{self.where}: no credentials for {url}")  # send() never gets here
        scheme, challenge = self.challenge
        if scheme == "basic":  # RFC 7617 §2: user-pass in UTF-8
            return "Basic " + base64.b64encode(":".join(self.credentials).encode()).decode("ascii")
        self.count += 1
        return digest(self.credentials, method, urllib.request.Request(url).selector, challenge, self.count)

    def learn(self, reply: Reply, method: str) -> None:
        """Keep the challenge of a 401 answer: Digest (RFC 7616) before Basic (RFC 7617)."""
        challenges = parse_challenges(reply.headers.get_all("WWW-Authenticate") or [])
        usable = [c for c in challenges if c[0] == "basic" or (c[0] == "digest" and digest_hash(c[1]))]
        if not usable:
            offered = ", ".join(dict.fromkeys(s.title() for s, _ in challenges)) or "no scheme"
            raise PolicyKGError(
                f"{self.where} answered HTTP 401 to {method} asking for {offered}; publish speaks Basic "
                f"and Digest ({', '.join(DIGEST_HASHES)}, qop auth)"
            )
        self.challenge, self.count = min(usable, key=lambda c: c[0] != "digest"), 0

    def send(self, method: str, url: str, headers: dict[str, str], data: bytes | None = None) -> Reply:
        """One request, answering one 401 challenge and following redirects within the origin."""
        redirects, answered = 0, False
        while True:
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            if self.challenge is not None:
                request.add_header("Authorization", self.authorization(method, url))
            reply = self.exchange(request)
            if reply.status == 401 and self.credentials is not None and not answered:
                self.learn(reply, method)  # a first challenge, or a stale nonce (RFC 7616 §3.3)
                answered = True
                continue
            if reply.status not in REDIRECTS:
                return reply
            redirects += 1
            if redirects > MAX_REDIRECTS:
                raise PolicyKGError(f"{self.where} redirected {method} more than {MAX_REDIRECTS} times")
            url = self.redirect(url, method, reply)
            if reply.status == 303 and method != "HEAD":  # RFC 9110 §15.4.4: see the answer elsewhere
                method, data = "GET", None
            answered = False

    def redirect(self, url: str, method: str, reply: Reply) -> str:
        """Where a redirect leads, if that is the store's origin (RFC 9110 §15.4); else refused."""
        location = reply.headers.get("Location")
        if not location:
            raise PolicyKGError(f"{self.where} answered HTTP {reply.status} to {method} without a Location")
        target = urllib.parse.urljoin(url, location.strip())
        try:
            same = origin(target) == self.origin
        except ValueError:
            same = False
        if not same:
            raise PolicyKGError(
                f"{self.where} redirects {method} to {one_line(redact(target))}, another origin: not followed, the "
                "graph and the credentials go only where --endpoint says (give that URL if it is the store)"
            )
        parts = urllib.parse.urlsplit(target)  # never a user:password@ of the store's choosing
        return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))

    def exchange(self, request: urllib.request.Request) -> Reply:
        """Send ``request`` and read the whole answer; network failures become one line."""
        method = request.get_method()
        try:
            try:
                response = self.opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as error:
                response = error
            with response:  # an error page is read only so far as a message needs
                status = response.status or 0
                return Reply(status, response.headers, response.read(None if status < 300 else 65536))
        except (OSError, http.client.HTTPException, ValueError) as error:
            raise self.failure(method, error) from None

    def failure(self, method: str, error: BaseException) -> PolicyKGError:
        """A network failure as one line: what went wrong, with which request."""
        reason = getattr(error, "reason", None)
        if isinstance(error, urllib.error.URLError) and isinstance(reason, BaseException):
            error = reason
        cannot = f"cannot reach {self.where}"
        if isinstance(error, socket.gaierror):
            text = f"{cannot}: the host name {self.origin[1]} does not resolve ({error.strerror})"
        elif isinstance(error, ConnectionRefusedError):
            text = f"{cannot}: connection refused (is it running, on port {self.origin[2]}?)"
        elif isinstance(error, ssl.SSLCertVerificationError):
            text = f"{cannot}: its TLS certificate is not trusted ({error.verify_message})"
        elif isinstance(error, ssl.SSLError):
            text = f"{cannot}: TLS failed ({error.reason or error})"
        elif isinstance(error, TimeoutError):
            text = f"{self.where} did not answer {method} within {self.timeout:g} s"
        elif isinstance(error, http.client.IncompleteRead):
            text = f"{self.where} broke off its answer to {method} after {len(error.partial)} bytes"
        elif isinstance(error, ConnectionError):
            text = f"{self.where} closed the connection during {method}"
        elif isinstance(error, http.client.HTTPException):
            text = f"{self.where} did not answer {method} in HTTP ({type(error).__name__})"
        else:
            text = f"{cannot}: {getattr(error, 'strerror', None) or error}"
        return PolicyKGError(one_line(text, 400))

    def check(self, reply: Reply, method: str) -> None:
        """Refuse any status but success (RFC 9110 §15.3) with what it means (§15.5, §15.6)."""
        if 200 <= reply.status < 300:
            return
        if reply.status == 401 and self.credentials is not None:
            raise PolicyKGError(
                f"{self.where} refused the credentials (HTTP 401 to {method}): check --auth or the URL's user:password"
            )
        if reply.status == 401:
            challenges = parse_challenges(reply.headers.get_all("WWW-Authenticate") or [])
            schemes = ", ".join(dict.fromkeys(s.title() for s, _ in challenges))
            raise PolicyKGError(
                f"{self.where} asks for credentials (HTTP 401 to {method}{', ' if schemes else ''}{schemes}): "
                "give --auth user:password"
            )
        text = reply.body[:4000].decode("utf-8", "replace")
        if "html" in reply.headers.get_content_type():
            text = re.sub(r"(?s)<(head|script|style)\b.*?</\1>|<[^>]*>", " ", text)
        detail = one_line(text, 160) or http.client.responses.get(reply.status, "")
        hint = {403: " (may this user write the graph?)", 404: " (is this the Graph Store?)"}.get(
            reply.status, ""
        )
        raise PolicyKGError(f"{self.where} answered HTTP {reply.status} to {method}: {detail}{hint}")


def count_triples(reply: Reply, graph: str, where: str) -> int:
    """The distinct triples in the store's answer to GET, in the syntax it declares; N-Triples or Turtle
    (which includes N-Triples) when it declares none that pyoxigraph reads."""
    media_type = reply.headers.get_content_type() if reply.headers.get("Content-Type") else ""
    if "html" in media_type:
        raise PolicyKGError(f"{where} answered GET with an HTML page ({media_type}), not the graph")
    declared = ox.RdfFormat.from_media_type(media_type) if media_type else None
    formats = [declared] if declared else [ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE]
    problem = ""
    for syntax in formats:
        try:
            return len(set(ox.parse(reply.body, format=syntax, base_iri=graph)))
        except (SyntaxError, ValueError) as error:
            problem = one_line(str(error), 160)
    raise PolicyKGError(
        f"{where} answered GET with {media_type or 'no Content-Type'} that does not parse as "
        f"{' or '.join(f.name for f in formats)}: {problem}"
    )


def publish_graph(
    dump: Path, endpoint: str, *, graph: str = DEFAULT_GRAPH, auth: str | None = None, timeout: float = 120.0
) -> PublishResult:
    """Replace ``graph`` in the store at ``endpoint`` with the N-Triples in ``dump`` and check the count."""
    try:
        return _publish(dump, endpoint, graph, auth, timeout)
    except PolicyKGError as error:  # no message shows credentials, whatever URL it quotes
        error.message = redact(error.message)
        raise


def _publish(dump: Path, endpoint: str, graph: str, auth: str | None, timeout: float) -> PublishResult:
    """:func:`publish_graph`, whose messages may still quote credentials."""
    endpoint, credentials = split_endpoint(endpoint, auth)
    if not 0 < timeout <= 1e6:
        raise PolicyKGError(f"--timeout takes 0 to 1000000 seconds, not {timeout:g}", exit_code=EXIT_USAGE)
    if not dump.exists():
        raise PolicyKGError(f"nothing to publish: {dump} is missing; run policykg build first")
    scheme, host, port = origin(endpoint)
    if credentials is not None and scheme == "http" and not is_loopback(host):
        print(
            f"warning: the credentials go to {host}:{port} over plain http, where they can be read (Basic) "
            "or guessed (Digest) on the way; use https",
            file=sys.stderr,
        )
    data = dump.read_bytes()
    sent = len(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
    store = Store(endpoint, credentials, timeout)
    url = graph_url(endpoint, graph)
    if credentials is not None:
        # A store that asks for credentials answers a request without them at once and may close the
        # connection while a large body is still being sent: learn its challenge and try the credentials on
        # a small request first, so a refusal is told as one, not as a broken upload.
        probe = store.send("HEAD", url, {})
        if probe.status in (401, 403):
            store.check(probe, "HEAD")
    # N-Triples is Turtle too, and every Graph Store implementation reads Turtle.
    put = store.send("PUT", url, {"Content-Type": "text/turtle"}, data)
    store.check(put, "PUT")
    get = store.send("GET", url, {"Accept": "application/n-triples, text/turtle;q=0.9"})
    store.check(get, "GET")
    stored = count_triples(get, graph, store.where)
    if stored != sent:
        raise PolicyKGError(f"the store holds {stored} triples in <{graph}> after publishing {sent}")
    return PublishResult(graph, sent, stored, put.status, endpoint)
