"""``policykg serve``: the site, resource IRIs with content negotiation, and a read-only SPARQL 1.1
endpoint, on uvicorn (HTTP/1.1 keep-alive, a listen queue of 2048) with the query workers of
:mod:`policykg.serve.pool`.

Modules: :mod:`~policykg.serve.app` (routes and resources), :mod:`~policykg.serve.sparql` (the protocol),
:mod:`~policykg.serve.negotiation`, :mod:`~policykg.serve.static` (files, validators, error pages),
:mod:`~policykg.serve.results` (answer formats) and :mod:`~policykg.serve.pool` (workers and cache).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..errors import PolicyKGError
from .app import Site, listen, make_app, uvicorn_config
from .pool import Settings

__all__ = ["Running", "Settings", "Site", "make_app", "open_store", "serve", "start"]


@dataclass
class Running:
    """A server running in a background thread (for tests and benchmarks): its address and how to stop it."""

    url: str
    site: Site
    server: object
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True  # type: ignore[attr-defined]
        self.thread.join(timeout=10)
        self.site.close()


def start(
    folder: Path, store: ox.Store, *, host: str = "127.0.0.1", port: int = 0, settings: Settings | None = None
) -> Running:
    """Serve in a background thread until :meth:`Running.stop`."""
    import uvicorn

    app, site = make_app(folder, store, settings)
    sock = listen(host, port)
    server = uvicorn.Server(uvicorn_config(app))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    return Running(f"http://{host}:{sock.getsockname()[1]}", site, server, thread)


def serve(
    folder: Path,
    store: ox.Store,
    *,
    host: str,
    port: int,
    settings: Settings,
    announce: Callable[[str, Site], None],
) -> None:
    """Serve until Ctrl-C or SIGTERM; ``announce`` is told the address once listening."""
    import uvicorn

    app, site = make_app(folder, store, settings)
    try:
        sock = listen(host, port)
        server = uvicorn.Server(uvicorn_config(app))
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{sock.getsockname()[1]}/", site)
        server.run(sockets=[sock])
    finally:
        site.close()


def open_store(dist: Path) -> ox.Store:
    """The built graph from ``dist/policykg.nt`` in a fresh in-memory store (its default graph)."""
    dump = dist / "policykg.nt"
    if not dump.exists() or not (dist / "site" / "index.html").exists():
        raise PolicyKGError(
            "nothing to serve yet: run policykg build first (it writes dist/site and the graph)"
        )
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES)
    return store
