"""kg analyze (kg/analysis/): the measures on real graphs, checked against figures computed here."""
from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.analysis import analyze
from kg.analysis.centrality import centrality, sample_size
from kg.analysis.corpus import Corpus, Division, Evidence, Link, read_corpus
from kg.analysis.reuse import copied_adoptions
from kg.analysis.adoption import adoption_matrix
from kg.analysis.similarity import township_similarity
from kg.analysis.spread import diffusion, regional_adoption
from kg.analysis.synthetic import synthetic_graph
from kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
FZ = "https://w3id.org/fazhi-kg/ont#"
ID = "https://w3id.org/fazhi-kg/id/"
GRAPH = ox.NamedNode(ID + "graph/analysis")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    from kg.build import build

    out = tmp_path_factory.mktemp("seeds-analysis")
    build([ROOT / "seeds"], out, validate=False)
    analyze(out)
    return out


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _sets(graph: Path) -> dict[str, set]:
    """Each division's adopted concepts, straight from the Turtle."""
    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TURTLE)
    out: dict[str, set] = {}
    for r in store.query(f"SELECT ?d ?c WHERE {{ ?d <{FZ}implements>|<{FZ}participatesIn> ?c }}"):
        out.setdefault(r["d"].value, set()).add(r["c"].value)
    return out


def test_tables_match_the_graph(seeds):
    sets = _sets(seeds / "graph.ttl")
    towns = _csv(seeds / "analysis" / "townships.csv")
    assert {r["iri"] for r in towns} == set(sets)
    concepts = {r["iri"]: r for r in _csv(seeds / "analysis" / "concepts.csv")}
    first = ID + "mechanism/fa-zhi-jian-she-di-yi-ze-ren-ren-zhi-du"
    assert int(concepts[first]["采用地数"]) == sum(first in s for s in sets.values())
    for row in _csv(seeds / "analysis" / "similarity.csv"):
        a, b = sets[row["乡镇"]], sets[row["相似乡镇"]]
        assert float(row["Jaccard"]) == pytest.approx(len(a & b) / len(a | b), abs=1e-4)
        assert int(row["共同采用数"]) == len(a & b)
    report = (seeds / "analysis" / "report.md").read_text(encoding="utf-8")
    assert "法治建设第一责任人制度" in report and "只有一个年份" in report


def test_results_are_written_back_as_a_named_graph(seeds):
    store = ox.Store()
    store.load(path=str(seeds / "analysis" / "analysis.trig"), format=ox.RdfFormat.TRIG)
    assert store.named_graphs() and list(store.named_graphs()) == [GRAPH]
    degree = {q.subject.value: int(q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(FZ + "degree"), None, GRAPH)}
    sets = _sets(seeds / "graph.ttl")
    assert all(degree[d] == len(s) for d, s in sets.items())
    members = list(store.quads_for_pattern(None, ox.NamedNode(FZ + "community"), None, GRAPH))
    assert {q.subject.value for q in members} == set(sets)


def _with_store(tmp_path: Path, seeds: Path) -> Path:
    """An output folder with the seeds' graph.ttl and an empty store (the build's persistent store,
    when there is one), for the analysis to write into."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "graph.ttl").write_bytes((seeds / "graph.ttl").read_bytes())
    ox.Store(str(out / "store"))
    return out


def test_rerun_replaces_the_named_graph_in_a_store(tmp_path, seeds):
    out = _with_store(tmp_path, seeds)
    analyze(out)
    first = len(ox.Store.read_only(str(out / "store")))
    analyze(out)
    store = ox.Store.read_only(str(out / "store"))
    assert first > 0 and len(store) == first
    assert list(store.named_graphs()) == [GRAPH]
    # the default graph is the union of the named graphs: the analysis is there too, once
    named = {q.triple for q in store.quads_for_pattern(None, None, None, GRAPH)}
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert named and default == named


def test_rerun_in_chunks_leaves_no_stale_results(tmp_path, seeds, monkeypatch):
    """The previous analysis leaves the store a few triples per transaction; only it leaves."""
    import kg.analysis.writeback as writeback

    out = _with_store(tmp_path, seeds)
    store = ox.Store(str(out / "store"))
    other = ox.Quad(ox.NamedNode(ID + "division/x"), ox.NamedNode(FZ + "implements"), ox.NamedNode(ID + "mechanism/y"))
    store.add(other)                                              # a report's triple in the default graph
    del store
    analyze(out)
    first = len(ox.Store.read_only(str(out / "store")))
    monkeypatch.setattr(writeback, "CHUNK", 7)
    analyze(out, reuse_weight=0.5)
    store = ox.Store.read_only(str(out / "store"))
    named = {q.triple for q in store.quads_for_pattern(None, None, None, GRAPH)}
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    assert len(store) == first and default == named | {other.triple}
    assert [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode(FZ + "reuseWeight"), None, GRAPH)] == ["0.5"]


def test_rerun_removes_blank_node_triples_of_the_old_analysis(tmp_path, seeds, monkeypatch):
    """A triple with a blank node (written into the analysis graph by an update) leaves too."""
    import kg.analysis.writeback as writeback

    out = _with_store(tmp_path, seeds)
    analyze(out)
    store = ox.Store(str(out / "store"))
    first = len(store)
    note = ox.Triple(ox.BlankNode(), ox.NamedNode(FZ + "degree"), ox.Literal("1"))
    for graph in (GRAPH, ox.DefaultGraph()):
        store.add(ox.Quad(*note, graph))
    del store
    monkeypatch.setattr(writeback, "CHUNK", 5)
    analyze(out)
    store = ox.Store.read_only(str(out / "store"))
    assert len(store) == first
    assert not [q for q in store if isinstance(q.subject, ox.BlankNode) and q.predicate == note.predicate]


def _analysis_graphs(out: Path) -> tuple[set, set, set]:
    """The analysis graph of the store, the default graph's triples, and what analysis.trig says."""
    store = ox.Store.read_only(str(out / "store"))
    named = {q.triple for q in store.quads_for_pattern(None, None, None, GRAPH)}
    default = {q.triple for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())}
    trig = ox.Store()
    trig.load(path=str(out / "analysis" / "analysis.trig"), format=ox.RdfFormat.TRIG)
    return named, default, {q.triple for q in trig}


def test_a_rerun_changes_in_the_store_only_the_lines_that_changed(tmp_path, seeds, monkeypatch):
    """The second run with another reuse weight, and a third like it: the store ends as the file
    says, without the whole graph being replaced; what the last run left stays trusted."""
    import kg.analysis.writeback as writeback

    out = _with_store(tmp_path, seeds)
    analyze(out)
    first, _, _ = _analysis_graphs(out)
    changes = []
    real = writeback._change_in_store

    def spy(cs, trig, previous, again, load):
        changes.append((int((~again).sum()), sum(1 for _ in writeback._statements(load))))
        return real(cs, trig, previous, again, load)

    def replace(*args):
        raise AssertionError("the whole graph was replaced")

    monkeypatch.setattr(writeback, "_change_in_store", spy)
    monkeypatch.setattr(writeback, "_replace_in_store", replace)
    analyze(out, reuse_weight=0.5)
    named, default, said = _analysis_graphs(out)
    assert named == said and default == named and named != first
    removed, added = changes[-1]
    assert removed == added == 1             # the run's fz:reuseWeight line; the seeds have nothing to discount
    analyze(out, reuse_weight=0.5)
    assert changes[-1] == (0, 0)
    assert _analysis_graphs(out)[0] == said


def test_a_rerun_after_the_graph_was_changed_replaces_it_whole(tmp_path, seeds, monkeypatch):
    """An update took a triple out of the analysis graph: the previous file no longer says what the
    store holds, and the rerun writes the graph again whole."""
    import kg.analysis.writeback as writeback

    out = _with_store(tmp_path, seeds)
    analyze(out)
    named, _, _ = _analysis_graphs(out)
    store = ox.Store(str(out / "store"))
    gone = sorted(named, key=str)[0]
    store.remove(ox.Quad(*gone, GRAPH))
    del store
    monkeypatch.setattr(writeback, "_change_in_store", lambda *a: pytest.fail("trusted a changed graph"))
    analyze(out)
    named_again, default, said = _analysis_graphs(out)
    assert named_again == said == named and gone in default


def _two(quote_a: str, quote_b: str, extra: tuple = ()) -> Corpus:
    d = {"a": Division("a", "甲镇", "Township"), "b": Division("b", "乙镇", "Township")}
    return Corpus(d, {}, (Link("a", "implements", "m", (Evidence(quote_a, "ra"),)),
                          Link("b", "implements", "m", (Evidence(quote_b, "rb"),)),
                          Link("a", "implements", "n", (Evidence("甲镇自己的做法。", "ra"),)),
                          Link("b", "implements", "n", (Evidence("乙镇另一种说法。", "rb"),))) + extra)


def test_template_copying_is_discounted():
    # the same template sentence (only the township's name differs) backs m in both reports
    c = _two("甲镇全面推行行政执法三项制度，成效明显。", "乙镇全面推行行政执法三项制度，成效明显！")
    copied = copied_adoptions(c)
    assert copied == {("a", "m"), ("b", "m")}
    for weight, expected in ((0.0, 1.0), (1.0, 1.0), (0.5, (1 + 0.25) / (1.25 + 1.25 - 1.25))):
        sims = township_similarity(adoption_matrix(c, copied=copied, reuse_weight=weight))
        assert sims[0].jaccard == 1.0 and sims[0].discounted == pytest.approx(expected)
    # written differently: nothing is discounted
    assert copied_adoptions(_two("甲镇推行三项制度。", "乙镇落实执法公示、全过程记录。")) == frozenset()


def test_text_reuse_links_are_honoured(tmp_path):
    synthetic_graph(tmp_path, townships=30, seed=5)
    c0 = read_corpus(tmp_path)
    a, b = c0.townships[:2]
    shared = {l.concept for l in c0.links if l.division == a} & {l.concept for l in c0.links if l.division == b}
    with (tmp_path / "graph.ttl").open("a", encoding="utf-8") as f:
        f.write(f"<{ID}reuse> <http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <{FZ}textReuse> .\n"
                f"<{ID}report/r{a.rsplit('t', 1)[-1]}-2024> <{ID}reuse> <{ID}report/r{b.rsplit('t', 1)[-1]}-2024> .\n")
    c = read_corpus(tmp_path)
    assert c.reuse_pairs == {tuple(sorted((a, b)))}
    adopted = lambda d: {l.concept for l in c.links if l.division == d and l.predicate != "plans"}
    assert {k for d, k in copied_adoptions(c) if d == a} >= adopted(a) & adopted(b)
    assert shared    # the two synthetic townships share something, or the check above is empty


def test_communities_are_reproducible_and_meaningful(tmp_path):
    # two planted groups: townships 0-9 implement m0-m3, townships 10-19 implement m4-m7
    lines = ["@prefix fz: <https://w3id.org/fazhi-kg/ont#> ."]
    for t in range(20):
        lines.append(f"<{ID}division/t{t}> a fz:Township .")
        for m in range(4):
            lines.append(f"<{ID}division/t{t}> fz:implements <{ID}mechanism/m{m + 4 * (t >= 10)}> .")
    for m in range(8):
        lines.append(f"<{ID}mechanism/m{m}> a fz:Mechanism .")
    (tmp_path / "graph.ttl").write_text("\n".join(lines), encoding="utf-8")
    first = analyze(tmp_path)
    rows = _csv(tmp_path / "analysis" / "communities.csv")
    assert first.communities == 2 and [r["乡镇数"] for r in rows] == ["10", "10"]
    text = (tmp_path / "analysis" / "communities.csv").read_bytes()
    analyze(tmp_path)
    assert (tmp_path / "analysis" / "communities.csv").read_bytes() == text


def test_betweenness_is_sampled_on_big_graphs_and_seeded():
    import networkx as nx

    g = nx.barabasi_albert_graph(3000, 3, seed=1)
    g = nx.relabel_nodes(g, str)
    k = sample_size(g.number_of_nodes(), g.number_of_edges(), budget=200_000)
    assert 8 <= k < 3000
    a, b = centrality(g, budget=200_000), centrality(g, budget=200_000)
    assert not a.exact and a.samples == k and a.values == b.values
    assert max(a.values, key=lambda v: a.values[v].betweenness) in {"0", "1", "2", "3", "4"}  # the oldest hubs


def test_regions_and_diffusion_over_years(tmp_path):
    synthetic_graph(tmp_path, townships=60, seed=2, years=(2023, 2024))
    c = read_corpus(tmp_path)
    assert c.years == (2023, 2024)
    rows = regional_adoption(c, "Province")
    assert rows and all(0 < r.adopters <= r.reporting for r in rows)
    assert sum(r.reporting for r in {r.region: r for r in rows}.values()) == len(c.townships)
    diff = diffusion(c)
    last = {d.concept: d.cumulative for d in diff if d.year == 2024}
    adopters = {}
    for l in c.links:
        if l.predicate != "plans":
            adopters.setdefault(l.concept, set()).add(l.division)
    assert last == {k: len(v) for k, v in adopters.items()}
    analyze(tmp_path)
    assert "2024 年新采用最多的" in (tmp_path / "analysis" / "report.md").read_text(encoding="utf-8")


def test_cli_on_empty_and_missing_graphs(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["analyze", "--out", str(tmp_path / "nowhere")])
    assert res.exit_code == 1 and "kg build" in res.output and "Traceback" not in res.output
    (tmp_path / "graph.ttl").write_text("", encoding="utf-8")
    res = runner.invoke(main, ["analyze", "--out", str(tmp_path)])
    assert res.exit_code == 0 and "nothing to measure" in res.output
    assert "无可分析" in (tmp_path / "analysis" / "report.md").read_text(encoding="utf-8")
    (tmp_path / "graph.ttl").write_text("not turtle <<", encoding="utf-8")
    res = runner.invoke(main, ["analyze", "--out", str(tmp_path)])
    assert res.exit_code == 1 and "graph.ttl" in res.output and "Traceback" not in res.output
    res = runner.invoke(main, ["analyze", "--out", str(tmp_path), "--reuse-weight", "2"])
    assert res.exit_code == 2


@pytest.mark.parametrize("reuse_weight, m, threads", [(0.0, 30, 2), (0.5, 30, 2), (1.0, 30, 2), (0.5, 150, 2),
                                                      (0.5, 30, 1), (0.0, 150, 3)])
def test_top_k_neighbours_are_those_of_all_pairs(reuse_weight, m, threads, monkeypatch):
    """The pruned search (chunks of equal vector length, blocks in threads) finds exactly what scoring every pair finds."""
    import numpy as np
    from scipy import sparse

    import kg.analysis.similarity as similarity
    from kg.analysis.adoption import Adoption

    rng = np.random.default_rng(7)
    n, k = 240, 6
    popularity = 0.5 / (1 + np.arange(m)) ** 0.8
    b = (rng.random((n, m)) < popularity).astype(np.float32)
    b[b.sum(axis=1) == 0, 0] = 1
    w = b.copy()
    w[(rng.random((n, m)) < 0.3) & (b > 0)] = reuse_weight        # adoptions that look copied
    monkeypatch.setattr(similarity, "BLOCK", 37)                   # several blocks, several chunks per length
    monkeypatch.setattr(similarity, "CHUNK", 5)
    monkeypatch.setattr(similarity, "THREADS", threads)
    names = tuple(f"t{i:03d}" for i in range(n))
    got = [(s.a, s.b, round(s.jaccard, 6), round(s.discounted, 6), s.shared) for s in
           similarity.township_similarity(Adoption(names, tuple(map(str, range(m))),
                                                   sparse.csr_matrix(b), sparse.csr_matrix(w)), top_k=k)]
    bb, ww = b.astype(float), w.astype(float)
    inter, dot = bb @ bb.T, ww @ ww.T
    size, norm = bb.sum(axis=1), (ww * ww).sum(axis=1)
    expected = []
    for i in range(n):
        scored = []
        for j in range(n):
            if j != i:
                union, den = size[i] + size[j] - inter[i, j], norm[i] + norm[j] - dot[i, j]
                scored.append((-(dot[i, j] / den if den else 0.0), -(inter[i, j] / union), j))
        for d, jac, j in sorted(scored)[:k]:
            if -d >= 1e-9 or -jac >= 1e-9:
                expected.append((names[i], names[j], round(-jac, 6), round(-d, 6), int(inter[i, j])))
    assert got == expected


def test_louvain_on_big_graphs_is_igraphs_and_seeded(tmp_path, monkeypatch):
    import kg.analysis.communities as communities_module
    from kg.analysis.adoption import adoption_matrix

    synthetic_graph(tmp_path, townships=80, seed=3)
    corpus = read_corpus(tmp_path)
    a = adoption_matrix(corpus)
    sims = township_similarity(a, top_k=5)
    monkeypatch.setattr(communities_module, "NX_LIMIT", 10)        # 80 townships: the igraph path
    first = communities_module.communities(a, sims, seed=1)
    again = communities_module.communities(a, sims, seed=1)
    assert [c.members for c in first] == [c.members for c in again]
    assert sorted(m for c in first for m in c.members) == sorted(a.rows)
    assert len(first) > 1 and all(c.characteristic for c in first if len(c.members) > 2)
