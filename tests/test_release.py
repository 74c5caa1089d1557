"""Citing and reproducing: CITATION.cff, the licence files, the citation on the site, versioned releases
with checksums, and the page of the ontology's version IRI served on 127.0.0.1."""

from __future__ import annotations

import datetime
import hashlib
import os
import shutil
import subprocess
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import rdflib
import yaml
from conftest import REPO, copy_project, run_cli
from servers import free_port, require, running, serve_command

from policykg import __version__
from policykg.errors import PolicyKGError
from policykg.release import check_version, format_citation

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
CC_BY = rdflib.URIRef("https://creativecommons.org/licenses/by/4.0/")
DATASET = rdflib.URIRef("https://w3id.org/policykg/dataset")
STANDARDS = REPO.parent / "shared" / "standards" / "dcat-ap-3.0.0-SHACL.ttl"
SOURCE = '"Kernboodschap digitalisering" (n.d.)'


def version_iri() -> str:
    ontology = rdflib.Graph().parse(REPO / "ontology" / "policykg.ttl")
    return str(ontology.value(rdflib.URIRef("https://w3id.org/policykg/def"), rdflib.OWL.versionIRI))


def test_citation_cff_validates_offline_and_matches_the_package() -> None:
    program = require("cffconvert", "pip install -e '.[test]' (the test extras include cffconvert)")
    dead = "http://127.0.0.1:9"  # any request for a schema would fail: the check runs offline
    environment = {
        **os.environ,
        "http_proxy": dead,
        "https_proxy": dead,
        "HTTP_PROXY": dead,
        "HTTPS_PROXY": dead,
    }
    result = subprocess.run(
        [program, "--validate", "-i", str(REPO / "CITATION.cff")],
        capture_output=True,
        text=True,
        timeout=60,
        env=environment,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "valid" in result.stdout
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert cff["version"] == project["version"] == __version__
    assert cff["license"] == project["license"] == "EUPL-1.2"
    assert cff["authors"] == [{"name": "policykg contributors"}]
    assert [r["title"] for r in cff["references"]] == ["Kernboodschap digitalisering"]


def test_licence_files_are_the_licences() -> None:
    code = (REPO / "LICENSE").read_text(encoding="utf-8")
    data = (REPO / "LICENSE-DATA").read_text(encoding="utf-8")
    assert code.splitlines()[0] == "EUROPEAN UNION PUBLIC LICENCE v. 1.2"
    assert "Appendix" in code and "Compatible Licences" in code
    assert data.splitlines()[0] == "Creative Commons Attribution 4.0 International"
    assert "Creative Commons Attribution 4.0 International Public License" in data
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license-files"] == ["LICENSE", "LICENSE-DATA"]


@pytest.mark.parametrize("good", ["1.0.0", "0.3.10", "1.1.0-rc.1", "2.0.0-alpha.beta+exp.sha.5114f85"])
def test_semantic_versions_pass(good: str) -> None:
    assert check_version(good) == good


@pytest.mark.parametrize("bad", ["1.0", "v1.0.0", "01.0.0", "1.0.0-", "1.0.0-01", "1.0.0/../x", "1.0.0 ", ""])
def test_other_versions_are_refused(bad: str) -> None:
    with pytest.raises(PolicyKGError, match="is not a version"):
        check_version(bad)


def test_home_page_shows_the_citation_and_the_data_licence(built: Path) -> None:
    site = built / "dist" / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    year = datetime.datetime.now(datetime.UTC).year
    expected = format_citation(__version__, str(year), [SOURCE])
    assert "How to cite" in home and expected.replace('"', "&#34;") in home
    assert "Kernboodschap digitalisering" in home and "[Data set]" in home
    description = rdflib.Graph().parse(site / "downloads" / "void.ttl")
    assert (DATASET, rdflib.DCTERMS.license, CC_BY) in description
    assert len(list(description.subject_objects(SPDX.checksum))) == 3


def test_version_iri_has_a_page_served_on_loopback(built: Path) -> None:
    iri = version_iri()
    step = iri.removeprefix("https://w3id.org/policykg/def/")
    folder = built / "dist" / "site" / "def" / step
    assert (folder / "index.html").is_file()
    data = rdflib.Graph().parse(folder / "index.ttl")
    assert (rdflib.URIRef("https://w3id.org/policykg/def"), rdflib.OWL.versionIRI, rdflib.URIRef(iri)) in data
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with running(serve_command(built, port), base + "/"):
        for path in (f"/def/{step}", f"/def/{step}/"):
            with urllib.request.urlopen(base + path, timeout=10) as response:
                page = response.read().decode("utf-8")
                assert response.status == 200 and response.headers["Content-Type"].startswith("text/html")
                assert iri in page and f"version {step}" in page
        with urllib.request.urlopen(f"{base}/def/{step}/index.ttl", timeout=10) as response:
            assert response.headers["Content-Type"].startswith("text/turtle")
            assert iri.encode() in response.read()
        request = urllib.request.Request(base + "/def", headers={"Accept": "text/turtle"})
        opener = urllib.request.build_opener(_NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as answer:
            opener.open(request, timeout=10)
        assert answer.value.code == 303 and answer.value.headers["Location"] == "/def.ttl"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def test_release_of_a_fresh_build_copies_its_dumps_with_checksums(built: Path, tmp_path: Path) -> None:
    result = run_cli("release", "1.0.0", "--out", str(tmp_path), root=built)
    assert result.returncode == 0, result.stderr
    assert "from the build in dist/" in result.stdout
    folder = tmp_path / "1.0.0"
    names = ["policykg-1.0.0.ttl", "policykg-1.0.0.nt", "policykg-1.0.0.jsonld"]
    for name, ext in zip(names, ("ttl", "nt", "jsonld"), strict=True):
        assert (folder / name).read_bytes() == (built / "dist" / f"policykg.{ext}").read_bytes()
    sums = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ", 1)
        sums[name] = digest
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    assert sorted(sums) == sorted([*names, "void.ttl"])
    if shutil.which("sha256sum"):
        assert (
            subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True).returncode == 0
        )

    description = rdflib.Graph().parse(folder / "void.ttl")
    release = rdflib.URIRef("https://w3id.org/policykg/releases/1.0.0/void.ttl#dataset")
    assert (DATASET, DCAT.hasVersion, release) in description
    assert str(description.value(release, DCAT.version)) == "1.0.0"
    assert str(description.value(release, rdflib.OWL.versionInfo)) == "1.0.0"
    issued = description.value(release, rdflib.DCTERMS.issued).toPython()
    assert issued == datetime.datetime.now(datetime.UTC).date()
    assert (release, rdflib.DCTERMS.license, CC_BY) in description
    assert (release, rdflib.DCTERMS.conformsTo, rdflib.URIRef(version_iri())) in description
    assert SOURCE in str(description.value(release, rdflib.DCTERMS.bibliographicCitation))
    distributions = list(description.objects(release, DCAT.distribution))
    assert len(distributions) == 3
    for distribution in distributions:
        url = str(description.value(distribution, DCAT.downloadURL))
        assert url.startswith("https://w3id.org/policykg/releases/1.0.0/policykg-1.0.0.")
        checksum = description.value(distribution, SPDX.checksum)
        assert description.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        value = str(description.value(checksum, SPDX.checksumValue))
        assert value == hashlib.sha256((folder / url.rsplit("/", 1)[1]).read_bytes()).hexdigest()
    if STANDARDS.exists():
        from pyshacl import validate

        conforms, _graph, text = validate(
            description, shacl_graph=rdflib.Graph().parse(STANDARDS), inference="none"
        )
        assert conforms, text


def test_release_builds_the_graph_when_dist_is_stale_and_refuses_bad_input(
    built: Path, tmp_path: Path
) -> None:
    project = copy_project(tmp_path / "project")
    bad = run_cli("release", "1.0", root=project.root)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
    assert "'1.0' is not a version" in bad.stderr and not (project.root / "dist").exists()

    first = run_cli("release", "1.0.0", root=project.root)
    assert first.returncode == 0, first.stderr
    assert "from a fresh build of the sources" in first.stdout
    folder = project.root / "dist" / "releases" / "1.0.0"
    assert (folder / "policykg-1.0.0.nt").read_bytes() == (built / "dist" / "policykg.nt").read_bytes()
    assert not (project.root / "dist" / "policykg.nt").exists()  # dist/ itself is left alone

    again = run_cli("release", "1.0.0", root=project.root)
    assert again.returncode == 2 and len(again.stderr.strip().splitlines()) == 1
    assert "dist/releases/1.0.0/ exists" in again.stderr and "--force" in again.stderr
    forced = run_cli("release", "1.0.0", "--force", root=project.root)
    assert forced.returncode == 0, forced.stderr
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "SHA256SUMS",
        "policykg-1.0.0.jsonld",
        "policykg-1.0.0.nt",
        "policykg-1.0.0.ttl",
        "void.ttl",
    ]
