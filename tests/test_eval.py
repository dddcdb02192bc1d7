"""The scorer (kg.eval) on small hand-made inputs, and the gold set against its bounds."""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg import eval as ev

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
FZ = Namespace("https://w3id.org/fazhi-kg/ont#")
ID = "https://w3id.org/fazhi-kg/id/"


# -- normalization -------------------------------------------------------------------------------

def test_label_key_ignores_quotes_dots_and_traditional_characters():
    assert ev.label_key("“12·4”国家宪法日") == ev.label_key("12.4国家宪法日")
    assert ev.label_key("國家憲法日") == ev.label_key("国家宪法日")


def test_loose_key_drops_generic_heads_and_leading_dates():
    assert ev.loose_key("“一统六联”机制") == "一统六联"
    assert ev.loose_key("“马背调解”工作法") == "马背调解"
    assert ev.loose_key("六月平安宣传周") == "平安宣传周"
    assert ev.loose_key("机制") == "机制"          # nothing would remain


def test_title_key_treats_short_and_full_titles_of_national_laws_alike():
    assert ev.title_key("《民法典》") == ev.title_key("中华人民共和国民法典")
    assert ev.title_key("方案（2021—2025年）") == ev.title_key("方案(2021-2025年)")
    assert ev.title_key("《羊坪彝族乡“三重一大”事项决策制度》") == "羊坪彝族乡三重一大事项决策制度"


def test_quantity_key_puts_money_in_yuan():
    assert ev.quantity_key(12.6, "万元", False) == ev.quantity_key("126000", "元", False)
    assert ev.quantity_key("98.0", "％", False) == ("98", "%", False)
    assert ev.quantity_key(5, "次", True) != ev.quantity_key(5, "次", False)


def test_gold_concept_keys_accept_every_label_of_a_curated_concept():
    keys = ev.gold_concept_keys("三调联动")
    assert ev.label_key("人民调解、行政调解、司法调解联动") in keys
    assert any(k.startswith("iri:") for k in keys)


def test_gold_concept_keys_of_an_unknown_label_are_the_label_itself():
    assert ev.gold_concept_keys("“云门夜话”议事平台") == {"云门夜话议事平台"}
    assert "火塘调解" in ev.gold_concept_keys("火塘调解工作法")


# -- matching and scores ---------------------------------------------------------------------------

def item(area, key, relation="", text=None):
    return ev.Item(area, relation, frozenset({key}), text or str(key))


def test_compare_matches_one_to_one_so_repeated_figures_count_twice():
    twelve = ("12", "次", False)
    counts, misses = ev.compare("a.txt", [item("measurements", twelve)] * 2, [item("measurements", twelve)])
    assert counts["measurements"] == (2, 1, 1)
    assert [(m.kind, m.file) for m in misses] == [("missed", "a.txt")]


def test_compare_needs_the_same_relation():
    gold = [item("mechanisms", "三调联动", "implements")]
    system = [item("mechanisms", "三调联动", "plans")]
    counts, misses = ev.compare("a.txt", gold, system)
    assert counts["mechanisms"] == (1, 1, 0)
    assert sorted(m.kind for m in misses) == ["missed", "spurious"]


def test_area_score_arithmetic_and_empty_cases():
    s = ev.AreaScore("x", gold=4, system=5, matched=3)
    assert (s.precision, s.recall) == (0.6, 0.75)
    assert s.f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert ev.AreaScore("x", 0, 0, 0).f1 == 1.0        # nothing to find, nothing found
    assert ev.AreaScore("x", 3, 0, 0).recall == 0.0    # an extractor that does not exist yet


# -- reading annotations ----------------------------------------------------------------------------

ANNOTATION = """
text = "report.txt"
year = 2024
sections = ["Achievements", "NextYearPlan"]
measurements = [ { value = 2000, unit = "份", approximate = true, text = "2000余份" } ]
legal_documents = [ { title = "中华人民共和国宪法", kind = "Law", issued_by_self = false } ]

[division]
name = "永和镇"
level = "township"

[parents]
candidate_counties = [ { name = "鸡东县", code = "230321000000" }, { name = "海伦市", code = "231283000000" } ]

[mechanisms]
implemented = ["三调联动"]
planned = ["行政执法三项制度"]

[campaigns]
participated = ["国家宪法日"]
"""


def test_load_gold_reads_every_area(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text(ANNOTATION, encoding="utf-8")
    gold = ev.load_gold(path)
    assert gold.text == (tmp_path / "report.txt").resolve()
    areas = sorted({(i.area, i.relation) for i in gold.items})
    assert areas == [("campaigns", "participatesIn"), ("county", "candidates"), ("legal_documents", ""),
                     ("measurements", ""), ("mechanisms", "implements"), ("mechanisms", "plans"),
                     ("sections", ""), ("township", ""), ("year", "")]
    county = next(i for i in gold.items if i.area == "county")
    assert county.keys == {"candidates:230321000000,231283000000"}


def test_load_gold_names_the_file_of_a_bad_annotation(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text('text = "x.txt"\n[division]\nname = "某镇"\nlevel = "village"\n', encoding="utf-8")
    with pytest.raises(ev.GoldError, match="bad.toml"):
        ev.load_gold(path)
    path.write_text("this is = = not toml", encoding="utf-8")
    with pytest.raises(ev.GoldError, match="bad.toml"):
        ev.load_gold(path)


# -- reading the graph -----------------------------------------------------------------------------

def report_triples(with_legal: bool):
    report, town, county = URIRef(ID + "report/r"), URIRef(ID + "division/t"), URIRef(ID + "division/c")
    m, st = URIRef(ID + "measurement/m"), URIRef(ID + "evidence/e")
    mech = URIRef(ID + "mechanism/san-tiao-lian-dong")
    triples = [
        (report, RDF.type, FZ.Report), (report, FZ.division, town), (report, FZ.year, Literal(2024, datatype=XSD.integer)),
        (town, RDF.type, FZ.Township), (town, RDFS.label, Literal("加勤乡", lang="zh")),
        (town, FZ.divisionCode, Literal("540626202000")), (town, FZ.parentDivision, county),
        (county, RDF.type, FZ.County), (county, RDFS.label, Literal("索县", lang="zh")),
        (county, FZ.divisionCode, Literal("540626000000")),
        (town, FZ.implements, mech),
        (st, RDF.type, RDF.Statement), (st, RDF.subject, town), (st, RDF.predicate, FZ.implements),
        (st, RDF.object, mech), (st, FZ.quote, Literal("建立了“三调联动”工作机制。")),
        (m, RDF.type, FZ.Measurement), (m, FZ.value, Literal(Decimal("2000"), datatype=XSD.decimal)),
        (m, FZ.unit, Literal("份")), (m, FZ.approximate, Literal(True)),
    ]
    if with_legal:
        doc = URIRef(ID + "legal-document/xian-fa")
        triples += [(doc, RDF.type, FZ.LegalDocument), (doc, SKOS.prefLabel, Literal("中华人民共和国宪法", lang="zh")),
                    (report, FZ.cites, doc)]
    return triples


def test_system_items_read_divisions_facts_and_figures_from_triples():
    items = ev.system_items(report_triples(with_legal=True))
    by_area = {i.area: i for i in items}
    assert by_area["township"].keys == {"code:540626202000"}
    assert by_area["county"].keys == {"code:540626000000"}
    assert by_area["year"].keys == {"2024"}
    assert by_area["mechanisms"].relation == "implements" and "三调联动" in by_area["mechanisms"].keys
    assert by_area["mechanisms"].where == "建立了“三调联动”工作机制。"
    assert by_area["measurements"].keys == {("2000", "份", True)}
    assert by_area["legal_documents"].keys == {"宪法"}


def test_a_missing_legal_document_extractor_scores_zero_recall_without_crashing():
    gold = [item("legal_documents", "宪法")]
    counts, misses = ev.compare("a.txt", gold, ev.system_items(report_triples(with_legal=False)))
    assert counts["legal_documents"] == (1, 0, 0)
    assert misses[0].kind == "missed"


# -- the gold set ---------------------------------------------------------------------------------

def bounds():
    return ev.read_bounds(GOLD / "bounds.toml")


@pytest.fixture(scope="module")
def gold_result():
    return ev.evaluate(GOLD)


def test_gold_set_has_the_seeds_and_at_least_twenty_written_reports():
    files = ev.annotation_files(GOLD)
    texts = [ev.load_gold(f).text for f in files]
    assert all(t.exists() for t in texts)
    assert sum(t.parent == ROOT / "seeds" for t in texts) == 5
    written = [t for t in texts if t.parent == GOLD / "texts"]
    assert len(written) >= 20


def test_bounds_cover_every_area_and_readme_quotes_them():
    b = bounds()
    assert set(b) == set(ev.AREAS)
    readme = (GOLD / "README.md").read_text(encoding="utf-8")
    quoted = {m.group(1): float(m.group(2)) for m in re.finditer(r"^\|\s*(\w+)\s*\|\s*([\d.]+)\s*\|", readme, re.M)}
    assert {a: quoted.get(a) for a in b} == b


def test_every_gold_text_is_scored(gold_result):
    assert gold_result.errors == ()
    assert gold_result.files == len(ev.annotation_files(GOLD))


@pytest.mark.parametrize("area", ev.AREAS)
def test_f1_per_area_is_not_below_its_bound(gold_result, area):
    score = gold_result.score(area)
    misses = [f"{m.kind} {m.file}: {m.text}" for m in gold_result.misses if m.area == area]
    assert score.f1 >= bounds()[area], f"{area}: F1 {score.f1:.3f} < {bounds()[area]}; misses:\n" + "\n".join(misses)
