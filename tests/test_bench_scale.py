"""The scale benchmark's report: growth per triple, the fitted exponent and when each cell was measured."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import bench_scale  # noqa: E402


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
    results = _results({"load": [1.0, 10.0, 50.0], "rdflib load": [2.0, 20.0, 100.0]})
    del results["100k"]["load"]
    assert not any(
        line.startswith(("| load", "| rdflib"))
        for line in bench_scale.growth_lines(results, ["load", "rdflib load"])
    )


def test_a_cell_from_another_run_is_named() -> None:
    results = _results({"load": [1.0, 10.0, 50.0]}, {"load 5m": "2026-11-28"})
    (line,) = [line for line in bench_scale.measured_lines(results, ["load"]) if line]
    assert (
        line == "Measured 2026-11-29 19:00 to 2026-11-29 19:00; from earlier runs: load at 5m (2026-11-28)."
    )


@pytest.mark.parametrize("out", ["12.5 55 3", "12.5 55 0"])
def test_a_stopped_query_makes_the_rdflib_total_a_lower_bound(out: str) -> None:
    text = bench_scale.cell({"seconds": 12.5, "peak_mib": 9, "out": out, "query_limit": 30.0})
    assert text.startswith("≥ ") == (out != "12.5 55 0")
    assert ("3 of 55 queries stopped at the 30 s limit" in text) == text.startswith("≥ ")
