"""The scale benchmark's report: growth per triple, the fitted exponent and when each cell was measured."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import bench_scale  # noqa: E402
from conftest import ROOT  # noqa: E402
from servers import require  # noqa: E402

from policykg.library import list_queries  # noqa: E402
from policykg.load import LoadedGraph, load_project  # noqa: E402
from policykg.query import EmbeddedEngine, prepare  # noqa: E402


def _results(seconds: dict[str, list[float]], dates: dict[str, str] | None = None) -> dict:
    triples = {"100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
    return {
        size: {"triples": count}
        | {
            step: {
                "seconds": times[i],
                "peak_mib": 1,
                "date": (dates or {}).get(f"{step} {size}", "2026-11-29 19:00"),
            }
            for step, times in seconds.items()
        }
        for i, (size, count) in enumerate(triples.items())
    }


def _row(lines: list[str], step: str) -> list[str]:
    row = next(line for line in lines if line.startswith(f"| {step} |"))
    return [cell.strip() for cell in row.strip("|").split("|")]


def test_linear_growth_reads_one_and_exponent_one() -> None:
    lines = bench_scale.growth_lines(_results({"load": [1.0, 10.0, 50.0]}), ["load"])
    assert _row(lines, "load") == ["load", "1.00", "1.00", "50.0× for 50.0× (1.00)", "1.00"]


def test_quadratic_growth_reads_exponent_two() -> None:
    lines = bench_scale.growth_lines(_results({"library": [1.0, 100.0, 2500.0]}), ["library"])
    cells = _row(lines, "library")
    assert cells[1:3] == ["10.00", "5.00"]
    assert cells[-1] == "2.00"


def test_growth_leaves_out_rdflib_and_steps_without_a_base() -> None:
    results = _results(
        {"load": [1.0, 10.0, 50.0], "analyze": [1.0, 10.0, 50.0], "rdflib load": [2.0, 20.0, 100.0]}
    )
    del results["100k"]["load"]
    lines = bench_scale.growth_lines(results, ["load", "analyze", "rdflib load"])
    assert [line.split(" |")[0] for line in lines if line.startswith("| ") and "---" not in line] == [
        "| step",
        "| analyze",
    ]


def test_a_size_without_the_step_reads_as_a_dash() -> None:
    results = _results({"views": [1.0, 10.0, 50.0]})
    del results["1m"]["views"]
    cells = _row(bench_scale.growth_lines(results, ["views"]), "views")
    assert cells[1:3] == ["–", "–"]
    assert cells[3] == "50.0× for 50.0× (1.00)"


@pytest.mark.parametrize(
    ("step", "other", "times", "caption", "row"),
    [
        (
            "library",
            "library unsorted",
            [1.0, 9.0, 40.0],
            "`library unsorted` runs the same queries",
            "| library unsorted | 0.90 |",
        ),
        (
            "load",
            "load partitioned",
            [1.0, 10.0, 51.0],
            "`load partitioned` loads the same corpus into stores of 96 documents",
            "| load partitioned | 1.00 | 1.02 | 51.0× for 50.0× (1.02) | 1.01 |",
        ),
    ],
)
def test_a_caption_only_with_its_row(
    step: str, other: str, times: list[float], caption: str, row: str
) -> None:
    plain = "\n".join(bench_scale.growth_lines(_results({step: [1.0, 10.0, 50.0]}), [step]))
    both = _results({step: [1.0, 13.0, 76.0], other: times})
    with_row = "\n".join(bench_scale.growth_lines(both, [step, other]))
    assert f"`{other}`" not in plain
    assert caption in with_row
    assert row in with_row


def test_cells_are_grouped_by_the_run_that_measured_them() -> None:
    results = _results({"load": [1.0, 10.0, 50.0], "site": [2.0, 20.0, 100.0]})
    for size in results:
        for step in ("load", "site"):
            results[size][step]["run"] = "2026-11-29 18:52"
    results["5m"]["site"]["run"] = "2026-11-29 19:18"
    del results["100k"]["site"]["run"], results["100k"]["site"]["date"]
    results["1m"]["site"] = {"seconds": 20.0, "peak_mib": 1, "date": "2026-11-29"}
    assert [
        line for line in bench_scale.measured_lines(results, ["load", "site"]) if line.startswith("- ")
    ] == [
        "- 2026-11-29: site at 1m",
        "- 2026-11-29 18:52: load at 100k, 1m, 5m",
        "- 2026-11-29 19:18: site at 5m",
        "- not recorded: site at 100k",
    ]


@pytest.mark.parametrize("out", ["12.5 55 3", "12.5 55 0"])
def test_a_stopped_query_makes_the_rdflib_total_a_lower_bound(out: str) -> None:
    text = bench_scale.cell(
        {"seconds": 12.5, "peak_mib": 9, "out": out, "query_limit": 30.0}, "rdflib library"
    )
    assert text.startswith("≥ ") == (out != "12.5 55 0")
    assert ("3 of 55 queries stopped at the 30 s limit" in text) == text.startswith("≥ ")


def test_a_limit_not_recorded_is_named_as_such() -> None:
    assert bench_scale.cell({"seconds": 1.0, "peak_mib": 9, "out": "1.0 55 2"}, "rdflib library").endswith(
        "(2 of 55 queries stopped at the limit)"
    )


def test_unsorted_queries_give_the_same_rows(loaded: LoadedGraph) -> None:
    """Every library query with an ORDER BY loses it, and answers the same rows in some order."""
    engine = EmbeddedEngine(loaded.store)
    changed = 0
    for query in list_queries(loaded.project.queries_dir):
        sparql = prepare(query)[0]
        bare = bench_scale.unsorted(sparql)
        assert "ORDER BY" not in "\n".join(line for line in bare.splitlines() if not line.startswith("#"))
        if bare == sparql:
            continue
        changed += 1
        rows = engine.answer(sparql).rows
        assert sorted(map(repr, engine.answer(bare).rows)) == sorted(map(repr, rows)), query
    assert changed > 0


def test_unsorted_refuses_what_it_cannot_strip() -> None:
    with pytest.raises(ValueError, match="ORDER BY"):
        bench_scale.unsorted("SELECT * { ?s ?p ?o } ORDER BY ?s")
    with pytest.raises(ValueError, match="LIMIT"):
        bench_scale.unsorted("SELECT * { ?s ?p ?o }\nORDER BY ?s\nLIMIT 3")


def test_instructions_grow_as_rows_on_their_own() -> None:
    """The work rows compare instructions: a step with flat work reads 1.00 whatever its time did."""
    results = _results({"load": [1.0, 13.3, 76.0]})
    for size, count in zip(results, [1.5e9, 1.5e10, 7.5e10], strict=True):
        results[size]["load work"] = {"instructions": count}
    lines = bench_scale.growth_lines(results, ["load", *bench_scale.WORK_STEPS])
    assert _row(lines, "load")[1:3] == ["1.33", "1.14"]
    assert _row(lines, "load work")[1:] == ["1.00", "1.00", "50.0× for 50.0× (1.00)", "1.00"]
    assert "the instructions counted, not the time" in lines[3]
    table = bench_scale.work_lines(results)
    assert "| 100k | 15,000 | – | – |" in table and "| 5m | 15,000 | – | – |" in table


def test_no_work_table_without_counts() -> None:
    results = _results({"load": [1.0, 10.0, 50.0]})
    assert bench_scale.work_lines(results) == []
    assert "instructions counted" not in "\n".join(bench_scale.growth_lines(results, ["load"]))


def test_a_file_without_a_summary_is_refused() -> None:
    with pytest.raises(ValueError, match="no summary line"):
        bench_scale.read_cachegrind("events: Ir\n")


def test_work_counts_the_step_and_not_what_comes_before() -> None:
    """Under Valgrind, a step of twice the loop counts twice the instructions (within 1%); start-up, which
    Python spends millions of instructions on, is left out by the baseline."""
    require("valgrind", "on Debian: apt-get install valgrind")
    script = "import os, sys\nif os.environ.get('BENCH_BASELINE'):\n    sys.exit()\nfor i in range({}):\n    pass\n"
    small, large = (
        bench_scale.measure_work([sys.executable, "-c", script.format(n)], 120)["instructions"]
        for n in (200_000, 400_000)
    )
    assert 200_000 < small < large
    assert 1.98 < large / small < 2.02


def test_work_without_valgrind_is_named_not_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_scale.shutil, "which", lambda _name: None)
    cell = bench_scale.measure_work([sys.executable, "-c", "pass"], 10)
    assert cell == {"skipped": "Valgrind is not installed (Debian: apt-get install valgrind)"}
    assert bench_scale.cell(cell, "load work") == "not run"


def test_partitioned_loading_keeps_every_triple_in_a_store(tmp_path: Path) -> None:
    """Stores of one document each hold every triple of the corpus, the shared ones once per store."""
    from policykg.project import Project
    from policykg.synth import synthesize

    root = tmp_path / "corpus"
    synthesize(Project(ROOT), root, 3, seed=1)
    out = subprocess.run(
        bench_scale.python(bench_scale.LOAD_PARTITIONED, root) + ["1"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    whole = subprocess.run(
        bench_scale.python(bench_scale.LOAD_PARTITIONED, root) + ["3"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert out[2] == "3" and whole[2] == "1"
    project = Project(root)
    shared = sum(
        len(rdflib.Graph().parse(p, format="turtle"))
        for p in project.ontology_files() + sorted((project.graphs_dir / "shared").glob("*.ttl"))
    )
    assert int(out[1]) == int(whole[1]) + 2 * shared
    assert int(whole[1]) == len(load_project(project).store)
    library = subprocess.run(
        bench_scale.python(bench_scale.LIBRARY_PARTITIONED, root) + ["2"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert library[1:] == [str(len(list_queries(project.queries_dir))), "2"]


def test_three_figures_are_stopped_queries_only_for_rdflib() -> None:
    """Other steps print three figures too (the partitioned ones: seconds, triples, stores)."""
    assert bench_scale.cell({"seconds": 2.0, "peak_mib": 9, "out": "2.0 1030212 11"}, "load partitioned") == (
        "2.00 s, 9 MiB"
    )


@pytest.mark.parametrize(
    ("steps", "sizes", "upto", "message"),
    [
        ("load,lode", "1m", "1m", "no such step: lode"),
        ("load", "1m,2m", "1m", "no such size: 2m"),
        ("load", "1m", "1M", "no such size: 1M"),
    ],
)
def test_a_step_or_size_that_does_not_exist_is_refused(
    steps: str, sizes: str, upto: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        bench_scale.check_choices(steps, sizes, upto)


def test_the_command_refuses_an_unknown_step_before_measuring() -> None:
    done = subprocess.run(
        [sys.executable, str(Path(bench_scale.__file__)), "--steps", "lode", "--sizes", "10k"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no such step: lode" in done.stderr and "Traceback" not in done.stderr


def test_incomplete_results_are_saved_and_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A size measured for one step only, without loading, is written and reported without failing."""
    (tmp_path / "docs").mkdir()
    monkeypatch.setattr(bench_scale, "ROOT", tmp_path)
    results = bench_scale.merge_results({}, {"5m": {"library work": {"instructions": 10}}})
    assert results == {"5m": {"library work": {"instructions": 10}, "triples": None}}
    bench_scale.write_results(results)
    assert json.loads((tmp_path / "bench" / "results" / "scale.json").read_text()) == results
    assert "| 5m | – |" in (tmp_path / "docs" / "scale.md").read_text()


def _run_main(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> list[tuple[str, str]]:
    """Run the benchmark's command with corpora and steps stood in for; the (size, step) measured, in order."""
    (tmp_path / "docs").mkdir()
    monkeypatch.setattr(bench_scale, "ROOT", tmp_path)
    monkeypatch.setattr(bench_scale, "synthesize", lambda _project, out, _documents, seed: out.mkdir())
    triples = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000, "5m": 5_000_000}
    codes = {"load": bench_scale.LOAD, "rdflib load": bench_scale.RDFLIB_LOAD}
    calls: list[tuple[str, str]] = []

    def measure(command: list[str], _limit: float) -> dict:
        size = Path(command[3] if command[1] == "-c" else command[command.index("--root") + 1]).name
        step = next(name for name, code in codes.items() if code in command)
        calls.append((size, step))
        return {"seconds": len(calls), "peak_mib": 1, "out": f"{len(calls)} {triples[size]}"}

    monkeypatch.setattr(bench_scale, "measure", measure)
    monkeypatch.setattr(sys, "argv", ["bench_scale.py", *args])
    bench_scale.main()
    return calls


def test_repeats_go_in_rounds_over_the_sizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every round measures every size once; each size keeps its fastest run, and rdflib runs once."""
    calls = _run_main(
        tmp_path, monkeypatch, "--sizes", "10k,100k", "--steps", "load,rdflib load", "--repeat", "3"
    )
    assert (
        calls
        == [("10k", "load"), ("10k", "rdflib load"), ("100k", "load"), ("100k", "rdflib load")]
        + [
            ("10k", "load"),
            ("100k", "load"),
        ]
        * 2
    )
    saved = json.loads((tmp_path / "bench" / "results" / "scale.json").read_text())
    assert saved["10k"]["load"]["runs"] == [1, 5, 7] and saved["10k"]["load"]["seconds"] == 1
    assert saved["100k"]["load"]["runs"] == [3, 6, 8] and saved["100k"]["load"]["rounds"] == 3
    assert "runs" not in saved["100k"]["rdflib load"]
    assert "Runs marked `rounds` went in rounds" in (tmp_path / "docs" / "scale.md").read_text()


def test_rdflib_is_left_out_above_its_size_whatever_sizes_are_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _run_main(tmp_path, monkeypatch, "--sizes", "5m", "--steps", "load,rdflib load")
    assert calls == [("5m", "load")]
    saved = json.loads((tmp_path / "bench" / "results" / "scale.json").read_text())
    assert saved["5m"]["rdflib load"] == {"skipped": "above --rdflib-upto 1m"}
