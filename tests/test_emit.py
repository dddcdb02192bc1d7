"""Predicates by section, and provenance offsets that point into the source as written."""
from pathlib import Path

from rdflib import Graph, Literal, Namespace
from rdflib.namespace import PROV, RDF, RDFS, SKOS

from kg.build import ontology_into, process

FZ = Namespace("https://w3id.org/fazhi-kg/ont#")

REPORT = """[bookmark: _GoBack]南宮市大村鄉人民政府
關於2024年度法治政府建設情況報告
2024年，大村鄉堅持依法行政，深入學習貫徹習近平法治思想，紮實推進法治政府建設各項工作，現將有關情況報告如下：
一、主要舉措和成效
（一）化解矛盾糾紛
建立“三調聯動”工作機制，落實“一村一律師”制度，組織開展“12•4”國家憲法日宣傳活動，發放宣傳資料二千余份。推行“五老調解工作法”。
二、存在的問題
“四議兩公開”制度落實不夠到位。
三、2025年工作計劃
嚴格落實行政執法“三項制度”，開展憲法宣傳周活動。
"""


def graph_of(tmp_path: Path, text: str = REPORT, encoding: str = "big5") -> tuple[Graph, str]:
    path = tmp_path / "report.txt"
    path.write_bytes(text.encode(encoding))
    g = Graph()
    ontology_into(g)   # curated concepts' labels
    for t in process(path).triples:
        g.add(t)
    return g, text


def facts(g, pred):
    return {str(g.value(o, SKOS.prefLabel)) for o in g.objects(None, pred)}


def test_section_decides_the_predicate(tmp_path):
    g, _ = graph_of(tmp_path)
    assert {"三调联动", "一村一法律顾问", "五老调解工作法"} <= facts(g, FZ.implements)
    assert "国家宪法日" in facts(g, FZ.participatesIn)
    assert "行政执法三项制度" in facts(g, FZ.plans) and "宪法宣传周" in facts(g, FZ.plans)
    assert "四议两公开" not in facts(g, FZ.implements) | facts(g, FZ.plans)      # only a shortcoming
    assert "行政执法三项制度" not in facts(g, FZ.implements)


def test_labels_are_simplified_and_offsets_point_into_the_source(tmp_path):
    g, text = graph_of(tmp_path)
    town = next(g.objects(None, FZ.division))
    assert g.value(town, RDFS.label) == Literal("大村乡", lang="zh")
    for st in g.subjects(RDF.type, RDF.Statement):
        if g.value(st, RDF.predicate) == FZ.implements and str(g.value(g.value(st, RDF.object), SKOS.prefLabel)) == "三调联动":
            start, end = int(g.value(st, FZ.charStart)), int(g.value(st, FZ.charEnd))
            assert text[start:end] == "三調聯動"                       # the source, as written
            assert "三調聯動" in str(g.value(st, FZ.quote))
            assert g.value(st, PROV.wasDerivedFrom) is not None
            break
    else:
        raise AssertionError("no evidence for 三调联动")


def test_measurements_carry_provenance(tmp_path):
    g, text = graph_of(tmp_path)
    (m,) = [m for m in g.subjects(RDF.type, FZ.Measurement) if g.value(m, FZ.unit) == Literal("份")]
    assert float(g.value(m, FZ.value)) == 2000 and g.value(m, FZ.approximate).toPython() is True
    start, end = int(g.value(m, FZ.charStart)), int(g.value(m, FZ.charEnd))
    assert text[start:end].startswith("二千")
    assert g.value(g.value(m, FZ.indicator), SKOS.prefLabel) is not None
    assert g.value(m, FZ.year).toPython() == 2024


def test_cached_terms_and_literals_equal_rdflibs():
    from decimal import Decimal

    from rdflib import URIRef
    from rdflib.namespace import XSD

    from kg import emit
    assert emit.FZ.quote == FZ.quote and emit.RDF.type == RDF.type and emit.FZ["Report"] == FZ.Report
    assert emit.integer(7) == Literal(7, datatype=XSD.integer)
    assert emit.plain("索县") == Literal("索县") and emit.zh("索县") == Literal("索县", lang="zh")
    # equal numbers, different literals: the cache must keep them apart
    assert str(emit.decimal(Decimal("1.0"))) == "1.0" and str(emit.decimal(Decimal("1"))) == "1"
    assert emit.decimal(Decimal("2.50")) == Literal(Decimal("2.50"), datatype=XSD.decimal)
    assert isinstance(emit.FZ.division, URIRef)
    try:
        emit.RDF.notAnRdfTerm
    except AttributeError:
        pass
    else:
        raise AssertionError("a closed namespace must still refuse unknown names")
