"""Write the store for other systems: Turtle, N-Triples, N-Quads, TriG, JSON-LD, GraphML, GEXF, CSV.

Every writer streams from the store, so memory stays flat: what is put in
order goes through an external merge sort (sorted runs of at most :data:`RUN`
items in temporary files, merged), never held all at once.  Turtle and
N-Triples read the union once, in the store's order, render each subject as
its triples end and sort the rendered blocks (:class:`_SortedBlocks`);
GraphML, GEXF and CSV sort the entities of each class (:class:`SortedNames`)
and look each one up.  What is held is one subject's triples, one run, the
blank nodes (the ontology's few) and bounded caches.  N-Quads, TriG and
JSON-LD are pyoxigraph's streaming serializers, in the store's order.

Turtle and N-Triples are written in a fixed order (subjects sorted by IRI,
``rdf:type`` first, then predicates and objects sorted) with a fixed prefix
table, so two builds of the same input give byte-identical files that diff
cleanly.  Blank nodes (the ontology's ``owl:unionOf`` lists) are written
inline as ``[ … ]`` and ``( … )``, never with generated labels.
Turtle, N-Triples, GraphML, GEXF and CSV are written from the store's
default graph, the union of all graphs as a set (:mod:`kg.store`): a triple
repeated in several report graphs (a division's label) is written once.
N-Quads, TriG and JSON-LD keep the named graphs, one per report.

>>> from pyoxigraph import Store, Quad, NamedNode, Literal
>>> s = Store()
>>> s.add(Quad(NamedNode(FZ + "x"), NamedNode(RDFS + "label"), Literal("加勤乡", language="zh")))
>>> import io; buf = io.BytesIO(); _ = write_turtle(s, buf)
>>> buf.getvalue().decode().splitlines()[-1]
'fz:x rdfs:label "加勤乡"@zh .'
"""
from __future__ import annotations

import csv
import functools
import heapq
import io
import itertools
import marshal
import os
import re
import tempfile
import zlib
from collections import Counter, defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, Optional
from xml.sax.saxutils import escape as xml_escape, quoteattr

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, RdfFormat, Store, serialize

from kg import iri
from kg.atomicfile import replacing

FZ = iri.ONT
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"

# Fixed, so that the output does not depend on what happens to be in the graph.
PREFIXES = {
    "fz": FZ,
    "div": f"{iri.ID}division/",
    "mech": f"{iri.ID}mechanism/",
    "camp": f"{iri.ID}campaign/",
    "ind": f"{iri.ID}indicator/",
    "rep": f"{iri.ID}report/",
    "ev": f"{iri.ID}evidence/",
    "meas": f"{iri.ID}measurement/",
    "fzid": iri.ID,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": XSD,
    "skos": SKOS,
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
}
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?")
_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?\d*\.\d+")
RDF_TYPE = NamedNode(RDF + "type")

# What GraphML/GEXF draw as nodes, and the tables CSV writes: one per main class.
MAIN_CLASSES = {
    "Report": FZ + "Report", "Province": FZ + "Province", "Prefecture": FZ + "Prefecture",
    "County": FZ + "County", "Township": FZ + "Township", "Mechanism": FZ + "Mechanism",
    "Campaign": FZ + "Campaign", "Indicator": FZ + "Indicator", "Measurement": FZ + "Measurement",
    "Section": FZ + "Section", "Statement": RDF + "Statement",
}
NODE_CLASSES = {k: v for k, v in MAIN_CLASSES.items() if k != "Statement"}

FORMATS = {   # name -> (file name, what it is)
    "ttl": ("graph.ttl", "Turtle, sorted and pretty (the union of all graphs)"),
    "nt": ("graph.nt", "N-Triples, sorted (the union of all graphs)"),
    "nq": ("graph.nq", "N-Quads: every triple with its graph (one graph per report)"),
    "trig": ("graph.trig", "TriG: the named graphs, with prefixes"),
    "jsonld": ("graph.jsonld", "JSON-LD (the named graphs)"),
    "graphml": ("graph.graphml", "GraphML for Gephi, yEd, networkx: entities as nodes, relations as edges"),
    "gexf": ("graph.gexf", "GEXF for Gephi: entities as nodes, relations as edges"),
    "csv": ("csv", "one CSV table per main class (UTF-8 with BOM, opens in Excel)"),
}


@dataclass
class Stats:
    triples: int = 0
    class_counts: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExportResult:
    format: str
    path: Path
    files: tuple[Path, ...]
    triples: int


def _q(store: Store, s, p, o):
    """Triples of the union (the default graph) matching a pattern."""
    return store.quads_for_pattern(s, p, o, DefaultGraph())


# --- term rendering ---------------------------------------------------------------------------

@functools.lru_cache(maxsize=1 << 15)     # bounded: memory must not grow with the graph
def qname(value: str) -> Optional[str]:
    """``fz:Report`` for an IRI under a known prefix, else None (cached: IRIs repeat).

    >>> qname(FZ + "Report"), qname(f"{iri.ID}report/abc/section/1")
    ('fz:Report', None)
    """
    for prefix, ns in _BY_LENGTH:         # the longest namespace that matches
        if value.startswith(ns):
            local = value[len(ns):]
            return f"{prefix}:{local}" if _LOCAL.fullmatch(local) else None
    return None


def turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'


def render_literal(lit: Literal) -> str:
    """A literal in Turtle: numbers and booleans bare when that keeps their datatype and lexical form.

    >>> render_literal(Literal("58", datatype=NamedNode(XSD + "decimal")))
    '"58"^^xsd:decimal'
    >>> render_literal(Literal("2024", datatype=NamedNode(XSD + "integer")))
    '2024'
    """
    value, dt = lit.value, lit.datatype.value
    if lit.language:
        return f"{turtle_string(value)}@{lit.language}"
    if dt == XSD + "string":
        return turtle_string(value)
    if dt == XSD + "integer" and _INTEGER.fullmatch(value):
        return value
    if dt == XSD + "decimal" and _DECIMAL.fullmatch(value):
        return value
    if dt == XSD + "boolean" and value in ("true", "false"):
        return value
    return f"{turtle_string(value)}^^{render_iri(dt)}"


def render_iri(value: str) -> str:
    return qname(value) or f"<{value}>"


class _Renderer:
    """Turtle for one subject at a time, blank nodes inline."""

    def __init__(self, store: Store):
        self.store = store

    def properties(self, subject) -> list[tuple[NamedNode, list]]:
        """The subject's predicates and objects in the union, in a fixed order."""
        by_pred: dict = defaultdict(set)
        for q in _q(self.store, subject, None, None):
            by_pred[q.predicate].add(q.object)
        preds = sorted(by_pred, key=lambda p: (p != RDF_TYPE, render_iri(p.value), p.value))
        return [(p, sorted(by_pred[p], key=lambda o: (self.term(o), str(o)))) for p in preds]

    def rendered(self, subject) -> tuple[list[tuple[str, list[str]]], list]:
        """(predicate, sorted object texts) pairs for Turtle, and the subject's rdf:type objects."""
        return self.rendered_quads(_q(self.store, subject, None, None))

    def rendered_quads(self, quads) -> tuple[list[tuple[str, list[str]]], list]:
        """:meth:`rendered` of the subject whose triples (all of them) are ``quads``."""
        by_pred: dict = defaultdict(set)
        for q in quads:
            by_pred[q.predicate].add(q.object)
        out = []
        for p, objs in by_pred.items():
            texts = sorted({self.term(o) for o in objs}) if len(objs) > 1 else [self.term(next(iter(objs)))]
            out.append((self.predicate(p), texts))
        out.sort(key=lambda pt: (pt[0] != "a", pt[0]))
        return out, list(by_pred.get(RDF_TYPE, ()))

    def term(self, t, seen: frozenset = frozenset()) -> str:
        if isinstance(t, NamedNode):
            return render_iri(t.value)
        if isinstance(t, Literal):
            return render_literal(t)
        if t in seen:     # a cycle of blank nodes cannot be written inline
            return "[]"
        return self.bnode(t, seen | {t})

    def bnode(self, node: BlankNode, seen: frozenset) -> str:
        props = self.properties(node)
        items = self._list_items(node)
        if items is not None:
            return "( " + " ".join(self.term(i, seen) for i in items) + " )"
        body = " ; ".join(f"{self.predicate(p)} " + ", ".join(self.term(o, seen) for o in objs) for p, objs in props)
        return f"[ {body} ]" if body else "[]"

    def _list_items(self, node) -> Optional[list]:
        items, cur = [], node
        while isinstance(cur, BlankNode):
            props = dict((p.value, objs) for p, objs in self.properties(cur))
            if set(props) != {RDF + "first", RDF + "rest"} or len(props[RDF + "first"]) != 1 or len(props[RDF + "rest"]) != 1:
                return None
            items.append(props[RDF + "first"][0])
            cur = props[RDF + "rest"][0]
        return items if isinstance(cur, NamedNode) and cur.value == RDF + "nil" else None

    @staticmethod
    def predicate(p: NamedNode) -> str:
        return "a" if p == RDF_TYPE else render_iri(p.value)


RUN = 100_000      # names sorted in memory at a time; the rest wait in temporary files


class SortedNames:
    """Strings in sorted order without duplicates, by external merge sort: runs of at most
    ``run`` names are sorted and written to temporary files, and iterating merges them
    (as often as needed).  Memory holds one run, not the whole set.

    >>> names = SortedNames(run=2)
    >>> for n in ["c", "a", "b", "a", "d"]:
    ...     names.add(n)
    >>> list(names), list(names)
    (['a', 'b', 'c', 'd'], ['a', 'b', 'c', 'd'])
    >>> names.close()
    """

    def __init__(self, run: Optional[int] = None):
        self.run = run or RUN
        self.pending: set[str] = set()
        self.files: list = []

    def add(self, name: str) -> None:
        self.pending.add(name)
        if len(self.pending) >= self.run:
            self._spill()

    def _spill(self) -> None:
        f = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
        f.writelines(n + "\n" for n in sorted(self.pending))   # IRIs and these keys hold no newline
        self.files.append(f)
        self.pending = set()

    def __iter__(self) -> Iterator[str]:
        runs = [sorted(self.pending)]
        for f in self.files:
            f.seek(0)
            runs.append(line[:-1] for line in f)
        last = None
        for name in heapq.merge(*runs):
            if name != last:
                yield name
                last = name

    def close(self) -> None:
        for f in self.files:
            f.close()
        self.files, self.pending = [], set()


def write_turtle(store: Store, out: IO[bytes], scratch: Optional[Path] = None) -> Stats:
    """The union of all graphs as sorted, pretty Turtle; returns triple and class counts.

    ``scratch``: the folder for the sorted runs (compressed, about a fifth of the output), by
    default the system's temporary folder; the output's own folder keeps them off a /tmp in memory.
    """
    r = _Renderer(store)
    stats = Stats()
    classes = Counter()
    main = {v: k for k, v in MAIN_CLASSES.items()}
    w = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=False)
    for prefix, ns in PREFIXES.items():
        w.write(f"@prefix {prefix}: <{ns}> .\n")

    def block(value: str, props) -> str:
        return "\n" + render_iri(value) + " " + " ;\n    ".join(f"{p} " + ", ".join(objs) for p, objs in props) + " .\n"

    def render(value: str, quads) -> tuple[str, int, tuple]:
        props, types = r.rendered_quads(quads)
        mains = tuple(main[o.value] for o in types if isinstance(o, NamedNode) and o.value in main)
        return block(value, props), sum(len(objs) for _, objs in props), mains

    blocks = _SortedBlocks(render, scratch)
    top_bnodes, blank_triples = blocks.read(store)
    for text, triples, mains in blocks:
        stats.triples += triples
        classes.update(mains)
        w.write(text)
    blocks.close()
    for text in sorted(r.bnode(b, frozenset({b})) for b in top_bnodes):
        w.write("\n" + text + " .\n")
    w.flush()
    w.detach()
    stats.class_counts = {k: classes[k] for k in MAIN_CLASSES if classes[k]}
    stats.triples += blank_triples
    return stats


# Rendered text held at a time before a sorted run goes to a temporary file (characters).
RUN_CHARS = 8_000_000
# Blocks marshalled and compressed together, at most CHUNK of them and about CHUNK_CHARS characters:
# one call per block was 3.4 µs a block to read, and the merge holds one chunk of every run
# (chunks of 1,000 blocks alone took the export of 50,000 reports to a 745 MB peak; 319 MB now).
CHUNK = 1000
CHUNK_CHARS = 32_000


class _SortedBlocks:
    """Each IRI subject of the union rendered once, in the order of the IRIs.

    The default graph is read in one pass, in the store's order (a subject's triples come
    together), and each subject is rendered as it ends; the rendered blocks are sorted in runs
    of at most :data:`RUN` subjects or :data:`RUN_CHARS` characters, spilled to temporary
    files and merged.  Looking each subject up in the order of its IRI instead read the store at
    random: 1,457 s against 938 s for the 2.8 GB of Turtle of 50,000 reports, measured the same
    day (the same bytes; the reading itself, Oxigraph decoding the terms, is about half of
    what is left).  Should a subject's triples come in two places, it is rendered again from
    the store (``render`` of its lookup).

    ``render(iri, quads)`` gives a tuple whose first item is the text; the rest travels with it.
    ``folder``: where the runs go (None: the system's temporary folder).
    """

    def __init__(self, render: Callable[[str, Iterable], tuple], folder: Optional[Path] = None):
        self.render = render
        self.folder = folder
        self.pending: list[tuple] = []
        self.chars = 0
        self.files: list = []
        self.store: Optional[Store] = None
        self.bnodes: set = set()

    def read(self, store: Store) -> tuple[list, int]:
        """Render every IRI subject; returns the blank-node subjects that are nobody's object
        and the number of triples whose subject is a blank node."""
        self.store = store
        self.bnodes = bnodes = set()            # every blank-node subject
        referenced = set()
        blank_triples = 0
        group: list = []
        for q in _q(store, None, None, None):
            s = q.subject
            if isinstance(q.object, BlankNode):
                referenced.add(q.object)
            if not isinstance(s, NamedNode):
                bnodes.add(s)
                blank_triples += 1
                continue
            if group and s != group[0].subject:
                self._add(group)
                group = []
            group.append(q)
        if group:
            self._add(group)
        return list(bnodes - referenced), blank_triples

    def _add(self, quads: list) -> None:
        value = quads[0].subject.value
        rendered = self.render(value, quads)
        self.pending.append((value, *rendered))
        self.chars += len(rendered[0])
        if len(self.pending) >= RUN or self.chars >= RUN_CHARS:
            self._spill()

    def _spill(self) -> None:
        f = tempfile.TemporaryFile(dir=self.folder)
        self.pending.sort(key=_first)
        chunk, chars = [], 0
        for item in self.pending:
            chunk.append(item)
            chars += len(item[1])
            if len(chunk) >= CHUNK or chars >= CHUNK_CHARS:
                self._write_chunk(f, chunk)
                chunk, chars = [], 0
        self._write_chunk(f, chunk)
        self.files.append(f)
        self.pending, self.chars = [], 0

    def __iter__(self) -> Iterator[tuple]:
        runs = [iter(sorted(self.pending, key=_first))] + [self._replay(f) for f in self.files]
        for value, same in itertools.groupby(heapq.merge(*runs, key=_first), key=_first):
            first = next(same)
            if next(same, None) is None:
                yield first[1:]
            else:
                yield self.render(value, _q(self.store, NamedNode(value), None, None))

    @staticmethod
    def _write_chunk(f, chunk: list) -> None:
        if chunk:
            data = zlib.compress(marshal.dumps(chunk), 1)
            f.write(len(data).to_bytes(8, "little"))
            f.write(data)

    @staticmethod
    def _replay(f) -> Iterator[tuple]:
        f.seek(0)
        while head := f.read(8):
            yield from marshal.loads(zlib.decompress(f.read(int.from_bytes(head, "little"))))

    def close(self) -> None:
        for f in self.files:
            f.close()
        self.files, self.pending = [], []


def _first(item: tuple) -> str:
    return item[0]


def write_ntriples(store: Store, out: IO[bytes], scratch: Optional[Path] = None) -> Stats:
    """Sorted N-Triples of the union (blank nodes keep the store's labels); ``scratch`` as for
    :func:`write_turtle`."""
    stats = Stats()

    def render(value: str, quads) -> tuple[str, int]:
        lines = sorted({f"{q.subject} {q.predicate} {q.object} .\n" for q in quads})
        return "".join(lines), len(lines)

    blocks = _SortedBlocks(render, scratch)
    blocks.read(store)
    for text, triples in blocks:
        stats.triples += triples
        out.write(text.encode("utf-8"))
    blocks.close()
    for b in sorted(blocks.bnodes, key=str):
        text, triples = render("", _q(store, b, None, None))
        stats.triples += triples
        out.write(text.encode("utf-8"))
    return stats


# --- GraphML and GEXF --------------------------------------------------------------------------

def _entities(store: Store) -> "_Entities":
    """The entities of the node-link formats (IRIs typed with a main class), in IRI order."""
    return _Entities(store)


class _Entities:
    """Entity IRI and its main class name, in IRI order, streamed (an entity of two classes
    takes the first in NODE_CLASSES).  ``kind(iri)`` tells whether any IRI is an entity: a few
    index lookups, with a bounded cache (objects repeat: mechanisms, divisions)."""

    def __init__(self, store: Store):
        self.store = store
        self.names = SortedNames()
        rank = {name: i for i, name in enumerate(NODE_CLASSES)}
        for name, cls in NODE_CLASSES.items():
            for q in _q(store, None, RDF_TYPE, NamedNode(cls)):
                if isinstance(q.subject, NamedNode):
                    self.names.add(f"{q.subject.value}\t{rank[name]:02d}")   # tab sorts before IRI characters
        self.kind = functools.lru_cache(maxsize=50_000)(self._kind)

    def _kind(self, value: str) -> Optional[str]:
        node = NamedNode(value)
        for name, cls in NODE_CLASSES.items():
            if next(iter(_q(self.store, node, RDF_TYPE, NamedNode(cls))), None) is not None:
                return name
        return None

    def items(self) -> Iterator[tuple[str, str]]:
        names = list(NODE_CLASSES)
        last = None
        for key in self.names:
            value, rank = key.rsplit("\t", 1)
            if value != last:
                yield value, names[int(rank)]
                last = value

    def __iter__(self) -> Iterator[str]:
        return (value for value, _ in self.items())

    def __contains__(self, value: str) -> bool:
        return self.kind(value) is not None

    def close(self) -> None:
        self.names.close()


def _label(store: Store, node: str) -> str:
    labels = sorted(q.object.value for q in _q(store, NamedNode(node), NamedNode(RDFS + "label"), None)
                    if isinstance(q.object, Literal))
    zh = sorted(q.object.value for q in _q(store, NamedNode(node), NamedNode(RDFS + "label"), None)
                if isinstance(q.object, Literal) and q.object.language == "zh")
    return (zh or labels or [node])[0]


def _edges(store: Store, entities: "_Entities") -> Iterator[tuple[str, str, str]]:
    for node in entities:
        seen = set()
        for q in _q(store, NamedNode(node), None, None):
            if isinstance(q.object, NamedNode) and q.object.value in entities and q.predicate != RDF_TYPE:
                key = (q.predicate.value, q.object.value)
                if key not in seen:
                    seen.add(key)
        for p, o in sorted(seen):
            yield node, o, render_iri(p)


def write_graphml(store: Store, out: IO[bytes]) -> Stats:
    """Entities as nodes (label, class, iri), relations between them as directed edges (predicate)."""
    entities = _entities(store)
    w = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    w.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
            '  <key id="label" for="node" attr.name="label" attr.type="string"/>\n'
            '  <key id="class" for="node" attr.name="class" attr.type="string"/>\n'
            '  <key id="iri" for="node" attr.name="iri" attr.type="string"/>\n'
            '  <key id="predicate" for="edge" attr.name="predicate" attr.type="string"/>\n'
            '  <graph id="fazhi-kg" edgedefault="directed">\n')
    counts = Counter()
    for node, cls in entities.items():
        counts[cls] += 1
        w.write(f'    <node id={quoteattr(node)}><data key="label">{xml_escape(_label(store, node))}</data>'
                f'<data key="class">{cls}</data><data key="iri">{xml_escape(node)}</data></node>\n')
    n = 0
    for s, o, p in _edges(store, entities):
        n += 1
        w.write(f'    <edge id="e{n}" source={quoteattr(s)} target={quoteattr(o)}><data key="predicate">{xml_escape(p)}</data></edge>\n')
    w.write("  </graph>\n</graphml>\n")
    w.flush()
    w.detach()
    entities.close()
    return Stats(triples=n, class_counts=dict(counts))


def write_gexf(store: Store, out: IO[bytes]) -> Stats:
    """The same nodes and edges as GraphML, in Gephi's own GEXF 1.3."""
    entities = _entities(store)
    w = io.TextIOWrapper(out, encoding="utf-8", newline="\n")
    w.write('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gexf xmlns="http://gexf.net/1.3" version="1.3">\n'
            '  <meta><creator>fazhi-kg</creator><description>法治政府建设情况报告 knowledge graph</description></meta>\n'
            '  <graph defaultedgetype="directed" mode="static">\n'
            '    <attributes class="node"><attribute id="class" title="class" type="string"/>'
            '<attribute id="iri" title="iri" type="string"/></attributes>\n'
            '    <attributes class="edge"><attribute id="predicate" title="predicate" type="string"/></attributes>\n'
            '    <nodes>\n')
    counts = Counter()
    for node, cls in entities.items():
        counts[cls] += 1
        w.write(f'      <node id={quoteattr(node)} label={quoteattr(_label(store, node))}><attvalues>'
                f'<attvalue for="class" value="{cls}"/><attvalue for="iri" value={quoteattr(node)}/></attvalues></node>\n')
    w.write("    </nodes>\n    <edges>\n")
    n = 0
    for s, o, p in _edges(store, entities):
        n += 1
        w.write(f'      <edge id="e{n}" source={quoteattr(s)} target={quoteattr(o)} label={quoteattr(p)}>'
                f'<attvalues><attvalue for="predicate" value={quoteattr(p)}/></attvalues></edge>\n')
    w.write("    </edges>\n  </graph>\n</gexf>\n")
    w.flush()
    w.detach()
    entities.close()
    return Stats(triples=n, class_counts=dict(counts))


# --- CSV ---------------------------------------------------------------------------------------

def _csv_value(t) -> str:
    return t.value if isinstance(t, (NamedNode, Literal)) else f"_:{t.value}"


def write_csv_tables(store: Store, folder: Path) -> list[Path]:
    """One table per main class: ``iri``, then one column per property (several values joined
    by `` | ``), and a ``… label`` column beside every property whose values are labelled entities."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, cls in MAIN_CLASSES.items():
        subjects = SortedNames()
        for q in _q(store, None, RDF_TYPE, NamedNode(cls)):
            if isinstance(q.subject, NamedNode):
                subjects.add(q.subject.value)
        if next(iter(subjects), None) is None:
            continue
        preds, labelled = set(), set()
        for s in subjects:          # first pass: which columns
            for q in _q(store, NamedNode(s), None, None):
                if q.predicate == RDF_TYPE:
                    continue
                preds.add(q.predicate.value)
                if isinstance(q.object, NamedNode) and q.predicate.value not in labelled and \
                        next(iter(_q(store, q.object, NamedNode(RDFS + "label"), None)), None):
                    labelled.add(q.predicate.value)
        columns = sorted(preds, key=lambda p: (p != RDFS + "label", render_iri(p)))
        header = ["iri"]
        for p in columns:
            header.append(render_iri(p))
            if p in labelled:
                header.append(render_iri(p) + " label")
        path = folder / f"{name}.csv"
        with atomic_file(path, "w", encoding="utf-8-sig", newline="") as f:
            out = csv.writer(f)
            out.writerow(header)
            for s in subjects:       # second pass: one row per subject
                values = defaultdict(set)
                for q in _q(store, NamedNode(s), None, None):
                    values[q.predicate.value].add(q.object)
                row = [s]
                for p in columns:
                    objs = sorted(values.get(p, ()), key=_csv_value)
                    row.append(" | ".join(_csv_value(o) for o in objs))
                    if p in labelled:
                        row.append(" | ".join(_label(store, o.value) for o in objs if isinstance(o, NamedNode)))
                out.writerow(row)
        subjects.close()
        written.append(path)
    return written


# --- files -------------------------------------------------------------------------------------

@contextmanager
def atomic_file(path: Path, mode: str = "wb", **kw):
    """Write to a temporary file beside ``path`` and rename it into place only when complete
    (:func:`kg.atomicfile.replacing`), with the permissions of an ordinary new file."""
    with replacing(path, mode, **kw) as f:
        yield f
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(f.fileno(), 0o666 & ~umask)      # mkstemp makes 0600; an export is an ordinary file


_DUMP = {"nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "jsonld": RdfFormat.JSON_LD}
_SORTED = {"ttl": write_turtle, "nt": write_ntriples}        # their sorted runs go beside the output
_WRITERS = {"graphml": write_graphml, "gexf": write_gexf}


def export_store(store: Store, fmt: str, dest: Path) -> ExportResult:
    """Write ``store`` as ``fmt`` to ``dest`` (a file; a folder for csv), atomically."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "csv":
        files = write_csv_tables(store, dest)
        return ExportResult(fmt, dest, tuple(files), 0)
    with atomic_file(dest) as f:
        if fmt in _SORTED:
            stats = _SORTED[fmt](store, f, dest.parent)
        elif fmt in _WRITERS:
            stats = _WRITERS[fmt](store, f)
        else:
            stats = Stats()

            def named():          # the default graph only repeats the named graphs
                for q in store.quads_for_pattern(None, None, None, None):
                    if not isinstance(q.graph_name, DefaultGraph):
                        stats.triples += 1
                        yield q
            serialize(named(), f, _DUMP[fmt], prefixes=PREFIXES if fmt == "trig" else None)
    return ExportResult(fmt, dest, (dest,), stats.triples)


def export(out_dir: str | Path, fmt: str, dest: Optional[str | Path] = None) -> ExportResult:
    """``kg export``: the store of ``out_dir`` in ``fmt``, by default to ``out_dir/graph.<ext>``.

    >>> export("exports", "gexf")                       # doctest: +SKIP
    ExportResult(format='gexf', path=PosixPath('exports/graph.gexf'), ...)
    """
    from kg.store import open_read_only

    store = open_read_only(out_dir)
    target = Path(dest) if dest else Path(out_dir) / FORMATS[fmt][0]
    return export_store(store, fmt, target)
