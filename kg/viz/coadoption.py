"""The mechanism co-adoption network: mechanisms joined when the same townships implement both.

Only pairs adopted together by at least ``min_both`` townships are drawn; the
threshold is the smallest that keeps the drawing within :data:`EDGE_BUDGET`
links (and is written in the page's notes and ``meta``).  Line width grows
with the number of townships; the tooltip gives the lift.

>>> from kg.analysis.corpus import Corpus, Concept, Link
>>> ms = {k: Concept(k, k.upper(), "Mechanism") for k in "xyz"}
>>> c = Corpus({}, ms, (Link("a", "implements", "x"), Link("a", "implements", "y"), Link("b", "implements", "z")))
>>> v = coadoption_view(Lookup.of(c))
>>> len(v.nodes), [(e.source, e.target) for e in v.edges], v.meta["min_both"]
(3, [('x', 'y')], 1)
"""
from __future__ import annotations

import math

from kg.analysis.adoption import adoption_matrix
from kg.analysis.similarity import co_adoption
from kg.viz.layout import radial_layout
from kg.viz.lookup import Lookup
from kg.viz.page import PHYSICS_LIMIT, VEdge, View, VNode
from kg.viz.style import node_class
from kg.viz.tooltips import concept_tip

EDGE_BUDGET = 1500


def coadoption_view(lk: Lookup, edge_budget: int = EDGE_BUDGET) -> View:
    c = lk.corpus
    adoption = adoption_matrix(c, kinds=("Mechanism",))
    pairs = co_adoption(adoption)
    threshold = 1
    while sum(1 for p in pairs if p.both >= threshold) > edge_budget:
        threshold += 1
    kept = [p for p in pairs if p.both >= threshold]
    nodes = [VNode(m, lk.label(m), node_class("Mechanism", c.concepts[m].discovered),
                   concept_tip(c, m, lk.adopters.get(m, 0), lk.planners.get(m, 0)), lk.adopters.get(m, 0))
             for m in adoption.cols]
    if len(nodes) > PHYSICS_LIMIT:
        pos = radial_layout({}, {}, [n.id for n in sorted(nodes, key=lambda n: (-n.degree, n.id))])
        nodes = [VNode(n.id, n.label, n.cls, n.title, n.degree, *pos[n.id]) for n in nodes]
    edges = [VEdge(p.a, p.b, "coAdoption",
                   f"{lk.label(p.a)} ＋ {lk.label(p.b)}\n{p.both} 个乡镇同时实施\nJaccard {p.jaccard:.2f}，提升度 {p.lift:.2f}"
                   "（提升度＞1：比各自独立采用时更常一起出现）", round(1 + 1.5 * math.log2(p.both), 1)) for p in kept]
    notes = [f"{len(nodes)} 项被实施的机制；两项机制被至少 {threshold} 个乡镇同时实施时相连，线越粗，共同实施的乡镇越多。"]
    return View("coadoption.html", "机制共同采用网络", tuple(nodes), tuple(edges), tuple(notes),
                {"kind": "coadoption", "min_both": threshold}, "没有被任何乡镇实施的机制，画不出共同采用网络。")
