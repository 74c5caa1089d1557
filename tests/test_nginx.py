"""Hosting without policykg: deploy/nginx/ on Debian's nginx with the njs module answers a built site as
policykg serve does: 303 by the Accept header (RFC 9110), the data files with their media types, gzip,
validators, the site's 404 page, nothing outside the site; and /sparql proxied to policykg serve.

Needs nginx and its njs module (Debian: apt-get install nginx libnginx-mod-http-js): the tests
skip without them, except in CI, where they fail."""

from __future__ import annotations

import gzip
import http.client
import os
import random
import re
import shutil
import subprocess
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO
from servers import free_port, require, running

from policykg.serve.negotiation import PAGE_OFFERS, VOCABULARY_OFFERS, data_extension, negotiate

DEPLOY = REPO / "deploy" / "nginx"
OWL_API = "application/rdf+xml, application/xml; q=0.9, text/xml; q=0.9, text/plain; q=0.8, */*; q=0.09"
RESOURCE = "https://w3id.org/policykg/id/law/dsa"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".ttl": "text/turtle; charset=utf-8",
    ".jsonld": "application/ld+json; charset=utf-8",
    ".rdf": "application/rdf+xml; charset=utf-8",
    ".nt": "application/n-triples; charset=utf-8",
    ".nq": "application/n-quads; charset=utf-8",
    ".trig": "application/trig; charset=utf-8",
}
FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
}
HOW = "apt-get install nginx libnginx-mod-http-js (Debian)"


def missing(message: str) -> None:
    """Skip, or fail in CI (which installs everything), as servers.require does."""
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (CI must install it)")
    pytest.skip(message)


def nginx_program() -> str:
    """nginx, also where /usr/sbin is not on the PATH (a user's shell on Debian)."""
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").is_file() else None)
    return found or require("nginx", HOW)


def njs_module(program: str) -> str:
    """The load_module line for njs: the module in nginx's modules folder, or none when built in."""
    described = subprocess.run([program, "-V"], capture_output=True, text=True, timeout=30).stderr
    folders = re.findall(r"--modules-path=(\S+)", described) + ["/usr/lib/nginx/modules"]
    for folder in folders:
        module = Path(folder) / "ngx_http_js_module.so"
        if module.is_file():
            return f"load_module {module};"
    if "njs" in described:
        return ""
    missing(f"nginx's njs module is not installed; {HOW}")
    return ""


def nginx_conf(folder: Path, site: Path, port: int, program: str, sparql: str | None = None) -> Path:
    """A complete nginx.conf in ``folder`` serving ``site`` on 127.0.0.1:``port`` with deploy/nginx/ as
    published, the placeholders replaced; with ``sparql`` (policykg serve's URL) /sparql proxied to it."""
    folder.mkdir(parents=True, exist_ok=True)
    server = (DEPLOY / "policykg.conf").read_text(encoding="utf-8")
    if sparql is not None:
        proxy = (DEPLOY / "sparql.conf").read_text(encoding="utf-8")
        assert "http://127.0.0.1:8000;" in proxy
        (folder / "sparql.conf").write_text(proxy.replace("http://127.0.0.1:8000;", sparql + ";"), "utf-8")
        line = "# include /etc/nginx/policykg/sparql.conf;"
        assert line in server
        server = server.replace(line, f"include {folder}/sparql.conf;")
    for placeholder, value in (
        ("root /srv/policykg/dist/site;", f"root {site};"),
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("/etc/nginx/policykg/", f"{DEPLOY}/"),
    ):
        assert placeholder in server, placeholder
        server = server.replace(placeholder, value)
    (folder / "policykg.conf").write_text(server, encoding="utf-8")
    # as root, nginx's workers would run as nobody, who cannot read pytest's folders
    user = "user root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{njs_module(program)}
daemon off;
master_process on;
worker_processes 1;
pid {folder}/nginx.pid;
lock_file {folder}/nginx.lock;
error_log {folder}/error.log warn;
{user}
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/policykg.conf;
}}
""",
        encoding="utf-8",
    )
    return conf


@contextmanager
def nginx_serving(folder: Path, site: Path, sparql: str | None = None) -> Iterator[str]:
    """nginx serving ``site`` with deploy/nginx/ (its configuration checked first, no warning allowed);
    yields its address, host:port."""
    program = nginx_program()
    port = free_port()
    conf = nginx_conf(folder, site, port, program, sparql)
    checked = subprocess.run(
        [program, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf), "-t"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert checked.returncode == 0, checked.stderr
    assert "[warn]" not in checked.stderr and "[emerg]" not in checked.stderr, checked.stderr
    command = [program, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(conf)]
    with running(command, f"http://127.0.0.1:{port}/index.html"):
        yield f"127.0.0.1:{port}"


@pytest.fixture(scope="module")
def dist(built: Path) -> Path:
    return built / "dist"


@pytest.fixture(scope="module")
def nginx(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with nginx_serving(tmp_path_factory.mktemp("nginx"), dist / "site") as address:
        yield address


def fetch(
    address: str,
    path: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: str | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One request as sent (the path not normalised, no redirect followed)."""
    connection = http.client.HTTPConnection(address, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def accept(value: str | None) -> dict[str, str]:
    return {} if value is None else {"Accept": value}


OFFERS = [
    ("text/html", ".html"),
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/rdf+xml", ".rdf"),
    ("application/n-triples", ".nt"),
    ("application/n-quads", ".nq"),
    ("application/trig", ".trig"),
    ("text/n3", ".ttl"),
    ("application/x-turtle", ".ttl"),
    ("text/plain", ".nt"),
    ("application/json", ".jsonld"),
    ("application/xml", ".rdf"),
    ("text/xml", ".rdf"),
]
"""Every offer by its own name and by the other names clients give it, with the file it leads to."""

MATRIX = [
    *[(media, path, path + extension) for path in ("/id/law/dsa", "/def") for media, extension in OFFERS],
    # a page for a browser or any client at /id/, RDF/XML for the vocabulary (W3C recipe)
    (None, "/id/law/dsa", "/id/law/dsa.html"),
    ("*/*", "/id/law/dsa", "/id/law/dsa.html"),
    (None, "/def", "/def.rdf"),
    ("*/*", "/def", "/def.rdf"),
    ("", "/def", "/def.rdf"),
    ("text/html, */*;q=0.1", "/def", "/def.html"),
    # q-values: 0 excludes, the most specific range decides, ties go to the earlier offer
    ("text/html;q=0, */*", "/id/law/dsa", "/id/law/dsa.ttl"),
    ("text/html;q=0, */*", "/def", "/def.rdf"),
    ("text/turtle;q=0.5, application/ld+json", "/id/law/dsa", "/id/law/dsa.jsonld"),
    ("text/turtle;q=0.5, application/ld+json", "/def", "/def.jsonld"),
    ("application/rdf+xml;q=0.5, text/turtle;q=0.4", "/id/law/dsa", "/id/law/dsa.rdf"),
    ("text/*;q=0.9, text/turtle", "/id/law/dsa", "/id/law/dsa.ttl"),
    ("TEXT/Turtle; Q=1.0", "/id/law/dsa", "/id/law/dsa.ttl"),
    # Protégé and the OWL API
    (OWL_API, "/id/law/dsa", "/id/law/dsa.rdf"),
    (OWL_API, "/def", "/def.rdf"),
    # resources deeper down and the folder-and-page pairs (id/strategy/nds/ beside nds.html)
    ("text/turtle", "/id/strategy/nds", "/id/strategy/nds.ttl"),
    ("text/html", "/id/kernboodschap-digitalisering", "/id/kernboodschap-digitalisering.html"),
]


@pytest.mark.parametrize(("accept_header", "path", "location"), MATRIX)
def test_resource_iris_303_to_page_or_data(
    nginx: str, dist: Path, accept_header: str | None, path: str, location: str
) -> None:
    status, headers, _ = fetch(nginx, path, accept(accept_header))
    assert status == 303, (status, accept_header, path)
    assert headers["Location"] == location
    assert "Accept" in headers["Vary"]
    status, headers, _ = fetch(nginx, path, accept(accept_header), method="HEAD")
    assert status == 303 and headers["Location"] == location
    extension = location[location.rindex(".") :]
    status, headers, body = fetch(nginx, location)
    assert status == 200, (location, status)
    assert headers["Content-Type"] == TYPES[extension], location
    if extension == ".html":
        assert body.lstrip().startswith(b"<!DOCTYPE html")
        return
    triples = list(ox.parse(body, format=FORMATS[extension], base_iri="https://w3id.org/policykg/"))
    assert triples, location
    if path == "/id/law/dsa":
        assert any(ox.NamedNode(RESOURCE) in (t.subject, t.object) for t in triples)


def test_every_data_file_is_served_as_its_syntax(nginx: str, dist: Path) -> None:
    """Every data file of a resource by its own address: .nq is the .nt, .trig the .ttl, each under its own
    media type; with .rdf files in the site they must be RDF/XML."""
    site = dist / "site"
    extensions = list(FORMATS)
    for stem in ("/id/law/dsa", "/def", "/id/kernboodschap-digitalisering"):
        expected = {t.triple for t in ox.parse(path=str(site / (stem[1:] + ".nt")), format=FORMATS[".nt"])}
        for extension in extensions:
            status, headers, body = fetch(nginx, stem + extension)
            assert status == 200 and headers["Content-Type"] == TYPES[extension], (stem, extension)
            assert headers["Access-Control-Allow-Origin"] == "*"
            triples = {
                t.triple
                for t in ox.parse(body, format=FORMATS[extension], base_iri="https://w3id.org/policykg/")
            }
            if not any(isinstance(x, ox.BlankNode) for t in expected for x in (t.subject, t.object)):
                assert triples == expected, (stem, extension)
            else:
                assert len(triples) == len(expected), (stem, extension)


@pytest.mark.parametrize(
    ("path", "media"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/index.html", "text/html; charset=utf-8"),
        ("/site.css", "text/css; charset=utf-8"),
        ("/yasgui/yasgui.min.js", "text/javascript; charset=utf-8"),
        ("/yasgui/yasgui.min.css", "text/css; charset=utf-8"),
        ("/downloads/policykg.ttl", "text/turtle; charset=utf-8"),
        ("/downloads/policykg.nt", "application/n-triples; charset=utf-8"),
        ("/downloads/policykg.jsonld", "application/ld+json; charset=utf-8"),
        ("/downloads/void.ttl", "text/turtle; charset=utf-8"),
        ("/analysis/report.md", "text/markdown; charset=utf-8"),
        ("/analysis/report.json", "application/json"),
    ],
)
def test_site_files_with_their_media_types(nginx: str, dist: Path, path: str, media: str) -> None:
    status, headers, body = fetch(nginx, path)
    assert status == 200 and headers["Content-Type"] == media, (path, status, headers["Content-Type"])
    file = dist / "site" / (path.lstrip("/") or "index.html")
    assert body == file.read_bytes()


@pytest.mark.parametrize(
    ("accept_header", "path"),
    [
        ("image/png", "/id/law/dsa"),
        ("image/png", "/def"),
        ("text/turtle;q=0, text/html;q=0, application/*;q=0", "/id/law/dsa"),
        ("text/html;q=0", "/id/law/dsa"),
        ("*/*;q=0", "/def"),
    ],
)
def test_406_lists_what_is_available(nginx: str, accept_header: str, path: str) -> None:
    status, headers, body = fetch(nginx, path, accept(accept_header))
    assert status == 406 and headers["Content-Type"] == "text/plain; charset=utf-8"
    for media, extension in (
        ("text/turtle", ".ttl"),
        ("application/rdf+xml", ".rdf"),
        ("text/html", ".html"),
    ):
        assert f"{media} ({path}{extension})".encode() in body


def expected_location(header: str | None, path: str) -> str | None:
    """Where policykg serve sends a client (src/policykg/serve/negotiation.py), None for 406."""
    media = negotiate(header, VOCABULARY_OFFERS if path == "/def" else PAGE_OFFERS)
    if media is None:
        return None
    return path + (".html" if media in ("text/html", "application/xhtml+xml") else data_extension(media))


def accept_headers() -> list[str]:
    """Accept headers real clients send, odd ones, and random mixtures of ranges, q-values (valid and not)
    and parameters."""
    headers = [
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "application/json, text/plain, */*",
        "text/turtle, application/rdf+xml;q=0.9, application/n-triples;q=0.8, */*;q=0.1",
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded", application/json;q=0.5',
        "text/html;level=1",
        "text/*",
        "application/*",
        "text/*;q=0.5, application/*;q=0.5",
        "*/*;q=0.5, text/turtle;q=0.5",
        "text/turtle;q=2, application/ld+json;q=0.3",
        "text/turtle;q=abc, application/n-triples;q=0.1",
        "text/turtle;q=.5, text/plain;q=0.2",
        "text/turtle;q=-0, text/plain",
        "text/turtle ; q=0.4 , application/n-quads;q=0.40",
        "text/turtle;charset=utf-8",
        "*/*;foo=bar, text/html;q=0",
        "*",
        "*/html",
        "text",
        ",,, text/turtle,,",
        "text/turtle;q",
        "text/turtle;q=1.000;a=b",
        'text/turtle;a="x,y", application/trig',
        "   ",
        "application/trig;q=0.001, application/n-quads;q=0.0011",
    ]
    ranges = [
        *PAGE_OFFERS,
        "text/*",
        "application/*",
        "*/*",
        "image/png",
        "application/xhtml+xml",
        "TEXT/HTML",
        "Application/RDF+XML",
        "text/html;level=1",
        "*/*;x=y",
    ]
    qualities = [
        "",
        ";q=1",
        ";q=0",
        ";q=0.5",
        ";q=0.50",
        ";q=0.9",
        ";q=0.09",
        ";q=1.0",
        " ; q=0.3",
        ";q=2",
        ";q=x",
    ]
    rng = random.Random(9110)
    for _ in range(240):
        items = [rng.choice(ranges) + rng.choice(qualities) for _ in range(rng.randint(1, 5))]
        headers.append(rng.choice([", ", ",", " , "]).join(items))
    return headers


def test_negotiation_is_the_same_as_policykg_serve(nginx: str) -> None:
    """njs's negotiation against serve's own (Werkzeug's RFC 9110 parser) for hundreds of headers."""
    differences = []
    for header in [None, *accept_headers()]:
        for path in ("/id/law/dsa", "/def"):
            status, headers, _ = fetch(nginx, path, accept(header))
            got = headers["Location"] if status == 303 else None if status == 406 else f"status {status}"
            want = expected_location(header, path)
            if got != want:
                differences.append((header, path, got, want))
    assert not differences, differences[:10]


def test_missing_pages_get_the_sites_404_page(nginx: str, dist: Path) -> None:
    page = (dist / "site" / "404.html").read_bytes()
    for path in (
        "/id/law/nothing-here",
        "/id/law/nothing-here.ttl",
        "/nothing.html",
        "/id/law/",
        "/id/law",
        "/id/strategy/nds/",
        "/def/",
        "/id/law/dsa.ttl.ttl",
        "/id/law/dsa.html.ttl",
        "/id/law/nothing.nq",
        "/sparql",
    ):
        status, headers, body = fetch(nginx, path, {"Accept": "text/turtle"})
        assert status == 404, (path, status, headers.get("Location"))
        assert body == page and headers["Content-Type"] == "text/html; charset=utf-8", path


def test_files_are_never_redirected(nginx: str) -> None:
    """No loop: a data file or page answers itself whatever the client accepts."""
    for path in ("/id/law/dsa.ttl", "/id/law/dsa.html", "/def.ttl", "/def.html", "/id/law/dsa.trig"):
        for header in ("text/turtle", "text/html", "image/png", None):
            status, _, _ = fetch(nginx, path, accept(header))
            assert status == 200, (path, header, status)


def test_gzip_when_asked(nginx: str, dist: Path) -> None:
    paths = ["/id/law/dsa.ttl", "/id/law/dsa.nq", "/def.jsonld", "/def.html", "/yasgui/yasgui.min.js"]
    for path in [*paths, "/def.rdf", "/id/law/dsa.rdf"]:
        _, _, plain = fetch(nginx, path)
        status, headers, body = fetch(nginx, path, {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip", path
        assert "Accept-Encoding" in headers["Vary"] and gzip.decompress(body) == plain
        status, headers, body = fetch(nginx, path, {"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in headers and body == plain


def test_validators_give_304(nginx: str) -> None:
    for path in ("/id/law/dsa.ttl", "/def.nq", "/index.html"):
        status, headers, _ = fetch(nginx, path)
        etag, modified = headers["ETag"], headers["Last-Modified"]
        assert status == 200 and etag and modified
        status, _, body = fetch(nginx, path, {"If-None-Match": etag})
        assert status == 304 and body == b"", path
        status, _, _ = fetch(nginx, path, {"If-Modified-Since": modified})
        assert status == 304, path
        status, headers, _ = fetch(nginx, path, {"Accept-Encoding": "gzip"})
        status, _, _ = fetch(nginx, path, {"Accept-Encoding": "gzip", "If-None-Match": headers["ETag"]})
        assert status == 304, path
        status, _, _ = fetch(nginx, path, {"If-None-Match": '"something-else"'})
        assert status == 200, path


def test_paths_never_leak(nginx: str, dist: Path) -> None:
    link = dist / "site" / "id" / "law" / "passwd.ttl"
    link.symlink_to("/etc/passwd")
    try:
        for path in (
            "/id/../../etc/passwd",
            "/id/%2e%2e/%2e%2e/etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/id/law/..%2f..%2f..%2f..%2f..%2fetc/passwd",
            "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
            "/id/..%5c..%5c..%5cetc%5cpasswd",
            "/id/law/passwd.ttl",
            "/id/law/passwd",
            "/id/law/passwd.trig",
        ):
            for header in (None, "text/turtle"):
                status, _, body = fetch(nginx, path, accept(header))
                assert status in (400, 403, 404) and b"root:" not in body, (path, status)
    finally:
        link.unlink()


def test_sparql_proxied_to_policykg_serve(dist: Path, tmp_path: Path) -> None:
    """sparql.conf, included as policykg.conf says, sends /sparql to policykg serve."""
    from policykg.serve import Settings, open_store, start

    served = start(dist / "site", open_store(dist), settings=Settings(timeout=5, max_rows=1000))
    try:
        with nginx_serving(tmp_path / "nginx", dist / "site", sparql=served.url) as address:
            query = urllib.parse.urlencode({"query": "ASK { ?s a pkg:Law }"})
            status, headers, body = fetch(address, "/sparql?" + query)
            assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
            assert b'"boolean":true' in body.replace(b" ", b"")
            status, headers, body = fetch(
                address,
                "/sparql",
                {"Content-Type": "application/x-www-form-urlencoded"},
                method="POST",
                body=query,
            )
            assert status == 200 and b'"boolean":true' in body.replace(b" ", b"")
            status, headers, body = fetch(address, "/sparql", {"Accept": "text/html"})
            assert status == 200 and headers["Content-Type"].startswith("text/html")
            status, headers, _ = fetch(address, "/id/law/dsa", {"Accept": "text/turtle"})
            assert status == 303 and headers["Location"] == "/id/law/dsa.ttl"
    finally:
        served.stop()
