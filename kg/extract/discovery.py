"""Mechanisms and campaigns that no vocabulary knows yet.

Reports name their own work models in quotation marks (“一统六联”机制,
“法治+乡村振兴”工作模式) and their own observances with a head word
(六月平安宣传周).  Where a page lost its quotes, a "+" composite (法治+乡村振兴工作模式)
or a numeral slogan of a known shape (一统六联机制) right before a head is still a name.  A quoted name followed by 活动/行动 (“百日攻坚”行动) or 创建
(“无讼村屯”创建), or ending in 日 (“法治赶集日”), is a campaign even when it has a
slogan's shape; record-keeping slogans (“一人一档”) and programmes (“百千万工程”) are
neither.  The rules, head words and stop terms are data in ``kg/data/discovery.toml``.  A discovery that a curated label already covers
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
    quoted_dropped: re.Pattern      # after a quote: a campaign word not part of the name
    quoted_kept: re.Pattern         # after a quote: a campaign word that is part of the name
    inner_verbs: re.Pattern
    stop_shapes: tuple[re.Pattern, ...]
    composite: re.Pattern           # an unquoted X+Y(+Z) right before a mechanism head
    composite_leading: re.Pattern   # words before the composite's first part
    head_after_cjk: re.Pattern      # a mechanism head right after a Chinese character
    campaign_head: re.Pattern       # any campaign head (finds the stretches worth scanning)
    campaign_stretch: re.Pattern    # a stretch of text a campaign name can lie in
    composite_stretch: re.Pattern   # a stretch of text a composite and its head can lie in
    slogan_numerals: str            # what an unquoted slogan starts with
    counting: re.Pattern            # a numeral that counts or numbers: not a slogan


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
        quoted_dropped=_after_quote(c["quoted_dropped"], c["quoted_dropped_gap"]),
        quoted_kept=_after_quote(c["quoted_kept"], c["quoted_kept_gap"]),
        inner_verbs=re.compile("|".join(map(re.escape, sorted(c["inner_verbs"], key=len, reverse=True)))),
        stop_shapes=tuple(re.compile(x) for x in data["stop"].get("shapes", ())),
        composite=re.compile(
            rf"([{_CJK}A-Za-z0-9]{{1,12}}(?:\+[{_CJK}A-Za-z0-9]{{1,8}}?){{1,6}})"
            rf"(?=({'|'.join(map(re.escape, sorted(m['heads'], key=len, reverse=True)))}))"
        ),
        campaign_head=re.compile("|".join(map(re.escape, heads))),
        # Name characters, digits (\d: a date's digits may be any), date dots, and the
        # characters of the heads (Chinese today); "+" joins a composite's parts.
        campaign_stretch=re.compile(rf"[{_CJK}\d·.{_chars(heads)}]+"),
        composite_stretch=re.compile(rf"[{_CJK}A-Za-z0-9+{_chars(m['heads'])}]+"),
        slogan_numerals=m["slogan_numerals"],
        counting=re.compile(m["counting"]),
        # (the class of the heads' first characters rejects most positions before the
        # alternation is tried: the same matches, several times faster)
        head_after_cjk=re.compile(
            rf"(?<=[{_CJK}])(?=[{''.join(sorted({h[0] for h in m['heads']}))}])"
            rf"(?=(?:{'|'.join(map(re.escape, sorted(m['heads'], key=len, reverse=True)))}))"
        ),
        composite_leading=re.compile("|".join(map(re.escape, sorted(m["composite_leading"], key=len, reverse=True)))),
    )


def _chars(words) -> str:
    """The characters of ``words``, escaped for a character class."""
    return "".join(re.escape(c) for c in sorted(set("".join(words))))


def _after_quote(words: list[str], gap: int) -> re.Pattern:
    """Up to ``gap`` CJK characters, then one of ``words``, right after a closing quote."""
    return re.compile(rf"[{_CJK}]{{0,{gap}}}?(?:{'|'.join(map(re.escape, words))})")


def candidates(text: str) -> Iterator[tuple[str, int, str, int, int]]:
    """(kind, start, label, span_start, span_end) for every discovery in ``text``.

    ``label`` is the name to record; the span is where it stands in ``text``.
    """
    r = rules()
    found = sorted([*_quoted_mechanisms(text, r), *_composites(text, r), *_unquoted_slogans(text, r),
                    *_campaigns(text, r)],
                   key=lambda c: (c[3], -(c[4] - c[3])))
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
        kept = r.quoted_kept.match(text, m.end())
        if kept:  # “无讼村屯”创建
            if _acceptable(label + kept.group(), r):
                yield "campaign", start, label + kept.group(), start, kept.end()
            continue
        if r.quoted_dropped.match(text, m.end()) or (label.endswith("日") and len(label) >= 4 and not re.search(r"\d", label)):
            # “百日攻坚”行动, “四讲四爱”群众教育实践活动, “法治赶集日”: a campaign, even of a mechanism's shape
            if _acceptable(label, r):
                yield "campaign", start, label, start, end
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


def _composites(text: str, r: Rules) -> Iterator[tuple[str, int, str, int, int]]:
    """法治+乡村振兴工作模式 without its quotes: the "+" marks the name, the head ends it.

    >>> [c[2] for c in candidates("积极探索法治+乡村振兴工作模式")]
    ['法治+乡村振兴']
    >>> [c[2] for c in candidates("全面推行4+2工作法")]
    ['4+2工作法']
    """
    if "+" not in text:
        return
    for m in _in_stretches(r.composite, r.composite_stretch, lambda s: "+" in s, text):
        label, start, end = m.group(1), m.start(1), m.end(1)
        first = label.split("+", 1)[0]
        cut = 0
        for w in r.composite_leading.finditer(first):
            if w.end() < len(first):
                cut = w.end()
        label, start = label[cut:], start + cut
        if re.fullmatch(r"[\d\W_A-Za-z]+", label):   # 4+2工作法: a bare code is named with its head
            label, end = label + m.group(2), end + len(m.group(2))
        if _acceptable(label, r):
            yield "mechanism", start, label, start, end


def _unquoted_slogans(text: str, r: Rules) -> Iterator[tuple[str, int, str, int, int]]:
    """一统六联机制 without its quotes: the shortest slogan of a known shape that starts with
    a numeral and ends at a mechanism head (so 一是健全三级联动机制 gives 三级联动).

    >>> [c[2] for c in candidates("充分发挥一统六联机制作用")]
    ['一统六联']
    >>> [c[2] for c in candidates("一是完善工作机制")]
    []
    """
    for m in r.head_after_cjk.finditer(text):
        end = m.start()
        for start in range(end - r.min_length, max(-1, end - 9), -1):
            if text[start] not in r.slogan_numerals:
                continue
            label = text[start:end]
            if not re.fullmatch(rf"[{_CJK}]+", label):
                break
            if r.counting.search(label):
                continue
            if any(s.search(label) for s in r.shapes) and _acceptable(label, r):
                yield "mechanism", start, label, start, end
                break


def _in_stretches(pattern: re.Pattern, stretch: re.Pattern, wanted, text: str) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, scanning only the stretches for which ``wanted(stretch)``.

    Why: the lazy ``{1,12}?`` + alternation patterns try a dozen lengths at every
    character, most of the cost of discovery.  A match never crosses a character outside
    the stretch class, nor can any attempt read past one, so scanning each stretch
    (``pos``/``endpos``) gives the same matches, and a stretch without a head or a "+"
    has none.
    """
    for s in stretch.finditer(text):
        if wanted(s.group()):
            yield from pattern.finditer(text, s.start(), s.end())


_MONTH = re.compile(r"(?:[一二三四五六七八九十]{1,2}|\d{1,2})月(?:份)?")
_JOINED = re.compile(r"[和与及、]")
_DATE = re.compile(r"\d{1,2}[·.]\d{1,2}")


def _campaigns(text: str, r: Rules) -> Iterator[tuple[str, int, str, int, int]]:
    for m in _in_stretches(r.campaign_pattern, r.campaign_stretch, r.campaign_head.search, text):
        start, label = m.start(1), m.group(1)
        trimmed = True
        while trimmed:
            trimmed = False
            for noise in r.leading_noise:
                if label.startswith(noise) and len(label) > len(noise) + 3:
                    label, start, trimmed = label[len(noise):], start + len(noise), True
                    break
        month = _MONTH.match(label)
        if month and len(label) - month.end() >= 4:
            label, start = label[month.end():], start + month.end()
        # 国家宪法日和宪法宣传周: a list of observances; the head belongs to the last one
        verb = None
        for verb in r.inner_verbs.finditer(label):
            pass
        if verb is not None:  # 联合市级部门开展专项整治: what is carried out comes after the verb
            label, start = label[verb.end():], start + verb.end()
        joined = _JOINED.split(label)
        if len(joined) > 1:
            start += len(label) - len(joined[-1])
            label = joined[-1]
        date = _DATE.match(label)
        name = label[date.end():] if date else label
        if not _acceptable(name, r) or len(name) < 4:
            continue
        yield "campaign", start, name, start, start + len(label)


def _acceptable(label: str, r: Rules) -> bool:
    if not (r.min_length <= len(label) <= r.max_length):
        return False
    if label in r.stop or re.fullmatch(r"[\d\W_]+", label) or any(x.search(label) for x in r.stop_shapes):
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
        covered = sum(min(end, e) - max(start, s) for s, e in curated if s < end and start < e)
        if _curated_label(label) or 2 * covered >= end - start:
            continue  # the vocabulary names it; a composite (党支部+网格+双联户+…) that contains a label is new
        key = (kind, label)
        concept = seen.get(key)
        if concept is None:
            concept = Concept(iri.concept(kind, label), kind, label, (), discovered=True)
            seen[key] = concept
        yield Mention(kind, start, end, doc.text[start:end], NAME, concept=concept)
