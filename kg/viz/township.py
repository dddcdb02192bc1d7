"""One page per township (ego view): what it implements, plans and joined, with the sentences, and where it sits.

A county office compares its townships by opening their pages side by side;
each concept's tooltip also says how many other divisions adopted it.

>>> from kg.analysis.corpus import Corpus, Division, Concept, Link, Evidence
>>> c = Corpus({"t": Division("t", "甲镇", "Township", "k"), "k": Division("k", "乙县", "County")},
...            {"m": Concept("m", "枫桥经验", "Mechanism")},
...            (Link("t", "implements", "m", (Evidence("推广枫桥经验。", "r"),)),))
>>> v = township_view(Lookup.of(c), "t")
>>> v.name, len(v.nodes), len(v.edges), "推广枫桥经验" in v.nodes[-1].title
('township/t.html', 3, 2, True)
"""
from __future__ import annotations

from collections import Counter

from kg.analysis.corpus import Corpus
from kg.viz.lookup import Lookup
from kg.viz.page import VEdge, View, VNode
from kg.viz.style import node_class
from kg.viz.tooltips import KIND_ZH, division_tip, link_tip


def township_ids(corpus: Corpus) -> list[str]:
    """Every township, and every other division that reported facts."""
    return sorted({d for d, div in corpus.divisions.items() if div.kind == "Township"} | set(corpus.townships))


def township_view(lk: Lookup, township: str) -> View:
    c = lk.corpus
    div = c.divisions[township]
    links = lk.by_division.get(township, ())
    measures = lk.measures.get(township, ()) if lk.measures is not None else ()
    extra = ["报告中的数字："] + [f"· {m.indicator or '（未归类）'} {m.value:g}{m.unit}" for m in measures[:15]] if measures else []
    nodes = {township: VNode(township, div.label, node_class(div.kind),
                             division_tip(c, township, lk.counts.get(township, Counter()), extra),
                             lk.degree.get(township, 0))}
    edges = []
    up, child = c.ancestors(township), township
    for a in up:
        if a in c.divisions:
            nodes[a] = VNode(a, c.divisions[a].label, node_class(c.divisions[a].kind), division_tip(c, a), 1)
            edges.append(VEdge(child, a, "parentDivision", f"{lk.label(child)} 隶属 {lk.label(a)}"))
            child = a
    for cand in div.candidates:
        if cand in c.divisions and cand not in nodes:
            nodes[cand] = VNode(cand, c.divisions[cand].label, "County", division_tip(c, cand), 1)
            edges.append(VEdge(township, cand, "candidateParent", f"{div.label} 可能隶属 {lk.label(cand)}"))
    for l in links:
        con = c.concepts.get(l.concept)
        tip = link_tip(c, l)
        if l.concept not in nodes:
            others = lk.adopters.get(l.concept, 0)
            verb = "参加" if con and con.kind == "Campaign" else "实施"
            kind = KIND_ZH.get(con.kind, "") if con else ""
            nodes[l.concept] = VNode(l.concept, lk.label(l.concept), node_class(con.kind if con else "Mechanism",
                                                                                 bool(con and con.discovered)),
                                     f"{lk.label(l.concept)}（{kind}）\n全库 {others} 地{verb}\n\n{tip}",
                                     lk.degree.get(l.concept, 0))
        else:   # implements and plans the same concept: both sentences in its tooltip
            n = nodes[l.concept]
            nodes[l.concept] = VNode(n.id, n.label, n.cls, f"{n.title}\n\n{tip}", n.degree)
        edges.append(VEdge(township, l.concept, l.predicate, tip))
    count = Counter(l.predicate for l in links)
    note = (f"实施 {count['implements']} 项机制，参加 {count['participatesIn']} 项活动，仅计划 {count['plans']} 项。"
            "把鼠标移到节点或连线上可看证据句。") if links else "这个乡镇在图中没有机制、活动或计划的事实（报告未提及，或未能识别）。"
    up_names = " › ".join(lk.label(a) for a in up)
    return View(f"township/{lk.file_of(township)}.html", f"{div.label}" + (f"（{up_names}）" if up_names else ""),
                tuple(nodes.values()), tuple(edges), (note,), {"kind": "township", "iri": township})
