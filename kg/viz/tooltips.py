"""What a tooltip says about a division, a concept or a link: plain text, Chinese, with the evidence.

Tooltips are strings (vis-network shows them as text, never as HTML); the page
clips them, so a report thousands of characters long cannot cover the screen.

>>> from kg.analysis.corpus import Corpus, Division, Concept, Link, Evidence
>>> c = Corpus({"t": Division("t", "大村乡", "Township", "k"), "k": Division("k", "南宫市", "County")},
...            {"m": Concept("m", "柔性执法", "Mechanism")},
...            (Link("t", "implements", "m", (Evidence("推行柔性执法。", "r", year=2024),)),))
>>> print(link_tip(c, c.links[0]))
大村乡 实施 柔性执法
证据（2024 年报告）：
「推行柔性执法。」
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable

from kg.analysis.corpus import Corpus, Link

PRED_ZH = {"implements": "实施", "plans": "计划", "participatesIn": "参加"}
KIND_ZH = {"Province": "省级", "Prefecture": "地级", "County": "县级", "Township": "乡镇", "Mechanism": "机制",
           "Campaign": "活动"}
MAX_QUOTES = 3


def quotes(link: Link, limit: int = MAX_QUOTES) -> list[str]:
    seen, out = set(), []
    for e in link.evidence:
        if e.quote not in seen:
            seen.add(e.quote)
            out.append(f"「{e.quote}」")
    return out[:limit]


def link_tip(corpus: Corpus, link: Link) -> str:
    d = corpus.divisions.get(link.division)
    c = corpus.concepts.get(link.concept)
    head = f"{d.label if d else link.division} {PRED_ZH.get(link.predicate, link.predicate)} {c.label if c else link.concept}"
    years = sorted({e.year for e in link.evidence if e.year})
    qs = quotes(link)
    if not qs:
        return head + "\n（没有记录证据句）"
    more = len({e.quote for e in link.evidence}) - len(qs)
    return "\n".join([head, f"证据（{'、'.join(map(str, years))} 年报告）：" if years else "证据：", *qs]
                     + ([f"……另有 {more} 句"] if more > 0 else []))


def chain(corpus: Corpus, division: str) -> str:
    names = [corpus.divisions[a].label for a in corpus.ancestors(division) if a in corpus.divisions]
    return " › ".join(names)


def division_tip(corpus: Corpus, division: str, counts: Counter | None = None, extra: Iterable[str] = ()) -> str:
    d = corpus.divisions.get(division)
    if d is None:
        return division
    lines = [f"{d.label}（{KIND_ZH.get(d.kind, d.kind)}）"]
    if d.code:
        lines.append(f"区划代码：{d.code}")
    up = chain(corpus, division)
    if up:
        lines.append(f"上级：{up}")
    elif d.candidates:
        names = [corpus.divisions[c].label for c in d.candidates if c in corpus.divisions]
        lines.append(f"上级未定，可能属于：{'、'.join(names[:12])}" + (f" 等 {len(names)} 个县" if len(names) > 12 else ""))
    if counts is not None:
        lines.append(f"实施机制 {counts['implements']} 项，参加活动 {counts['participatesIn']} 项，仅计划 {counts['plans']} 项")
    lines.extend(extra)
    return "\n".join(lines)


def concept_tip(corpus: Corpus, concept: str, adopters: int, planners: int, examples: Iterable[Link] = ()) -> str:
    c = corpus.concepts.get(concept)
    if c is None:
        return concept
    verb = "参加" if c.kind == "Campaign" else "实施"
    lines = [f"{c.label}（{KIND_ZH[c.kind]}{'，新发现' if c.discovered else ''}）", f"{verb}：{adopters} 地；仅计划：{planners} 地"]
    shown = list(examples)[:MAX_QUOTES]
    if shown:
        lines.append("例证：")
        for l in shown:
            d = corpus.divisions.get(l.division)
            q = quotes(l, 1)
            if q:
                lines.append(f"· {d.label if d else l.division}：{q[0]}")
    return "\n".join(lines)
