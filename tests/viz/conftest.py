"""Fixtures for the view tests: the seeds built, analysed and drawn once; a headless Chromium."""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "exports" / "screenshots"
PREFIXES = """PREFIX fz: <https://w3id.org/fazhi-kg/ont#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""


class Sparql:
    """The graph as written, queried directly: the expected figures never come from the code under test."""

    def __init__(self, path: Path):
        self.store = ox.Store()
        self.store.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE)

    def rows(self, query: str) -> list[dict]:
        result = self.store.query(PREFIXES + query)
        names = [v.value for v in result.variables]
        return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in result]

    def count(self, query: str) -> int:
        return int(next(iter(self.store.query(PREFIXES + query)))[0].value)


@pytest.fixture(scope="session")
def seeds_out(tmp_path_factory) -> Path:
    from kg.analysis import analyze
    from kg.build import build
    from kg.viz.run import visualize

    out = tmp_path_factory.mktemp("seeds-views")
    build([ROOT / "seeds"], out, validate=False)
    analyze(out)
    visualize(out)
    return out


@pytest.fixture(scope="session")
def sparql(seeds_out) -> Sparql:
    return Sparql(seeds_out / "graph.ttl")


@pytest.fixture(scope="session")
def browser():
    from kg.viz.browser import Browser, chromium_path

    pytest.importorskip("playwright", reason="the browser tests need the playwright package (requirements-new.txt)")
    if chromium_path() is None:
        pytest.skip("Chromium is not installed: `make test` installs Debian's chromium (system-packages.txt)")
    with Browser() as b:
        yield b


def shoot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
