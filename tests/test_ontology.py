"""The ontology files: OWL terms, the SKOS vocabularies of mechanisms and campaigns, SHACL shapes."""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, PROV, RDF, RDFS, SKOS, XSD

from kg import iri
from kg.model import Concept
from kg.vocab import LabelMatcher, match_key

ROOT = Path(__file__).resolve().parent.parent
ONT = ROOT / "ontology"
CONTRACT = ROOT.parent / "shared" / "spec" / "CONTRACT.md"
FZ = Namespace("https://w3id.org/fazhi-kg/ont#")
SH = Namespace("http://www.w3.org/ns/shacl#")
ID = "https://w3id.org/fazhi-kg/id/"
MECH_SCHEME = URIRef(ID + "scheme/mechanisms")
CAMP_SCHEME = URIRef(ID + "scheme/campaigns")

# The contract's terms (CONTRACT.md); the test also reads the file itself when it is there.
CONTRACT_TERMS = {
    "Report", "Province", "Prefecture", "County", "Township", "AdministrativeDivision", "Mechanism", "Campaign",
    "Measurement", "Section", "division", "year", "sourceFile", "parentDivision", "candidateParent", "divisionCode",
    "implements", "plans", "participatesIn", "indicator", "value", "unit", "approximate", "hasSection",
    "sectionType", "Achievements", "Shortcomings", "ResponsibilityPerformance", "NextYearPlan", "quote",
    "charStart", "charEnd",
}
OWN_TERMS = {
    "Village", "Indicator", "SectionType", "discovered", "extractor", "valueMax", "sha256", "encoding", "title",
    "sectionNumber", "sectionHeading", "sectionLevel", "divisionKind", "headingCue", "observedOn", "month",
}
DIVISION_CLASSES = ("Province", "Prefecture", "County", "Township", "Village")
SECTION_TYPES = ("Achievements", "Shortcomings", "ResponsibilityPerformance", "NextYearPlan")

# pypinyin reads 调 in these labels as diào; the mediation sense is tiáo.  The IRIs use the
# correct reading; every other slug is exactly kg.iri.slug(prefLabel).
READINGS = {
    "三调联动": "san-tiao-lian-dong",
    "诉调对接": "su-tiao-dui-jie",
    "访调对接": "fang-tiao-dui-jie",
    "警调对接": "jing-tiao-dui-jie",
    "检调对接": "jian-tiao-dui-jie",
}

# Not mechanisms or campaigns: generic prose that must never be a label.
GENERIC = {
    "调解", "人民调解", "法治宣传", "普法宣传", "法治宣传教育", "普法", "宣传", "法治", "法制", "依法行政", "依法治国",
    "法治建设", "法治政府", "法治政府建设", "法治社会", "习近平法治思想", "习近平新时代中国特色社会主义思想",
    "矛盾纠纷", "矛盾纠纷排查化解", "信访", "行政执法", "执法", "制度", "机制", "工作机制", "长效机制", "一把手",
    "两委", "平安建设", "法律咨询", "法治文化", "一站式", "七进", "宪法", "民法典", "安全生产", "禁毒",
}
# An altLabel that is another label of its concept plus one of these only widens the evidence span
# (三调联动 → 三调联动工作机制): the matcher already finds the shorter label inside it.
GENERIC_SUFFIXES = ("制度", "机制", "工作机制", "工作法", "工作", "改革", "活动", "服务", "建设", "规定", "平台",
                    "体系", "队伍", "仪式", "职责", "责任制", "文书", "方式", "手段", "创建", "培养", "培育")
GENERIC_PREFIXES = ("农村", "乡村", "村级")


def _graph(*names: str) -> Graph:
    g = Graph()
    for name in names:
        g.parse(ONT / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def ont() -> Graph:
    return _graph("fazhi.ttl")


@pytest.fixture(scope="module")
def vocab() -> Graph:
    return _graph("mechanisms.ttl", "campaigns.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _graph("shapes.ttl")


def _zh(g: Graph, s, p) -> list[str]:
    return [str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "zh"]


def _en(g: Graph, s, p) -> list[str]:
    return [str(o) for o in g.objects(s, p) if isinstance(o, Literal) and o.language == "en"]


def _concepts(g: Graph, cls) -> list[URIRef]:
    return sorted(set(g.subjects(RDF.type, cls)))


# --- parsing ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["fazhi.ttl", "mechanisms.ttl", "campaigns.ttl", "shapes.ttl"])
def test_file_parses(name):
    g = _graph(name)
    assert len(g) > 50


# --- OWL ---------------------------------------------------------------------------------------

def _contract_terms() -> set[str]:
    terms = set(CONTRACT_TERMS)
    if CONTRACT.exists():
        terms |= set(re.findall(r"`fz:([A-Za-z]+)`", CONTRACT.read_text(encoding="utf-8")))
        terms |= set(re.findall(r"\bfz:([A-Za-z]+)\b", CONTRACT.read_text(encoding="utf-8")))
    return terms


DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}


@pytest.mark.parametrize("term", sorted(CONTRACT_TERMS | OWN_TERMS))
def test_term_is_declared_with_labels_and_comment(ont, term):
    node = FZ[term]
    assert set(ont.objects(node, RDF.type)) & DECLARATION_TYPES, f"fz:{term} is not declared"
    assert _zh(ont, node, RDFS.label), f"fz:{term} has no rdfs:label@zh"
    assert _en(ont, node, RDFS.label), f"fz:{term} has no rdfs:label@en"
    assert list(ont.objects(node, RDFS.comment)), f"fz:{term} has no rdfs:comment"


def test_every_term_in_contract_file_is_declared(ont):
    missing = sorted(t for t in _contract_terms() if not set(ont.objects(FZ[t], RDF.type)) & DECLARATION_TYPES)
    assert not missing, f"contract terms not declared in fazhi.ttl: {missing}"


def test_every_declared_term_has_labels_and_comment(ont):
    terms = {s for s in ont.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(FZ))}
    assert len(terms) >= 50
    for t in terms:
        assert _zh(ont, t, RDFS.label) and _en(ont, t, RDFS.label) and list(ont.objects(t, RDFS.comment)), t


def test_ontology_header(ont):
    header = URIRef("https://w3id.org/fazhi-kg/ont")
    assert (header, RDF.type, OWL.Ontology) in ont
    assert ont.value(header, OWL.versionInfo) is not None
    assert any("Changelog" in str(c) for c in ont.objects(header, RDFS.comment))


def test_class_hierarchy(ont):
    for c in DIVISION_CLASSES:
        assert (FZ[c], RDFS.subClassOf, FZ.AdministrativeDivision) in ont, c
    for c in ("Mechanism", "Campaign", "Indicator"):
        assert (FZ[c], RDFS.subClassOf, SKOS.Concept) in ont, c
    for t in SECTION_TYPES:
        assert (FZ[t], RDF.type, FZ.SectionType) in ont, t


def _union(g: Graph, node) -> set:
    if isinstance(node, URIRef):
        return {node}
    members = g.value(node, OWL.unionOf)
    return set(g.items(members)) if members is not None else set()


@pytest.mark.parametrize("prop, kind, domain, range_", [
    ("division", OWL.ObjectProperty, {FZ.Report, FZ.Measurement}, {FZ.AdministrativeDivision}),
    ("year", OWL.DatatypeProperty, {FZ.Report, FZ.Measurement}, {XSD.integer}),
    ("sourceFile", OWL.DatatypeProperty, {FZ.Report}, {XSD.string}),
    ("parentDivision", OWL.ObjectProperty, {FZ.AdministrativeDivision}, {FZ.AdministrativeDivision}),
    ("candidateParent", OWL.ObjectProperty, {FZ.Township}, {FZ.County}),
    ("divisionCode", OWL.DatatypeProperty, {FZ.AdministrativeDivision}, {XSD.string}),
    ("implements", OWL.ObjectProperty, {FZ.AdministrativeDivision}, {FZ.Mechanism}),
    ("plans", OWL.ObjectProperty, {FZ.AdministrativeDivision}, {FZ.Mechanism, FZ.Campaign}),
    ("participatesIn", OWL.ObjectProperty, {FZ.AdministrativeDivision}, {FZ.Campaign}),
    ("indicator", OWL.ObjectProperty, {FZ.Measurement}, {SKOS.Concept}),
    ("value", OWL.DatatypeProperty, {FZ.Measurement}, {XSD.decimal}),
    ("valueMax", OWL.DatatypeProperty, {FZ.Measurement}, {XSD.decimal}),
    ("unit", OWL.DatatypeProperty, {FZ.Measurement}, {XSD.string}),
    ("approximate", OWL.DatatypeProperty, {FZ.Measurement}, {XSD.boolean}),
    ("hasSection", OWL.ObjectProperty, {FZ.Report}, {FZ.Section}),
    ("sectionType", OWL.ObjectProperty, {FZ.Section}, {FZ.SectionType}),
    ("sectionLevel", OWL.DatatypeProperty, {FZ.Section}, {XSD.integer}),
    ("charStart", OWL.DatatypeProperty, {RDF.Statement, FZ.Measurement, FZ.Section}, {XSD.integer}),
    ("charEnd", OWL.DatatypeProperty, {RDF.Statement, FZ.Measurement, FZ.Section}, {XSD.integer}),
    ("discovered", OWL.DatatypeProperty, {SKOS.Concept}, {XSD.boolean}),
    ("observedOn", OWL.DatatypeProperty, {FZ.Campaign}, {XSD.gMonthDay}),
    ("month", OWL.DatatypeProperty, {FZ.Campaign}, {XSD.integer}),
])
def test_property_domain_and_range(ont, prop, kind, domain, range_):
    p = FZ[prop]
    assert (p, RDF.type, kind) in ont
    assert _union(ont, ont.value(p, RDFS.domain)) == domain
    assert _union(ont, ont.value(p, RDFS.range)) == range_


def test_terms_the_code_and_vocabularies_use_are_declared():
    """Every fz: term in kg/ code and in any ontology file is declared (fazhi.ttl, or the
    ontology file of the area that introduced it)."""
    ont = _graph(*sorted(p.name for p in ONT.glob("*.ttl")))
    used = set()
    for path in (ROOT / "kg").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bFZ\.([A-Za-z]\w*)", text))
        used |= set(re.findall(r"\bFZ\[\"([A-Za-z]\w*)\"\]", text))
    for path in ONT.glob("*.ttl"):
        used |= set(re.findall(r"\bfz:([A-Za-z]\w*)", path.read_text(encoding="utf-8")))
    missing = sorted(t for t in used if not set(ont.objects(FZ[t], RDF.type)) & DECLARATION_TYPES)
    assert not missing, f"fz: terms used but not declared in ontology/: {missing}"


# --- SKOS vocabularies -------------------------------------------------------------------------

def _expected_slug(pref: str) -> str:
    return READINGS.get(pref) or iri.slug(pref)


@pytest.mark.parametrize("cls, scheme, kind, minimum", [
    (FZ.Mechanism, MECH_SCHEME, "mechanism", 80),
    (FZ.Campaign, CAMP_SCHEME, "campaign", 30),
])
def test_concepts_are_complete(vocab, cls, scheme, kind, minimum):
    concepts = _concepts(vocab, cls)
    assert len(concepts) >= minimum
    assert (scheme, RDF.type, SKOS.ConceptScheme) in vocab
    assert _zh(vocab, scheme, RDFS.label) and _en(vocab, scheme, RDFS.label)
    for c in concepts:
        s = str(c)
        assert (c, RDF.type, SKOS.Concept) in vocab, s
        assert (c, SKOS.inScheme, scheme) in vocab, s
        pref = _zh(vocab, c, SKOS.prefLabel)
        assert len(pref) == 1, f"{s}: exactly one skos:prefLabel@zh, got {pref}"
        assert _zh(vocab, c, RDFS.label) == pref, f"{s}: rdfs:label@zh must equal the prefLabel"
        assert len(_en(vocab, c, SKOS.prefLabel)) == 1 and _en(vocab, c, RDFS.label), f"{s}: English gloss"
        assert len(_zh(vocab, c, SKOS.definition)) == 1, f"{s}: one skos:definition@zh"
        assert s.isascii() and s.startswith(f"{ID}{kind}/"), s
        assert s.rsplit("/", 1)[1] == _expected_slug(pref[0]), f"{s}: slug is not the pinyin of {pref[0]}"
        assert (c, SKOS.broader, None) in vocab or (c, SKOS.topConceptOf, scheme) in vocab, s
        # No other type: a mechanism is not also a campaign.
        assert set(vocab.objects(c, RDF.type)) == {cls, SKOS.Concept}, s


def test_readings_are_only_heteronym_fixes():
    for pref, slug in READINGS.items():
        assert slug != iri.slug(pref) and len(slug.split("-")) == len(iri.slug(pref).split("-"))


def _all_labels(g: Graph):
    for c in set(g.subjects(RDF.type, SKOS.Concept)):
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for label in _zh(g, c, p):
                yield c, p, label


def test_no_label_is_shared_by_two_concepts(vocab):
    owners = defaultdict(set)
    for c, _, label in _all_labels(vocab):
        owners[label].add(c)
        owners["key:" + match_key(label)].add(c)
    shared = {k: sorted(map(str, v)) for k, v in owners.items() if len(v) > 1}
    assert not shared, shared


def test_labels_are_specific(vocab):
    for c, p, label in _all_labels(vocab):
        key = match_key(label)
        assert len(key) >= 3, f"{c}: label {label!r} is too short to match safely"
        assert key not in GENERIC, f"{c}: label {label!r} is generic prose, not a name"
        assert "\n" not in label and label == label.strip(), f"{c}: label {label!r}"


def test_alt_labels_do_not_only_widen_a_label(vocab):
    for c in set(vocab.subjects(RDF.type, SKOS.Concept)):
        labels = set(_zh(vocab, c, SKOS.prefLabel)) | set(_zh(vocab, c, SKOS.altLabel))
        keys = {match_key(l) for l in labels}
        for alt in _zh(vocab, c, SKOS.altLabel):
            a = match_key(alt)
            assert not any(a == k + s for k in keys if k != a for s in GENERIC_SUFFIXES), f"{c}: {alt}"
            assert not any(a == p + k for k in keys if k != a for p in GENERIC_PREFIXES), f"{c}: {alt}"


def test_observances_have_dates(vocab):
    days = {}
    for c in _concepts(vocab, FZ.Campaign):
        for d in vocab.objects(c, FZ.observedOn):
            assert d.datatype == XSD.gMonthDay and re.fullmatch(r"--(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])", str(d))
            days[_zh(vocab, c, SKOS.prefLabel)[0]] = str(d)
        for m in vocab.objects(c, FZ.month):
            assert m.datatype == XSD.integer and 1 <= int(m) <= 12
    assert days["国家宪法日"] == "--12-04"
    assert days["全民国家安全教育日"] == "--04-15"
    assert days["国际禁毒日"] == "--06-26"


def test_related_is_symmetric_and_former_name_is_linked(vocab):
    for a, b in vocab.subject_objects(SKOS.related):
        assert (b, SKOS.related, a) in vocab
    for a, b in vocab.subject_objects(SKOS.broader):
        assert (b, SKOS.narrower, a) in vocab and (b, RDF.type, SKOS.Concept) in vocab
    by_label = {l: c for c, p, l in _all_labels(vocab) if p == SKOS.prefLabel}
    assert (by_label["全国法制宣传日"], SKOS.related, by_label["国家宪法日"]) in vocab


ACCEPTANCE_LABELS = {
    FZ.Mechanism: ["三调联动", "法律明白人", "一村一律师", "行政执法三项制度", "最多跑一次", "枫桥经验", "三重一大",
                   "四议两公开", "谁执法谁普法", "新时代枫桥经验", "领导干部述法", "国家工作人员宪法宣誓制度"],
    FZ.Campaign: ["国家宪法日", "宪法宣传周", "全民国家安全教育日", "八五普法", "全国法制宣传日", "七五普法",
                  "民法典宣传月", "法律七进"],
}


def test_labels_the_acceptance_queries_use(vocab):
    for cls, labels in ACCEPTANCE_LABELS.items():
        known = {l for c, _, l in _all_labels(vocab) if (c, RDF.type, cls) in vocab}
        assert not set(labels) - known, set(labels) - known
    all_labels = {l for _, _, l in _all_labels(vocab)}
    assert not {"习近平法治思想", "法治宣传", "依法行政", "法治建设"} & all_labels


def _matcher(vocab: Graph) -> LabelMatcher:
    concepts = []
    for cls, scheme in ((FZ.Mechanism, "mechanism"), (FZ.Campaign, "campaign")):
        for c in _concepts(vocab, cls):
            pref = _zh(vocab, c, SKOS.prefLabel)[0]
            concepts.append(Concept(str(c), scheme, pref, tuple(sorted(set(_zh(vocab, c, SKOS.altLabel))))))
    return LabelMatcher(concepts)


@pytest.mark.parametrize("text, expected", [
    # (sentence as normalized, [(surface, prefLabel)]) -- the evidence span is the name, no more.
    ("建立了人民调解、行政调解、司法调解“三调联动”工作机制。", [("三调联动", "三调联动")]),
    ("落实好“一村一律师”制度，并坚持村居法律顾问“法律服务日”。", [("一村一律师", "一村一法律顾问"), ("村居法律顾问", "一村一法律顾问")]),
    ("村级按照“四议两公开”制度要求，严格落实“三重一大”制度。", [("四议两公开", "四议两公开"), ("三重一大", "三重一大")]),
    ("始终坚持和发展新时代“枫桥经验”。", [("新时代“枫桥经验", "新时代枫桥经验")]),
    ("严格执行行政执法“三项制度”规定。", [("行政执法“三项制度", "行政执法三项制度")]),
    ("结合“4·15”全民国家安全教育日、“12·4”国家宪法日等重要时间节点。",
     [("4·15”全民国家安全教育日", "全民国家安全教育日"), ("12·4”国家宪法日", "国家宪法日")]),
    ("利用“4.15”全民国家安全教育日开展宣传。", [("4.15”全民国家安全教育日", "全民国家安全教育日")]),
    ("以“八五”普法“宪法宣传周”为抓手。", [("八五”普法", "八五普法"), ("宪法宣传周", "宪法宣传周")]),
    ("开展禁毒宣传、反电诈宣传、全国法制宣传日等普法宣传教育活动。",
     [("反电诈宣传", "全民反诈"), ("全国法制宣传日", "全国法制宣传日")]),
    ("深入学习贯彻习近平法治思想，坚持依法行政，加强法治宣传和人民调解工作。", []),
])
def test_matcher_finds_names_with_exact_spans(vocab, text, expected):
    hits = _matcher(vocab).find(text)
    assert [(h.surface, h.concept.pref_label) for h in hits] == expected


# --- SHACL -------------------------------------------------------------------------------------

EX = Namespace("https://w3id.org/fazhi-kg/id/")
REPORT = EX["report/0123456789abcdef"]
TOWN = EX["division/540630201000"]
COUNTY = EX["division/540630000000"]
MECH = EX["mechanism/san-tiao-lian-dong"]
CAMP = EX["campaign/guo-jia-xian-fa-ri"]
PLAN = EX["mechanism/xing-zheng-zhi-fa-san-xiang-zhi-du"]
IND = EX["indicator/fa-zhi-xuan-chuan-huo-dong"]
MEAS = EX["measurement/0123456789abcdef-100-104"]
SECTION = EX["report/0123456789abcdef/section/1"]
GAZ = EX["source/gazetteer"]


def _statement(g: Graph, name: str, s, p, o, source=REPORT, offsets=(10, 14)) -> URIRef:
    st = EX[f"evidence/{name}"]
    g.add((s, p, o))
    g.add((st, RDF.type, RDF.Statement))
    g.add((st, RDF.subject, s))
    g.add((st, RDF.predicate, p))
    g.add((st, RDF.object, o))
    g.add((st, PROV.wasDerivedFrom, source))
    g.add((st, FZ.quote, Literal("建立了人民调解、行政调解、司法调解“三调联动”工作机制。")))
    if offsets:
        g.add((st, FZ.charStart, Literal(offsets[0], datatype=XSD.integer)))
        g.add((st, FZ.charEnd, Literal(offsets[1], datatype=XSD.integer)))
    g.add((st, FZ.extractor, Literal("concepts")))
    return st


def _conforming() -> Graph:
    g = Graph()
    zh = lambda s: Literal(s, lang="zh")
    g.add((REPORT, RDF.type, FZ.Report))
    g.add((REPORT, RDFS.label, zh("加勤乡2024年度法治政府建设情况报告")))
    g.add((REPORT, FZ.sourceFile, Literal("000_4e8d029ddc923378.txt")))
    g.add((REPORT, FZ.division, TOWN))
    g.add((REPORT, FZ.year, Literal(2024, datatype=XSD.integer)))
    g.add((REPORT, FZ.sha256, Literal("ab" * 32)))
    g.add((REPORT, FZ.hasSection, SECTION))
    g.add((SECTION, RDF.type, FZ.Section))
    g.add((SECTION, RDFS.label, zh("主要措施及成效")))
    g.add((SECTION, FZ.sectionLevel, Literal(1, datatype=XSD.integer)))
    g.add((SECTION, FZ.sectionType, FZ.Achievements))
    g.add((SECTION, FZ.charStart, Literal(0, datatype=XSD.integer)))
    g.add((SECTION, FZ.charEnd, Literal(900, datatype=XSD.integer)))
    for node, cls, name, code in ((TOWN, FZ.Township, "加勤乡", "540630201000"), (COUNTY, FZ.County, "索县", "540630000000")):
        g.add((node, RDF.type, cls))
        g.add((node, RDFS.label, zh(name)))
        g.add((node, RDFS.label, Literal(name + " (pinyin)", lang="en")))  # other languages are allowed
        g.add((node, FZ.divisionCode, Literal(code)))
    _statement(g, "parent-text", TOWN, FZ.parentDivision, COUNTY)
    st = _statement(g, "parent-gazetteer", COUNTY, FZ.parentDivision, EX["division/540600000000"], source=GAZ, offsets=None)
    g.set((st, FZ.quote, Literal("540630000000 索县 → 540600000000 那曲市", lang="zh")))
    g.add((EX["division/540600000000"], RDF.type, FZ.Prefecture))
    g.add((EX["division/540600000000"], RDFS.label, zh("那曲市")))
    for node, cls, label in ((MECH, FZ.Mechanism, "三调联动"), (PLAN, FZ.Mechanism, "行政执法三项制度"),
                             (CAMP, FZ.Campaign, "国家宪法日"), (IND, FZ.Indicator, "法治宣传活动")):
        g.add((node, RDF.type, cls))
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.prefLabel, zh(label)))
        g.add((node, RDFS.label, zh(label)))
    g.add((CAMP, FZ.observedOn, Literal("--12-04", datatype=XSD.gMonthDay)))
    _statement(g, "implements", TOWN, FZ.implements, MECH, offsets=(420, 424))
    _statement(g, "participates", TOWN, FZ.participatesIn, CAMP, offsets=(600, 605))
    _statement(g, "plans", TOWN, FZ.plans, PLAN, offsets=(8000, 8008))
    g.add((MEAS, RDF.type, FZ.Measurement))
    g.add((MEAS, FZ.value, Literal("58", datatype=XSD.decimal)))
    g.add((MEAS, FZ.unit, Literal("场次")))
    g.add((MEAS, FZ.approximate, Literal(False)))
    g.add((MEAS, FZ.indicator, IND))
    g.add((MEAS, FZ.division, TOWN))
    g.add((MEAS, FZ.year, Literal(2024, datatype=XSD.integer)))
    g.add((MEAS, PROV.wasDerivedFrom, REPORT))
    g.add((MEAS, FZ.quote, Literal("2024年，共开展法治宣传活动58场次。")))
    g.add((MEAS, FZ.charStart, Literal(100, datatype=XSD.integer)))
    g.add((MEAS, FZ.charEnd, Literal(104, datatype=XSD.integer)))
    return g


def _validate(data: Graph, shapes: Graph):
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    results = defaultdict(set)
    for r in report.subjects(RDF.type, SH.ValidationResult):
        severity = str(report.value(r, SH.resultSeverity)).split("#")[-1]
        results[severity].add((report.value(r, SH.focusNode), report.value(r, SH.resultPath)))
        assert report.value(r, SH.resultMessage) is not None
    return conforms, results, text


def test_conforming_graph_passes(shapes):
    conforms, results, text = _validate(_conforming(), shapes)
    assert conforms, text


def test_conforming_graph_passes_with_the_ontology_and_vocabularies_loaded(shapes):
    g = _conforming() + _graph("fazhi.ttl", "mechanisms.ttl", "campaigns.ttl")
    conforms, _, text = _validate(g, shapes)
    assert conforms, text


def test_broken_graph_fails_on_the_expected_nodes(shapes):
    g = _conforming()
    g.remove((MEAS, FZ.unit, None))                             # Measurement without unit
    g.remove((EX["evidence/implements"], FZ.quote, None))       # Statement without quote
    g.remove((REPORT, FZ.year, None))                           # Report without year
    conforms, results, text = _validate(g, shapes)
    assert not conforms
    assert results["Violation"] == {(MEAS, FZ.unit), (EX["evidence/implements"], FZ.quote), (REPORT, FZ.year)}, text


def _unrecorded_fact(g: Graph) -> None:
    m = EX["mechanism/yi-tong-liu-lian"]
    g.add((TOWN, FZ.implements, m))
    for t in ((m, RDF.type, FZ.Mechanism), (m, RDF.type, SKOS.Concept),
              (m, SKOS.prefLabel, Literal("一统六联", lang="zh")), (m, RDFS.label, Literal("一统六联", lang="zh"))):
        g.add(t)


def _orphan_township(g: Graph) -> None:
    g.remove((TOWN, FZ.parentDivision, None))
    g.remove((EX["evidence/parent-text"], None, None))


@pytest.mark.parametrize("break_it, focus, severity", [
    (lambda g: g.set((TOWN, FZ.divisionCode, Literal("54063020100"))), TOWN, "Violation"),
    (lambda g: g.remove((TOWN, RDFS.label, Literal("加勤乡", lang="zh"))), TOWN, "Violation"),
    (lambda g: g.set((SECTION, FZ.sectionType, FZ.Preamble)), SECTION, "Violation"),
    (lambda g: g.set((MEAS, FZ.value, Literal(58))), MEAS, "Violation"),                      # xsd:integer, not decimal
    (lambda g: g.set((MEAS, FZ.charEnd, Literal(90, datatype=XSD.integer))), MEAS, "Violation"),  # end before start
    (lambda g: g.remove((MEAS, FZ.indicator, None)), MEAS, "Violation"),
    (lambda g: g.remove((IND, SKOS.prefLabel, None)), MEAS, "Violation"),                    # indicator without label
    (lambda g: g.remove((EX["evidence/plans"], FZ.charStart, None)), EX["evidence/plans"], "Violation"),
    (lambda g: g.remove((MECH, SKOS.prefLabel, None)), MECH, "Violation"),
    (lambda g: g.remove((CAMP, RDFS.label, None)), CAMP, "Violation"),
    (_unrecorded_fact, TOWN, "Violation"),                                                   # fact without evidence
    (lambda g: g.remove((TOWN, FZ.participatesIn, CAMP)), EX["evidence/participates"], "Violation"),  # evidence, no fact
    (lambda g: g.set((TOWN, FZ.participatesIn, MECH)), TOWN, "Violation"),                   # not a campaign
    (lambda g: g.remove((REPORT, FZ.sourceFile, None)), REPORT, "Violation"),
    (lambda g: g.add((REPORT, FZ.division, COUNTY)), REPORT, "Violation"),                   # two divisions
    (_orphan_township, TOWN, "Warning"),                                                     # no parent, no candidates
])
def test_each_rule_catches_its_breakage(shapes, break_it, focus, severity):
    g = _conforming()
    break_it(g)
    conforms, results, text = _validate(g, shapes)
    assert not conforms
    assert focus in {f for f, _ in results[severity]}, text
    if severity == "Warning":
        assert not results["Violation"], text
