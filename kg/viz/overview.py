"""The overview: divisions nested township → county → prefecture → province, with mechanisms and campaigns.

Small graphs are drawn whole, laid out by vis-network's physics.  A graph over
:data:`MAX_NODES` nodes is aggregated: townships are folded into their county
(a county node then stands for its reporting townships, and its links to a
concept count them), coarser levels are used if even that is too many, each
unit keeps only its most adopted concepts within :data:`EDGE_BUDGET` links, and
positions come from :func:`kg.viz.layout.radial_layout`, so it opens in seconds.

>>> from kg.analysis.corpus import Corpus, Division, Concept, Link
>>> c = Corpus({"t": Division("t", "甲镇", "Township", "k"), "k": Division("k", "乙县", "County")},
...            {"m": Concept("m", "枫桥经验", "Mechanism")}, (Link("t", "implements", "m"),))
>>> v = overview(Lookup.of(c))
>>> len(v.nodes), [(e.source, e.predicate, e.target) for e in v.edges]
(3, [('t', 'parentDivision', 'k'), ('t', 'implements', 'm')])
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from kg.analysis.corpus import ADOPTION
from kg.viz.layout import radial_layout
from kg.viz.lookup import Lookup
from kg.viz.page import VEdge, View, VNode
from kg.viz.style import node_class
from kg.viz.tooltips import KIND_ZH, PRED_ZH, concept_tip, division_tip, link_tip

MAX_NODES = 1000          # above this, aggregate
EDGE_BUDGET = 3000        # division→concept links drawn in an aggregated overview
LEVELS = ("Township", "County", "Prefecture", "Province")
RING = {"Province": 1, "Prefecture": 2, "County": 3, "Township": 4}
UNKNOWN = "unknown-parent"


def overview(lk: Lookup, max_nodes: int = MAX_NODES) -> View:
    c = lk.corpus
    if len(c.divisions) + len(c.concepts) <= max_nodes:
        return _whole(lk)
    for level in LEVELS[1:]:
        units = {_unit(lk, d, level) for d in c.divisions if LEVELS.index(c.divisions[d].kind) <= LEVELS.index(level)}
        above = sum(1 for d in c.divisions.values() if LEVELS.index(d.kind) > LEVELS.index(level))
        if len(units) + above + len(c.concepts) <= max(max_nodes * 5, 5000) or level == "Province":
            return _aggregated(lk, level)
    raise AssertionError("unreachable")


def _concept_nodes(lk: Lookup) -> list[VNode]:
    c = lk.corpus
    return [VNode(k, con.label, node_class(con.kind, con.discovered),
                  concept_tip(c, k, lk.adopters.get(k, 0), lk.planners.get(k, 0),
                              [l for l in lk.by_concept.get(k, ()) if l.predicate in ADOPTION]),
                  lk.degree.get(k, 0)) for k, con in c.concepts.items()]


def _whole(lk: Lookup) -> View:
    c = lk.corpus
    nodes = [VNode(d, div.label, node_class(div.kind), division_tip(c, d, lk.counts.get(d, Counter())),
                   lk.degree.get(d, 0) + sum(1 for x in c.divisions.values() if x.parent == d))
             for d, div in c.divisions.items()]
    nodes += _concept_nodes(lk)
    edges = []
    for d, div in c.divisions.items():
        if div.parent in c.divisions:
            edges.append(VEdge(d, div.parent, "parentDivision", f"{div.label} 隶属 {c.divisions[div.parent].label}"))
        for cand in div.candidates:
            if cand in c.divisions:
                edges.append(VEdge(d, cand, "candidateParent", f"{div.label} 可能隶属 {c.divisions[cand].label}"))
    edges += [VEdge(l.division, l.concept, l.predicate, link_tip(c, l)) for l in c.links]
    notes = (f"{sum(1 for d in c.divisions.values() if d.kind == 'Township')} 个乡镇、"
             f"{len(c.concepts)} 项机制与活动；实线＝实施/参加，虚线＝仅计划，点线＝上级未定时可能的上级县。",)
    return View("overview.html", "总览：行政区划与机制、活动", tuple(nodes), tuple(edges), notes,
                {"kind": "overview", "aggregated": False},
                "图是空的：没有行政区划，也没有机制或活动。先运行 kg build。", spread=0.45)


def _unit(lk: Lookup, division: str, level: str) -> str:
    """The division at ``level`` that ``division`` lies in (itself if it is coarser)."""
    c = lk.corpus
    d = c.divisions[division]
    if LEVELS.index(d.kind) >= LEVELS.index(level):
        return division
    return c.ancestor_of_kind(division, level) or UNKNOWN


def _aggregated(lk: Lookup, level: str) -> View:
    c = lk.corpus
    zh = KIND_ZH[level]
    members: dict[str, set] = defaultdict(set)
    for d, div in c.divisions.items():
        if div.kind == "Township" or (LEVELS.index(div.kind) < LEVELS.index(level)):
            members[_unit(lk, d, level)].add(d)
    per_unit: dict[tuple[str, str], Counter] = defaultdict(Counter)     # (unit, concept) -> predicate -> divisions
    for l in c.links:
        per_unit[(_unit(lk, l.division, level), l.concept)][l.predicate] += 1
    shown = [d for d, div in c.divisions.items() if LEVELS.index(div.kind) >= LEVELS.index(level)]
    below = Counter(a for d, div in c.divisions.items() if div.kind == "Township" for a in c.ancestors(d))
    nodes, parent = [], {}
    for d in shown:
        div = c.divisions[d]
        inside = members.get(d, set())
        extra = [f"本视图把其下 {len(inside)} 个乡镇（及更低级区划）汇总为此节点"] if inside else []
        names = sorted(c.divisions[m].label for m in inside)[:30]
        if names:
            extra.append("包括：" + "、".join(names) + ("……" if len(inside) > 30 else ""))
        # size by the townships a node stands for, so provinces and prefectures stand out on the rings
        nodes.append(VNode(d, div.label, node_class(div.kind), division_tip(c, d, None, extra), below[d]))
        parent[d] = div.parent if div.parent in c.divisions else None
    if members.get(UNKNOWN):
        n = len(members[UNKNOWN])
        nodes.append(VNode(UNKNOWN, f"上级未定（{n}）", "County",
                           f"上级区划未能确定的 {n} 个乡镇，汇总为一个节点", n))
        parent[UNKNOWN] = None
    # each unit keeps its most adopted concepts, so that the drawing stays within the edge budget
    by_unit: dict[str, list] = defaultdict(list)
    for (unit, concept), preds in per_unit.items():
        by_unit[unit].append((concept, preds))
    keep = max(1, EDGE_BUDGET // max(1, len(by_unit)))
    edges = []
    for unit in sorted(by_unit):
        ranked = sorted(by_unit[unit], key=lambda cp: (-sum(cp[1].values()), cp[0]))[:keep]
        for concept, preds in ranked:
            for pred, n in sorted(preds.items()):
                edges.append(VEdge(unit, concept, pred,
                                   f"{lk.label(unit) if unit != UNKNOWN else '上级未定'}：{n} 个乡镇"
                                   f"{PRED_ZH[pred]} {lk.label(concept)}", round(1 + math.log2(n), 1)))
    for d, p in parent.items():
        if p:
            edges.append(VEdge(d, p, "parentDivision", f"{lk.label(d)} 隶属 {lk.label(p)}"))
    concepts = _concept_nodes(lk)
    order = [n.id for n in sorted(concepts, key=lambda n: (-lk.adopters.get(n.id, 0), n.id))]
    pos = radial_layout(parent, {d: RING.get(c.divisions[d].kind, 3) if d in c.divisions else 3 for d in parent}, order)
    nodes = [VNode(n.id, n.label, n.cls, n.title, n.degree, *pos[n.id]) for n in nodes + concepts]
    notes = (f"图较大（{len(c.divisions) + len(c.concepts)} 个节点），已按{zh}汇总：每个{zh}节点代表其下的乡镇，"
             f"连线粗细＝乡镇数；每个{zh}只画采用最多的 {keep} 项。放大可看名称。",)
    return View("overview.html", f"总览（按{zh}汇总）", tuple(nodes), tuple(edges), notes,
                {"kind": "overview", "aggregated": True, "level": level, "per_unit": keep}, edge_opacity=0.2)
