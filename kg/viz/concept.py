"""One page per mechanism (and per campaign): who implements it (solid) and who only plans it (dashed).

Divisions are shown with their direct parent, so the page reads as a map of
where the mechanism is.  When that would be more than 1,000 nodes (the
browser's physics limit), they are folded into their counties (a county node counts its
townships) and placed by :func:`kg.viz.layout.radial_layout`.

>>> from kg.analysis.corpus import Corpus, Division, Concept, Link
>>> c = Corpus({"a": Division("a", "甲镇", "Township", "k"), "b": Division("b", "乙镇", "Township", "k"),
...             "k": Division("k", "丙县", "County")}, {"m": Concept("m", "枫桥经验", "Mechanism")},
...            (Link("a", "implements", "m"), Link("a", "plans", "m"), Link("b", "plans", "m")))
>>> v = concept_view(Lookup.of(c), "m")
>>> sorted((e.source, e.predicate) for e in v.edges if e.target == "m")
[('a', 'implements'), ('b', 'plans')]
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from kg.analysis.corpus import ADOPTION
from kg.viz.layout import radial_layout
from kg.viz.lookup import Lookup
from kg.viz.page import PHYSICS_LIMIT, VEdge, View, VNode
from kg.viz.style import node_class
from kg.viz.tooltips import division_tip, link_tip, concept_tip

def folder_of(kind: str) -> str:
    return "campaign" if kind == "Campaign" else "mechanism"


def concept_view(lk: Lookup, concept: str, max_nodes: int = PHYSICS_LIMIT) -> View:
    c = lk.corpus
    con = c.concepts[concept]
    links = lk.by_concept.get(concept, ())
    doing = {l.division for l in links if l.predicate in ADOPTION}
    # who only plans it: plans, and does not also implement / participate
    shown = [l for l in links if l.predicate in ADOPTION or l.division not in doing]
    verb = "参加" if con.kind == "Campaign" else "实施"
    centre = VNode(concept, con.label, node_class(con.kind, con.discovered),
                   concept_tip(c, concept, lk.adopters.get(concept, 0), lk.planners.get(concept, 0),
                               [l for l in links if l.predicate in ADOPTION]), lk.degree.get(concept, 0))
    divisions = {l.division for l in shown}
    parents = {c.divisions[d].parent for d in divisions if d in c.divisions} - {None}
    notes = [f"{len(doing)} 地{verb}（实线），{lk.planners.get(concept, 0)} 地仅计划（虚线）。"]
    if 1 + len(divisions) + len(parents) > max_nodes:
        return _by_county(lk, concept, centre, shown, notes)
    nodes, edges, drawn = {concept: centre}, [], set()
    for l in shown:
        d = c.divisions.get(l.division)
        if d is None:
            continue
        nodes.setdefault(l.division, VNode(l.division, d.label, node_class(d.kind),
                                           division_tip(c, l.division, lk.counts.get(l.division)),
                                           lk.degree.get(l.division, 0)))
        edges.append(VEdge(l.division, concept, l.predicate, link_tip(c, l)))
        if d.parent in c.divisions:
            if d.parent not in nodes:
                p = c.divisions[d.parent]
                nodes[d.parent] = VNode(d.parent, p.label, node_class(p.kind), division_tip(c, d.parent), 1)
            if (l.division, d.parent) not in drawn:
                drawn.add((l.division, d.parent))
                edges.append(VEdge(l.division, d.parent, "parentDivision", f"{d.label} 隶属 {lk.label(d.parent)}"))
    return View(f"{folder_of(con.kind)}/{lk.file_of(concept)}.html", f"{con.label}：谁在{verb}，谁仅计划",
                tuple(nodes.values()), tuple(edges), tuple(notes), {"kind": folder_of(con.kind), "iri": concept})


def _by_county(lk: Lookup, concept: str, centre: VNode, shown, notes) -> View:
    c = lk.corpus
    per: dict[str, Counter] = defaultdict(Counter)
    for l in shown:
        county = c.ancestor_of_kind(l.division, "County") or "unknown-parent"
        per[county][l.predicate] += 1
    nodes, edges, parent = {concept: centre}, [], {}
    for county in sorted(per):
        label = lk.label(county) if county in c.divisions else "上级未定"
        tally = "，".join(f"{n} 个乡镇{ {'implements': '实施', 'plans': '仅计划', 'participatesIn': '参加'}[p]}"
                         for p, n in sorted(per[county].items()))
        nodes[county] = VNode(county, label, "County", f"{label}\n{tally}", sum(per[county].values()))
        parent[county] = None
        for pred, n in sorted(per[county].items()):
            edges.append(VEdge(county, concept, pred, f"{label}：{n} 个乡镇", round(1 + math.log2(n), 1)))
    pos = radial_layout(parent, {k: 1 for k in parent}, [concept])
    nodes = {k: VNode(n.id, n.label, n.cls, n.title, n.degree, *pos[k]) for k, n in nodes.items()}
    notes.append("涉及的乡镇较多，已按县汇总：每个县节点代表其下的乡镇，连线粗细＝乡镇数。")
    con = c.concepts[concept]
    return View(f"{folder_of(con.kind)}/{lk.file_of(concept)}.html", f"{con.label}（按县汇总）",
                tuple(nodes.values()), tuple(edges), tuple(notes),
                {"kind": folder_of(con.kind), "iri": concept, "aggregated": True}, edge_opacity=0.4)
