"""Benchmark a curator's first round on a 60-line document: scaffold, anchor, compile and validate.

Target: ``policykg new-document``, ``anchor``, ``compile`` and ``validate``, each a fresh process as a person
runs them, under 2 s together on a 2-core machine, in a project that holds the fiche as well. A second figure
anchors 17 passages and compiles, in one process, as a script would.
Run ``make bench`` (or ``python bench/bench_curate.py [--runs N]``); the figures are printed and written to
``bench/results/curate.md``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from common import ROOT, copy_project, machine, report, run_cold

NOTE = ROOT / "tests" / "curation" / "nota-lokale-weerbaarheid.txt"
MORE = """
Opgave 4. Open en eerlijke algoritmes
Gemeenten gebruiken steeds vaker algoritmes bij besluiten over inwoners.
Inwoners moeten kunnen nagaan hoe zo'n besluit tot stand kwam.
Maatregelen:
- Elke gemeente publiceert een register van de algoritmes die zij gebruikt.
- Gemeenten laten hoog-risico-algoritmes jaarlijks toetsen door een onafhankelijke partij.
- Inwoners kunnen bij één loket vragen om uitleg over een besluit.
Dit doen we samen met de provincies.

Opgave 5. Goed werkgeverschap voor digitale vakmensen
Gemeenten vinden moeilijk genoeg mensen met kennis van informatiebeveiliging.
Maatregelen:
- Gemeenten bieden samen een opleidingsprogramma voor beveiligingsspecialisten aan.
- Gemeenten delen specialisten in een regionale pool.
- Stagiairs van hogescholen lopen mee met de regionale cyberteams.
Dit doen we samen met de waterschappen.

Uitvoering
De gemeenten rapporteren elk jaar over de voortgang van deze nota.
Na drie jaar volgt een evaluatie.
"""
QUOTES = [
    "Nota Digitale weerbaarheid lokaal 2027",
    "Een storing of aanval raakt inwoners direct.",
    "Veel gemeenten hebben hun basisbeveiliging nog niet op orde, en de risico's groeien met elke nieuwe koppeling.",
    "Elke gemeente voert uiterlijk eind 2027 een vaste set basismaatregelen voor informatiebeveiliging in.",
    "Kleine gemeenten kunnen niet alles zelf.",
    "Gemeenten kopen beveiligde clouddiensten gezamenlijk in.",
    "Gemeenten delen hun kennis over beveiliging met provincies en waterschappen.",
    "Gemeenten gebruiken steeds vaker algoritmes bij besluiten over inwoners.",
    "Inwoners moeten kunnen nagaan hoe zo’n besluit tot stand kwam.",
    "Elke gemeente publiceert een register van de algoritmes die zij gebruikt.",
    "Gemeenten laten hoog-risico-algoritmes jaarlijks toetsen door een onafhankelijke partij.",
    "Inwoners kunnen bij één loket vragen om uitleg over een besluit.",
    "Gemeenten vinden moeilijk genoeg mensen met kennis van informatiebeveiliging.",
    "Gemeenten bieden samen een opleidingsprogramma voor beveiligingsspecialisten aan.",
    "Gemeenten delen specialisten in een regionale pool.",
    "Stagiairs van hogescholen lopen mee met de regionale cyberteams.",
    "De gemeenten rapporteren elk jaar over de voortgang van deze nota.",
]


def sixty_lines(folder: Path) -> Path:
    """The test note with two more priorities: a 60-line document."""
    text = NOTE.read_text(encoding="utf-8").rstrip("\n") + "\n" + MORE
    path = folder / "nota.txt"
    path.write_text(text, encoding="utf-8")
    assert len(text.splitlines()) == 60, len(text.splitlines())
    return path


def one_round(folder: Path) -> list[tuple[str, float]]:
    root = copy_project(folder / "project")
    source = sixty_lines(folder)
    steps = [
        ("new-document nota --source nota.txt", ("new-document", "nota", "--source", str(source))),
        ("anchor --document nota QUOTE", ("anchor", "--document", "nota", QUOTES[2])),
        ("compile nota", ("compile", "nota")),
        ("validate", ("validate",)),
    ]
    return [(name, run_cold(root, *args)[0]) for name, args in steps]


def scripted(folder: Path) -> float:
    """Every passage anchored and the document compiled, in one process."""
    from policykg.curate.compile import compile_document
    from policykg.curate.scaffold import add_passage, new_document
    from policykg.curate.write import write_compiled
    from policykg.project import Project

    project = Project(copy_project(folder / "project"))
    source = sixty_lines(folder)
    started = time.perf_counter()
    new_document(project, "nota", source)
    for quote in QUOTES:
        add_passage(project, "nota", quote)
    write_compiled(project, compile_document(project, "nota"))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    args = parser.parse_args()
    rounds, scripts = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            rounds.append(one_round(Path(folder)))
        with tempfile.TemporaryDirectory() as folder:
            scripts.append(scripted(Path(folder)))
    lines = [
        "# A curator's first round on a 60-line document",
        "",
        f"{machine()}; median of {args.runs} rounds, each command a fresh process (cold start), in a project",
        "that holds the fiche too. Target: the four commands under 2 s together.",
        "",
        "| command | median s | min s | max s |",
        "|---|---:|---:|---:|",
    ]
    for index, (name, _) in enumerate(rounds[0]):
        times = [r[index][1] for r in rounds]
        lines.append(
            f"| policykg {name} | {statistics.median(times):.2f} | {min(times):.2f} | {max(times):.2f} |"
        )
    totals = [sum(t for _, t in r) for r in rounds]
    total = statistics.median(totals)
    lines.append(f"| **together** | **{total:.2f}** | {min(totals):.2f} | {max(totals):.2f} |")
    lines += [
        "",
        f"Together: {total:.2f} s, target < 2 s {'met' if total < 2 else 'MISSED'}.",
        f"Scripted (new-document, {len(QUOTES)} anchors, compile, in one process): median "
        f"{statistics.median(scripts):.2f} s.",
    ]
    report("curate", lines)


if __name__ == "__main__":
    main()
