"""Growing the curated vocabulary from what discovery found: ``kg vocab suggest`` and ``kg vocab accept``.

Discovery (:mod:`kg.extract.discovery`) records mechanisms and campaigns no
vocabulary knows yet as concepts with ``fz:discovered true``.  :func:`suggest`
lists those of a built graph that are still not curated, with how often they
were named, by which divisions, and one sentence; :func:`accept` moves chosen
ones into ``mechanisms.ttl`` / ``campaigns.ttl``.

Accepting appends one Turtle block per concept to the end of the file, so the
hand-written file keeps its comments and layout, and the same choice always
gives the same bytes: the pinyin-slug IRI, ``skos:inScheme``, the prefLabel,
the variants seen as ``skos:altLabel``, an example sentence, and a definition
and English label clearly marked as placeholders for a curator.  The new file
is written beside the old one, parsed, checked, and only then renamed over it.

>>> print(concept_turtle(Suggestion("https://w3id.org/fazhi-kg/id/mechanism/yi-tong-liu-lian", "mechanism",
...     "一统六联", ("“一统六联”",), 1, ("色务乡",), "充分发挥“一统六联”机制作用。", "004.txt")).splitlines()[2])
<https://w3id.org/fazhi-kg/id/mechanism/yi-tong-liu-lian>
"""
from __future__ import annotations

import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg import iri
from kg.emit import SCHEME_CLASS, SCHEME_IRI
from kg.explain import select
from kg.vocab import ONTOLOGY_DIR, match_key, ontology_graph

KINDS = ("mechanism", "campaign")
VOCAB_FILES = {"mechanism": "mechanisms.ttl", "campaign": "campaigns.ttl"}
MIN_LABEL = 3           # tests/test_ontology.py: a shorter label matches ordinary prose
DEFINITION_PLACEHOLDER = "【待补充】此条目由 kg vocab accept 从文本发现中收录，定义尚待人工撰写。"
_DATE = r"(?:\d{1,2}[·.．]\d{1,2}|[一二三四五六七八九十]{1,3}[·.．][一二三四五六七八九十]{1,3})"


class VocabError(ValueError):
    """A choice that cannot be accepted: the message says which and why."""


@dataclass(frozen=True)
class Suggestion:
    iri: str
    kind: str                       # "mechanism" | "campaign"
    label: str
    alt_labels: tuple[str, ...]     # variants seen in the evidence (quoted, dated)
    frequency: int                  # evidence statements naming it
    divisions: tuple[str, ...]      # names of the divisions whose reports name it
    example: str                    # one sentence naming it
    example_file: str = ""


def suggest(store, vocab_dir: Path | None = None, kinds: Sequence[str] = KINDS) -> list[Suggestion]:
    """Discovered, not yet curated mechanisms and campaigns, most frequent first."""
    curated_iris, curated_keys = curated(vocab_dir)
    rows = select(store, """SELECT ?c ?cls ?l ?st ?dl ?q ?f ?cs WHERE {
        ?c fz:discovered true ; a ?cls ; skos:prefLabel ?l . VALUES ?cls { fz:Mechanism fz:Campaign }
        OPTIONAL { ?st a rdf:Statement ; rdf:object ?c ; rdf:subject ?d . OPTIONAL { ?st fz:quote ?q }
                   OPTIONAL { ?st fz:charStart ?cs }
                   OPTIONAL { ?d rdfs:label ?dl . FILTER(LANGMATCHES(LANG(?dl), "zh")) }
                   OPTIONAL { ?st prov:wasDerivedFrom ?r . ?r fz:sourceFile ?f } } }""")
    by_concept: dict[str, dict] = defaultdict(lambda: {"labels": set(), "statements": {}, "divisions": set()})
    kind_of = {}
    for r in rows:
        kind = str(r["cls"]).rsplit("#", 1)[-1].lower()
        if kind not in kinds or r["c"] in curated_iris:
            continue
        kind_of[r["c"]] = kind
        c = by_concept[r["c"]]
        c["labels"].add(str(r["l"]))
        if r["st"]:
            c["statements"][r["st"]] = (str(r["f"] or ""), int(r["cs"] or 0), str(r["q"] or ""))
            if r["dl"]:
                c["divisions"].add(str(r["dl"]))
    out = []
    for concept, c in by_concept.items():
        statements = sorted(c["statements"].values())
        label = _preferred(c["labels"], [q for _, _, q in statements])
        if match_key(label) in curated_keys:
            continue                # accepted (or curated) since the graph was built
        quotes = [q for _, _, q in statements]
        alts = sorted((set(c["labels"]) | set(variants_seen(label, quotes))) - {label})
        example_file, _, example = statements[0] if statements else ("", 0, "")
        out.append(Suggestion(concept, kind_of[concept], label, tuple(alts), len(statements),
                              tuple(sorted(c["divisions"])), example, example_file))
    return sorted(out, key=lambda s: (-s.frequency, -len(s.divisions), s.label, s.iri))


def excerpt(quote: str, label: str, context: int = 14) -> str:
    """The part of ``quote`` around ``label``, with … where it was cut.

    >>> excerpt("充分发挥“一统六联”机制作用，积极统筹村干部、驻村干部、联户长、网格员等力量。", "一统六联", 6)
    '充分发挥“一统六联”机制作用，…'
    """
    at = quote.find(label)
    if at < 0:
        return quote[: 2 * context] + ("…" if len(quote) > 2 * context else "")
    start, end = max(at - context, 0), min(at + len(label) + context, len(quote))
    return ("…" if start else "") + quote[start:end] + ("…" if end < len(quote) else "")


def _preferred(labels: Iterable[str], quotes: Sequence[str]) -> str:
    """Of several labels discovery gave one concept, the one the quotes use most (then the shortest)."""
    return min(labels, key=lambda l: (-sum(q.count(l) for q in quotes), len(l), l))


def variants_seen(label: str, quotes: Iterable[str]) -> list[str]:
    """How the sentences write ``label``: in quotation marks, or after a date (“一统六联”, 9.16平西藏宣传日).

    >>> variants_seen("平西藏宣传日", ["利用9.16平西藏宣传日等活动", "“平西藏宣传日”"])
    ['9.16平西藏宣传日', '“平西藏宣传日”']
    """
    found = set()
    pattern = re.compile(rf"({_DATE})?([“「『\"]?){re.escape(label)}([”」』\"]?)")
    for q in quotes:
        for m in pattern.finditer(q):
            form = m.group(0)
            if form != label and bool(m.group(2)) == bool(m.group(3)):
                found.add(form)
    return sorted(found)


def curated(vocab_dir: Path | None = None) -> tuple[frozenset[str], frozenset[str]]:
    """IRIs and label match keys of every curated concept in the vocabulary directory."""
    g = ontology_graph(Path(vocab_dir) if vocab_dir else None)
    iris, keys = set(), set()
    for c in set(g.subjects(RDF.type, SKOS.Concept)):
        iris.add(str(c))
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for label in g.objects(c, p):
                if getattr(label, "language", None) in (None, "zh") or str(label.language).startswith("zh"):
                    keys.add(match_key(str(label)))
    return frozenset(iris), frozenset(keys)


def choose(suggestions: Sequence[Suggestion], terms: Sequence[str], vocab_dir: Path | None = None) -> list[Suggestion]:
    """The suggestions ``terms`` name, by label (any variant), IRI or slug; VocabError for one that none matches."""
    _, curated_keys = curated(vocab_dir)
    chosen, missing = [], []
    for term in terms:
        k = match_key(term)
        hit = [s for s in suggestions if term in (s.iri, s.iri.rsplit("/", 1)[-1])
               or k in {match_key(l) for l in (s.label, *s.alt_labels)}]
        if not hit:
            missing.append(term)
        for s in hit:
            if s not in chosen:
                chosen.append(s)
    known = [t for t in missing if match_key(t) in curated_keys]
    if known:
        raise VocabError("already in the curated vocabulary: " + "、".join(known))
    if missing:
        raise VocabError("not among the discovered, not yet curated concepts of this graph: "
                         + "、".join(missing) + " (see `kg vocab suggest`)")
    return chosen


@dataclass(frozen=True)
class Accepted:
    path: Path
    concepts: tuple[Suggestion, ...]
    turtle: str                     # what was (or, in a dry run, would be) appended


def accept(chosen: Sequence[Suggestion], vocab_dir: Path | None = None, english: dict[str, str] | None = None,
           dry_run: bool = False) -> list[Accepted]:
    """Append the chosen concepts to the vocabulary files; every file is replaced only after all parse."""
    directory = Path(vocab_dir) if vocab_dir else ONTOLOGY_DIR
    iris, keys = curated(directory)
    taken: dict[str, str] = {}
    plan: dict[str, list[Suggestion]] = defaultdict(list)
    for s in sorted(chosen, key=lambda s: s.iri):
        _check(s, iris, keys, taken)
        plan[s.kind].append(s)
    results, staged = [], []
    try:
        for kind in sorted(plan):
            path = directory / VOCAB_FILES[kind]
            if not path.is_file():
                raise VocabError(f"{path}: no such vocabulary file")
            blocks = "\n\n".join(concept_turtle(s, (english or {}).get(s.iri)) for s in plan[kind])
            old = path.read_text(encoding="utf-8")
            new = old.rstrip("\n") + "\n\n" + _missing_prefixes(old) + blocks + "\n"
            results.append(Accepted(path, tuple(plan[kind]), blocks + "\n"))
            if not dry_run:
                staged.append((_stage(path, new, plan[kind]), path))
        for tmp, path in staged:
            os.replace(tmp, path)
        staged = []
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return results


def _check(s: Suggestion, iris: frozenset[str], keys: frozenset[str], taken: dict[str, str]) -> None:
    if s.kind not in KINDS:
        raise VocabError(f"{s.label}: only mechanisms and campaigns can be accepted, not {s.kind}")
    if concept_iri(s) in iris:
        raise VocabError(f"{s.label}: {concept_iri(s)} is already a curated concept")
    for label in (s.label, *s.alt_labels):
        k = match_key(label)
        if len(k) < MIN_LABEL:
            raise VocabError(f"{s.label}: label {label!r} is shorter than {MIN_LABEL} characters and would match ordinary prose")
        if k in keys:
            raise VocabError(f"{s.label}: label {label!r} is already a label of a curated concept")
        if taken.get(k, s.iri) != s.iri:
            raise VocabError(f"{s.label}: label {label!r} is also a label of another chosen concept")
        taken[k] = s.iri


def _stage(path: Path, text: str, concepts: Sequence[Suggestion]) -> str:
    """Write ``text`` to a temporary file beside ``path`` and check that it parses and holds the concepts."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    try:
        g = Graph().parse(tmp, format="turtle")
    except Exception as exc:
        os.unlink(tmp)
        raise VocabError(f"{path}: the new Turtle does not parse ({exc}); the file was left as it was") from None
    for s in concepts:
        if (URIRef(concept_iri(s)), SKOS.prefLabel, Literal(s.label, lang="zh")) not in g:
            os.unlink(tmp)
            raise VocabError(f"{path}: {s.label} is missing after writing; the file was left as it was")
    return tmp


_PREFIXES = {
    "fz": iri.ONT,
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def _missing_prefixes(text: str) -> str:
    lines = [f"@prefix {p}: <{ns}> .\n" for p, ns in _PREFIXES.items()
             if not re.search(rf"@prefix\s+{p}:\s*<{re.escape(ns)}>", text)]
    return "".join(lines) + ("\n" if lines else "")


def concept_iri(s: Suggestion) -> str:
    """The pinyin-slug IRI of the prefLabel (the discovered IRI unless the label was chosen among several)."""
    return iri.concept(s.kind, s.label)


def concept_turtle(s: Suggestion, english: str | None = None) -> str:
    """One concept as a Turtle block in the layout of the curated files."""
    scheme = SCHEME_IRI[s.kind]
    cls = SCHEME_CLASS[s.kind].split("#")[-1]
    en = english or " ".join(iri.slug(s.label).split("-"))
    lit = lambda text, lang: Literal(text, lang=lang).n3()
    where = f"{s.frequency} statement(s), {len(s.divisions)} division(s): {'、'.join(s.divisions[:5])}"
    lines = [
        f"# Accepted from discovery by `kg vocab accept` ({where}).",
        "# TODO curator: write skos:definition" + ("" if english else " and check the English label") + ".",
        f"<{concept_iri(s)}>",
        f"    a fz:{cls} , skos:Concept ;",
        f"    skos:inScheme <{scheme}> ;",
        f"    skos:topConceptOf <{scheme}> ;",
        f"    skos:prefLabel {lit(s.label, 'zh')} , {lit(en, 'en')} ;",
        f"    rdfs:label {lit(s.label, 'zh')} , {lit(en, 'en')} ;",
    ]
    if s.alt_labels:
        lines.append("    skos:altLabel " + " ,\n        ".join(lit(a, "zh") for a in s.alt_labels) + " ;")
    if s.example:
        lines.append(f"    skos:example {lit(s.example, 'zh')} ;")
    lines.append(f"    skos:editorialNote {lit('Accepted automatically from text discovery: the definition is a placeholder' + ('' if english else ' and the English label is the pinyin') + '.', 'en')} ;")
    lines.append(f"    skos:definition {lit(DEFINITION_PLACEHOLDER, 'zh')} .")
    return "\n".join(lines)
