"""People a report names with a role: 乡党委书记、四级调研员柴绍峰同志.

Only what the text states, and only where it is plain (rules in ``kg/data/people.toml``):

* a role (words ending in 书记, 乡长, 主任, 调研员 … back to the last particle) right before a
  name; several roles joined by 、 or 兼 all count (乡党委书记、四级调研员);
* the name is any two to four characters when 同志 follows it (扎西同志 — many names have no
  surname), otherwise a known surname and one or two characters followed by punctuation or a
  word such as 任/主持/带队, and not an everyday word (主任管理到位 names nobody);
* or a name followed by 同志任/担任 and a role (柴绍峰同志任组长).

A mention's span is the name; ``attrs`` hold ``name``, one ``role`` per role as written, and
``level``: the level word its first role starts with (乡党委书记 → ``"township"``, 县委书记 →
``"county"``; see :func:`kg.extract.organizations.level_prefix`), which the emitter turns into
the division the person serves in (``fz:servesIn``).

>>> [(dict(m.attrs)["name"], [v for k, v in m.attrs if k == "role"]) for m in extract_text(
...     "成立了以乡党委书记、四级调研员柴绍峰同志为组长的领导小组。镇长李明主持会议,书记高度重视。")]
[('柴绍峰', ['乡党委书记', '四级调研员']), ('李明', ['镇长'])]
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from rdflib import URIRef

from kg import iri
from kg.emit import FZ, RDF, RDFS, Context, Triple, emitter, zh
from kg.extract.organizations import level_prefix, owner, tail
from kg.link import Span
from kg.model import Document, Mention, NormalizedText, SourceText

NAME = "people"
KIND = "person"
RULES_FILE = Path(__file__).resolve().parents[2] / "kg" / "data" / "people.toml"
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PUNCT = set("、,。;:!?()“”\"'《》 \t\n")


@dataclass(frozen=True)
class Rules:
    tails: re.Pattern
    tail_words: tuple[str, ...]
    boundaries: tuple[str, ...]
    max_length: int
    surnames: frozenset[str]
    compound: tuple[str, ...]
    after: tuple[str, ...]
    max_word_frequency: int
    not_in_name: frozenset[str]
    honorific: str


@functools.cache
def rules(path: str | None = None) -> Rules:
    data = tomllib.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    role, name = data["role"], data["name"]
    tails = tuple(sorted(set(role["tails"]), key=len, reverse=True))
    surnames = frozenset(ch for ch in name["surnames"] if _CJK.match(ch)) - frozenset(name["not_surnames"])
    return Rules(re.compile("|".join(map(re.escape, tails))), tails,
                 tuple(sorted(set(role["boundaries"]), key=len, reverse=True)), role["max_length"], surnames,
                 tuple(name["compound_surnames"]), tuple(sorted(name["after"], key=len, reverse=True)),
                 name["max_word_frequency"], frozenset(name["not_in_name"]), name["honorific"])


@functools.cache
def _dictionary():
    """jieba's word frequencies (its dictionary is read once, on first use)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba.dt.FREQ


def _common_word(name: str) -> bool:
    """Is the name, or its first two characters, an everyday word (单位要 is 单位 + 要)?

    >>> _common_word("管理"), _common_word("单位要"), _common_word("柴绍峰")
    (True, True, False)
    """
    freq, limit = _dictionary(), rules().max_word_frequency
    return any((freq.get(w) or 0) >= limit for w in {name, name[:2]})


def _plain_name(name: str) -> bool:
    r = rules()
    return all(_CJK.match(ch) for ch in name) and not (set(name) & r.not_in_name)


def name_after_role(text: str, pos: int) -> Optional[str]:
    """The name that starts at ``pos`` (right after a role), if the rules accept one.

    >>> name_after_role("柴绍峰同志为组长", 0), name_after_role("李明主持会议", 0), name_after_role("高度重视", 0)
    ('柴绍峰', '李明', None)
    >>> name_after_role("扎西次仁同志", 0), name_after_role("管理到位", 0)
    ('扎西次仁', None)
    """
    r = rules()
    for length in (3, 2, 4):
        name = text[pos:pos + length]
        if len(name) == length and text.startswith(r.honorific, pos + length) and _plain_name(name):
            return name
    compound = any(text.startswith(c, pos) for c in r.compound)
    if not compound and text[pos:pos + 1] not in r.surnames:
        return None
    for length in ((4, 3) if compound else (3, 2)):
        name = text[pos:pos + length]
        rest = text[pos + length:]
        if len(name) < length or not _plain_name(name):
            continue
        if not (rest == "" or rest[0] in _PUNCT or rest.startswith(r.after)):
            continue
        if _common_word(name):
            continue
        return name
    return None


def _role_before(text: str, end: int) -> Optional[str]:
    """The role that ends at ``end`` (its words back to the last boundary), if it ends in a tail."""
    r = rules()
    start = end
    while start > 0 and end - start < r.max_length and _CJK.match(text[start - 1]):
        start -= 1
    words = text[start:end]
    if not words.endswith(r.tail_words):
        return None
    body_end = len(words) - max(len(t) for t in r.tail_words if words.endswith(t))
    cut = 0
    for b in r.boundaries:
        i = words.rfind(b, 0, body_end)
        if i >= 0:
            cut = max(cut, i + len(b))
    return words[cut:] or None


def roles_before(text: str, end: int) -> list[str]:
    """Every role of a chain 乡党委书记、四级调研员 ending at ``end``, in text order.

    >>> roles_before("以乡党委书记、四级调研员", 12)
    ['乡党委书记', '四级调研员']
    """
    roles = []
    while True:
        role = _role_before(text, end)
        if role is None:
            break
        roles.insert(0, role)
        joint = end - len(role) - 1
        if joint < 0 or text[joint] not in "、兼":
            break
        end = joint
    return roles


def candidates(text: str) -> Iterator[tuple[int, int, str, list[str]]]:
    """(start, end, name, roles) of every person named with a role in ``text``."""
    r = rules()
    seen = set()
    for m in r.tails.finditer(text):
        name = name_after_role(text, m.end())
        if name is None:
            continue
        roles = roles_before(text, m.end())
        if roles and m.end() not in seen:
            seen.add(m.end())
            yield m.end(), m.end() + len(name), name, roles
    # 柴绍峰同志任组长
    for m in re.finditer(re.escape(r.honorific) + r"(?:担任|兼任|任)", text):
        role = _role_after(text, m.end())
        if role is None:
            continue
        for length in (3, 2, 4):
            start = m.start() - length
            name = text[start:m.start()]
            if start < 0 or not _plain_name(name) or start in seen:
                continue
            if start == 0 or not _CJK.match(text[start - 1]) or text[start - 1] in "由以和与及请":
                seen.add(start)
                yield start, m.start(), name, [role]
                break


def _role_after(text: str, pos: int) -> Optional[str]:
    r = rules()
    end = pos
    while end < len(text) and end - pos < r.max_length and _CJK.match(text[end]):
        end += 1
    words = text[pos:end]
    for i in range(len(words), 0, -1):
        if words[:i].endswith(r.tail_words):
            return words[:i]
    return None


def extract(doc: Document) -> Iterator[Mention]:
    for start, end, name, roles in sorted(candidates(doc.text)):
        level = next((lv for lv, _ in map(level_prefix, roles) if lv), "")
        attrs = (("name", name), *(("role", role) for role in roles), ("level", level))
        yield Mention(KIND, start, end, name, NAME, attrs=attrs)


def extract_text(text: str) -> list[Mention]:
    """Mentions of a bare text (no sections); for examples and quick checks."""
    doc = Document(SourceText("t.txt", "t.txt", text, "utf-8", ""), NormalizedText(text, tuple(range(len(text) + 1))),
                   (), ())
    return list(extract(doc))


# --- emit -------------------------------------------------------------------------------------

@emitter(KIND)
def _person(ctx: Context, m: Mention) -> Iterator[Triple]:
    attrs = dict(m.attrs)
    division = owner(ctx, attrs.get("level", ""))
    scope = tail(division.iri if division is not None else ctx.division)
    node = URIRef(f"{iri.ID}person/{scope}/{iri.slug(attrs['name'])}")
    span = Span(m.start, m.end)
    yield node, RDF.type, FZ.Person
    yield node, RDFS.label, zh(attrs["name"])
    for role in (v for k, v in m.attrs if k == "role"):
        yield node, FZ.roleTitle, zh(role)
        yield from ctx.evidence(node, FZ.roleTitle, zh(role), span, m.extractor)
    if division is not None:
        yield node, FZ.servesIn, URIRef(division.iri)
        yield from ctx.evidence(node, FZ.servesIn, URIRef(division.iri), span, m.extractor)
