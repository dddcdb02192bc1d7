"""The SPARQL endpoint: protocol, content negotiation, read-only, timeout, limits, the page."""
import json
import threading
from pathlib import Path

import pytest
import requests
from pyoxigraph import QueryResultsFormat, RdfFormat, parse, parse_query_results

from kg.build import build
from kg.serve import ServeConfig, make_server

ROOT = Path(__file__).resolve().parent.parent
Q = "SELECT ?f WHERE { ?r a fz:Report ; fz:sourceFile ?f } ORDER BY ?f"
FILES = sorted(p.name for p in (ROOT / "seeds").glob("*.txt"))


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    build([ROOT / "seeds"], out, validate=False)
    return out


def _serve(config):
    server = make_server(config)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="module")
def server(seeds):
    server = _serve(ServeConfig(seeds, port=0, timeout=2, max_results=1000))
    yield server
    server.shutdown()
    server.server_close()


def _files(resp):
    return [s["f"].value for s in parse_query_results(resp.content, format=QueryResultsFormat.JSON)]


def test_binds_to_loopback_by_default(server):
    assert server.server_address[0] == "127.0.0.1"


def test_get_and_both_posts(server):
    url = server.url + "sparql"
    get = requests.get(url, params={"query": Q}, timeout=30)
    form = requests.post(url, data={"query": Q}, timeout=30)
    direct = requests.post(url, data=Q.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=30)
    for resp in (get, form, direct):
        assert resp.status_code == 200, resp.text
        assert resp.headers["Content-Type"].startswith("application/sparql-results+json")
        assert _files(resp) == FILES


def test_csv_by_accept(server):
    resp = requests.get(server.url + "sparql", params={"query": Q}, headers={"Accept": "text/csv"}, timeout=30)
    assert resp.headers["Content-Type"].startswith("text/csv")
    assert resp.text.split("\r\n") == ["f", *FILES, ""]


@pytest.mark.parametrize("accept, fmt", [("text/tab-separated-values", QueryResultsFormat.TSV),
                                         ("application/sparql-results+xml", QueryResultsFormat.XML),
                                         ("text/html;q=0.9, application/sparql-results+json", QueryResultsFormat.JSON)])
def test_result_format_follows_accept(server, accept, fmt):
    resp = requests.get(server.url + "sparql", params={"query": Q}, headers={"Accept": accept}, timeout=30)
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].split(";")[0] in accept
    assert [s["f"].value for s in parse_query_results(resp.content, format=fmt)] == FILES


def test_construct_gives_rdf(server):
    q = "CONSTRUCT { ?r fz:sourceFile ?f } WHERE { ?r a fz:Report ; fz:sourceFile ?f }"
    ttl = requests.get(server.url + "sparql", params={"query": q}, timeout=30)
    assert ttl.headers["Content-Type"].startswith("text/turtle")
    assert len(list(parse(ttl.content, format=RdfFormat.TURTLE))) == 5
    nt = requests.get(server.url + "sparql", params={"query": q}, headers={"Accept": "application/n-triples"}, timeout=30)
    assert len(list(parse(nt.content, format=RdfFormat.N_TRIPLES))) == 5


def test_dataset_can_be_narrowed_to_one_report_graph(server):
    report = "https://w3id.org/fazhi-kg/id/report/9325c7a664be7894"
    resp = requests.get(server.url + "sparql", params={"query": Q, "default-graph-uri": report}, timeout=30)
    assert _files(resp) == ["000_4e8d029ddc923378.txt"]


def test_errors_are_clear(server):
    bad = requests.get(server.url + "sparql", params={"query": "SELECT * {\n ?s ?p }"}, timeout=30)
    assert bad.status_code == 400 and "line 2, column" in bad.text
    assert requests.get(server.url + "sparql", timeout=30).status_code == 400
    assert requests.get(server.url + "nothing", timeout=30).status_code == 404
    slow = requests.get(server.url + "sparql", params={"query": "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}, timeout=60)
    assert slow.status_code == 503 and "longer than 2 s" in slow.text
    big = requests.get(server.url + "sparql", params={"query": "SELECT * { ?s ?p ?o }"}, timeout=60)
    assert big.status_code == 500 and "more than 1,000 rows" in big.text
    assert _files(requests.get(server.url + "sparql", params={"query": Q}, timeout=30)) == FILES   # still serving


def test_read_only_unless_allowed(server, seeds):
    upd = "INSERT DATA { <https://example.org/x> <https://example.org/p> 1 }"
    resp = requests.post(server.url + "update", data=upd.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=30)
    assert resp.status_code == 403 and "--allow-update" in resp.text
    assert requests.post(server.url + "sparql", data={"update": upd}, timeout=30).status_code == 403


def test_updates_when_allowed_are_seen_by_the_next_query(tmp_path):
    out = tmp_path / "one"
    build([ROOT / "seeds" / FILES[0]], out, validate=False)
    server = _serve(ServeConfig(out, port=0, allow_update=True, workers=1))
    try:
        upd = 'INSERT DATA { <https://example.org/r> a fz:Report ; fz:sourceFile "added.txt" }'
        resp = requests.post(server.url + "update", data={"update": upd}, timeout=60)
        assert resp.status_code == 204, resp.text
        resp = requests.get(server.url + "sparql", params={"query": Q}, timeout=30)
        assert _files(resp) == sorted([FILES[0], "added.txt"])
    finally:
        server.shutdown()
        server.server_close()



def _union_is_kept(out):
    from pyoxigraph import DefaultGraph, Store

    store = Store.read_only(str(out / "store"))
    named = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)
             if not isinstance(q.graph_name, DefaultGraph)}
    default = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, DefaultGraph())}
    return named == default


def test_updates_keep_the_default_graph_the_union_of_the_named_graphs(tmp_path):
    out = tmp_path / "two"
    build([ROOT / "seeds" / FILES[0], ROOT / "seeds" / FILES[1]], out, validate=False)
    server = _serve(ServeConfig(out, port=0, allow_update=True, workers=1))
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?r a fz:Report } }"
    try:
        reports = [b["g"]["value"] for b in requests.get(server.url + "sparql", params={"query": graphs}, timeout=30).json()["results"]["bindings"]]
        dropped = reports[0]
        for upd in (f"DROP GRAPH <{dropped}>",                                               # a report's graph goes,
                    'INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/r> a fz:Report ; fz:sourceFile "g.txt" } }',
                    'INSERT DATA { <https://example.org/d> a fz:Report ; fz:sourceFile "d.txt" }',     # into …/graph/updates
                    'WITH <https://example.org/g> DELETE { ?r fz:sourceFile "g.txt" } INSERT { ?r fz:sourceFile "h.txt" } WHERE { ?r a fz:Report }'):
            resp = requests.post(server.url + "update", data={"update": upd}, timeout=60)
            assert resp.status_code == 204, resp.text
        files = _files(requests.get(server.url + "sparql", params={"query": Q}, timeout=30))
        kept = [f for f in FILES[:2] if f not in files]
        assert len(kept) == 1 and sorted(files) == sorted([*[f for f in FILES[:2] if f in files], "d.txt", "h.txt"])
        # what only the dropped report said is gone from the union; what the other report also says stays
        for refused in ("DELETE WHERE { GRAPH ?g { ?s fz:sourceFile ?f } }", "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "CLEAR ALL"):
            resp = requests.post(server.url + "update", data={"update": refused}, timeout=60)
            assert resp.status_code == 400 and ("GRAPH <" in resp.text), resp.text
    finally:
        server.shutdown()
        server.server_close()
    assert _union_is_kept(out)


def test_the_query_page_works_offline_and_escapes(server):
    page = requests.get(server.url, timeout=30)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    text = page.text
    assert "<script src" not in text and "http://" not in text.split("<script>")[1].split("</script>")[0].replace("http://www.w3.org", "")
    assert "township-profile" in text and "色务乡" in text
    data = text.split("const EXAMPLES = ")[1].split(";\n")[0]
    examples = json.loads(data.replace("<\\/", "</"))
    assert "PREFIX fz:" in examples["plans-only"]["text"]
