"""A synthetic contract graph of any size, for benchmarks and tests of analysis and views.

The seeds make a graph of a few hundred nodes; a national corpus has about
38,000 townships.  This writes a ``graph.ttl`` shaped like what ``kg build``
writes (divisions with parents, concepts, links backed by evidence statements,
reports, measurements), deterministic for a given seed, fast enough for 50,000
nodes.  It is not realistic text: quotes are short made-up sentences.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> synthetic_graph(d, townships=40, seed=1).nodes
162
>>> (d / "graph.ttl").stat().st_size > 10_000
True
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

ID = "https://w3id.org/fazhi-kg/id/"
MECHANISM_WORDS = "调解 普法 执法 信访 审查 公开 考核 顾问 矫正 帮教 议事 网格 联动 清单 听证 复议".split()
CAMPAIGN_WORDS = "宪法 安全 反诈 禁毒 消防 民法典 扫黑 平安".split()


@dataclass(frozen=True)
class SyntheticGraph:
    path: Path
    nodes: int          # divisions + concepts that some division is linked to
    townships: int
    links: int


def synthetic_graph(out_dir: str | Path, townships: int, *, seed: int = 0, mechanisms: int = 120,
                    campaigns: int = 40, links_per_township: int = 8, years: tuple[int, ...] = (2024,),
                    label_padding: int = 0, store: bool = False) -> SyntheticGraph:
    """Write ``out_dir/graph.ttl``; ``label_padding`` makes every township label that much longer;
    ``store``: also load it into ``out_dir/store/`` (default graph), as ``kg build`` keeps it."""
    rnd = random.Random(seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    n_county = max(1, townships // 14)
    n_pref = max(1, n_county // 8)
    n_prov = max(1, min(31, n_pref // 4 or 1))
    lines = [PREFIXES]
    add = lines.append
    for p in range(n_prov):
        add(f'<{ID}division/{11 + p:02d}0000000000> a fz:Province ; rdfs:label "{_name(p, "省")}"@zh .')
    for f in range(n_pref):
        add(f'<{_pref(f)}> a fz:Prefecture ; rdfs:label "{_name(f, "市")}"@zh ; '
            f'fz:parentDivision <{ID}division/{11 + f % n_prov:02d}0000000000> .')
    for c in range(n_county):
        add(f'<{_county(c)}> a fz:County ; rdfs:label "{_name(c, "县")}"@zh ; fz:parentDivision <{_pref(c % n_pref)}> .')
    mech = [f"{ID}mechanism/m{i}" for i in range(mechanisms)]
    camp = [f"{ID}campaign/c{i}" for i in range(campaigns)]
    for i, m in enumerate(mech):
        add(f'<{m}> a fz:Mechanism ; skos:prefLabel "{_concept(i, MECHANISM_WORDS, "机制")}"@zh ; '
            f'rdfs:label "{_concept(i, MECHANISM_WORDS, "机制")}"@zh .')
    for i, c in enumerate(camp):
        add(f'<{c}> a fz:Campaign ; skos:prefLabel "{_concept(i, CAMPAIGN_WORDS, "宣传月")}"@zh ; '
            f'rdfs:label "{_concept(i, CAMPAIGN_WORDS, "宣传月")}"@zh ; fz:month {1 + i % 12} .')
    # popularity falls off like real adoption: a few mechanisms everywhere, a long tail
    weights_m = [1 / (1 + i) ** 0.8 for i in range(mechanisms)]
    weights_c = [1 / (1 + i) ** 0.8 for i in range(campaigns)]
    used, n_links, ev = set(), 0, 0
    pad = "镇" * label_padding
    for t in range(townships):
        t_iri = f"{ID}division/t{t}"
        county = rnd.randrange(n_county)
        add(f'<{t_iri}> a fz:Township ; rdfs:label "{_name(t, "镇")}{pad}"@zh ; fz:parentDivision <{_county(county)}> .')
        for year in years:
            rep = f"{ID}report/r{t}-{year}"
            add(f'<{rep}> a fz:Report ; fz:division <{t_iri}> ; fz:year {year} ; fz:sourceFile "t{t}-{year}.txt" .')
            picks = {(("implements", x) if rnd.random() < 0.85 else ("plans", x)) for x in
                     rnd.choices(mech, weights_m, k=links_per_township)}
            picks |= {("participatesIn", x) for x in rnd.choices(camp, weights_c, k=max(1, links_per_township // 3))}
            for pred, concept in sorted(picks):
                if (t_iri, pred, concept) not in used:
                    used.add((t_iri, pred, concept))
                    add(f"<{t_iri}> fz:{pred} <{concept}> .")
                    n_links += 1
                ev += 1
                start = 40 * ev % 5000
                add(f'<{ID}evidence/e{ev}> a rdf:Statement ; rdf:subject <{t_iri}> ; rdf:predicate fz:{pred} ; '
                    f'rdf:object <{concept}> ; prov:wasDerivedFrom <{rep}> ; '
                    f'fz:quote "{year}年，{_name(t, "镇")}开展第{ev}项工作，成效明显。" ; '
                    f"fz:charStart {start} ; fz:charEnd {start + 4} .")
            value = rnd.randrange(1, 200)
            add(f'<{ID}measurement/x{t}-{year}> a fz:Measurement ; fz:division <{t_iri}> ; fz:year {year} ; '
                f'fz:indicator <{ID}indicator/i{t % 5}> ; fz:value {value}.0 ; fz:unit "场次" ; '
                f'fz:quote "开展普法活动{value}场次。" ; prov:wasDerivedFrom <{rep}> .')
    for i in range(5):
        add(f'<{ID}indicator/i{i}> a fz:Indicator ; skos:prefLabel "{("普法活动", "调解案件", "法律咨询", "培训人次", "信访化解")[i]}"@zh .')
    path = out / "graph.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if store:
        import pyoxigraph as ox

        db = ox.Store(str(out / "store"))
        db.bulk_load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
        db.flush()
        del db
    linked = {c for (_, _, c) in used}
    return SyntheticGraph(path, n_prov + n_pref + n_county + townships + len(linked), townships, n_links)


PREFIXES = """@prefix fz: <https://w3id.org/fazhi-kg/ont#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> ."""

_SYLLABLES = "安 宝 昌 丰 富 和 华 江 金 康 乐 林 龙 明 宁 平 清 泉 山 石 泰 通 新 兴 阳 永 玉 长 中 西".split()


def _name(i: int, suffix: str) -> str:
    a, b = divmod(i, len(_SYLLABLES))
    head = _SYLLABLES[a % len(_SYLLABLES)] + _SYLLABLES[b]
    return f"{head}{suffix}" if i < len(_SYLLABLES) ** 2 else f"{head}{i}{suffix}"


def _concept(i: int, words: list[str], suffix: str) -> str:
    return f"{words[i % len(words)]}{_SYLLABLES[i // len(words) % len(_SYLLABLES)]}{suffix}"


def _pref(i: int) -> str:
    return f"{ID}division/p{i}"


def _county(i: int) -> str:
    return f"{ID}division/k{i}"
