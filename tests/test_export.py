"""Exports: deterministic Turtle, quads with their graphs, Gephi formats, CSV tables."""
import csv
from pathlib import Path

import networkx as nx
import pytest
from pyoxigraph import Dataset, RdfFormat, parse
from rdflib import Graph
from rdflib.compare import isomorphic

from kg.build import build
from kg.export import FORMATS, export, qname, render_literal
from kg.store import SHARED_GRAPHS, open_read_only

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    build([ROOT / "seeds"], out, validate=False)
    return out


def test_turtle_is_identical_across_builds_and_diffs_cleanly(seeds, tmp_path):
    other = tmp_path / "other"
    build(sorted((ROOT / "seeds").glob("*.txt"), reverse=True), other, validate=False)   # another order, another store
    a, b = (seeds / "graph.ttl").read_bytes(), (other / "graph.ttl").read_bytes()
    assert a == b
    text = a.decode("utf-8")
    assert text.startswith("@prefix fz: <https://w3id.org/fazhi-kg/ont#> .")
    assert "\ndiv:540626202000 a fz:Township ;\n" in text                     # pretty: prefixed, one subject a block
    assert "_:" not in text                                                 # blank nodes inline, no random labels
    blocks = text.split("\n\n")[1:]
    assert len(blocks) == len(set(blocks))                                  # one block per subject


def test_turtle_and_ntriples_hold_the_union(seeds):
    ttl = Graph().parse(seeds / "graph.ttl", format="turtle")
    export(seeds, "nt")
    nt = Graph().parse(seeds / "graph.nt", format="nt")
    assert isomorphic(ttl, nt)
    assert len(ttl) == sum(1 for _ in open_read_only(seeds).quads_for_pattern(None, None, None, __import__("pyoxigraph").DefaultGraph()))
    lines = (seeds / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == len(nt)



@pytest.mark.parametrize("fmt", ["ttl", "nt", "graphml", "gexf", "csv"])
def test_the_external_sort_gives_the_same_files_with_tiny_runs(seeds, tmp_path, monkeypatch, fmt):
    """Memory stays flat because subjects are sorted in runs spilled to temporary files; with runs
    of 7 names (hundreds of runs on the seeds) the files are byte for byte the ones of one run."""
    import kg.export

    one = export(seeds, fmt, tmp_path / "one")
    monkeypatch.setattr(kg.export, "RUN", 7)
    many = export(seeds, fmt, tmp_path / "many")
    files = (lambda r: sorted(r.files)) if fmt == "csv" else (lambda r: [r.path])
    assert [f.read_bytes() for f in files(one)] == [f.read_bytes() for f in files(many)]
    assert one.triples == many.triples

def test_quads_keep_one_graph_per_report(seeds):
    for fmt in ("nq", "trig"):
        result = export(seeds, fmt)
        ds = Dataset(parse(path=str(result.path)))
        graphs = {q.graph_name.value for q in ds}
        reports = {g for g in graphs if "/report/" in g}
        assert len(reports) == 5 and set(SHARED_GRAPHS) - graphs <= {SHARED_GRAPHS[-1]}   # derived may be empty
        assert len(ds) == result.triples
    doc = export(seeds, "jsonld")
    assert sum(1 for _ in parse(path=str(doc.path), format=RdfFormat.JSON_LD)) == doc.triples


@pytest.mark.parametrize("fmt, reader", [("graphml", nx.read_graphml), ("gexf", nx.read_gexf)])
def test_gephi_formats(seeds, fmt, reader):
    result = export(seeds, fmt)
    g = reader(result.path)
    labels = {d.get("label") for _, d in g.nodes(data=True)}
    assert {"加勤乡", "色务乡", "新时代枫桥经验", "那曲市"} <= labels
    classes = {d.get("class") for _, d in g.nodes(data=True)}
    assert {"Report", "Township", "County", "Mechanism", "Measurement"} <= classes
    town = "https://w3id.org/fazhi-kg/id/division/540624211000"      # 色务乡
    mech = "https://w3id.org/fazhi-kg/id/mechanism/xin-shi-dai-feng-qiao-jing-yan"
    assert g.has_edge(town, mech)
    assert g.number_of_edges() == result.triples


def test_csv_tables_open_in_excel_and_pandas(seeds):
    result = export(seeds, "csv")
    names = {p.name for p in result.files}
    assert {"Report.csv", "Township.csv", "Measurement.csv", "Mechanism.csv", "Statement.csv"} <= names
    raw = (seeds / "csv" / "Township.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                                  # BOM: Excel reads UTF-8
    with open(seeds / "csv" / "Township.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["rdfs:label"] for r in rows} == {"加勤乡", "双泉乡", "永和镇", "大村乡", "色务乡"}
    sewu = next(r for r in rows if r["rdfs:label"] == "色务乡")
    assert sewu["fz:parentDivision label"] == "安多县"
    assert "新时代枫桥经验" in sewu["fz:implements label"].split(" | ")
    with open(seeds / "csv" / "Measurement.csv", encoding="utf-8-sig", newline="") as f:
        meas = list(csv.DictReader(f))
    assert {"fz:value", "fz:unit", "fz:division label", "fz:indicator label", "fz:quote"} <= set(meas[0])
    assert all(m["fz:unit"] for m in meas)


def test_every_format_is_offered():
    assert set(FORMATS) == {"ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf", "csv"}


def test_terms_are_written_as_turtle_expects():
    from pyoxigraph import Literal, NamedNode
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert render_literal(Literal("2.5", datatype=NamedNode(xsd + "decimal"))) == "2.5"
    assert render_literal(Literal("58", datatype=NamedNode(xsd + "decimal"))) == '"58"^^xsd:decimal'   # 58 alone is an integer
    assert render_literal(Literal('他说"好"\n', language="zh")) == '"他说\\"好\\"\\n"@zh'
    assert qname("https://w3id.org/fazhi-kg/id/report/abc/section/2") is None                    # '/' needs a full IRI
    assert qname("https://w3id.org/fazhi-kg/id/division/540626202000") == "div:540626202000"


def test_a_subject_whose_triples_come_in_two_places_is_written_once_whole():
    """Turtle and N-Triples render each subject as the store's one pass gives its triples; a
    subject met twice in that pass is rendered again from a lookup, not written twice."""
    import io
    from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, Store
    from kg.export import write_ntriples, write_turtle

    fz = "https://w3id.org/fazhi-kg/ont#"
    a, b = NamedNode("https://w3id.org/fazhi-kg/id/a"), NamedNode("https://w3id.org/fazhi-kg/id/b")
    label = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    quads = [Quad(a, label, Literal("甲", language="zh")), Quad(b, label, Literal("乙", language="zh")),
             Quad(a, NamedNode(fz + "year"), Literal("2024", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#gYear")))]
    store = Store()
    store.extend(quads)

    class Scattered:
        """The store's triples, but ``a``'s come before and after ``b``'s."""
        def quads_for_pattern(self, s, p, o, g):
            return [q for q in quads if s is None or q.subject == s] if isinstance(g, DefaultGraph) else []

    for write in (write_turtle, write_ntriples):
        want, got = io.BytesIO(), io.BytesIO()
        assert write(store, want).triples == write(Scattered(), got).triples == 3
        assert got.getvalue() == want.getvalue()
        text = got.getvalue().decode()
        assert (text.count("\nfzid:a ") == 1) if write is write_turtle else (text.count("<https://w3id.org/fazhi-kg/id/a> ") == 2)
