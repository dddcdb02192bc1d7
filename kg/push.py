"""Send the graph to another triple store: SPARQL 1.1 Graph Store Protocol or SPARQL Update.

>>> push("exports", Target("http://127.0.0.1:7878/store"))                   # doctest: +SKIP
PushResult(graphs=12, pushed=12, unchanged=0, triples=9974, requests=12, seconds=0.4)

By default every named graph of the store travels as a graph of the same
name (one per report, plus ontology, vocabularies, gazetteer, derived);
``Target(graph=IRI)`` puts the union of all of them into one graph instead.

How a graph is sent, in batches of ``batch`` triples (N-Triples):

* ``gsp``: ``PUT endpoint?graph=G`` with the first batch (replacing whatever
  G held), ``POST`` (append) with the rest;
* ``update``: ``DROP SILENT GRAPH <G> ; INSERT DATA { GRAPH <G> { … } }`` with
  the first batch, ``INSERT DATA`` with the rest (``application/sparql-update``;
  Virtuoso hangs on ``application/sparql-query`` but not on this).  A batch with
  blank nodes is sent as ``INSERT { … } WHERE {}``: Virtuoso refuses blank
  nodes in ``INSERT DATA``.

Retries never duplicate: the first request of a graph replaces it, and every
later batch inserts triples that are already there or not (a graph is a set);
blank-node triples, the only ones a second insert would copy, all go in the
first batch.  Progress is kept in ``OUT/push-state/<endpoint>.json`` after
every request, so a failed push run again continues where it stopped and skips
graphs that were pushed before and have not changed since.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, RdfFormat, serialize

from kg.atomicfile import write_text
from kg.store import MANIFEST, SHARED_GRAPHS, open_read_only

STATE_DIR = "push-state"


class PushError(Exception):
    """A push that stopped; the message says why, how far it got and how to go on."""


@dataclass(frozen=True)
class Target:
    endpoint: str                       # GSP endpoint (…/store, …/sparql-graph-crud) or update endpoint (…/update)
    protocol: str = "gsp"               # gsp | update
    graph: Optional[str] = None         # put everything into this one graph
    auth: Optional[str] = None          # "user:password", "basic:user:password" or "digest:user:password"
    batch: int = 10_000                 # triples per request
    timeout: float = 300.0              # seconds per request


@dataclass(frozen=True)
class PushResult:
    graphs: int                 # graphs in the store (or 1 with Target.graph)
    pushed: int                 # graphs sent in this run
    unchanged: int              # graphs skipped: pushed before and not changed since
    triples: int                # triples sent in this run
    requests: int
    seconds: float


def parse_auth(auth: Optional[str]):
    """A requests auth object from ``user:password``, ``basic:user:password`` or ``digest:user:password``.

    >>> type(parse_auth("digest:dba:dba")).__name__, parse_auth(None)
    ('HTTPDigestAuth', None)
    """
    from requests.auth import HTTPBasicAuth, HTTPDigestAuth

    if not auth:
        return None
    kind, _, rest = auth.partition(":")
    if kind in ("basic", "digest") and ":" in rest:
        user, _, password = rest.partition(":")
        return (HTTPDigestAuth if kind == "digest" else HTTPBasicAuth)(user, password)
    if ":" not in auth:
        raise PushError("--auth is USER:PASSWORD, basic:USER:PASSWORD or digest:USER:PASSWORD")
    user, _, password = auth.partition(":")
    return HTTPBasicAuth(user, password)


def _batches(triples, size: int) -> Iterator[list]:
    """Blank-node triples first and all in the first batch, then the rest in ``size`` chunks."""
    blank, plain = [], []
    for t in triples:
        (blank if isinstance(t.subject, BlankNode) or isinstance(t.object, BlankNode) else plain).append(t)
    first, rest = blank + plain[:max(size - len(blank), 0)], plain[max(size - len(blank), 0):]
    yield first
    for i in range(0, len(rest), size):
        yield rest[i:i + size]


def _graph_plan(store, out_dir: Path, target: Target) -> list[tuple[str, str, Callable]]:
    """(graph name, content digest, triples) for every graph to send."""
    digests = {}
    db_path = out_dir / MANIFEST
    if db_path.exists():
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            fingerprint = (db.execute("SELECT value FROM state WHERE key='fingerprint'").fetchone() or [""])[0]
            shared = (db.execute("SELECT value FROM state WHERE key='shared'").fetchone() or [""])[0]
            for graph, sha in db.execute("SELECT graph, sha256 FROM report"):
                digests[graph] = hashlib.sha256(f"{fingerprint}{sha}".encode()).hexdigest()
        finally:
            db.close()
        for g in SHARED_GRAPHS:
            digests[g] = hashlib.sha256(f"{shared}{g}".encode()).hexdigest()
    if target.graph:
        key = hashlib.sha256("".join(sorted(digests.values())).encode()).hexdigest()
        return [(target.graph, key, lambda: [q.triple for q in store.quads_for_pattern(None, None, None, DefaultGraph())])]
    plan = []
    for g in sorted(n.value for n in store.named_graphs() if isinstance(n, NamedNode)):
        digest = digests.get(g) or _content_digest(store, g)
        plan.append((g, digest, lambda g=g: [q.triple for q in store.quads_for_pattern(None, None, None, NamedNode(g))]))
    return plan


def _content_digest(store, graph: str) -> str:
    lines = sorted(str(q.triple) for q in store.quads_for_pattern(None, None, None, NamedNode(graph)))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


class _Session:
    """One HTTP session to the target, with messages a person can act on."""

    def __init__(self, target: Target):
        import requests

        self.requests = requests
        self.target = target
        self.http = requests.Session()
        self.http.auth = parse_auth(target.auth)
        self.count = 0

    def send(self, graph: str, triples: list, first: bool) -> None:
        t = self.target
        if t.protocol == "gsp":
            body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
            method = "PUT" if first else "POST"
            kw = dict(params={"graph": graph}, data=body, headers={"Content-Type": "application/n-triples"})
        else:
            method = "POST"
            # Virtuoso refuses blank nodes in INSERT DATA (and compiles a large INSERT template into
            # too much SQL): blank-node triples go in a template with an empty WHERE, which makes one
            # new node per label, the rest in INSERT DATA; all in one request, one transaction.
            blank = [x for x in triples if isinstance(x.subject, BlankNode) or isinstance(x.object, BlankNode)]
            plain = [x for x in triples if not (isinstance(x.subject, BlankNode) or isinstance(x.object, BlankNode))]
            parts = [f"DROP SILENT GRAPH <{graph}>"] if first else []
            if blank:
                nt = serialize(blank, format=RdfFormat.N_TRIPLES).decode("utf-8")
                parts.append(f"INSERT {{ GRAPH <{graph}> {{\n{nt}}} }} WHERE {{}}")
            if plain or not parts:
                nt = (serialize(plain, format=RdfFormat.N_TRIPLES) or b"").decode("utf-8")
                parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{nt}}} }}")
            text = " ;\n".join(parts)
            kw = dict(data=text.encode("utf-8"), headers={"Content-Type": "application/sparql-update; charset=utf-8"})
        try:
            resp = self.http.request(method, t.endpoint, timeout=t.timeout, **kw)
        except self.requests.exceptions.Timeout:
            raise PushError(f"{t.endpoint} did not answer within {t.timeout:g} s") from None
        except self.requests.exceptions.ConnectionError as exc:
            raise PushError(f"cannot reach {t.endpoint}: {_reason(exc)}") from None
        except self.requests.exceptions.RequestException as exc:
            raise PushError(f"cannot send to {t.endpoint}: {exc}") from None
        self.count += 1
        if resp.status_code in (401, 403):
            hint = ("give credentials with --auth USER:PASSWORD (digest:USER:PASSWORD for Virtuoso's -auth endpoints)"
                    if not t.auth else "the credentials given with --auth were refused, or the user may not write")
            raise PushError(f"{t.endpoint} answered {resp.status_code} {resp.reason}: {hint}")
        if resp.status_code >= 300:
            detail = " ".join(resp.text.split())[:300]
            raise PushError(f"{t.endpoint} answered {resp.status_code} {resp.reason}" + (f": {detail}" if detail else ""))


def _reason(exc) -> str:
    text = str(exc)
    for needle in ("Connection refused", "Name or service not known", "No route to host", "timed out",
                   "Connection reset", "Remote end closed connection"):
        if needle in text:
            return needle.lower()
    return text[:200]


def state_path(out_dir: Path, target: Target) -> Path:
    key = hashlib.sha256(f"{target.endpoint}|{target.protocol}|{target.graph or ''}".encode()).hexdigest()[:16]
    return out_dir / STATE_DIR / f"{key}.json"


def _save(path: Path, state: dict) -> None:
    write_text(path, json.dumps(state, indent=1, sort_keys=True))


def push(out_dir: str | Path, target: Target, *, restart: bool = False,
         on_progress: Optional[Callable[[int, int, str], None]] = None) -> PushResult:
    """Send the store of ``out_dir`` to ``target``; raises PushError saying how far it got."""
    if target.protocol not in ("gsp", "update"):
        raise PushError(f"unknown protocol {target.protocol!r}: use gsp or update")
    if target.batch < 1:
        raise PushError("the batch size must be at least 1")
    started = time.perf_counter()
    out = Path(out_dir)
    store = open_read_only(out)
    plan = _graph_plan(store, out, target)
    spath = state_path(out, target)
    state = {"endpoint": target.endpoint, "done": {}, "partial": None}
    if spath.exists() and not restart:
        state.update(json.loads(spath.read_text(encoding="utf-8")))
    session = _Session(target)
    pushed = unchanged = triples_sent = 0
    for i, (graph, digest, triples_of) in enumerate(plan):
        if on_progress:
            on_progress(i, len(plan), graph)
        if state["done"].get(graph) == digest:
            unchanged += 1
            continue
        partial = state.get("partial") or {}
        skip = partial.get("batches", 0) if partial.get("graph") == graph and partial.get("digest") == digest else 0
        for k, batch in enumerate(_batches(triples_of(), target.batch)):
            if k < skip:
                continue
            try:
                session.send(graph, batch, first=(k == 0))
            except PushError as exc:
                done = sum(1 for g, d, _ in plan if state["done"].get(g) == d)
                raise PushError(f"{exc}\npushed {done} of {len(plan)} graphs before this; stopped at graph "
                                f"{i + 1} ({graph}), batch {k + 1}. Run the same command again to continue "
                                f"from there: nothing already sent is sent twice.") from None
            triples_sent += len(batch)
            state["partial"] = {"graph": graph, "digest": digest, "batches": k + 1}
            _save(spath, state)
        state["done"][graph] = digest
        state["partial"] = None
        _save(spath, state)
        pushed += 1
    if on_progress:
        on_progress(len(plan), len(plan), "")
    return PushResult(len(plan), pushed, unchanged, triples_sent, session.count, time.perf_counter() - started)


# --- reading back ------------------------------------------------------------------------------

def remote_select(endpoint: str, sparql: str, *, auth: Optional[str] = None, timeout: float = 120.0,
                  default_graph: Optional[str] = None) -> list[dict]:
    """Run a SELECT on a SPARQL endpoint (GET; POST hangs on Virtuoso) and return its rows as
    ``{var: (kind, value, lang, datatype)}``, whatever the server's JSON dialect."""
    import requests

    params = {"query": sparql}
    if default_graph:
        params["default-graph-uri"] = default_graph
    try:
        resp = requests.get(endpoint, params=params, headers={"Accept": "application/sparql-results+json"},
                            auth=parse_auth(auth), timeout=timeout)
    except requests.exceptions.ConnectionError as exc:
        raise PushError(f"cannot reach {endpoint}: {_reason(exc)}") from None
    if resp.status_code != 200:
        raise PushError(f"{endpoint} answered {resp.status_code} {resp.reason}: {' '.join(resp.text.split())[:300]}")
    rows = []
    for b in resp.json()["results"]["bindings"]:
        row = {}
        for var, t in b.items():
            kind = {"typed-literal": "literal"}.get(t["type"], t["type"])
            row[var] = (kind, t["value"], t.get("xml:lang"), t.get("datatype"))
        rows.append(row)
    return rows
