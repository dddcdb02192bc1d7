"""Legal and policy documents a report cites: 《中华人民共和国宪法》, 《民法典》, 《加勤乡重大行政决策程序规定》.

Every title in 《》 that ends like a document (…法, …条例, …规定, …方案 …; the shapes are data in
``kg/data/legal.toml``) becomes a mention of kind ``"legal-document"``; a title that ends
otherwise (《今日说法》, 《法治日报》) is not a document and is skipped.

* A title the vocabulary ``ontology/legal-documents.ttl`` knows is that document, whatever the
  variant: 《宪法》 = 《中华人民共和国宪法》; titles are compared by :func:`title_key` (no
  中华人民共和国 prefix, quotes dropped, dashes unified), then without a version note ((试行)).
  Curated labels are also found without 《》 where the name stands alone (学习宪法、民法典等).
* Any other title is a discovered document; its kind comes from the ordered rules of
  ``legal.toml`` (title suffix, the issuer named before 《 such as 国务院, a division's name at
  the start of the title).
* A title that starts with a division's name (南宫市…, 加勤乡…) is local: the emitter marks it
  ``fz:issuedBy`` that division when it is the reporting division or one of its parents.  So is
  a title the report says its division made (制定了《重大行政决策程序规定》), outside the
  next-year plan.  Such a document is named per issuer (two townships' 《重大行政决策程序规定》
  are two documents), so its mention carries no concept; the emitter builds the node.

Mention ``attrs``: ``kind`` (a fz:DocumentKind local name), ``title`` (as written, normalized),
``label`` (the canonical label), and for local documents ``local`` (the division name at the
start) and ``local_level``, or ``issued_here`` = ``"1"``.

>>> [(m.surface, m.concept.pref_label) for m in extract_text("就《中华人民共和国宪法》《民法典》开展宣传")]
[('中华人民共和国宪法', '中华人民共和国宪法'), ('民法典', '中华人民共和国民法典')]
>>> m = extract_text("制定了《加勤乡重大行政决策程序规定》。")[0]
>>> dict(m.attrs)["kind"], dict(m.attrs)["local"]
('LocalNormativeDocument', '加勤乡')
"""
from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional

from rdflib import Graph, Literal, URIRef

from kg import iri
# The emitters use kg.emit's cached terms: rdflib's Namespace builds a URIRef per access.
from kg.emit import FZ, RDF, RDFS, SKOS, Context, Triple, emitter, zh
from kg.link import Place, Span
from kg.model import Concept, Document, Mention, NormalizedText, SourceText
from kg.vocab import LabelMatcher, ontology

NAME = "legal"
KIND = "legal-document"
SCHEME = "legal-document"
ROOT = Path(__file__).resolve().parents[2]
RULES_FILE = ROOT / "kg" / "data" / "legal.toml"
VOCAB_FILE = ROOT / "ontology" / "legal-documents.ttl"

PRC = "中华人民共和国"
_TITLE = re.compile(r"《([^《》\n]{1,80})》")
_QUOTED = re.compile(r"[“\"]([^“”\"\n]{1,40})[”\"]")
_QUOTES = str.maketrans("", "", "“”‘’\"'「」『』")
_DASHES = re.compile(r"(?<=\d)\s*[-‐‑‒–—―~～至]+\s*(?=\d)")
_CLAUSE_END = re.compile(r"[,。;:!?、\n》]")


@dataclass(frozen=True)
class KindRule:
    kind: str
    title: Optional[re.Pattern] = None
    suffix: Optional[re.Pattern] = None
    issuer: Optional[re.Pattern] = None
    local: Optional[bool] = None
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rules:
    max_length: int
    version_note: re.Pattern
    period: re.Pattern
    document: re.Pattern
    not_document: re.Pattern
    window: int
    issued_here: re.Pattern
    issued_elsewhere: re.Pattern
    not_done_in: frozenset[str]
    township_shape: re.Pattern
    strip_prefix: re.Pattern
    min_length: int
    short_labels: frozenset[str]
    after: frozenset[str]
    kinds: tuple[KindRule, ...]


@functools.cache
def rules(path: str | None = None) -> Rules:
    data = tomllib.loads(Path(path or RULES_FILE).read_text(encoding="utf-8"))
    t, c, l, u = data["title"], data["context"], data["local"], data["unbracketed"]
    opt = lambda r, k: re.compile(r[k]) if k in r else None  # noqa: E731
    kinds = tuple(KindRule(r["kind"], opt(r, "title"), opt(r, "suffix"), opt(r, "issuer"), r.get("local"),
                           tuple(r.get("levels", ()))) for r in data["kind"])
    return Rules(t["max_length"], re.compile(t["version_note"]), re.compile(t["period"]), re.compile(t["document"]),
                 re.compile(t["not_document"]), c["window"], re.compile(c["issued_here"]),
                 re.compile(c["issued_elsewhere"]), frozenset(c["not_done_in"]), re.compile(l["township_shape"]),
                 re.compile(l["strip_prefix"]), u["min_length"], frozenset(u["short_labels"]), frozenset(u["after"]),
                 kinds)


def title_key(title: str) -> str:
    """The form titles are compared in.

    >>> title_key("中华人民共和国宪法")
    '宪法'
    >>> title_key(" 法治政府建设实施纲要(2021-2025年)")
    '法治政府建设实施纲要(2021—2025年)'
    >>> title_key("关于实行国家机关“谁执法谁普法”普法责任制的意见")
    '关于实行国家机关谁执法谁普法普法责任制的意见'
    """
    key = "".join(unicodedata.normalize("NFKC", title).split()).translate(_QUOTES)
    key = _DASHES.sub("—", key)
    if key.startswith(PRC) and len(key) > len(PRC):
        key = key[len(PRC):]
    return key


@dataclass(frozen=True)
class Known:
    concept: Concept
    kind: str


@functools.cache
def vocabulary(path: str | None = None) -> dict[str, Known]:
    """title_key(label) -> the curated document, for every label of legal-documents.ttl."""
    # (the shared parse of ontology/*.ttl unless another file is asked for: the union gives
    # the same documents, and start-up parses the Turtle once)
    g = ontology() if path is None else Graph().parse(path, format="turtle")
    out: dict[str, Known] = {}
    for node in sorted(set(g.subjects(RDF.type, FZ.LegalDocument)), key=str):
        pref = next((str(o) for o in g.objects(node, SKOS.prefLabel) if getattr(o, "language", None) == "zh"), None)
        kind = g.value(node, FZ.documentKind)
        if pref is None or kind is None:
            continue
        alts = tuple(sorted(str(o) for o in g.objects(node, SKOS.altLabel) if getattr(o, "language", None) == "zh"))
        known = Known(Concept(str(node), SCHEME, pref, alts), str(kind).rsplit("#", 1)[1])
        for label in (pref, *alts):
            out.setdefault(title_key(label), known)
    return out


@functools.cache
def _unbracketed_matcher() -> LabelMatcher:
    r = rules()
    concepts = []
    for known in {k.concept.iri: k for k in vocabulary().values()}.values():
        c = known.concept
        labels = [lab for lab in (c.pref_label, *c.alt_labels) if len(lab) >= r.min_length or lab in r.short_labels]
        if labels:
            concepts.append(Concept(c.iri, SCHEME, labels[0], tuple(labels[1:])))
    return LabelMatcher(concepts)


def lookup(title: str) -> Optional[Known]:
    """The curated document a title names, if any (also without a version note).

    >>> lookup("中国共产党支部工作条例(试行)").concept.pref_label
    '中国共产党支部工作条例(试行)'
    >>> lookup("宪法").kind
    'Law'
    >>> lookup("加勤乡重大行政决策程序规定") is None
    True
    """
    vocab = vocabulary()
    key = title_key(title)
    found = vocab.get(key)
    if found is None:
        bare = rules().version_note.sub("", key)
        found = vocab.get(bare) if bare != key else None
    return found


def is_document(title: str) -> bool:
    """Does the title end like a legal or policy document?

    >>> is_document("重大行政决策程序规定"), is_document("今日说法"), is_document("法治日报")
    (True, False, False)
    """
    r = rules()
    bare = _bare(title_key(title))
    return bool(r.document.search(bare)) and not r.not_document.search(bare)


def _bare(key: str) -> str:
    """The key without version note and period: what its suffix is read from."""
    r = rules()
    return r.period.sub("", r.version_note.sub("", key))


def local_name(title: str) -> Optional[tuple[str, str]]:
    """(division name, level) when the title starts with a division's name.

    >>> local_name("南宫市法治政府建设实施方案(2021—2025年)")
    ('南宫市', 'county')
    >>> local_name("中共索县县委关于加强法治建设的意见")
    ('索县', 'county')
    >>> local_name("加勤乡重大行政决策程序规定"), local_name("索县加勤乡学法制度")
    (('加勤乡', 'township'), ('加勤乡', 'township'))
    >>> local_name("福州市仓山区仓山镇网格化服务管理实施细则"), local_name("福州市仓山区网格化管理办法")
    (('仓山镇', 'township'), ('仓山区', 'county'))
    >>> local_name("重大行政决策程序暂行条例") is None
    True
    """
    from kg.gazetteer import Gazetteer

    r = rules()
    text = r.strip_prefix.sub("", title_key(title))
    gaz = Gazetteer.load()
    found, pos = None, 0
    # 福州市仓山区仓山镇…: the last of the names that follow each other from the start
    for hit in gaz.find(text[:24], levels=("province", "prefecture", "county")):
        if hit.start != pos or hit.end >= len(text):
            break
        levels = {d.level for d in hit.divisions}
        found, pos = (hit.surface, levels.pop() if len(levels) == 1 else "county"), hit.end
    rest = text[pos:]
    # 酉阳县双泉乡…: the township after its county's name is the issuer
    shaped = r.township_shape.match(rest)
    if shaped and shaped.end() < len(rest) - 1 and gaz.named(shaped.group(1), "township"):
        return shaped.group(1), "township"
    return found


def classify(title: str, issuer_text: str = "", local: Optional[tuple[str, str]] = None) -> str:
    """The fz:DocumentKind of a title no vocabulary knows (rules of legal.toml, first match wins).

    >>> classify("中国共产党基层组织选举工作条例")
    'PartyRegulation'
    >>> classify("全面推进依法行政实施纲要", "国务院")
    'Plan'
    >>> classify("加勤乡重大行政决策程序规定", "", ("加勤乡", "township"))
    'LocalNormativeDocument'
    >>> classify("西藏自治区乡村振兴促进条例", "", ("西藏自治区", "province"))
    'LocalRegulation'
    >>> classify("耕地保护法"), classify("社会救助条例"), classify("关于加强调解工作的意见")
    ('Law', 'AdministrativeRegulation', 'NormativeDocument')
    """
    r = rules()
    key = title_key(title)
    bare = _bare(key)
    for rule in r.kinds:
        if rule.title is not None and not rule.title.search(key):
            continue
        if rule.suffix is not None and not rule.suffix.search(bare):
            continue
        if rule.issuer is not None and not rule.issuer.search(issuer_text):
            continue
        if rule.local is not None and rule.local != (local is not None):
            continue
        if rule.levels and (local is None or local[1] not in rule.levels):
            continue
        return rule.kind
    return "NormativeDocument"


def canonical_label(title: str, kind: str) -> str:
    """The label of a discovered document: its key, with 中华人民共和国 for a national law.

    >>> canonical_label("耕地保护法", "Law"), canonical_label("中华人民共和国耕地保护法", "Law")
    ('中华人民共和国耕地保护法', '中华人民共和国耕地保护法')
    """
    key = title_key(title)
    return PRC + key if kind == "Law" and not key.endswith("修正案") else key


def _before(text: str, pos: int, window: int) -> str:
    """The words before ``pos`` back to the last punctuation (the issuer or the verb)."""
    head = text[max(0, pos - window):pos]
    cut = max((m.end() for m in _CLAUSE_END.finditer(head)), default=0)
    return head[cut:]


def extract(doc: Document) -> Iterator[Mention]:
    r = rules()
    text = doc.text
    bracketed = []
    for m in _TITLE.finditer(text):
        bracketed.append((m.start(), m.end()))
        title = m.group(1).strip()
        if not title or len(title) > r.max_length:
            continue
        start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
        end = start + len(title)
        known = lookup(title)
        if known is not None:
            yield _curated(known, start, end, title)
            continue
        if not is_document(title):
            continue
        before = _before(text, m.start(), r.window)
        local = local_name(title)
        kind = classify(title, before, local)
        attrs = [("kind", kind), ("title", title), ("label", canonical_label(title, kind))]
        concept = None
        if local is not None:
            attrs += [("local", local[0]), ("local_level", local[1])]
        elif (r.issued_here.search(before) and not r.issued_elsewhere.search(before)
              and kind in ("LocalNormativeDocument", "NormativeDocument", "Plan", "VillageRule")
              and doc.section_type_at(m.start()) not in r.not_done_in):
            attrs.append(("issued_here", "1"))
        else:
            label = canonical_label(title, kind)
            alts = (title,) if title != label else ()
            concept = Concept(iri.concept(SCHEME, label), SCHEME, label, alts, discovered=True)
        yield Mention(KIND, start, end, title, NAME, concept=concept, attrs=tuple(attrs))
    yield from _unbracketed(text, bracketed)


def _curated(known: Known, start: int, end: int, surface: str) -> Mention:
    attrs = (("kind", known.kind), ("title", surface), ("label", known.concept.pref_label))
    return Mention(KIND, start, end, surface, NAME, concept=known.concept, attrs=attrs)


def _unbracketed(text: str, bracketed: list[tuple[int, int]]) -> Iterator[Mention]:
    r = rules()
    vocab = vocabulary()
    # “学宪法讲宪法”活动: a name in quotes is the name of something else
    quoted = [(m.start(1), m.end(1)) for m in _QUOTED.finditer(text)]
    for hit in _unbracketed_matcher().find(text):
        if any(s <= hit.start < e for s, e in bracketed):
            continue
        if any(s <= hit.start and hit.end <= e and (s, e) != (hit.start, hit.end) for s, e in quoted):
            continue
        if hit.end < len(text) and text[hit.end] not in r.after:
            continue
        known = vocab.get(title_key(hit.concept.pref_label))
        if known is not None:
            yield _curated(known, hit.start, hit.end, hit.surface)


def extract_text(text: str) -> list[Mention]:
    """Mentions of a bare text (no sections); for examples and quick checks."""
    doc = Document(SourceText("t.txt", "t.txt", text, "utf-8", ""), NormalizedText(text, tuple(range(len(text) + 1))),
                   (), ())
    return list(extract(doc))


# --- emit -------------------------------------------------------------------------------------

def _tail(division_iri: str) -> str:
    """The part of a division IRI after ``division/``, as one path segment."""
    return division_iri.split("/division/", 1)[-1].replace("/", "-")


def _names(p: Place) -> set[str]:
    from kg.gazetteer import Gazetteer

    names = {p.name}
    if p.code:
        names |= set(Gazetteer.load().names_of(p.code))
    return names


def issuer(ctx: Context, m: Mention) -> Optional[Place]:
    """The division that issued the document: named at the start of the title (the reporting
    division or one of its parents), or the reporting division when the report says it made it."""
    attrs = dict(m.attrs)
    if "local" in attrs:
        for p in (ctx.who.division, *(link.parent for link in ctx.who.parents)):
            if attrs["local"] in _names(p):
                return p
        return None
    if attrs.get("issued_here"):
        return ctx.who.division
    return None


_TRUE = Literal(True)     # (immutable: one instance serves every triple)


@emitter(KIND)
def _legal_document(ctx: Context, m: Mention) -> Iterator[Triple]:
    attrs = dict(m.attrs)
    by = issuer(ctx, m)
    label = attrs.get("label") or (m.concept.pref_label if m.concept else m.surface)
    if m.concept is not None:
        node = URIRef(m.concept.iri)
    elif by is not None:
        node = URIRef(f"{iri.ID}{SCHEME}/{_tail(by.iri)}/{iri.slug(label)}")
    else:
        node = URIRef(iri.concept(SCHEME, label))
    yield node, RDF.type, FZ.LegalDocument
    yield node, RDF.type, SKOS.Concept
    yield node, SKOS.prefLabel, zh(label)
    yield node, RDFS.label, zh(label)
    if m.concept is None or m.concept.discovered:
        yield node, FZ.discovered, _TRUE
        if attrs.get("title") and attrs["title"] != label:
            yield node, SKOS.altLabel, zh(attrs["title"])
    yield node, FZ.documentKind, FZ[attrs["kind"]]
    span = Span(m.start, m.end)
    yield ctx.report, FZ.cites, node
    yield from ctx.evidence(ctx.report, FZ.cites, node, span, m.extractor)
    if by is not None:
        yield node, FZ.issuedBy, URIRef(by.iri)
        yield from ctx.evidence(node, FZ.issuedBy, URIRef(by.iri), span, m.extractor)
