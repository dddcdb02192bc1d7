"""Views of bad or extreme graphs still open in Chromium: empty, a township without facts,
a label thousands of characters long, a report that carries HTML, and 50,000 nodes."""
from __future__ import annotations

import json
from pathlib import Path

from kg.analysis.corpus import read_corpus
from kg.analysis.synthetic import synthetic_graph
from kg.viz.browser import hover_tooltip
from kg.viz.lookup import Lookup
from kg.viz.overview import overview
from kg.viz.page import write_view
from kg.viz.run import visualize
from kg.viz.township import township_view
from tests.viz.conftest import shoot

ID = "https://w3id.org/fazhi-kg/id/"
HEAD = """@prefix fz: <https://w3id.org/fazhi-kg/ont#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
"""


def test_empty_graph_says_so(browser, tmp_path):
    (tmp_path / "graph.ttl").write_text("", encoding="utf-8")
    result = visualize(tmp_path)
    assert result.empty
    with browser.page(tmp_path / "views" / "overview.html") as (page, opened):
        assert (opened.nodes, opened.edges, opened.errors) == (0, 0, ())
        assert "图是空的" in page.inner_text("#mynetwork")
    with browser.page(tmp_path / "index.html") as (page, opened):
        assert opened.errors == () and "图是空的" in page.inner_text("body")


def test_hostile_and_huge_text_and_a_township_without_facts(browser, tmp_path):
    evil = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">"\\u2028'
    long_label = "很长的乡镇名" * 800
    lit = lambda text: json.dumps(text, ensure_ascii=False)     # a Turtle string literal
    (tmp_path / "graph.ttl").write_text(HEAD + f"""
<{ID}division/k> a fz:County ; rdfs:label "某县"@zh .
<{ID}division/t> a fz:Township ; rdfs:label {lit(evil)}@zh ; fz:parentDivision <{ID}division/k> ;
    fz:implements <{ID}mechanism/m> .
<{ID}division/long> a fz:Township ; rdfs:label "{long_label}"@zh ; fz:parentDivision <{ID}division/k> .
<{ID}mechanism/m> a fz:Mechanism ; skos:prefLabel {lit(evil)}@zh .
<{ID}report/r> a fz:Report ; fz:division <{ID}division/t> ; fz:year 2024 .
[] a rdf:Statement ; rdf:subject <{ID}division/t> ; rdf:predicate fz:implements ; rdf:object <{ID}mechanism/m> ;
   prov:wasDerivedFrom <{ID}report/r> ; fz:quote {lit(evil + " 是证据")} ; fz:charStart 1 ; fz:charEnd 2 .
""", encoding="utf-8")
    visualize(tmp_path)
    views = tmp_path / "views"
    for f in ["overview.html", "coadoption.html", "township/t.html", "township/long.html", "mechanism/m.html"]:
        with browser.page(views / f) as (page, opened):
            assert opened.errors == () and opened.blocked == (), f
            assert opened.nodes >= 1, f
            if f == "township/t.html":
                tip = hover_tooltip(page, f"{ID}mechanism/m")
                assert "<script>window.__xss=1</script>" in tip and "是证据" in tip   # shown as text
            if f == "township/long.html":
                assert "没有机制、活动或计划的事实" in page.inner_text("header")
                shoot(page, "bad-input-long-label")
            assert page.evaluate("() => window.__xss === undefined"), f
    with browser.page(tmp_path / "index.html") as (page, opened):
        assert opened.errors == () and page.evaluate("() => window.__xss === undefined")


def test_fifty_thousand_nodes(browser, tmp_path):
    g = synthetic_graph(tmp_path, townships=46_300, seed=3, links_per_township=4)
    assert g.nodes >= 50_000
    lk = Lookup.of(read_corpus(tmp_path))
    view = overview(lk)
    assert view.meta["aggregated"] and view.positioned
    path = write_view(view, tmp_path / "views")
    with browser.page(path, timeout_s=180) as (page, opened):
        assert (opened.nodes, opened.edges) == (len(view.nodes), len(view.edges))
        assert opened.errors == ()
        shoot(page, "overview-50k")
    ego = write_view(township_view(lk, lk.corpus.townships[0]), tmp_path / "views")
    assert browser.open(Path(ego)).errors == ()
