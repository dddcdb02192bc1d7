"""Every kind of view, opened from a file in headless Chromium with the network off.

For each: the vis-network object exists; its node and edge counts equal those
computed from graph.ttl with SPARQL; the console shows no error; nothing is
fetched; a tooltip shows an evidence sentence.  Screenshots go to
exports/screenshots/ (look at them: overlapping labels are a defect).
"""
from __future__ import annotations

from kg.viz.browser import hover_tooltip
from tests.viz.conftest import shoot

TOWNSHIP = "https://w3id.org/fazhi-kg/id/division/540624211000"      # 色务乡, the richest seed
MECHANISM = "https://w3id.org/fazhi-kg/id/mechanism/fa-lv-ming-bai-ren"  # 法律明白人: implemented and planned


def expected_overview(sparql):
    nodes = sparql.count("""SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {
        { VALUES ?k { fz:Province fz:Prefecture fz:County fz:Township } ?x a ?k }
        UNION { ?d fz:implements|fz:plans|fz:participatesIn ?x } }""")
    # the overview nests the four levels (villages stay out of it) and links divisions to concepts
    edges = sparql.count("""SELECT (COUNT(*) AS ?n) WHERE {
        { VALUES ?p { fz:parentDivision fz:candidateParent } ?s ?p ?o .
          VALUES ?k { fz:Province fz:Prefecture fz:County fz:Township } ?s a ?k . ?o a ?k2 .
          VALUES ?k2 { fz:Province fz:Prefecture fz:County fz:Township } }
        UNION { VALUES ?p { fz:implements fz:plans fz:participatesIn } ?s ?p ?o . } }""")
    return nodes, edges


def expected_township(sparql, t):
    concepts = sparql.count(f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ <{t}> fz:implements|fz:plans|fz:participatesIn ?c }}")
    links = sparql.count(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{t}> ?p ?c . FILTER(?p IN (fz:implements, fz:plans, fz:participatesIn)) }}")
    up = sparql.count(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ <{t}> fz:parentDivision+ ?a }}")
    cand = sparql.count(f"SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {{ <{t}> fz:candidateParent ?a }}")
    return 1 + concepts + up + cand, links + up + cand


def expected_mechanism(sparql, m):
    doers = {r["d"] for r in sparql.rows(f"SELECT ?d WHERE {{ ?d fz:implements <{m}> }}")}
    planners = {r["d"] for r in sparql.rows(f"SELECT ?d WHERE {{ ?d fz:plans <{m}> }}")} - doers
    shown = doers | planners
    parents = {(r["d"], r["p"]) for r in sparql.rows(
        f"SELECT ?d ?p WHERE {{ {{ ?d fz:implements <{m}> }} UNION {{ ?d fz:plans <{m}> }} ?d fz:parentDivision ?p }}")}
    return 1 + len(shown) + len({p for _, p in parents}), len(shown) + len(parents)


def expected_coadoption(sparql, min_both):
    nodes = sparql.count("SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?d fz:implements ?m . ?m a fz:Mechanism }")
    edges = sparql.count(f"""SELECT (COUNT(*) AS ?n) WHERE {{
        {{ SELECT ?a ?b (COUNT(DISTINCT ?d) AS ?both) WHERE {{
            ?d fz:implements ?a, ?b . ?a a fz:Mechanism . ?b a fz:Mechanism . FILTER(STR(?a) < STR(?b)) }}
          GROUP BY ?a ?b }} FILTER(?both >= {min_both}) }}""")
    return nodes, edges


def quotes_of(sparql, subject=None, obj=None):
    where = (f"rdf:subject <{subject}> ;" if subject else "") + (f"rdf:object <{obj}> ;" if obj else "")
    return [r["q"] for r in sparql.rows(f"SELECT ?q WHERE {{ ?st a rdf:Statement ; {where} fz:quote ?q }}")]


def check_opened(opened, nodes, edges):
    assert opened.nodes == nodes and opened.edges == edges
    assert opened.errors == ()
    assert opened.blocked == ()


def test_overview(browser, seeds_out, sparql):
    with browser.page(seeds_out / "views" / "overview.html") as (page, opened):
        check_opened(opened, *expected_overview(sparql))
        tip = hover_tooltip(page, MECHANISM)
        assert any(q[:20] in tip for q in quotes_of(sparql, obj=MECHANISM)), tip
        shoot(page, "overview")


def test_township_view(browser, seeds_out, sparql):
    with browser.page(seeds_out / "views" / "township" / "540624211000.html") as (page, opened):
        check_opened(opened, *expected_township(sparql, TOWNSHIP))
        tip = hover_tooltip(page, MECHANISM)       # 色务乡 plans 法律明白人: the sentence says so
        assert "法律明白人" in tip and any(q[:20] in tip for q in quotes_of(sparql, TOWNSHIP, MECHANISM)), tip
        shoot(page, "township-540624211000")


def test_every_township_view_opens(browser, seeds_out, sparql):
    for t in [r["t"] for r in sparql.rows("SELECT DISTINCT ?t WHERE { ?t a fz:Township }")]:
        name = t.rsplit("/", 1)[-1]
        with browser.page(seeds_out / "views" / "township" / f"{name}.html") as (page, opened):
            check_opened(opened, *expected_township(sparql, t))


def test_mechanism_view(browser, seeds_out, sparql):
    with browser.page(seeds_out / "views" / "mechanism" / "fa-lv-ming-bai-ren.html") as (page, opened):
        check_opened(opened, *expected_mechanism(sparql, MECHANISM))
        dashed = page.evaluate("() => network.body.data.edges.get().filter(e => e.predicate === 'plans')"
                               ".map(e => e.dashes)")
        assert dashed == [True]                  # 色务乡 only plans it
        tip = hover_tooltip(page, MECHANISM)
        assert any(q[:20] in tip for q in quotes_of(sparql, obj=MECHANISM)), tip
        shoot(page, "mechanism-fa-lv-ming-bai-ren")


def test_coadoption_view(browser, seeds_out, sparql):
    with browser.page(seeds_out / "views" / "coadoption.html") as (page, opened):
        min_both = page.evaluate("() => data.meta.min_both")
        check_opened(opened, *expected_coadoption(sparql, min_both))
        tip = hover_tooltip(page, MECHANISM)
        assert "法律明白人" in tip and "实施" in tip
        shoot(page, "coadoption")


def test_filter_and_search_controls(browser, seeds_out):
    with browser.page(seeds_out / "views" / "overview.html") as (page, _):
        page.uncheck("input.f-node[value=Campaign]")
        hidden = page.evaluate("() => network.body.data.nodes.get().filter(n => n.hidden).map(n => n.cls)")
        assert hidden and set(hidden) == {"Campaign"}
        page.fill("#q", "色务乡")
        page.click("#search button")
        selected = page.evaluate("() => network.getSelectedNodes()")
        assert TOWNSHIP in selected            # and 色务乡党政联席会议制度, a mechanism named after it
        assert page.inner_text("#found") == f"找到 {len(selected)} 个"
        assert "色务乡" in page.inner_text("#details")


def test_dashboard_opens_offline(browser, seeds_out):
    with browser.page(seeds_out / "index.html") as (page, opened):
        assert opened.errors == () and opened.blocked == ()
        # the plots are images that loaded (a broken data URI has naturalWidth 0)
        widths = page.evaluate("() => [...document.images].map(i => i.naturalWidth)")
        assert len(widths) >= 3 and all(w > 0 for w in widths)
        shoot(page, "dashboard")
