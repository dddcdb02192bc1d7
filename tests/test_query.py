"""Canned queries, parameters, limits and result formats over the seeds' store."""
import json
from pathlib import Path

import pytest
from pyoxigraph import QueryResultsFormat, parse_query_results

from kg.build import build
from kg.query import (CannedQuery, Param, QueryError, QueryTimeout, ResultTooLarge, bind, canned, resolve,
                      run, syntax_check, to_csv, to_json, to_rdf, to_xml, with_prefixes)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    build([ROOT / "seeds"], out, validate=False)
    return out


def _rows(out, name, **params):
    _, text = resolve(name, None, {k: str(v) for k, v in params.items()})
    result = run(out, text, timeout=60)
    return [{v: (t[1] if t else None) for v, t in zip(result.variables, row)} for row in result.rows]


def test_there_are_at_least_twelve_canned_queries_each_documented_and_valid():
    queries = canned()
    assert len(queries) >= 12
    for q in queries.values():
        assert q.title and q.description, q.name
        assert "/" in q.title, f"{q.name}: the title names the question in Chinese and English"
        syntax_check(bind(q, {}))                    # every default makes a valid query
        for p in q.params:
            assert p.default and p.help, (q.name, p.name)
            assert f"${p.name}" in q.text, (q.name, p.name)


def test_every_canned_query_runs_on_the_seeds(seeds):
    for name in canned():
        _rows(seeds, name)


def test_which_townships_in_naqu_run_fengqiao(seeds):
    rows = _rows(seeds, "mechanism-townships", area="那曲市", mechanism="枫桥经验")
    assert {r["township"] for r in rows} == {"色务乡"}
    assert {r["county"] for r in rows} == {"安多县"}
    assert any("枫桥经验" in r["quote"] for r in rows)
    assert _rows(seeds, "mechanism-townships", area="河北省", mechanism="枫桥经验") == []


def test_mechanisms_in_more_than_n_provinces(seeds):
    rows = {r["mechanism"]: int(r["provinces"]) for r in _rows(seeds, "mechanisms-in-many-provinces", min=2)}
    assert rows == {"法治建设第一责任人制度": 3}
    assert _rows(seeds, "mechanisms-in-many-provinces") == []        # nothing is in more than 10 provinces


def test_townships_that_only_plan(seeds):
    rows = _rows(seeds, "plans-only")
    assert {r["division"] for r in rows} == {"加勤乡"}               # 大村乡 also implements it
    assert all("三项制度" in r["quote"] for r in rows)


def test_figures_of_every_township_of_a_county(seeds):
    rows = _rows(seeds, "county-figures", county="索县", indicator="调解")
    assert {(r["township"], r["indicator"], r["value"], r["unit"]) for r in rows} == {("加勤乡", "人民调解员", "2", "名")}


def test_profile_of_a_township(seeds):
    rows = _rows(seeds, "township-profile", township="色务乡")
    parents = {r["value"] for r in rows if r["what"].startswith("1")}
    assert parents == {"安多县", "那曲市", "西藏自治区"}
    assert any(r["what"].startswith("3") and r["value"] == "新时代枫桥经验" for r in rows)
    assert any(r["what"].startswith("6") for r in rows)


def test_reports_without_a_responsibility_section_and_campaign_months(seeds):
    files = {r["file"] for r in _rows(seeds, "missing-responsibility-section")}
    assert "000_4e8d029ddc923378.txt" in files and len(files) == 4
    months = {(int(r["month"]), r["campaign"]) for r in _rows(seeds, "campaigns-by-month")}
    assert (12, "国家宪法日") in months and (4, "全民国家安全教育日") in months


def test_the_union_has_set_semantics(seeds):
    """A division's label is in several graphs (report, gazetteer); it must not double the rows."""
    rows = _rows(seeds, "reports")
    assert len(rows) == 5 and len({r["file"] for r in rows}) == 5


def test_parameters_are_escaped_and_checked():
    q = CannedQuery("q", "", "", (Param("name", "zh", "x", ""), Param("n", "integer", "1", "")), "SELECT * { ?s ?p $name . FILTER(?o > $n) }", None)
    assert bind(q, {"name": 'a" } ; DROP ALL ; #'}) == 'SELECT * { ?s ?p "a\\" } ; DROP ALL ; #"@zh . FILTER(?o > 1) }'
    with pytest.raises(QueryError, match="no parameter"):
        bind(q, {"township": "x"})
    with pytest.raises(QueryError, match="not an integer"):
        bind(q, {"n": "1 } DROP ALL"})
    needs = CannedQuery("q", "", "", (Param("name", "zh", None, "the name"),), "SELECT * { ?s ?p $name }", None)
    with pytest.raises(QueryError, match="needs --param name"):
        bind(needs, {})


def test_unknown_names_and_ad_hoc_parameters():
    with pytest.raises(QueryError, match="kg query --list"):
        resolve("no-such-query", None, {})
    _, text = resolve("SELECT * { ?t rdfs:label $name }", None, {"name": "色务乡"})
    assert '"色务乡"@zh' in text


def test_syntax_errors_give_line_and_column():
    with pytest.raises(QueryError) as e:
        syntax_check("SELECT ?t WHERE {\n  ?t a fz:Township ;\n     rdfs:label ?l\n  FILTER(?l = )\n}\n")
    assert "line 4, column 3" in str(e.value)
    assert "FILTER(?l = )" in str(e.value)


def test_a_query_past_the_timeout_is_stopped(seeds):
    with pytest.raises(QueryTimeout, match="longer than 1 s"):
        run(seeds, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=1)
    assert run(seeds, "ASK { ?s a fz:Report }", timeout=30).boolean is True      # the next query runs as usual


def test_a_construct_of_millions_of_triples_is_refused(seeds):
    with pytest.raises(ResultTooLarge, match="more than 100,000 triples"):
        run(seeds, "CONSTRUCT { ?s ?p ?c } WHERE { ?s ?p ?o . ?a ?b ?c }", timeout=60)


def test_a_missing_store_is_named(tmp_path):
    with pytest.raises(Exception, match="no store in"):
        run(tmp_path, "ASK {}", timeout=5)


def test_a_store_that_cannot_be_opened_is_named_by_the_query_process(tmp_path):
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "CURRENT").write_text("MANIFEST-000404\n")      # names a manifest that is not there
    with pytest.raises(QueryError, match=f"cannot open the store {tmp_path / 'store'}"):
        run(tmp_path, "ASK {}", timeout=30)


def test_result_formats_are_the_standard_ones(seeds):
    result = run(seeds, "SELECT ?f ?y ?t WHERE { ?r fz:sourceFile ?f ; fz:year ?y ; rdfs:label ?t } ORDER BY ?f", timeout=30)
    for text, fmt in ((to_json(result), QueryResultsFormat.JSON), (to_xml(result), QueryResultsFormat.XML),
                      (to_csv(result, "\t"), QueryResultsFormat.TSV)):
        parsed = list(parse_query_results(text.encode("utf-8"), format=fmt))
        assert [s["f"].value for s in parsed] == [row[0][1] for row in result.rows]
        assert parsed[0]["t"].language == "zh" and parsed[0]["y"].value == "2024"
    csv_lines = to_csv(result).splitlines()
    assert csv_lines[0] == "f,y,t" and len(csv_lines) == 6
    assert json.loads(to_json(run(seeds, "ASK { ?s a fz:Township }", timeout=30))) == {"head": {}, "boolean": True}


def test_construct_gives_turtle(seeds):
    _, text = resolve("township-graph", None, {"township": "加勤乡"})
    result = run(seeds, text, timeout=60)
    assert result.kind == "graph" and len(result.rows) > 100
    from rdflib import Graph
    g = Graph().parse(data=to_rdf(result, "ttl").decode("utf-8"), format="turtle")
    assert len(g) == len(set(result.rows))


def test_with_prefixes_makes_the_text_portable():
    text = with_prefixes(bind(canned()["plans-only"], {}))
    assert text.startswith("PREFIX ") and "PREFIX owl:" not in text
    from rdflib.plugins.sparql import prepareQuery
    prepareQuery(text)             # parses with no prefixes given from outside
