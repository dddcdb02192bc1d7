"""Organizations a report names: 法治建设工作领导小组, 全面依法治乡委员会, 人民调解委员会, 司法所 …

Two ways to be found, both data in ``ontology/organizations.ttl``:

* a label of a specific organization type (人民调解委员会, 司法所, 一站式矛盾纠纷调解中心 …) is a
  name by itself;
* a generic head (领导小组, 委员会, 工作站 …, ``fz:nameHead``) makes a name together with the words
  before it (平安建设|领导小组), read back to the last particle or set-up verb of
  ``kg/data/organizations.toml`` (成立了以…为组长的|法治建设工作|领导小组).

The words right before a name say whose body it is (``[level]`` of the rules): 乡/镇/我乡 → the
reporting township, 县/县委 or a county's name → its county, 村/各村 → a village's (not linked).
Without them the body is the reporting division's own, except for types a township does not have
(司法局, 人民法院: ``[default_level]``).  Mentions inside 《》 are skipped.

Mention ``attrs``: ``name`` (the organization's name, quotes dropped), ``type`` (the IRI of its
fz:OrganizationType) and ``level`` (``""`` for the reporting division, or a gazetteer level).

>>> [(dict(m.attrs)["name"], dict(m.attrs)["level"]) for m in extract_text(
...     "成立了以乡党委书记为组长的法治建设工作领导小组,联合乡司法所、县人民法院开展普法。调整平安建设领导小组。")]
[('法治建设工作领导小组', ''), ('司法所', 'township'), ('人民法院', 'county'), ('平安建设领导小组', '')]
"""
from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from rdflib import Graph, URIRef

from kg import iri
# The emitters use kg.emit's cached terms: rdflib's Namespace builds a URIRef per access.
from kg.emit import FZ, RDF, RDFS, SKOS, Context, Triple, emitter, zh
from kg.link import Place, Span
from kg.model import Concept, Document, Mention, NormalizedText, SourceText
from kg.vocab import QUOTES, LabelMatcher, ontology

NAME = "organizations"
KIND = "organization"
ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "kg" / "data" / "organizations.toml"
VOCAB_FILE = ROOT / "ontology" / "organizations.ttl"
LEVELS = ("township", "county", "prefecture", "province", "national", "village")
_CJK = re.compile(r"[\u4e00-\u9fff()]")
_TITLE = re.compile(r"《[^《》\n]{0,80}》")
_CLAUSE_MARKS = ("。", ",", ";", ":", "!", "?", "\n", "、")
# Words a report drops when it names the same body again (镇法治建设领导小组 … 法治建设工作领导小组):
# 全面 before the name, 工作 before its head.  Nothing else is merged, so 法治政府建设工作领导小组
# and 全面依法治镇工作领导小组 stay two bodies.  Grammar of the genre, not a list of bodies.
_OPTIONAL_LEADING = ("全面",)
_OPTIONAL_BEFORE_HEAD = ("工作",)


@dataclass(frozen=True)
class Vocabulary:
    matcher: LabelMatcher                     # specific types' labels
    heads: tuple[tuple[str, str], ...]        # (head, generic type IRI), longest first
    labels: dict[str, str]                    # type IRI -> prefLabel


@dataclass(frozen=True)
class Rules:
    window: int
    min_modifier: int
    max_modifier: int
    boundaries: tuple[str, ...]
    stop: tuple[str, ...]
    level_words: tuple[tuple[str, str], ...]  # (word, level), longest first
    not_level: tuple[str, ...]
    village_suffixes: tuple[str, ...]
    not_village: tuple[str, ...]
    default_level: dict[str, str]             # type prefLabel -> level


@functools.cache
def rules(path: str | None = None) -> Rules:
    data = tomllib.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    n, lv = data["name"], data["level"]
    words = sorted(((w, level) for level in LEVELS for w in lv.get(level, ())), key=lambda x: -len(x[0]))
    return Rules(n["window"], n["min_modifier"], n["max_modifier"],
                 tuple(sorted(set(n["boundaries"]), key=len, reverse=True)), tuple(n["stop"]),
                 tuple(words), tuple(lv.get("not_level", ())), tuple(lv.get("village_suffixes", ())),
                 tuple(lv.get("not_village", ())), dict(data.get("default_level", {})))


@functools.cache
def vocabulary(path: str | None = None) -> Vocabulary:
    # (the shared parse of ontology/*.ttl unless another file is asked for: the union gives
    # the same types, and start-up parses the Turtle once)
    g = ontology() if path is None else Graph().parse(path, format="turtle")
    concepts, heads, labels = [], [], {}
    for node in sorted(set(g.subjects(RDF.type, FZ.OrganizationType)), key=str):
        zh_of = lambda p: sorted(str(o) for o in g.objects(node, p) if getattr(o, "language", None) == "zh")  # noqa: E731
        pref = zh_of(SKOS.prefLabel)
        if not pref:
            continue
        labels[str(node)] = pref[0]
        node_heads = [str(h) for h in g.objects(node, FZ.nameHead)]
        if node_heads:
            heads += [(h, str(node)) for h in node_heads]
        else:
            concepts.append(Concept(str(node), "organization-type", pref[0], tuple(zh_of(SKOS.altLabel))))
    return Vocabulary(LabelMatcher(concepts), tuple(sorted(heads, key=lambda h: -len(h[0]))), labels)


@functools.cache
def _head_pattern() -> re.Pattern:
    return re.compile("|".join(re.escape(h) for h, _ in vocabulary().heads))


def level_prefix(words: str) -> tuple[str, int]:
    """(level, length) of the level word ``words`` starts with; ("", 0) when there is none.

    >>> level_prefix("乡"), level_prefix("乡村两级"), level_prefix("乡村振兴"), level_prefix("南宫市")
    (('township', 1), ('township', 4), ('', 0), ('county', 3))
    >>> level_prefix("城墙村"), level_prefix("农村")
    (('village', 3), ('', 0))
    """
    r = rules()
    if not words:
        return "", 0
    for word, level in r.level_words:
        if words.startswith(word):
            # 乡村振兴: a level word that starts a longer everyday word is no level word
            if any(len(n) > len(word) and words.startswith(n) for n in r.not_level):
                return "", 0
            return level, len(word)
    from kg.gazetteer import Gazetteer

    hits = Gazetteer.load().find(words, levels=("province", "prefecture", "county"))
    if hits and hits[0].start == 0:
        levels = {d.level for d in hits[0].divisions}
        return (levels.pop() if len(levels) == 1 else "county"), hits[0].end
    if len(words) >= 2 and words.endswith(r.village_suffixes) and not words.endswith(r.not_village):
        return "village", len(words)      # 城墙村|人民调解委员会
    return "", 0


def _words_before(text: str, pos: int) -> str:
    """The CJK words right before ``pos``, after the last boundary (particle or verb)."""
    r = rules()
    start = pos
    while start > 0 and pos - start < r.window and _CJK.match(text[start - 1]):
        start -= 1
    words = text[start:pos]
    cut = 0
    for b in r.boundaries:
        i = words.rfind(b)
        if i >= 0:
            cut = max(cut, i + len(b))
    return words[cut:]


def _subject_level(text: str, pos: int) -> str:
    """The level word that opens the clause holding ``pos`` (各村|配齐矛盾纠纷调解室), if any."""
    # The line break before ``pos`` bounds the search for the other marks: searching each one
    # back to the start of the text cost more than the rest of the extractor.
    line = text.rfind("\n", 0, pos)
    start = max([line] + [text.rfind(p, line + 1, pos) for p in _CLAUSE_MARKS if p != "\n"]) + 1
    return level_prefix(text[start:pos])[0] if start < pos else ""


def candidates(text: str) -> Iterator[tuple[int, int, str, str, str]]:
    """(start, end, name, type IRI, level) of every organization named in ``text``."""
    r, vocab = rules(), vocabulary()
    titles = [(m.start(), m.end()) for m in _TITLE.finditer(text)]
    taken: list[tuple[int, int]] = []
    found = []
    for hit in vocab.matcher.find(text):
        taken.append((hit.start, hit.end))
        level, _ = level_prefix(_words_before(text, hit.start))
        level = level or _subject_level(text, hit.start)
        name = "".join(ch for ch in hit.surface if ch not in QUOTES)
        found.append((hit.start, hit.end, name, hit.concept.iri, level))
    heads = dict(vocab.heads)
    for m in _head_pattern().finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        words = _words_before(text, m.start())
        level, skip = level_prefix(words)
        modifier = words[skip:]
        level = level or _subject_level(text, m.start() - len(words))
        if not (r.min_modifier <= len(modifier) <= r.max_modifier):
            continue
        start = m.start() - len(modifier)
        found.append((start, m.end(), modifier + m.group(), heads[m.group()], level))
    for start, end, name, type_iri, level in sorted(found):
        if name.endswith(r.stop) or any(s <= start < e for s, e in titles):
            continue
        if not level:
            level = r.default_level.get(vocab.labels.get(type_iri, ""), "")
        yield start, end, name, type_iri, level


def extract(doc: Document) -> Iterator[Mention]:
    found = list(candidates(doc.text))
    canonical = same_names([(name, level) for _, _, name, _, level in found])
    for start, end, name, type_iri, level in found:
        yield Mention(KIND, start, end, doc.text[start:end], NAME,
                      attrs=(("name", canonical.get((name, level), name)), ("type", type_iri), ("level", level)))


def name_key(name: str) -> str:
    """A name without the words a report may drop when it names the same body again:
    全面 before it, 工作 before its head.

    >>> name_key("全面依法治镇工作领导小组") == name_key("依法治镇领导小组")
    True
    >>> name_key("法治政府建设工作领导小组") == name_key("法治建设工作领导小组")
    False
    """
    for word in _OPTIONAL_LEADING:
        if name.startswith(word) and len(name) > len(word) + 2:
            name = name[len(word):]
            break
    head = next((h for h, _ in vocabulary().heads if name.endswith(h)), "")
    body = name[: len(name) - len(head)]
    for word in _OPTIONAL_BEFORE_HEAD:
        if head and body.endswith(word) and len(body) > len(word):
            return body[: -len(word)] + head
    return name


def same_names(names: list[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(name, level) -> the name to record, for the names of one report that name one body:
    equal under :func:`name_key` at the same level.  The longest form is recorded, the
    first on a tie (镇法治建设领导小组 … 法治建设工作领导小组 -> 法治建设工作领导小组)."""
    groups: dict[tuple[str, str], list[str]] = {}
    for name, level in names:
        group = groups.setdefault((name_key(name), level), [])
        if name not in group:
            group.append(name)
    out = {}
    for (_, level), group in groups.items():
        best = max(group, key=len)
        for name in group:
            out[(name, level)] = best
    return out


def extract_text(text: str) -> list[Mention]:
    """Mentions of a bare text (no sections); for examples and quick checks."""
    doc = Document(SourceText("t.txt", "t.txt", text, "utf-8", ""), NormalizedText(text, tuple(range(len(text) + 1))),
                   (), ())
    return list(extract(doc))


# --- emit -------------------------------------------------------------------------------------

def owner(ctx: Context, level: str) -> Optional[Place]:
    """The division whose body it is: the reporting division for no level word or its own level,
    the parent of that level when the chain is known; None for villages and the nation."""
    division = ctx.who.division
    if not level or level == division.level:
        return division
    for link in ctx.who.parents:
        if link.parent.level == level:
            return link.parent
    return None


def tail(division_iri: str) -> str:
    """The part of a division IRI after ``division/``, as one path segment."""
    return division_iri.split("/division/", 1)[-1].replace("/", "-")


@emitter(KIND)
def _organization(ctx: Context, m: Mention) -> Iterator[Triple]:
    attrs = dict(m.attrs)
    if ctx.doc.section_type_at(m.start) == "NextYearPlan":
        return      # 成立…领导小组 in a plan is not yet a body
    division = owner(ctx, attrs.get("level", ""))
    if division is None:
        return
    node = URIRef(f"{iri.ID}organization/{tail(division.iri)}/{iri.slug(attrs['name'])}")
    yield node, RDF.type, FZ.Organization
    yield node, RDFS.label, zh(attrs["name"])
    yield node, FZ.organizationType, URIRef(attrs["type"])
    subject = URIRef(division.iri)
    yield subject, FZ.hasOrganization, node
    yield from ctx.evidence(subject, FZ.hasOrganization, node, Span(m.start, m.end), m.extractor)
