"""The site's files over HTTP: safe paths, ``ETag``/``Last-Modified`` with 304 (RFC 9110 §13), gzip kept
ready for small files, and our own error pages."""

from __future__ import annotations

import gzip
import hashlib
import html
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from .negotiation import negotiate

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".rdf": "application/rdf+xml",
    ".jsonld": "application/ld+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".rq": "application/sparql-query",
    ".woff2": "font/woff2",
}
COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/ld+json",
    "application/n-",
    "application/rdf+xml",
    "application/trig",
    "image/svg+xml",
    "application/sparql-query",
)
MAX_PATH = 2048
"""The longest path answered; a longer one gets 414."""
CACHE_CONTROL = "public, max-age=300"
"""Pages and data may be kept five minutes, then checked again with their ETag."""
KEEP_UPTO = 8_000_000
KEPT_BYTES = 256_000_000
STATUS_TEXT = {
    400: "Bad request",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    408: "Request timeout",
    413: "Request too large",
    414: "Address too long",
    415: "Unsupported media type",
    500: "Server error",
    501: "Not implemented",
    503: "Service unavailable",
}


@dataclass(frozen=True)
class Kept:
    """A file as last read: its bytes, a gzip copy where that saves, and its validators."""

    stamp: tuple[int, int]
    body: bytes
    zipped: bytes | None
    etag: str
    modified: str
    media: str


class Files:
    """Files of the site read into memory once (up to 8 MB each, 256 MB in all) and checked against their
    modification time on every request, so a rebuild is served at once."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.kept: OrderedDict[str, Kept] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()
        self.located: dict[str, Path] = {}

    def locate(self, relative: str) -> Path | None:
        """The file a site path names (a folder: its index.html), or None; never outside the site. Found
        paths are remembered (a file's path does not change while served); each is checked again when read."""
        found = self.located.get(relative)
        if found is not None:
            try:
                if found.is_file() and self.root in found.resolve().parents:
                    return found
            except (OSError, ValueError):
                pass
            self.located.pop(relative, None)
        target = self._locate(relative)
        if target is not None:
            with self.lock:
                if len(self.located) > 100_000:
                    self.located.clear()
                self.located[relative] = target
        return target

    def _locate(self, relative: str) -> Path | None:
        if not relative or relative.endswith("/"):
            relative += "index.html"
        parts = relative.split("/")
        if any(p in ("", ".", "..") for p in parts) or "\\" in relative or "\x00" in relative:
            return None
        target = self.root.joinpath(*parts)
        try:
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file() or self.root not in target.resolve().parents:
                return None
        except (OSError, ValueError):
            return None
        return target

    def read(self, path: Path, media: str | None = None) -> Kept | Large:
        """The file's bytes and validators (kept for the next request), or a streamed response for a
        large file."""
        media = media or TYPES.get(path.suffix, "application/octet-stream")
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        key = f"{path}|{media}"
        with self.lock:
            kept = self.kept.get(key)
            if kept is not None and kept.stamp == stamp:
                self.kept.move_to_end(key)
                return kept
        if stat.st_size > KEEP_UPTO:
            return FileResponse(
                path, media_type=media, stat_result=stat, headers={"Cache-Control": CACHE_CONTROL}
            )
        body = path.read_bytes()
        kept = keep(body, media, stat.st_mtime, stamp)
        with self.lock:
            old = self.kept.pop(key, None)
            self.size -= len(old.body) + len(old.zipped or b"") if old else 0
            self.kept[key] = kept
            self.size += len(kept.body) + len(kept.zipped or b"")
            while self.size > KEPT_BYTES and self.kept:
                _, dropped = self.kept.popitem(last=False)
                self.size -= len(dropped.body) + len(dropped.zipped or b"")
        return kept


@dataclass(frozen=True)
class Large:
    """A file too large to keep in memory: sent from disk, with a weak ETag from its size and time."""

    path: Path
    media: str
    stat: os.stat_result

    def response(self, request: Request) -> Response:
        etag = f'W/"{self.stat.st_size:x}-{self.stat.st_mtime_ns:x}"'
        modified = formatdate(self.stat.st_mtime, usegmt=True)
        headers = {"Cache-Control": CACHE_CONTROL, "ETag": etag, "Last-Modified": modified}
        if not_modified(request, etag.removeprefix("W/"), modified):
            return Response(status_code=304, headers=headers)
        return FileResponse(self.path, media_type=self.media, stat_result=self.stat, headers=headers)


def keep(body: bytes, media: str, modified: float, stamp: tuple[int, int] = (0, 0)) -> Kept:
    """Bytes ready to send: a strong ETag from their hash, and a gzip copy of compressible text."""
    zipped = None
    if len(body) > 1024 and media.startswith(COMPRESSIBLE):
        packed = gzip.compress(body, compresslevel=6, mtime=0)
        zipped = packed if len(packed) < len(body) * 0.9 else None
    etag = '"' + hashlib.blake2b(body + media.encode(), digest_size=12).hexdigest() + '"'
    return Kept(stamp, body, zipped, etag, formatdate(modified, usegmt=True), media)


def send(request: Request, kept: Kept, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A kept body as a response: 304 when the client's copy is current (If-None-Match, else
    If-Modified-Since), gzip when the client takes it, no body for HEAD."""
    out = {"Cache-Control": CACHE_CONTROL, "Last-Modified": kept.modified, **(headers or {})}
    vary = ["Accept-Encoding", *([out.pop("Vary")] if "Vary" in out else [])]
    out["Vary"] = ", ".join(vary)
    zipped = kept.zipped is not None and _takes_gzip(request.headers.get("accept-encoding", ""))
    etag = kept.etag[:-1] + '-gz"' if zipped else kept.etag
    out["ETag"] = etag
    if status == 200 and not_modified(request, etag, kept.modified):
        return Response(status_code=304, headers=out)
    body = kept.zipped if zipped and kept.zipped is not None else kept.body
    if zipped:
        out["Content-Encoding"] = "gzip"
    out["Content-Length"] = str(len(body))
    return Response(b"" if request.method == "HEAD" else body, status, headers=out, media_type=kept.media)


def not_modified(request: Request, etag: str, modified: str) -> bool:
    """Whether the client's copy is current (https://www.rfc-editor.org/rfc/rfc9110#name-if-none-match)."""
    if request.method not in ("GET", "HEAD"):
        return False
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        return "*" in tags or etag in tags
    since = request.headers.get("if-modified-since")
    if since:
        try:
            return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def _takes_gzip(header: str) -> bool:
    """Whether an Accept-Encoding header takes gzip (RFC 9110 §12.5.3): named with a quality above 0, or
    else ``*`` with one.

    >>> _takes_gzip("gzip, br"), _takes_gzip("*, gzip;q=0"), _takes_gzip("identity"), _takes_gzip("*")
    (True, False, False, True)
    """
    qualities: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name.strip():
            qualities[name.strip().lower()] = quality
    return qualities.get("gzip", qualities.get("x-gzip", qualities.get("*", 0.0))) > 0


def error_page(
    request: Request, status: int, message: str, headers: dict[str, str] | None = None
) -> Response:
    """Our own error answer: a small page for a browser, one line of text for any other client."""
    title = STATUS_TEXT.get(status, "Error")
    if negotiate(request.headers.get("accept"), ["text/plain", "text/html"]) == "text/html" and not (
        request.url.path.startswith("/sparql") and "text/html" not in request.headers.get("accept", "")
    ):
        depth = max(0, request.url.path.count("/") - 1)
        home = "../" * depth + "index.html"
        body = PAGE.format(
            status=status,
            title=html.escape(title),
            message=html.escape(message),
            home=html.escape(home, quote=True),
        )
        media = "text/html; charset=utf-8"
    else:
        body = f"{message}\n"
        media = "text/plain; charset=utf-8"
    data = body.encode("utf-8")
    out = {"Content-Length": str(len(data)), "Cache-Control": "no-store", **(headers or {})}
    return Response(b"" if request.method == "HEAD" else data, status, headers=out, media_type=media)


PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{status} {title} — policykg</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
a{{color:#0b57d0}}</style></head>
<body><main><h1>{title}</h1><p>{message}</p><p><a href="{home}">The policykg site</a></p></main></body></html>
"""


def modified_time(path: Path) -> float:
    """A file's modification time, for Last-Modified."""
    return os.stat(path).st_mtime
