"""The analysis results as RDF, in a named graph of their own.

``kg analyze`` never edits the triples ``kg build`` wrote: its results go into
the named graph ``<https://w3id.org/fazhi-kg/id/graph/analysis>``, written as
``DIR/analysis/analysis.trig`` and, where the build keeps a store
(``DIR/store/``), replaced there too, so a rerun leaves no stale results.
The terms are declared in ``ontology/analysis.ttl``.

>>> from kg.analysis.writeback import iri_for
>>> iri_for("community", "3")
'https://w3id.org/fazhi-kg/id/analysis/community/3'
"""
from __future__ import annotations

import hashlib
import tempfile
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator, Optional

import numpy as np
import pyoxigraph as ox

from kg.atomicfile import replacing
from kg.analysis.centrality import Centrality
from kg.analysis.communities import Community
from kg.analysis.similarity import CoAdoption, Similar

ID = "https://w3id.org/fazhi-kg/id/"
FZ = "https://w3id.org/fazhi-kg/ont#"
GRAPH = ox.NamedNode(ID + "graph/analysis")
CHUNK = 20_000                  # triples removed per transaction when the previous analysis is replaced
HEADER = f"@prefix fz: <{FZ}> .\n@prefix fzid: <{ID}> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
_PREFIXES = f"PREFIX fz: <{FZ}>\nPREFIX fzid: <{ID}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
STATE = "analysis.trig"         # manifest state: the hash of the analysis.trig in the store and the graph's size
SAMPLE_EVERY = 1 << 16          # of the previous statements, these are checked in the store before it is trusted


def iri_for(kind: str, key: str) -> str:
    return f"{ID}analysis/{kind}/{key}"


def _pair_key(a: str, b: str) -> str:
    return hashlib.sha1("\n".join(sorted((a, b))).encode()).hexdigest()[:20]


# Triples are written as Turtle terms: formatting strings is ten times faster than building
# pyoxigraph terms, and a national run writes millions of them.  IRIs come from the graph
# (already valid IRIs); the only literals are numbers and "社区 N".
def _n(iri: str) -> str:
    return f"<{iri}>"


def _int(v: int) -> str:
    return str(int(v))                      # Turtle's short form of an xsd:integer


def _dec(v: float) -> str:
    return f"{v:.6f}"                       # ... and of an xsd:decimal


def analysis_triples(*, centrality: Centrality, communities: list[Community], similar: list[Similar],
                     co: list[CoAdoption], adopters: dict[str, int], reuse_weight: float, seed: int) -> Iterator[str]:
    """The results, one Turtle triple per string."""
    run = _n(iri_for("run", "latest"))
    yield f"{run} a fz:AnalysisRun ; fz:reuseWeight {_dec(reuse_weight)} ; " \
          f"fz:betweennessSamples {_int(centrality.samples)} ; fz:randomSeed {_int(seed)} ."
    for node, c in centrality.values.items():
        yield f"<{node}> fz:degree {c.degree} ; fz:degreeCentrality {c.degree_centrality:.6f} ; " \
              f"fz:betweenness {c.betweenness:.6f} ."
    for concept, n in adopters.items():
        yield f"<{concept}> fz:adopters {_int(n)} ."
    for com in communities:
        node = _n(iri_for("community", str(com.index)))
        yield f'{node} a fz:Community ; rdfs:label "社区 {com.index}"@zh ; fz:memberCount {len(com.members)} .'
        for m in com.members:
            yield f"<{m}> fz:community {node} ."
        for concept, _, _ in com.characteristic:
            yield f"{node} fz:characteristicConcept <{concept}> ."
    seen = set()
    for s in similar:
        key = _pair_key(s.a, s.b)
        if key in seen:
            continue
        seen.add(key)
        yield (f"<{ID}analysis/similarity/{key}> a fz:Similarity ; fz:pairMember <{s.a}>, <{s.b}> ; "
               f"fz:jaccard {s.jaccard:.6f} ; fz:discountedSimilarity {s.discounted:.6f} .")
    for c in co:
        yield (f"<{ID}analysis/coadoption/{_pair_key(c.a, c.b)}> a fz:CoAdoption ; fz:pairMember <{c.a}>, <{c.b}> ; "
               f"fz:coAdopters {c.both} ; fz:jaccard {c.jaccard:.6f} ; fz:lift {c.lift:.6f} .")


def write_back(out_dir: str | Path, triples: Iterable[str]) -> Path:
    """Write the named graph to ``DIR/analysis/analysis.trig`` (and into ``DIR/store/`` when there is one).

    A rerun changes in the store only what changed: the lines (statements) of the new
    file that the previous one did not have are added, those it had that did not come
    again are deleted.  That holds while the store's analysis graph is as the previous
    run left it: the manifest keeps the previous file's hash and the graph's size then
    (state ``analysis.trig``), and some of the previous lines are checked in the store.
    Otherwise (no previous run, a build or an update changed the graph) the whole graph is
    replaced (:func:`_replace_in_store`).
    """
    from kg.store import CorpusStore

    target = Path(out_dir) / "analysis" / "analysis.trig"
    store_dir = Path(out_dir) / "store"
    with ExitStack() as stack:
        cs = stack.enter_context(CorpusStore.open(out_dir)) if store_dir.is_dir() else None
        f = stack.enter_context(replacing(target, "w", encoding="utf-8"))
        opening = HEADER + f"<{GRAPH.value}> {{\n"
        f.write(opening)
        digest = hashlib.sha256(opening.encode("utf-8"))
        load = None                         # what goes into the store: every line, or the new ones
        previous = _previous_lines(cs, target) if cs is not None else None
        if cs is not None:
            # plain Turtle, for the store's bulk loader (it loads a TriG file only into the graph
            # the file names, and the store wants the triples in two)
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(dir=target.parent)))
            load = stack.enter_context((scratch / "analysis.ttl").open("w", encoding="utf-8"))
            load.write(HEADER)
            if previous is not None:
                again = np.zeros(len(previous), dtype=bool)
        pending: list[str] = []

        def sift() -> None:
            # looked up a batch at a time: a numpy call per line took 6.5 µs, 4.6 s for the 709,155
            # lines (3.4 M triples) at 50,000 reports
            fresh = pending
            if previous is not None:
                at, known = _known(previous, pending)
                again[at[known]] = True
                fresh = [line for line, k in zip(pending, known.tolist()) if not k]
            load.writelines(fresh)
            pending.clear()

        for t in triples:
            line = t + "\n"
            f.write(line)
            digest.update(line.encode("utf-8"))
            if load is not None:
                pending.append(line)
                if len(pending) >= CHUNK:
                    sift()
        if load is not None:
            sift()
        f.write("}\n")
        digest.update(b"}\n")
        if load is not None:
            load.close()
            if previous is not None:
                _change_in_store(cs, target, previous, again, Path(load.name))
            else:
                _replace_in_store(cs, Path(load.name))
            cs.set_state(STATE, f"{digest.hexdigest()} {_graph_size(cs.store)}")
    return target


def _line_digest(line: str) -> bytes:
    return hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()


def _is_statement(line: str) -> bool:
    return line.endswith(" .\n") and not line.startswith("@prefix")


def _statements(path: Path) -> Iterator[str]:
    """The statement lines of an analysis.trig (each with its newline)."""
    with path.open(encoding="utf-8", newline="") as f:
        yield from filter(_is_statement, f)


def _known(sorted_digests: np.ndarray, lines: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Where each line's digest is in ``sorted_digests``, and whether it is there (kg.store._found)."""
    from kg.store import _found

    return _found(sorted_digests, np.frombuffer(b"".join(map(_line_digest, lines)), dtype="S16"))


def _previous_lines(cs, trig: Path) -> Optional[np.ndarray]:
    """The sorted digests of the previous run's statements, if the store still holds what that run
    wrote (its file unchanged, the graph of the same size, a sample of its lines there); else None."""
    stamp = cs.get_state(STATE)
    if not stamp or not trig.exists():
        return None
    sha, size = stamp.split()
    if _graph_size(cs.store) != int(size):
        return None
    # One pass: the file's hash, each statement's digest, and a sample of the statements (the
    # first few, then one in SAMPLE_EVERY).
    h, digests, sample = hashlib.sha256(), [], []
    with trig.open(encoding="utf-8", newline="") as f:     # the lines as written, for the hash
        for line in f:
            h.update(line.encode("utf-8"))
            if _is_statement(line):
                if len(digests) < 16 or len(digests) % SAMPLE_EVERY == 0:
                    sample.append(line)
                digests.append(_line_digest(line))
    if h.hexdigest() != sha:
        return None
    if sample and not cs.store.query(f"{_PREFIXES}ASK {{ GRAPH <{GRAPH.value}> {{ {' '.join(sample)} }} }}"):
        return None
    return np.sort(np.frombuffer(b"".join(digests), dtype="S16"))


def _graph_size(store: ox.Store) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH.value}> {{ ?s ?p ?o }} }}")))["n"].value)


def _change_in_store(cs, previous_trig: Path, previous: np.ndarray, again: np.ndarray, added: Path) -> None:
    """Delete the previous statements that did not come again, then load the new ones, in the
    analysis graph and the default graph (see :func:`_replace_in_store` for why the default
    graph needs no check).  ``previous_trig`` is still the previous file: the new one
    replaces it only when :func:`write_back` is done."""
    cs.set_state(STATE, None)                   # a kill from here on leaves the graph to be replaced whole
    g = f"<{GRAPH.value}>"
    gone: list[str] = []

    def delete() -> None:
        data = "".join(gone)
        cs.store.update(f"{_PREFIXES}DELETE DATA {{ {data} GRAPH {g} {{ {data} }} }}")
        gone.clear()

    if not again.all():
        statements = _statements(previous_trig)
        while batch := list(islice(statements, CHUNK)):
            at, known = _known(previous, batch)
            known[known] = ~again[at[known]]
            gone.extend(line for line, k in zip(batch, known.tolist()) if k)
            if len(gone) >= CHUNK // 4:
                delete()
        if gone:
            delete()
    for graph in (GRAPH, ox.DefaultGraph()):
        cs.store.bulk_load(path=str(added), format=ox.RdfFormat.TURTLE, to_graph=graph, lenient=True)


def _replace_in_store(cs, body: Path) -> None:
    """Replace the analysis graph of the store, and its share of the default (union) graph.

    Every triple of the analysis graph is the analysis's own: its subject is
    an ``…/id/analysis/`` node or its predicate a term of
    ``ontology/analysis.ttl``, which no report, vocabulary or derived graph
    states.  So what the previous analysis said leaves the default graph
    without asking, triple by triple, whether another graph says it too
    (what :meth:`kg.store.CorpusStore.drop_graph` must do for a report); and
    the new triples go in with the bulk loader, into both graphs."""
    cs.set_state(STATE, None)                   # (there was none, or it could not be trusted)
    g = f"<{GRAPH.value}>"
    # One pass over a snapshot of the old graph (pyoxigraph iterates a snapshot), CHUNK
    # triples per transaction: a transaction holds all it changes in memory.  Asking the
    # graph again after each chunk would walk past every deletion made so far, which made
    # a rerun at 50,000 reports spend four minutes here.
    old = cs.store.quads_for_pattern(None, None, None, GRAPH)
    while chunk := list(islice(old, CHUNK)):
        blank = [q for q in chunk if _has_blank(q)]          # DELETE DATA takes no blank nodes
        if len(blank) < len(chunk):
            data = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in chunk if not _has_blank(q))
            cs.store.update(f"DELETE DATA {{ {data} GRAPH {g} {{ {data} }} }}")
        for q in blank:
            cs.store.remove(q)
            cs.store.remove(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()))
    cs.store.update(f"DROP SILENT GRAPH {g}")
    for graph in (GRAPH, ox.DefaultGraph()):
        cs.store.bulk_load(path=str(body), format=ox.RdfFormat.TURTLE, to_graph=graph, lenient=True)


def _has_blank(q: ox.Quad) -> bool:
    return isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)
