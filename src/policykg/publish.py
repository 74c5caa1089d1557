"""Publish the built graph into any triple store that speaks the SPARQL 1.1 Graph Store HTTP Protocol
(https://www.w3.org/TR/sparql11-http-rdf-update/): Fuseki, Oxigraph, Virtuoso, GraphDB.

The graph replaces the previous version of the named graph (HTTP PUT), then the store is asked for that
graph back (HTTP GET) and the triples are counted: publishing succeeds only when the store holds exactly
as many triples as were sent.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import EXIT_USAGE, PolicyKGError

DEFAULT_GRAPH = "https://w3id.org/policykg/dataset"
"""The named graph the dataset is published into unless another is given."""


@dataclass
class PublishResult:
    """What was sent and what the store holds afterwards."""

    graph: str
    sent: int
    stored: int
    status: int


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph (indirect identification, ``?graph=``).

    >>> graph_url("http://localhost:7878/store", "https://w3id.org/policykg/dataset")
    'http://localhost:7878/store?graph=https%3A%2F%2Fw3id.org%2Fpolicykg%2Fdataset'
    """
    separator = "&" if urllib.parse.urlsplit(endpoint).query else "?"
    return endpoint + separator + urllib.parse.urlencode({"graph": graph})


def make_opener(endpoint: str, auth: str | None) -> urllib.request.OpenerDirector:
    """An HTTP client that answers Basic or Digest challenges with ``user:password``."""
    handlers: list[urllib.request.BaseHandler] = []
    if auth:
        user, sep, password = auth.partition(":")
        if not sep:
            raise PolicyKGError("--auth takes user:password", exit_code=EXIT_USAGE)
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint, user, password)
        handlers += [
            urllib.request.HTTPDigestAuthHandler(passwords),
            urllib.request.HTTPBasicAuthHandler(passwords),
        ]
    return urllib.request.build_opener(*handlers)


def authorization(endpoint: str, url: str, method: str, auth: str | None, timeout: float) -> dict[str, str]:
    """Headers that answer the store's challenge before the upload is sent.

    A store that asks for credentials answers a request without them at once and may close the
    connection while a large body is still being sent; so the challenge is fetched with a small request
    first and the upload carries its answer (Digest, RFC 7616, or Basic).
    """
    if not auth:
        return {}
    user, _, password = auth.partition(":")
    probe = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(probe, timeout=timeout):
            return {}
    except urllib.error.HTTPError as error:
        challenge = error.headers.get("WWW-Authenticate", "")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise PolicyKGError(f"cannot reach the store at {endpoint}: {reason}") from None
    scheme, _, rest = challenge.partition(" ")
    if scheme.lower() == "digest":
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, endpoint, user, password)
        handler = urllib.request.HTTPDigestAuthHandler(passwords)
        fields = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        header = handler.get_authorization(urllib.request.Request(url, method=method), fields)
        return {"Authorization": f"Digest {header}"} if header else {}
    if scheme.lower() == "basic":
        import base64

        return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}
    return {}


def _request(
    opener: urllib.request.OpenerDirector, request: urllib.request.Request, endpoint: str, timeout: float
) -> tuple[int, bytes]:
    try:
        with opener.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        detail = error.read().decode("utf-8", "replace").strip().splitlines()
        reason = f": {detail[0][:200]}" if detail else ""
        hint = " (check --auth)" if error.code in (401, 403) else ""
        raise PolicyKGError(
            f"the store at {endpoint} answered HTTP {error.code} to {request.get_method()}{reason}{hint}"
        ) from None
    except urllib.error.URLError as error:
        raise PolicyKGError(f"cannot reach the store at {endpoint}: {error.reason}") from None
    except (TimeoutError, OSError) as error:
        raise PolicyKGError(f"the store at {endpoint} did not answer: {error}") from None


def publish_graph(
    dump: Path, endpoint: str, *, graph: str = DEFAULT_GRAPH, auth: str | None = None, timeout: float = 120.0
) -> PublishResult:
    """Replace ``graph`` in the store at ``endpoint`` with the N-Triples in ``dump`` and check the count."""
    if not dump.exists():
        raise PolicyKGError(f"nothing to publish: {dump} is missing; run policykg build first")
    if not endpoint.startswith(("http://", "https://")):
        raise PolicyKGError(f"--endpoint must be an http(s) URL, not {endpoint!r}", exit_code=EXIT_USAGE)
    data = dump.read_bytes()
    sent = len(set(ox.parse(data, format=ox.RdfFormat.N_TRIPLES)))
    opener = make_opener(endpoint, auth)
    url = graph_url(endpoint, graph)
    # N-Triples is Turtle too, and every Graph Store implementation reads Turtle.
    if auth:  # try the credentials on a small request, so a refusal is told as one, not as a broken upload
        probe = urllib.request.Request(
            url, method="HEAD", headers=authorization(endpoint, url, "HEAD", auth, timeout)
        )
        try:
            with urllib.request.urlopen(probe, timeout=timeout):
                pass
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                raise PolicyKGError(
                    f"the store at {endpoint} answered HTTP {error.code} to PUT: the credentials were refused (check --auth)"
                ) from None
        except (urllib.error.URLError, OSError) as error:
            raise PolicyKGError(
                f"cannot reach the store at {endpoint}: {getattr(error, 'reason', error)}"
            ) from None
    headers = {"Content-Type": "text/turtle", **authorization(endpoint, url, "PUT", auth, timeout)}
    put = urllib.request.Request(url, data=data, method="PUT", headers=headers)
    status, _ = _request(opener, put, endpoint, timeout)
    get = urllib.request.Request(
        url, method="GET", headers={"Accept": "application/n-triples, text/turtle;q=0.9"}
    )
    _status, body = _request(opener, get, endpoint, timeout)
    try:
        stored = len(set(ox.parse(body, format=ox.RdfFormat.N_TRIPLES)))
    except SyntaxError:
        stored = len(set(ox.parse(body, format=ox.RdfFormat.TURTLE, base_iri=graph)))
    result = PublishResult(graph, sent, stored, status)
    if stored != sent:
        raise PolicyKGError(f"the store holds {stored} triples in <{graph}> after publishing {sent}")
    return result
