"""The canned queries that read counts precomputed at build time (kg/derivers/aggregates.py), or
that are shaped for Oxigraph's planner, give the same rows as the plain queries that count from
the facts themselves (tests/queries/reference/), on a few hundred realistic synthetic reports
plus the seeds, and stay right after an incremental build (a changed and a removed report)."""
import shutil
from pathlib import Path

import pytest

from benchmarks.make_corpus import generate
from kg.build import build
from kg.query import bind, parse_canned, run, with_prefixes
from kg.store import GRAPH_DERIVED

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "queries" / "reference"
QUERIES = ROOT / "queries"
REPORTS = 300
# Listings stop after `limit` reports found in store order: with a limit above the corpus, every
# report is listed and the two queries must agree.  `min` 0 lists every mechanism.
PARAMS = {"missing-responsibility-section": {"limit": "100000"}, "reports": {"limit": "100000"},
          "mechanisms-in-many-provinces": {"min": "0"}}
NAMES = sorted(p.stem for p in REFERENCE.glob("*.rq"))
COUNTS = ("lacksSectionType", "mechanismCount", "campaignCount", "figureCount")


def _rows(out: Path, path: Path, params: dict) -> list[tuple]:
    result = run(out, with_prefixes(bind(parse_canned(path), params)), timeout=300, limit=1_000_000)
    return [tuple(row) for row in result.rows]


def _derived_counts(out: Path) -> list[tuple]:
    """The count nodes and per-report counts of the derived graph, sorted."""
    preds = ", ".join(f"fz:{p}" for p in COUNTS)
    sparql = with_prefixes(f"""SELECT ?s ?p ?o WHERE {{ GRAPH <{GRAPH_DERIVED}> {{ ?s ?p ?o }}
        FILTER(STRSTARTS(STR(?s), "https://w3id.org/fazhi-kg/id/count/") || ?p IN ({preds})) }}""")
    return sorted(tuple(map(str, row)) for row in run(out, sparql, timeout=300, limit=10_000_000).rows)


def _read(path: Path) -> tuple[str, str]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            pass
    raise AssertionError(f"{path}: not UTF-8 or GBK")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """OUT folders: 'first' (built once), 'incremental' (then one report changed, one removed,
    built again) and 'scratch' (the changed folder built from nothing)."""
    base = tmp_path_factory.mktemp("precomputed")
    generate(REPORTS, 1, base / "gen")
    folder = base / "reports"
    shutil.copytree(base / "gen" / "reports", folder)
    for f in (ROOT / "seeds").iterdir():
        shutil.copy(f, folder / f.name)
    out = base / "out"
    build([folder], out, validate=False, jobs=2, turtle=False)
    first = base / "first"
    shutil.copytree(out, first)

    # A changed report: its parts after the first half are gone (shortcomings, plans …), so its
    # sections, facts and the corpus counts change; a removed report takes its facts with it.
    changed = sorted(folder.glob("r*.txt"))[3]
    text, encoding = _read(changed)
    lines = text.splitlines(keepends=True)
    changed.write_bytes("".join(lines[: max(8, len(lines) // 2)]).encode(encoding))
    sorted(folder.glob("r*.txt"))[7].unlink()
    build([folder], out, validate=False, jobs=2, turtle=False)
    scratch = base / "scratch"
    build([folder], scratch, validate=False, jobs=2, turtle=False)
    return {"first": first, "incremental": out, "scratch": scratch}


@pytest.mark.parametrize("name", NAMES)
def test_precomputed_query_gives_the_reference_rows(corpus, name):
    params = PARAMS.get(name, {})
    reference = _rows(corpus["first"], REFERENCE / f"{name}.rq", params)
    assert reference, f"{name}: the reference query finds nothing, the comparison would be empty"
    new = _rows(corpus["first"], QUERIES / f"{name}.rq", params)
    if name in ("missing-responsibility-section", "reports"):   # listings: which rows come first is the store's order
        reference, new = sorted(map(str, reference)), sorted(map(str, new))
    assert new == reference


@pytest.mark.parametrize("name", NAMES)
def test_precomputed_query_is_right_after_an_incremental_build(corpus, name):
    params = PARAMS.get(name, {})
    new = _rows(corpus["incremental"], QUERIES / f"{name}.rq", params)
    assert new == _rows(corpus["scratch"], QUERIES / f"{name}.rq", params) or \
        sorted(map(str, new)) == sorted(map(str, _rows(corpus["scratch"], QUERIES / f"{name}.rq", params)))
    reference = _rows(corpus["incremental"], REFERENCE / f"{name}.rq", params)
    if name in ("missing-responsibility-section", "reports"):
        reference, new = sorted(map(str, reference)), sorted(map(str, new))
    assert new == reference


def test_incremental_counts_equal_a_build_from_scratch_and_did_change(corpus):
    incremental = _derived_counts(corpus["incremental"])
    assert incremental == _derived_counts(corpus["scratch"])
    assert incremental != _derived_counts(corpus["first"])
