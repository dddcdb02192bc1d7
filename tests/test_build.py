"""End to end: seeds/ -> graph.ttl -> the contract's acceptance queries; and bad input."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from kg.build import build
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
CHECK = ROOT.parent / "shared" / "spec" / "check.py"
FZ = Namespace("https://w3id.org/fazhi-kg/ont#")


@pytest.fixture(scope="module")
def seeds_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("exports")
    return build([ROOT / "seeds"], out)


def test_seeds_build_reads_every_report(seeds_build):
    assert seeds_build.reports == 5
    assert seeds_build.skipped == []
    assert seeds_build.graph_path.exists()
    assert seeds_build.class_counts["Report"] == 5


def test_without_graph_ttl_the_counts_come_from_the_store(seeds_build, tmp_path):
    """A store too large for graph.ttl: the classes are counted in the store, the triples are
    summed over the named graphs (counting the union would scan all of it) and said to be."""
    import pyoxigraph as ox

    from kg.store import open_read_only

    result = build([ROOT / "seeds"], tmp_path, validate=False, turtle=False)
    assert not (tmp_path / "graph.ttl").exists() and result.triples_summed and not seeds_build.triples_summed
    assert result.class_counts == seeds_build.class_counts
    store = open_read_only(tmp_path)
    named = sum(1 for q in store if not isinstance(q.graph_name, ox.DefaultGraph))
    assert result.triples == named > seeds_build.triples
    table = CliRunner().invoke(main, ["build", str(ROOT / "seeds"), "--out", str(tmp_path), "--no-turtle", "--no-validate"])
    assert table.exit_code == 0 and "triples, summed over the graphs" in table.output


def test_seeds_graph_conforms_to_shapes(seeds_build):
    assert seeds_build.conforms, seeds_build.validation_text


@pytest.mark.skipif(not CHECK.exists(), reason=f"acceptance checker not found at {CHECK}")
def test_acceptance_queries_pass(seeds_build):
    run = subprocess.run([sys.executable, str(CHECK), str(seeds_build.graph_path), "--seeds", str(ROOT / "seeds")],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "9 passed, 0 failed" in run.stdout


def test_every_fact_has_evidence(seeds_build):
    g = Graph().parse(seeds_build.graph_path)
    for pred in (FZ.implements, FZ.plans, FZ.participatesIn, FZ.parentDivision):
        for s, o in g.subject_objects(pred):
            stmts = [st for st in g.subjects(RDF.subject, s)
                     if (st, RDF.predicate, pred) in g and (st, RDF.object, o) in g]
            assert stmts, f"no evidence for {s} {pred} {o}"


def _bad_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(ROOT / "seeds" / "003_b24c3119e0d03373.txt", folder / "good.txt")
    # the same report as GBK bytes under another name: read, and found to be the same text? no: other bytes
    (folder / "good-gbk.txt").write_bytes((ROOT / "seeds" / "004_913615f662c886fc.txt").read_text(encoding="utf-8").encode("gb18030"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "notice.txt").write_text("关于召开会议的通知\n请各单位于周五下午三点到会议室开会。", encoding="utf-8")
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04")
    return folder


def test_bad_files_are_skipped_with_reasons(tmp_path):
    result = build([_bad_folder(tmp_path)], tmp_path / "out")
    reasons = {Path(s.path).name: s.reason for s in result.skipped}
    assert result.reports == 2
    assert set(reasons) == {"empty.txt", "binary.txt", "notice.txt", "table.xlsx"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert ".xlsx" in reasons["table.xlsx"]
    assert (tmp_path / "out" / "graph.ttl").exists()


def test_cli_exit_status_only_with_strict(tmp_path):
    folder = _bad_folder(tmp_path)
    runner = CliRunner()
    ok = runner.invoke(main, ["build", str(folder), "--out", str(tmp_path / "a"), "--no-progress"])
    assert ok.exit_code == 0, ok.output
    assert "reports read" in ok.output
    assert "empty.txt" in ok.output  # skipped files are named
    strict = runner.invoke(main, ["build", str(folder), "--out", str(tmp_path / "b"), "--strict", "--no-progress"])
    assert strict.exit_code == 1
    assert "Traceback" not in strict.output


def test_interrupted_build_keeps_previous_graph(tmp_path, monkeypatch):
    out = tmp_path / "out"
    build([ROOT / "seeds" / "000_4e8d029ddc923378.txt"], out, validate=False)
    before = (out / "graph.ttl").read_bytes()

    def interrupted(store, destination, scratch=None):
        destination.write(b"@prefix half-written")
        raise KeyboardInterrupt

    # graph.ttl is exported from the store by kg.export.write_turtle (no longer rdflib's serializer)
    monkeypatch.setattr("kg.build.write_turtle", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build([ROOT / "seeds"], out, validate=False)
    assert (out / "graph.ttl").read_bytes() == before
    # no half-written temporary file is left beside it; the store and its manifest are the only other entries
    assert sorted(p.name for p in out.iterdir()) == ["graph.ttl", "manifest.sqlite", "store"]
