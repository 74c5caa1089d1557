"""Query workers: processes that each hold the store, cannot open a network socket, and are replaced when
they pass their time limit or die; and the answer cache, bounded in bytes.

A worker checks the query (:func:`policykg.guard.check_query`: SERVICE refused), runs it on Oxigraph and
writes the answer in the format asked, up to the row cap. On Linux each worker installs a seccomp filter
(https://man7.org/linux/man-pages/man2/seccomp.2.html) that refuses ``socket(AF_INET…)`` and
``socket(AF_INET6…)``: even a query that got past the check could not reach another host.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from ..guard import QueryRefused, check_query, is_update
from ..namespaces import PREFIXES
from ..processes import die_with_parent, isolate
from .results import render_graph, render_solutions


@dataclass(frozen=True)
class Settings:
    """The server's limits, with their documented defaults."""

    timeout: float = 10.0
    """Seconds a query may run before its worker is stopped and replaced."""
    max_rows: int = 10_000
    """Rows (or triples) an answer may have; more are cut off and the answer says so."""
    max_body: int = 1_000_000
    """Bytes a request body (a query) may have."""
    workers: int = 2
    """Queries that run at once, each in its own process."""
    cache: int = 64_000_000
    """Bytes of answers kept for repeated queries (0: none)."""
    body_timeout: float = 10.0
    """Seconds a client may take to send its request body."""
    cors: tuple[str, ...] = ("*",)
    """Origins whose pages may query the endpoint and read the data (``*``: any)."""
    max_answer: int = 50_000_000
    """Bytes an answer may have (about: the text of its terms); more are cut off and the answer says so."""


@dataclass(frozen=True)
class Request:
    """A query as the protocol gives it: its text, the dataset it names (``default-graph-uri`` and
    ``named-graph-uri``; None: the store's) and the media types the answer may take."""

    query: str
    default_graphs: tuple[str, ...] | None
    named_graphs: tuple[str, ...] | None
    solutions_media: str | None
    graph_media: str | None


@dataclass(frozen=True)
class Outcome:
    """What became of a request: ``ok`` with ``media`` and ``body``, or an HTTP ``status`` and a
    ``message``."""

    status: int
    media: str = ""
    body: bytes = b""
    truncated: bool = False
    message: str = ""


def answer(store: ox.Store, request: Request, max_rows: int, max_bytes: int = 50_000_000) -> Outcome:
    """Check and run one request on the store (in a worker); whatever goes wrong is the client's answer,
    never the worker's end."""
    try:
        return _answer(store, request, max_rows, max_bytes)
    except Exception as error:
        return Outcome(400, message=f"the query failed: {type(error).__name__}: {error}")


def _answer(store: ox.Store, request: Request, max_rows: int, max_bytes: int) -> Outcome:
    try:
        check_query(request.query)
    except QueryRefused as refused:
        return Outcome(refused.status, message=str(refused))
    dataset: dict[str, Any] = {}
    if request.default_graphs is not None:
        dataset["default_graph"] = [ox.NamedNode(g) for g in request.default_graphs]
    if request.named_graphs is not None:
        dataset["named_graphs"] = [ox.NamedNode(g) for g in request.named_graphs]
    try:
        result = store.query(request.query, prefixes=PREFIXES, **dataset)
        if isinstance(result, ox.QueryTriples):
            if request.graph_media is None:
                return Outcome(406, message="a CONSTRUCT or DESCRIBE answer is RDF")
            body, truncated = render_graph(result, request.graph_media, max_rows, max_bytes)
            return Outcome(200, request.graph_media, body, truncated)
        if request.solutions_media is None:
            return Outcome(406, message="a SELECT or ASK answer is a table of results")
        body, truncated = render_solutions(result, request.solutions_media, max_rows, max_bytes)
        return Outcome(200, request.solutions_media, body, truncated)
    except SyntaxError as error:
        if is_update(request.query):
            return Outcome(403, message="this endpoint is read-only: updates are refused")
        return Outcome(400, message=f"not valid SPARQL: {error}")
    except Exception as error:  # an evaluation error is the client's answer, not the worker's end
        return Outcome(400, message=f"the query failed: {type(error).__name__}: {error}")


def _work(store: ox.Store, connection: Any, settings: Settings, parent: int) -> None:
    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which stops its workers
    connection.send(isolate())
    while True:
        try:
            if not connection.poll(1.0):
                if os.getppid() != parent:  # the server is gone: so is its worker
                    return
                continue
            request = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(answer(store, request, settings.max_rows, settings.max_answer))


class QueryPool:
    """Worker processes that each hold the store. A query past its time limit stops its worker; a worker
    that dies (a crash in the engine) is replaced; a slot is always given back."""

    def __init__(self, store: ox.Store, settings: Settings) -> None:
        from rdflib.plugins.sparql import parser  # noqa: F401 - the grammar, built once before the forks

        self.store = store
        self.settings = settings
        self.context = multiprocessing.get_context("fork")
        self.lock = threading.Lock()
        self.free: list[tuple[Any, Any]] = []
        self.available = threading.Semaphore(settings.workers)
        self.isolated = True
        self.replaced = 0
        for _ in range(settings.workers):
            self.free.append(self._spawn())

    def _spawn(self) -> tuple[Any, Any]:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_work, args=(self.store, theirs, self.settings, os.getpid()), daemon=True
        )
        process.start()
        theirs.close()
        if not ours.poll(30):  # a worker that never reported would answer the wrong request later
            process.kill()
            process.join()
            raise OSError("a query worker did not start within 30 s")
        self.isolated = ours.recv() and self.isolated
        return process, ours

    def run(self, request: Request) -> Outcome:
        """The outcome of a request, from the first free worker (waiting at most the time limit)."""
        if not self.available.acquire(timeout=self.settings.timeout):
            return Outcome(503, message="all query workers are busy; try again")
        worker = None
        try:
            with self.lock:
                worker = self.free.pop() if self.free else None
            if worker is None:
                worker = self._spawn()
            process, connection = worker
            try:
                connection.send(request)
                if connection.poll(self.settings.timeout):
                    return connection.recv()
                reason = f"the query did not finish within {self.settings.timeout:g} s"
                status = 503
            except (EOFError, OSError):
                reason = "the query stopped the engine (its worker ended); the endpoint goes on"
                status = 500
            process.kill()
            process.join()
            connection.close()
            worker = None
            self.replaced += 1
            return Outcome(status, message=reason)
        except OSError as error:  # no worker could be started (fork failed): the slot is kept for later
            return Outcome(503, message=f"no query worker could be started ({error}); try again")
        finally:
            if worker is None:
                with contextlib.suppress(OSError):
                    worker = self._spawn()
            if worker is not None:
                with self.lock:
                    self.free.append(worker)
            self.available.release()

    def close(self) -> None:
        with self.lock:
            for process, connection in self.free:
                connection.close()
                process.kill()
                process.join()
            self.free.clear()


class AnswerCache:
    """Answers by request, least recently used dropped first, at most ``limit`` bytes in all; an answer
    larger than an eighth of that is not kept."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.entries: OrderedDict[Request, tuple[Any, int]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, request: Request) -> Any:
        with self.lock:
            entry = self.entries.get(request)
            if entry is None:
                return None
            self.entries.move_to_end(request)
            return entry[0]

    def put(self, request: Request, value: Any, size: int) -> None:
        cost = size + len(request.query) + 500
        if cost > self.limit // 8:
            return
        with self.lock:
            if request in self.entries:
                return
            self.entries[request] = (value, cost)
            self.size += cost
            while self.size > self.limit:
                _, (_, dropped) = self.entries.popitem(last=False)
                self.size -= dropped
