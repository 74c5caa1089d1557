"""Benchmark scale: synthetic corpora of growing size, policykg against plain rdflib.

For each size (about 10 thousand, 100 thousand, 1 million and 5 million triples by default; choose with
``--sizes``), a synthetic project is written with ``policykg synth``. Each step then runs as a fresh
process, so that its peak memory is its own:
- load: the project into the embedded store (Oxigraph), against rdflib's own Turtle parser into its
  in-memory store;
- the whole query library: on the embedded store, against rdflib's SPARQL engine, loading excluded;
- validate, ``build --no-views --no-site``, analyze, views and site;
- the work of loading and of the query library: the instructions they execute, counted by Valgrind
  (``load work``, ``library work``, ``library unsorted work``; not run where Valgrind is missing).
  Time per triple rises as the store outgrows the processor's caches; the count shows whether the work
  itself grows faster than the triples;
- loading and the query library as a partitioned store would run them (``load partitioned``, ``library
  partitioned``): in stores of 96 documents each, the 100k corpus's size.

A step that runs past ``--limit`` seconds is stopped and reported as such. Targets at 1 million triples:
load at least 10 times faster than rdflib's parser, the library at least 20 times faster than rdflib's
engine, build under 60 s, peak memory under 2 GB, and cost growing no faster than linearly. The table is
printed and written to ``docs/scale.md`` (with the raw figures in ``bench/results/scale.json``).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import common  # noqa: F401 - sets the import path for the project's src/ and tests/
from common import ROOT, machine

from policykg.project import Project
from policykg.synth import synthesize

DOCUMENTS = {"10k": 4, "100k": 96, "1m": 1030, "5m": 5150}
"""Synthetic documents per size: the shared register and the ontology are about 7,000 triples, a document
about 965."""

LOAD = """
import os, sys, time
from pathlib import Path
from policykg.project import Project
from policykg.load import load_project
if os.environ.get("BENCH_BASELINE"):
    os._exit(0)
started = time.perf_counter()
loaded = load_project(Project(Path(sys.argv[1])))
print(time.perf_counter() - started, len(loaded.store), flush=True)
os._exit(0)  # without freeing the store, as the command line does, and as the baseline has none to free
"""

RDFLIB_LOAD = """
import sys, time
from pathlib import Path
import rdflib
started = time.perf_counter()
graph = rdflib.Graph()
root = Path(sys.argv[1])
for path in sorted((root / "ontology").glob("*.ttl")) + sorted((root / "graphs").rglob("*.ttl")):
    if path.name != "shapes.ttl":
        graph.parse(path, format="turtle")
print(time.perf_counter() - started, len(graph))
"""

LIBRARY = """
import os, sys, time
from pathlib import Path
from policykg.project import Project
from policykg.load import load_project
from policykg.library import list_queries
from policykg.query import EmbeddedEngine, prepare
project = Project(Path(sys.argv[1]))
engine = EmbeddedEngine(load_project(project).store)
queries = [prepare(q)[0] for q in list_queries(project.queries_dir)]
if sys.argv[2:3] == ["unsorted"]:
    sys.path.insert(0, sys.argv[3])
    from bench_scale import unsorted
    queries = [unsorted(q) for q in queries]
if os.environ.get("BENCH_BASELINE"):
    os._exit(0)
started = time.perf_counter()
for sparql in queries:
    engine.answer(sparql)
print(time.perf_counter() - started, len(queries), flush=True)
os._exit(0)  # the store and the answers are not freed: the baseline would free only the store
"""

PARTITIONS = """
import sys, time
from pathlib import Path
import pyoxigraph as ox
from policykg.load import LoadedGraph, add_source_texts
from policykg.project import Project
project = Project(Path(sys.argv[1]))
size = int(sys.argv[2])
documents = {}
for path in project.graph_files():
    documents.setdefault(path.relative_to(project.graphs_dir).parts[0], []).append(path)
shared = project.ontology_files() + documents.pop("shared")
batches = list(documents.values())
started = time.perf_counter()
partitions, triples = [], 0
for first in range(0, len(batches), size):
    store = ox.Store()
    for files in [shared, *batches[first : first + size]]:
        for path in files:
            uri = path.resolve().as_uri()
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=uri, to_graph=ox.NamedNode(uri))
    partition = LoadedGraph(project, store)
    add_source_texts(partition)
    partitions.append(partition)
    triples += len(store)
loaded = time.perf_counter() - started
"""
"""A partitioned store's loading: the documents in stores of ``size`` documents each, every store with the
ontology and the shared register, as :func:`policykg.load.load_project` loads one store; all are kept."""

LOAD_PARTITIONED = (
    PARTITIONS
    + """
print(loaded, triples, len(partitions))
"""
)

LIBRARY_PARTITIONED = (
    PARTITIONS
    + """
from policykg.library import list_queries
from policykg.query import EmbeddedEngine, prepare
queries = [prepare(q)[0] for q in list_queries(project.queries_dir)]
engines = [EmbeddedEngine(partition.store) for partition in partitions]
started = time.perf_counter()
for engine in engines:  # one partition after the other, so that each stays close to the processor
    for sparql in queries:
        engine.answer(sparql)
print(time.perf_counter() - started, len(queries), len(partitions))
"""
)
"""The query library on each partition in turn, the whole library on one before the next: what a
partitioned store would spend before merging the partitions' answers. Merging is not done; answers
across documents, such as counts per institution, would need it."""

STORE = """
import sys, time
from pathlib import Path
from policykg.project import Project
from policykg.load import load_project
loaded = load_project(Project(Path(sys.argv[1])))
triples = len(loaded)
probes = {
    # one pass over every triple, in index order
    "scan": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    # a lookup in an index per intervention and per priority
    "join": "SELECT (COUNT(*) AS ?n) WHERE { ?i a pkg:Intervention ; pkg:underPriority ?p . ?p rdfs:label ?l }",
}
started_all = time.perf_counter()
figures = []
for sparql in probes.values():
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        loaded.select(sparql)
        best = min(best, time.perf_counter() - started)
    figures.append(best / triples * 1e9)
print(time.perf_counter() - started_all, *(f"{f:.0f}" for f in figures))
"""
"""Oxigraph's own cost per triple, best of three: a scan of every triple, and a join through its indexes."""

RDFLIB_LIBRARY = """
import os, resource, signal, sys, time
from pathlib import Path
import rdflib
from policykg.project import Project
from policykg.library import list_queries
from policykg.query import prepare
project = Project(Path(sys.argv[1]))
limit = float(sys.argv[2])
graph = rdflib.Graph()
for path in project.ontology_files() + project.graph_files():
    graph.parse(path, format="turtle")
queries = [prepare(q)[0] for q in list_queries(project.queries_dir)]
total, stopped = 0.0, 0
for sparql in queries:
    # each query in a forked child with a time limit and 4 GiB more memory than the loaded graph: rdflib's engine can run a
    # query for a very long time and grow without bound, and one such query must not stop the rest
    started = time.perf_counter()
    child = os.fork()
    if child == 0:
        size = int(open("/proc/self/statm").read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (size + (4 << 30), size + (4 << 30)))
        signal.alarm(int(limit))
        list(graph.query(sparql))
        os._exit(0)
    _pid, status = os.waitpid(child, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        stopped += 1
        seconds = max(seconds, limit) if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGALRM else seconds
    total += seconds
print(total, len(queries), stopped)
"""


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


ORDER_BY = re.compile(r"^ORDER BY\b[^\n]*\n?", re.MULTILINE | re.IGNORECASE)


def unsorted(sparql: str) -> str:
    """The query without its ORDER BY clause, to time what sorting its answer costs (the library's
    queries end with one, on a line of its own, and have no LIMIT for the order to matter to).

    >>> unsorted("SELECT ?s WHERE { ?s ?p ?o }\\nORDER BY ?s\\n")
    'SELECT ?s WHERE { ?s ?p ?o }\\n'
    """
    stripped = ORDER_BY.sub("", sparql)
    body = "\n".join(line for line in stripped.splitlines() if not line.lstrip().startswith("#"))
    if re.search(r"\bORDER\s+BY\b", body, re.IGNORECASE) or re.search(r"\bLIMIT\b", body):
        raise ValueError("unsorted: an ORDER BY not on a line of its own, or a LIMIT the order matters to")
    return stripped


def python(code: str, root: Path) -> list[str]:
    return [sys.executable, "-c", code, str(root)]


def policykg(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "policykg.cli", "--root", str(root), *args]


def tree_memory(pid: int) -> int:
    """The memory (KiB) of a process and all its descendants: their proportional set sizes summed, from
    /proc/PID/smaps_rollup, so a page that forked workers share with their parent counts once, split
    between them (resident sets summed would count it once per process)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        parents[int(entry.name)] = int(fields.get("PPid", "0").strip())
    tree, grown = {pid}, True
    while grown:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        grown = bool(more)
        tree |= more
    total = 0
    for member in tree:
        try:
            rollup = Path(f"/proc/{member}/smaps_rollup").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:")), 0)
    return total


def fastest(runs: list[dict]) -> dict:
    """The fastest of a step's runs (see :func:`measure`), with every run's time and the largest peak
    memory; a run that failed or ran out of time is what is reported.

    >>> fastest([{"seconds": 3.0, "peak_mib": 90}, {"seconds": 2.5, "peak_mib": 80}])
    {'seconds': 2.5, 'peak_mib': 90, 'runs': [3.0, 2.5]}
    >>> fastest([{"seconds": 3.0, "peak_mib": 90}, {"timeout": 900, "peak_mib": 95}])
    {'timeout': 900, 'peak_mib': 95}
    """
    done = [r for r in runs if "seconds" in r]
    if len(done) < len(runs):
        return next(r for r in runs if "seconds" not in r)
    best = min(done, key=lambda r: r["seconds"])
    if len(runs) == 1:
        return best
    return best | {"runs": [r["seconds"] for r in done], "peak_mib": max(r["peak_mib"] for r in runs)}


def measure(args: list[str], limit: float) -> dict:
    """Run a step as its own process, with wall time, its own printed figure and peak memory (MiB): the
    larger of its own peak resident set and the memory of it and its worker processes together (see
    :func:`tree_memory`), sampled every 0.2 s."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    timer = threading.Timer(limit, process.kill)
    timer.start()
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], tree_memory(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _pid, status, usage = os.wait4(process.pid, 0)
    finally:
        timer.cancel()
        done.set()
        sampler.join()
    wall = time.perf_counter() - started
    out, err = process.stdout.read(), process.stderr.read()
    result = {
        "wall": round(wall, 3),
        "peak_mib": round(max(usage.ru_maxrss, peak[0]) / 1024),
        "memory": "pss",
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "run": RUN,
    }
    code = os.waitstatus_to_exitcode(status)
    if wall >= limit and code != 0:
        return {**result, "timeout": limit}
    if code != 0:
        return {**result, "error": (err or out).strip().splitlines()[-1:]}
    figure = out.strip().split()
    result["seconds"] = round(float(figure[0]), 3) if figure and _number(figure[0]) else round(wall, 3)
    result["out"] = out.strip()[-200:]
    return result


def read_cachegrind(text: str) -> int:
    """The instructions a run executed, from the ``summary:`` line of a Cachegrind output file
    (https://valgrind.org/docs/manual/cg-manual.html).

    >>> read_cachegrind("desc: --cache-sim=no\\ncmd: python\\nevents: Ir\\nfl=x.c\\n1 5\\nsummary: 1607080546\\n")
    1607080546
    """
    for line in text.splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise ValueError("not a Cachegrind output file: it has no summary line")


def count_instructions(args: list[str], limit: float, baseline: bool = False) -> int:
    """The instructions a process executes, counted by Valgrind's Cachegrind with its cache simulation
    off. With ``baseline``, the step's script stops just before its measured part (``BENCH_BASELINE``)."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "cachegrind.out"
        # one hash seed for both runs, so that start-up does the same work in each
        environment = os.environ | {"PYTHONHASHSEED": "0"} | ({"BENCH_BASELINE": "1"} if baseline else {})
        subprocess.run(
            ["valgrind", "-q", "--tool=cachegrind", "--cache-sim=no", f"--cachegrind-out-file={out}", *args],
            capture_output=True,
            text=True,
            timeout=limit,
            check=True,
            env=environment,
        )
        return read_cachegrind(out.read_text(encoding="utf-8"))


def measure_work(args: list[str], limit: float) -> dict:
    """The work of a step: the instructions its process executes, less those of the same process stopped
    just before the step (interpreter start-up, imports and, for the query library, loading); both end
    without freeing what they hold. Unlike time, this count depends neither on the machine's speed nor on
    how well the step's memory fits the processor's caches, so it tells work that grows faster than the
    triples from memory that gets slower to reach."""
    if shutil.which("valgrind") is None:
        return {"skipped": "Valgrind is not installed (Debian: apt-get install valgrind)"}
    result = {"run": RUN}
    started = time.perf_counter()
    try:
        total = count_instructions(args, limit)
        before = count_instructions(args, limit, baseline=True)
    except subprocess.TimeoutExpired:
        return {**result, "timeout": limit}
    except subprocess.CalledProcessError as error:
        return {**result, "error": (error.stderr or error.stdout or "").strip().splitlines()[-1:]}
    return {
        **result,
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "instructions": total - before,
        "wall": round(time.perf_counter() - started, 3),
    }


RUN = time.strftime("%Y-%m-%d %H:%M")
"""This invocation, by the minute it started: each cell records it, so cells from different runs can be
told apart in the report."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1m,5m", help="which sizes (default 10k,100k,1m,5m)")
    parser.add_argument("--limit", type=float, default=900, help="seconds a step may take (default 900)")
    parser.add_argument(
        "--query-limit", type=float, default=60, help="seconds one query may take on rdflib (default 60)"
    )
    parser.add_argument(
        "--work-limit",
        type=float,
        default=4 * 3600,
        help="seconds each of the two runs that count a step's instructions may take under Valgrind, "
        "about 20 to 40 times the step's own time (default 14400)",
    )
    parser.add_argument(
        "--rdflib-upto",
        default="1m",
        help="the largest size at which rdflib's parser and engine are measured too (default 1m: at 5m "
        "its engine would take hours and its store about 10 GB)",
    )
    parser.add_argument(
        "--steps",
        help="measure only these steps (comma-separated) and merge them into bench/results/scale.json",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run each of policykg's steps this many times and keep the fastest (default 1), in rounds "
        "that each measure every size once: on a shared machine one run can take twice as long as the "
        "next, and rounds keep that drift out of the ratios between sizes",
    )
    parser.add_argument(
        "--replot",
        action="store_true",
        help="only rewrite docs/scale.md and its chart from bench/results/scale.json",
    )
    args = parser.parse_args()
    if args.replot:
        write_results(json.loads((ROOT / "bench" / "results" / "scale.json").read_text(encoding="utf-8")))
        return
    saved = ROOT / "bench" / "results" / "scale.json"
    try:
        chosen, sizes = check_choices(args.steps, args.sizes, args.rdflib_upto)
    except ValueError as error:
        parser.error(str(error))
    if args.repeat < 1:
        parser.error(f"--repeat {args.repeat}: each step runs at least once")
    measured: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as folder:
        roots = {size: Path(folder) / size for size in sizes}
        for size, root in roots.items():
            synthesize(Project(ROOT), root, DOCUMENTS[size], seed=1)
        os.sync()  # the corpora just written go to disk now, not while the first step is measured
        runs: dict[str, dict[str, list[dict]]] = {size: {} for size in sizes}
        # round after round, each measuring every size once: a size's fastest run and another's then come
        # from the machine at the same speed, so their ratio does not take its drift for growth
        for turn in range(args.repeat):
            for size, root in roots.items():
                commands = step_commands(root, args, rdflib=DOCUMENTS[size] <= DOCUMENTS[args.rdflib_upto])
                for name in chosen:
                    if turn and (name in WORK_STEPS or "rdflib" in name):
                        continue  # counted once: instructions do not vary, and rdflib is measured once
                    if name in WORK_STEPS:
                        result = measure_work(commands[name], args.work_limit)
                    elif commands[name] is None:
                        result = {"skipped": f"above --rdflib-upto {args.rdflib_upto}"}
                    else:
                        result = measure(*commands[name])
                    runs[size].setdefault(name, []).append(result)
                print(f"round {turn + 1} of {args.repeat}: {size} measured", flush=True)
        for size in sizes:
            row = {name: fastest(step_runs) for name, step_runs in runs[size].items()}
            if "seconds" in row.get("rdflib library", {}):
                row["rdflib library"]["query_limit"] = args.query_limit
            for name in ("load partitioned", "library partitioned"):
                if "seconds" in row.get(name, {}):
                    row[name]["documents_per_store"] = DOCUMENTS["100k"]
            for step in row.values():
                if "runs" in step:
                    step["rounds"] = args.repeat
            measured[size] = row
            print(size, json.dumps(row), flush=True)
    # read only now, so that runs of other steps or sizes that ended meanwhile are kept
    results = json.loads(saved.read_text(encoding="utf-8")) if saved.exists() else {}
    write_results(merge_results(results, measured))


def step_commands(root: Path, args: argparse.Namespace, rdflib: bool) -> dict:
    """Each step's command on the corpus at ``root`` with its time limit (the counted steps: the command
    alone); rdflib's steps are None unless ``rdflib``."""
    commands = {
        "load": (python(LOAD, root), args.limit),
        "rdflib load": (python(RDFLIB_LOAD, root), args.limit) if rdflib else None,
        "library": (python(LIBRARY, root), args.limit),
        "library unsorted": (python(LIBRARY, root) + ["unsorted", str(ROOT / "bench")], args.limit),
        "rdflib library": (python(RDFLIB_LIBRARY, root) + [str(args.query_limit)], args.limit * 4)
        if rdflib
        else None,
        "validate": (policykg(root, "validate"), args.limit),
        "build": (policykg(root, "build", "--no-views", "--no-site"), args.limit),
        "analyze": (policykg(root, "analyze"), args.limit),
        "views": (policykg(root, "views"), args.limit),
        "site": (policykg(root, "site"), args.limit),
        "store": (python(STORE, root), args.limit),
        "load partitioned": (python(LOAD_PARTITIONED, root) + [str(DOCUMENTS["100k"])], args.limit),
        "library partitioned": (python(LIBRARY_PARTITIONED, root) + [str(DOCUMENTS["100k"])], args.limit),
    }
    return commands | {f"{name} work": commands[name][0] for name in ("load", "library", "library unsorted")}


def check_choices(steps: str | None, sizes: str, rdflib_upto: str) -> tuple[list[str], list[str]]:
    """The steps and sizes asked for, or ValueError naming what is not one, before anything is measured.

    >>> check_choices("load, library work", "100k,1m", "1m")
    (['load', 'library work'], ['100k', '1m'])
    >>> check_choices(None, "10k", "1m")[0] == [*STEPS, *WORK_STEPS]
    True
    """
    chosen = [name.strip() for name in steps.split(",")] if steps else [*STEPS, *WORK_STEPS]
    unknown = [name for name in chosen if name not in STEPS and name not in WORK_STEPS]
    if unknown:
        raise ValueError(f"no such step: {', '.join(unknown)} (steps: {','.join([*STEPS, *WORK_STEPS])})")
    wanted = [size.strip() for size in sizes.split(",")]
    for size in [*wanted, rdflib_upto]:
        if size not in DOCUMENTS:
            raise ValueError(f"no such size: {size} (sizes: {','.join(DOCUMENTS)})")
    return chosen, wanted


def merge_results(results: dict, measured: dict) -> dict:
    """The saved results with this run's cells in place of theirs; each size's triples counted by its
    loading step.

    >>> merge_results({"1m": {"load": {"seconds": 3, "out": "3 999822"}, "triples": 999822}},
    ...               {"1m": {"analyze": {"seconds": 19}}, "5m": {"load": {"seconds": 16, "out": "16 4968717"}}})
    {'1m': {'load': {'seconds': 3, 'out': '3 999822'}, 'triples': 999822, 'analyze': {'seconds': 19}}, '5m': {'load': {'seconds': 16, 'out': '16 4968717'}, 'triples': 4968717}}
    """
    merged = {size: dict(row) for size, row in results.items()}
    for size, cells in measured.items():
        row = merged.setdefault(size, {})
        row.update(cells)
        load = row.get("load", {})
        row["triples"] = int(load["out"].split()[1]) if "seconds" in load else row.get("triples")
    return merged


STEPS = [
    "load",
    "rdflib load",
    "library",
    "library unsorted",
    "rdflib library",
    "validate",
    "build",
    "analyze",
    "views",
    "site",
    "store",
    "load partitioned",
    "library partitioned",
]
"""The steps timed, in the order they run."""

WORK_STEPS = ["load work", "library work", "library unsorted work"]
"""The steps whose instructions are counted (see :func:`measure_work`)."""


def cell(step: dict, name: str) -> str:
    if "skipped" in step:
        return "not run"
    if "timeout" in step:
        return f"> {step['timeout']:.0f} s"
    if "error" in step:
        return "failed"
    text = f"{step['seconds']:.2f} s, {step['peak_mib']} MiB" + (
        " PSS" if step.get("memory") == "pss" else ""
    )
    parts = step.get("out", "").split()
    if name == "rdflib library" and len(parts) == 3 and parts[2] != "0":
        limit = f"the {step['query_limit']:.0f} s limit" if "query_limit" in step else "the limit"
        text = f"≥ {text} ({parts[2]} of {parts[1]} queries stopped at {limit})"
    return text


def plot_growth(results: dict) -> bool:
    """The cost curve: seconds per step against triples, log-log, with a line of slope one for linear
    growth; written to docs/scale.svg. False when fewer than two sizes were measured."""
    sized = {size: row for size, row in results.items() if row.get("triples")}
    if len(sized) < 2:
        return False
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "policykg", "svg.fonttype": "path"})
    figure, axis = plt.subplots(figsize=(7, 4.5))
    for step in (
        "load",
        "library",
        "validate",
        "build",
        "analyze",
        "views",
        "site",
        "rdflib load",
        "rdflib library",
    ):
        points = [
            (row["triples"], row[step]["seconds"])
            for row in sized.values()
            if row.get(step, {}).get("seconds")
        ]
        if len(points) >= 2:
            axis.plot(
                *zip(*sorted(points), strict=True),
                marker="o",
                label=step,
                linestyle="--" if "rdflib" in step else "-",
            )
    smallest = min(row["triples"] for row in sized.values())
    largest = max(row["triples"] for row in sized.values())
    axis.plot(
        [smallest, largest], [0.1, 0.1 * largest / smallest], color="#999", linewidth=0.8, label="linear"
    )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("triples")
    axis.set_ylabel("seconds")
    axis.legend(frameon=False, fontsize=8)
    axis.spines[["top", "right"]].set_visible(False)
    figure.savefig(ROOT / "docs" / "scale.svg", format="svg", metadata={"Date": None}, bbox_inches="tight")
    plt.close(figure)
    return True


def write_results(results: dict) -> None:
    """Write the raw figures to bench/results/scale.json (first, so that they outlive a failure to
    report them), then the report to docs/scale.md and its chart."""
    out = ROOT / "bench" / "results" / "scale.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    # the main table: the steps every size is measured by; the others have growth rows or tables of their own
    steps = [
        s for s in STEPS if s not in ("library unsorted", "store", "load partitioned", "library partitioned")
    ]
    lines = [
        "# Scale: synthetic corpora, policykg against plain rdflib",
        "",
        f"Measured with `make bench-scale` (`bench/bench_scale.py`) on {machine(dated=False)}. Each cell is the step's own",
        "time (loading excluded for the query library) and its peak memory, its worker processes included:",
        "marked PSS, their proportional set sizes summed (a page processes share counts once)"
        + (
            "; unmarked, from runs before PSS was measured, their resident sets summed (an upper bound)."
            if any(
                "seconds" in step and step.get("memory") != "pss"
                for row in results.values()
                for step in row.values()
                if isinstance(step, dict)
            )
            else "."
        ),
        "rdflib's engine runs each query with a time limit; where queries hit it, its total is a lower bound, and so",
        "is the ratio. Views and site run as they do by default: above 50 documents the views per priority",
        "are left to `views --document`, and above 20,000 resources the site writes pages for the",
        "documents and what they share while `serve` renders the rest on request ([corpora.md](corpora.md)).",
    ]
    repeated = [
        step for row in results.values() for step in row.values() if isinstance(step, dict) and "runs" in step
    ]
    repeats = sorted({len(step["runs"]) for step in repeated})
    if repeats:
        lines += [
            "Where a step ran more than once ("
            + (
                f"{', '.join(map(str, repeats[:-1]))} or {repeats[-1]}"
                if len(repeats) > 1
                else str(repeats[0])
            )
            + " times, as marked in",
            "`bench/results/scale.json`), its time is the fastest run and its memory the largest: on this shared",
            "machine one run of a step can take up to twice as long as the next.",
        ]
        if any("rounds" in step for step in repeated):
            lines.append(
                "Runs marked `rounds` went in rounds, each measuring every size once, so that the sizes compared"
                " ran at the machine's same speed"
                + (
                    "; the others ran one size's repeats one after another."
                    if any("rounds" not in step for step in repeated)
                    else "."
                )
            )
    lines += [
        "",
        "| size | triples | " + " | ".join(steps) + " |",
        "| --- | ---: | " + " | ".join("---:" for _ in steps) + " |",
    ]
    for size, row in results.items():
        lines.append(
            f"| {size} | {row.get('triples') or '–'} | "
            + " | ".join(cell(row.get(s, {"skipped": 1}), s) for s in steps)
            + " |"
        )
    lines += measured_lines(results, [*STEPS, *WORK_STEPS])
    lines.append("")
    for size, row in results.items():
        load, rdflib_load = row.get("load", {}), row.get("rdflib load", {})
        library, rdflib_library = row.get("library", {}), row.get("rdflib library", {})
        if "seconds" in load and "seconds" in rdflib_load:
            lines.append(
                f"- {size}: loading is {rdflib_load['seconds'] / load['seconds']:.1f} times faster than rdflib's parser."
            )
        if "seconds" in library and "seconds" in rdflib_library:
            stopped = rdflib_library.get("out", "").split()[2:3] not in ([], ["0"])
            ratio = rdflib_library["seconds"] / library["seconds"]
            bound = "at least " if stopped else ""
            lines.append(
                f"- {size}: the query library is {bound}{ratio:.0f} times faster than rdflib's engine."
            )
    lines += growth_lines(
        results,
        [
            steps[0],
            "load partitioned",
            *steps[1:3],
            "library unsorted",
            "library partitioned",
            *steps[3:],
            *WORK_STEPS,
        ],
    )
    lines += work_lines(results)
    lines += store_lines(results)
    if plot_growth(results):
        lines += ["", "![Seconds per step against triples, both on log scales](scale.svg)", ""]
    text = "\n".join(lines) + "\n"
    print(text)
    (ROOT / "docs" / "scale.md").write_text(text, encoding="utf-8")


def measured_lines(results: dict, steps: list[str]) -> list[str]:
    """Which run measured which cells: runs by the minute they started (cells from before runs were
    recorded, by the day or minute they were measured), each with its steps and sizes."""
    runs: dict[str, dict[str, list[str]]] = {}
    for size, row in results.items():
        for step in steps:
            cell = row.get(step, {})
            if figure(cell) is not None:
                run = cell.get("run") or cell.get("date") or "not recorded"
                runs.setdefault(run, {}).setdefault(step, []).append(size)
    if not runs:
        return []
    lines = ["", "Runs, by the time they started:", ""]
    for run in sorted(runs):
        measured = "; ".join(f"{step} at {', '.join(sizes)}" for step, sizes in runs[run].items())
        lines.append(f"- {run}: {measured}")
    return lines


def store_lines(results: dict) -> list[str]:
    """Oxigraph's cost per triple at each size: a scan, and a join through its indexes."""
    probed = [
        (size, row["store"]["out"].split()[1:3])
        for size, row in results.items()
        if "seconds" in row.get("store", {})
    ]
    if not probed:
        return []
    return [
        "",
        "The store itself, in nanoseconds per triple (best of three): a scan of every triple, and a join that",
        "looks each intervention's priority and label up in Oxigraph's indexes.",
        "",
        "| size | scan | join |",
        "| --- | ---: | ---: |",
        *(f"| {size} | {scan} ns | {join} ns |" for size, (scan, join) in probed),
    ]


def figure(cell: dict) -> float | None:
    """What a cell measured: seconds for a timed step, instructions for a counted one (None if neither,
    or if it is not above zero, which no growth can be computed from)."""
    value = cell.get("seconds", cell.get("instructions"))
    return value if value is not None and value > 0 else None


def growth_lines(results: dict, steps: list[str]) -> list[str]:
    """How each step's cost grew against the triples, size to size and from 100k to the largest size it
    finished at: the cost factor over the triple factor (1.0 is linear growth), and the exponent b of
    cost ~ triples^b between those two sizes (1.0 is linear). The cost is the time, or for the steps of
    :data:`WORK_STEPS` the instructions counted."""
    sized = sorted(
        ((size, row) for size, row in results.items() if row.get("triples")),
        key=lambda item: item[1]["triples"],
    )
    base = results.get("100k")
    if not base or not base.get("triples"):
        return []
    above = [(size, row) for size, row in sized if row["triples"] > base["triples"]]
    spans = list(zip([("100k", base), *above], above, strict=False))
    header = [f"{a} → {b}" for (a, _), (b, _) in spans]
    notes = []
    if "library unsorted" in steps and "seconds" in base.get("library unsorted", {}):
        notes.append(
            "`library unsorted` runs the same queries with their `ORDER BY` clauses left out, to show what"
            " sorting the answers costs"
        )
    if "load partitioned" in steps and "seconds" in base.get("load partitioned", {}):
        notes.append(
            f"`load partitioned` loads the same corpus into stores of"
            f" {base['load partitioned'].get('documents_per_store', DOCUMENTS['100k'])} documents each (the"
            " 100k corpus's size), each with the ontology and the shared register, as a partitioned store would"
        )
    if "library partitioned" in steps and "seconds" in base.get("library partitioned", {}):
        notes.append(
            "`library partitioned` runs the query library on each of those stores in turn, without merging"
            " their answers: a lower bound on what a partitioned store would spend, since a query across"
            " documents sees one store at a time"
        )
    if any("instructions" in base.get(step, {}) for step in steps):
        notes.append("the `work` rows compare the instructions counted, not the time")
    lines = [
        "",
        "Growth of each step's time per triple, from one size to the next and from 100k to the largest size it",
        "finished at (1.00 is linear growth; below is better), with the exponent b of time ∝ triples^b over",
        "that whole span"
        + ("".join(f". {note[0].upper()}{note[1:]}" for note in notes) + ":" if notes else ":"),
        "",
        "| step | " + " | ".join(header) + " | 100k → largest | b |",
        "| --- | " + " | ".join("---:" for _ in header) + " | ---: | ---: |",
    ]
    for step in steps:
        if figure(base.get(step, {})) is None or step.startswith("rdflib"):
            continue
        cells = []
        for (_, low), (_, high) in spans:
            if figure(low.get(step, {})) and figure(high.get(step, {})):
                factor = figure(high[step]) / figure(low[step])
                cells.append(f"{factor / (high['triples'] / low['triples']):.2f}")
            else:
                cells.append("–")
        done = [row for _, row in above if figure(row.get(step, {}))]
        if not done:
            continue
        top = done[-1]
        cost_factor = figure(top[step]) / figure(base[step])
        triple_factor = top["triples"] / base["triples"]
        exponent = math.log(cost_factor) / math.log(triple_factor)
        lines.append(
            f"| {step} | "
            + " | ".join(cells)
            + f" | {cost_factor:.1f}× for {triple_factor:.1f}× ({cost_factor / triple_factor:.2f}) | {exponent:.2f} |"
        )
    return lines


def work_lines(results: dict) -> list[str]:
    """The instructions per triple of the counted steps at each size (see :func:`measure_work`)."""
    counted = [
        (size, row)
        for size, row in results.items()
        if row.get("triples") and any("instructions" in row.get(s, {}) for s in WORK_STEPS)
    ]
    if not counted:
        return []
    lines = [
        "",
        "Work per triple: the instructions a step executes, counted by Valgrind's Cachegrind, less those of",
        "the same process stopped just before the step (start-up, imports and, for the library, loading),",
        "divided by the triples. A count does not depend on how well the step's memory fits the processor's",
        "caches, as its time does.",
        "",
        "| size | " + " | ".join(WORK_STEPS) + " |",
        "| --- | " + " | ".join("---:" for _ in WORK_STEPS) + " |",
    ]
    for size, row in counted:
        cells = [
            f"{row[s]['instructions'] / row['triples']:,.0f}" if "instructions" in row.get(s, {}) else "–"
            for s in WORK_STEPS
        ]
        lines.append(f"| {size} | " + " | ".join(cells) + " |")
    return lines


if __name__ == "__main__":
    main()
