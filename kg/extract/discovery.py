"""Mechanisms and campaigns that no vocabulary knows yet.

Reports name their own work models in quotation marks (“一统六联”机制,
“法治+乡村振兴”工作模式) and their own observances with a head word
(六月平安宣传周).  The rules, head words and stop terms are data in
``kg/data/discovery.toml``.  A discovery that a curated label already covers
is left to :mod:`kg.extract.concepts`.

>>> from kg.extract.discovery import candidates
>>> [c[2] for c in candidates("充分发挥“一统六联”机制作用")]
['一统六联']
>>> [c[2] for c in candidates("说理式执法与“法治宣传”")]
[]
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kg import iri
from kg.model import Concept, Document, Mention
from kg.vocab import match_key, matcher

NAME = "discovery"
RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "discovery.toml"

# Opening quote -> closing quote; straight quotes pair with themselves.
_QUOTED = re.compile(r"“([^“”\n]{1,40})”|「([^「」\n]{1,40})」|『([^『』\n]{1,40})』|\"([^\"\n]{1,40})\"")
_CJK = r"\u4e00-\u9fff"


@dataclass(frozen=True)
class Rules:
    mechanism_heads: tuple[str, ...]
    shapes: tuple[re.Pattern, ...]
    min_length: int
    max_length: int
    campaign_heads: tuple[str, ...]
    leading_noise: tuple[str, ...]
    stop: frozenset[str]
    campaign_pattern: re.Pattern


@functools.cache
def rules(path: str | None = None) -> Rules:
    data = tomllib.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    m, c = data["mechanism"], data["campaign"]
    heads = tuple(sorted(c["heads"], key=len, reverse=True))
    # Up to 12 characters of name (CJK, digits, date dots) before a campaign head.
    pattern = re.compile(
        rf"((?:\d{{1,2}}[·.]\d{{1,2}})?[{_CJK}0-9]{{1,12}}?(?:{'|'.join(map(re.escape, heads))}))"
    )
    return Rules(
        mechanism_heads=tuple(sorted(m["heads"], key=len, reverse=True)),
        shapes=tuple(re.compile(s) for s in m["shapes"]),
        min_length=m["min_length"],
        max_length=m["max_length"],
        campaign_heads=heads,
        leading_noise=tuple(sorted(c["leading_noise"], key=len, reverse=True)),
        stop=frozenset(data["stop"]["terms"]),
        campaign_pattern=pattern,
    )


def candidates(text: str) -> Iterator[tuple[str, int, str, int, int]]:
    """(kind, start, label, span_start, span_end) for every discovery in ``text``.

    ``label`` is the name to record; the span is where it stands in ``text``.
    """
    r = rules()
    found = sorted([*_quoted_mechanisms(text, r), *_campaigns(text, r)], key=lambda c: (c[3], -(c[4] - c[3])))
    cursor = -1
    for c in found:  # the first, longest of overlapping discoveries wins
        if c[3] >= cursor:
            yield c
            cursor = c[4]


def _quoted_mechanisms(text: str, r: Rules) -> Iterator[tuple[str, int, str, int, int]]:
    for m in _QUOTED.finditer(text):
        group = next(i for i in range(1, 5) if m.group(i) is not None)
        label = m.group(group).strip()
        start, end = m.start(group), m.end(group)
        after = text[m.end(): m.end() + 8]
        campaign_head = next((h for h in r.campaign_heads if after.startswith(h)), None)
        if campaign_head or any(label.endswith(h) for h in r.campaign_heads):
            # “蓝天护航”专项行动: the head belongs to the name of a campaign
            name = label + (campaign_head or "")
            if _acceptable(name, r):
                yield "campaign", start, name, start, m.end() + len(campaign_head or "")
            continue
        head_inside = any(label.endswith(h) and len(label) > len(h) for h in r.mechanism_heads)
        head_after = next((h for h in r.mechanism_heads if after.startswith(h)), None)
        shaped = any(s.search(label) for s in r.shapes)
        if not (head_inside or head_after or shaped):
            continue
        if head_after and (len(label) < r.min_length or re.fullmatch(r"[\d\W_A-Za-z]+", label)):
            # “131”工作法: a bare number or code is named together with its head
            label, end = label + head_after, m.end() + len(head_after)
        if not _acceptable(label, r):
            continue
        yield "mechanism", start, label, start, end


def _campaigns(text: str, r: Rules) -> Iterator[tuple[str, int, str, int, int]]:
    for m in r.campaign_pattern.finditer(text):
        start, label = m.start(1), m.group(1)
        trimmed = True
        while trimmed:
            trimmed = False
            for noise in r.leading_noise:
                if label.startswith(noise) and len(label) > len(noise) + 3:
                    label, start, trimmed = label[len(noise):], start + len(noise), True
                    break
        month = re.match(rf"^(?:[一二三四五六七八九十]{{1,2}}|\d{{1,2}})月(?:份)?", label)
        if month and len(label) - month.end() >= 4:
            label, start = label[month.end():], start + month.end()
        # 国家宪法日和宪法宣传周: a list of observances; the head belongs to the last one
        joined = re.split(r"[和与及、]", label)
        if len(joined) > 1:
            start += len(label) - len(joined[-1])
            label = joined[-1]
        date = re.match(r"^\d{1,2}[·.]\d{1,2}", label)
        name = label[date.end():] if date else label
        if not _acceptable(name, r) or len(name) < 4:
            continue
        yield "campaign", start, name, start, start + len(label)


def _acceptable(label: str, r: Rules) -> bool:
    if not (r.min_length <= len(label) <= r.max_length):
        return False
    if label in r.stop or re.fullmatch(r"[\d\W_]+", label):
        return False
    return bool(re.search(rf"[{_CJK}]", label))


def _curated_label(label: str) -> bool:
    """True when a curated concept's label covers the whole discovered label."""
    hits = matcher(("mechanism", "campaign")).find(label)
    return any(h.end - h.start >= len(match_key(label)) for h in hits)


def extract(doc: Document) -> Iterator[Mention]:
    seen: dict[tuple[str, str], Concept] = {}
    curated = [(h.start, h.end) for h in matcher(("mechanism", "campaign")).find(doc.text)]
    for kind, _, label, start, end in candidates(doc.text):
        if _curated_label(label) or any(s < end and start < e for s, e in curated):
            continue
        key = (kind, label)
        concept = seen.get(key)
        if concept is None:
            concept = Concept(iri.concept(kind, label), kind, label, (), discovered=True)
            seen[key] = concept
        yield Mention(kind, start, end, doc.text[start:end], NAME, concept=concept)
