"""Vocabulary growth: discovered concepts suggested from a built graph, accepted into a copy of the vocabulary."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg import iri
from kg.explain import open_graph
from kg.vocab import LabelMatcher, load_concepts, match_key
from kg.vocabgrowth import (DEFINITION_PLACEHOLDER, Suggestion, VocabError, accept, choose, concept_turtle, suggest,
                            variants_seen)

ROOT = Path(__file__).resolve().parent.parent
FZ = Namespace(iri.ONT)


def build_graph(out: Path) -> Path:
    """graph.ttl of the seed reports as ``kg build`` writes it: ontology, reports, derived facts."""
    from kg.build import process
    from kg.derive import derive_all

    g = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if not path.name.startswith("shapes"):
            g.parse(path)
    summaries = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        outcome = process(path)
        for t in outcome.triples:
            g.add(t)
        summaries.append(outcome.summary)
    for t in derive_all(summaries):
        g.add(t)
    out.mkdir(parents=True, exist_ok=True)
    g.serialize(out / "graph.ttl", format="turtle")
    return out


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_graph(tmp_path_factory.mktemp("graph"))


@pytest.fixture
def vocab_dir(tmp_path) -> Path:
    """A copy of the ontology folder to accept into (the real one stays untouched)."""
    copy = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", copy)
    return copy


def test_suggest_lists_discovered_concepts_with_frequency_divisions_and_a_sentence(built):
    rows = suggest(open_graph(built))
    by_label = {s.label: s for s in rows}
    assert {"一统六联", "法治+乡村振兴", "平西藏宣传日", "平安宣传周"} <= set(by_label)
    fazhi = by_label["法治+乡村振兴"]
    assert fazhi.kind == "mechanism" and fazhi.frequency == 2 and fazhi.divisions == ("加勤乡",)
    assert "“法治+乡村振兴”工作模式" in fazhi.example and fazhi.example_file == "000_4e8d029ddc923378.txt"
    assert "“法治+乡村振兴”" in fazhi.alt_labels
    assert by_label["平西藏宣传日"].kind == "campaign" and "9.16平西藏宣传日" in by_label["平西藏宣传日"].alt_labels
    assert rows[0].label == "法治+乡村振兴"                      # most frequent first
    assert not any(s.label in ("国家宪法日", "一村一法律顾问") for s in rows)   # curated ones are not suggested
    assert all(s.kind in ("mechanism", "campaign") for s in rows)             # discovered indicators are not


def test_variants_seen_in_the_sentences():
    assert variants_seen("一统六联", ["充分发挥“一统六联”机制作用"]) == ["“一统六联”"]
    assert variants_seen("平西藏宣传日", ["9·16平西藏宣传日", "平西藏宣传日"]) == ["9·16平西藏宣传日"]
    assert variants_seen("一统六联", ["“一统六联机制"]) == []              # unbalanced quotes are not a form


def test_choose_by_label_variant_iri_or_slug(built):
    rows = suggest(open_graph(built))
    assert [s.label for s in choose(rows, ["“一统六联”"])] == ["一统六联"]
    assert [s.label for s in choose(rows, ["https://w3id.org/fazhi-kg/id/campaign/ping-xi-zang-xuan-chuan-ri"])] == ["平西藏宣传日"]
    assert [s.label for s in choose(rows, ["fa-zhi-plus-xiang-cun-zhen-xing"])] == ["法治+乡村振兴"]
    with pytest.raises(VocabError, match="无此机制"):
        choose(rows, ["一统六联", "无此机制"])


def _complete(g: Graph, concept: URIRef, cls, scheme: URIRef, pref: str) -> None:
    """What tests/test_ontology.py demands of every curated concept."""
    zh = lambda p: [str(o) for o in g.objects(concept, p) if o.language == "zh"]
    en = lambda p: [str(o) for o in g.objects(concept, p) if o.language == "en"]
    assert set(g.objects(concept, RDF.type)) == {cls, SKOS.Concept}
    assert zh(SKOS.prefLabel) == [pref] and zh(RDFS.label) == [pref]
    assert len(en(SKOS.prefLabel)) == 1 and en(RDFS.label)
    assert len(zh(SKOS.definition)) == 1
    assert (concept, SKOS.inScheme, scheme) in g and (concept, SKOS.topConceptOf, scheme) in g
    assert str(concept).rsplit("/", 1)[1] == iri.slug(pref)


def test_accept_writes_complete_concepts_that_the_matcher_then_finds(built, vocab_dir):
    rows = suggest(open_graph(built), vocab_dir)
    results = accept(choose(rows, ["一统六联", "平西藏宣传日"]), vocab_dir)
    assert sorted(r.path.name for r in results) == ["campaigns.ttl", "mechanisms.ttl"]
    g = Graph()
    for name in ("mechanisms.ttl", "campaigns.ttl"):
        g.parse(vocab_dir / name)
    mech = URIRef(iri.concept("mechanism", "一统六联"))
    _complete(g, mech, FZ.Mechanism, URIRef(iri.ID + "scheme/mechanisms"), "一统六联")
    _complete(g, URIRef(iri.concept("campaign", "平西藏宣传日")), FZ.Campaign, URIRef(iri.ID + "scheme/campaigns"), "平西藏宣传日")
    assert g.value(mech, SKOS.definition) == Literal(DEFINITION_PLACEHOLDER, lang="zh")
    assert (mech, SKOS.altLabel, Literal("“一统六联”", lang="zh")) in g
    # no label of the vocabulary is now shared by two concepts
    owners = {}
    for c in set(g.subjects(RDF.type, SKOS.Concept)):
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(c, p):
                if label.language == "zh":
                    assert owners.setdefault(match_key(str(label)), c) == c, label
    # the curated matcher over the new vocabulary finds the name in the sentence it came from
    matcher = LabelMatcher([c for c in load_concepts(str(vocab_dir)) if c.scheme == "mechanism"])
    hits = matcher.find("充分发挥“一统六联”机制作用，积极统筹村干部、驻村干部、联户长、网格员等力量。")
    assert [(h.surface, h.concept.iri) for h in hits] == [("一统六联", str(mech))]
    # accepted concepts are no longer suggested, and cannot be accepted twice
    left = suggest(open_graph(built), vocab_dir)
    assert not {"一统六联", "平西藏宣传日"} & {s.label for s in left}
    with pytest.raises(VocabError, match="already"):
        accept(choose(rows, ["一统六联"]), vocab_dir)
    with pytest.raises(VocabError, match="already in the curated vocabulary"):
        choose(left, ["一统六联"], vocab_dir)


def test_accept_appends_deterministically_and_keeps_the_file(built, tmp_path):
    outputs = []
    for n in (1, 2):
        copy = tmp_path / f"ont{n}"
        shutil.copytree(ROOT / "ontology", copy)
        rows = suggest(open_graph(built), copy)
        accept(choose(rows, ["法治+乡村振兴", "一统六联"]), copy)
        outputs.append((copy / "mechanisms.ttl").read_bytes())
    assert outputs[0] == outputs[1]
    original = (ROOT / "ontology" / "mechanisms.ttl").read_bytes()
    assert outputs[0].startswith(original.rstrip(b"\n"))      # the hand-written part is kept as it was
    assert outputs[0].index("一统六联".encode()) > outputs[0].index("法治+乡村振兴".encode())   # by IRI: fa- before yi-


def test_a_refused_accept_changes_no_file_and_leaves_no_temporary_file(built, vocab_dir):
    before = {p.name: p.read_bytes() for p in vocab_dir.iterdir()}
    rows = suggest(open_graph(built), vocab_dir)
    clash = Suggestion(iri.concept("mechanism", "一统六联"), "mechanism", "一统六联", ("三调联动",), 1, ("色务乡",), "…", "x.txt")
    with pytest.raises(VocabError, match="三调联动"):
        accept([*choose(rows, ["平西藏宣传日"]), clash], vocab_dir)
    short = Suggestion(iri.concept("mechanism", "六联"), "mechanism", "六联", (), 1, ("色务乡",), "…", "x.txt")
    with pytest.raises(VocabError, match="shorter"):
        accept([short], vocab_dir)
    assert {p.name: p.read_bytes() for p in vocab_dir.iterdir()} == before


def test_dry_run_writes_nothing(built, vocab_dir):
    before = (vocab_dir / "mechanisms.ttl").read_bytes()
    [result] = accept(choose(suggest(open_graph(built), vocab_dir), ["一统六联"]), vocab_dir, dry_run=True)
    assert "<https://w3id.org/fazhi-kg/id/mechanism/yi-tong-liu-lian>" in result.turtle
    assert (vocab_dir / "mechanisms.ttl").read_bytes() == before


def test_turtle_block_escapes_what_a_document_wrote():
    s = Suggestion(iri.concept("mechanism", "一统六联"), "mechanism", "一统六联", (), 1, ("色务乡",),
                   '他说"一统六联"\\很好\n下一行', "x.txt")
    g = Graph().parse(data="@prefix fz: <https://w3id.org/fazhi-kg/ont#> .\n"
                           "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
                           "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n" + concept_turtle(s, "unity"),
                      format="turtle")
    c = URIRef(s.iri)
    assert str(g.value(c, SKOS.example)) == s.example
    assert Literal("unity", lang="en") in set(g.objects(c, SKOS.prefLabel))
