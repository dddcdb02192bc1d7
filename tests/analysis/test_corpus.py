"""kg.analysis.corpus: what the views read of measurements."""
from __future__ import annotations

from kg.analysis.corpus import Measurement, read_corpus

TTL = """@prefix fz: <https://w3id.org/fazhi-kg/ont#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/fazhi-kg/id/> .

id:d1 a fz:Township ; rdfs:label "甲镇"@zh .
id:r1 a fz:Report ; fz:division id:d1 ; fz:year 2023 .
id:i1 skos:prefLabel "普法宣传"@zh, "legal publicity"@en .
id:m2 a fz:Measurement ; fz:division id:d1 ; fz:indicator id:i1 ; fz:value "58" ; fz:unit "场" ;
    fz:year 2024 ; fz:quote "开展普法宣传58场。" .
id:m1 a fz:Measurement ; fz:division id:d1 ; fz:indicator id:i1 ; fz:value "12", "9" ; fz:unit "次" ;
    prov:wasDerivedFrom id:r1 ; fz:quote "乙句。", "甲句。" .
id:m3 a fz:Measurement ; fz:division id:d1 ; fz:indicator id:i1 ; fz:value "许多" .
"""


def test_measurements_in_iri_order_with_the_smallest_of_repeated_values(tmp_path):
    (tmp_path / "graph.ttl").write_text(TTL, encoding="utf-8")
    got = read_corpus(tmp_path).measurements
    assert got == (Measurement("https://w3id.org/fazhi-kg/id/d1", "普法宣传", 9.0, "次", 2023, "乙句。"),
                   Measurement("https://w3id.org/fazhi-kg/id/d1", "普法宣传", 58.0, "场", 2024, "开展普法宣传58场。"))
