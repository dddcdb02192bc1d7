"""A SPARQL 1.1 Protocol endpoint over the corpus store, with a small query page.

>>> server = make_server(ServeConfig(out_dir="exports", port=0))      # doctest: +SKIP
>>> server.url                                                         # doctest: +SKIP
'http://127.0.0.1:41235/'

Endpoints
    ``GET /``                    a query page (works offline; no script from elsewhere)
    ``GET|POST /sparql``         queries: ``?query=`` (GET), a form body (``query=``) or a
                                 direct ``application/sparql-query`` body; ``default-graph-uri``
                                 narrows the dataset to some report graphs.  ``/query`` is the same.
    ``POST /update``             SPARQL Update, only with ``allow_update`` (403 otherwise)

Results follow the Accept header: SELECT/ASK as ``application/sparql-results+json``
(default), ``+xml``, ``text/csv`` or ``text/tab-separated-values``; CONSTRUCT/DESCRIBE
as ``text/turtle`` (default), ``application/n-triples``, ``application/ld+json`` or
``application/rdf+xml``.  A syntax error is 400 with line and column, a query past
the timeout 503, a result over the limit 500 with a message saying so.

Queries run in worker processes that have the store open read-only; a query
that passes the timeout is stopped by killing its worker, which is replaced.
An update waits for running queries, stops the workers, writes, and starts
them again, so that they see it.  It keeps the store's invariant (the default
graph is the set-union of the named graphs, :mod:`kg.store`): the default graph
follows the named graphs the update changed, data written without ``GRAPH``
goes to the named graph ``…/id/graph/updates`` as well, and an update whose
graphs cannot be known beforehand (``GRAPH ?g``, a ``DELETE … WHERE`` on the
default graph, ``CLEAR ALL``) is refused with 400 (:func:`update_plan`).
"""
from __future__ import annotations

import html
import json
import queue
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlsplit

from kg.query import (PREFIXES, QueryError, QueryTimeout, ResultTooLarge, Worker, canned, bind, syntax_check,
                      to_csv, to_json, to_rdf, to_xml, with_prefixes)
from kg import iri
from kg.store import open_read_only, store_path

SELECT_TYPES = {
    "application/sparql-results+json": ("json", "application/sparql-results+json"),
    "application/json": ("json", "application/sparql-results+json"),
    "application/sparql-results+xml": ("xml", "application/sparql-results+xml"),
    "application/xml": ("xml", "application/sparql-results+xml"),
    "text/csv": ("csv", "text/csv"),
    "text/tab-separated-values": ("tsv", "text/tab-separated-values"),
}
GRAPH_TYPES = {
    "text/turtle": ("ttl", "text/turtle"),
    "application/n-triples": ("nt", "application/n-triples"),
    "application/ld+json": ("jsonld", "application/ld+json"),
    "application/rdf+xml": ("xml", "application/rdf+xml"),
}
MAX_BODY = 10 * 1024 * 1024


@dataclass(frozen=True)
class ServeConfig:
    out_dir: str | Path = "exports"
    host: str = "127.0.0.1"
    port: int = 7878
    timeout: float = 30.0           # seconds per query
    max_results: int = 10_000       # rows or triples per answer
    allow_update: bool = False
    workers: int = 2


class _RWLock:
    """Many queries at once, or one update alone."""

    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False

    def acquire_read(self):
        with self._cond:
            while self._writing:
                self._cond.wait()
            self._readers += 1

    def release_read(self):
        with self._cond:
            self._readers -= 1
            self._cond.notify_all()

    def acquire_write(self):
        with self._cond:
            while self._writing or self._readers:
                self._cond.wait()
            self._writing = True

    def release_write(self):
        with self._cond:
            self._writing = False
            self._cond.notify_all()


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, config: ServeConfig):
        open_read_only(config.out_dir)          # a clear StoreError now rather than broken workers later
        self.config = config
        self.store_dir = store_path(config.out_dir)
        self.lock = _RWLock()
        self.pool: "queue.Queue[Worker]" = queue.Queue()
        self._start_workers()
        super().__init__((config.host, config.port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def _start_workers(self) -> None:
        for _ in range(max(1, self.config.workers)):
            self.pool.put(Worker(self.store_dir))

    def _stop_workers(self) -> None:
        while True:
            try:
                self.pool.get_nowait().close()
            except queue.Empty:
                return

    def run_query(self, sparql: str, default_graph=None):
        syntax_check(sparql)
        self.lock.acquire_read()
        try:
            worker = self.pool.get()
            try:
                return worker.run(sparql, self.config.timeout, self.config.max_results, default_graph)
            finally:
                self.pool.put(worker if worker.alive() else Worker(self.store_dir))
        finally:
            self.lock.release_read()

    def run_update(self, sparql: str) -> None:
        from pyoxigraph import Store

        plan = update_plan(sparql)             # syntax and graphs first: no lock, no stopped workers
        self.lock.acquire_write()
        try:
            self._stop_workers()                 # read-only handles must not read while we write
            try:
                store = Store(str(self.store_dir))
                try:
                    apply_update(store, sparql, plan)
                    store.flush()
                finally:
                    del store
            except SyntaxError as exc:
                from kg.query import _position
                raise QueryError(f"syntax error: {_position(exc, sparql)}") from None
            except OSError as exc:
                raise QueryError(f"the update failed: {exc}") from None
        finally:
            self._start_workers()
            self.lock.release_write()

    def server_close(self) -> None:
        super().server_close()
        self._stop_workers()


# --- updates keep the union -------------------------------------------------------------------
# The store's default graph is the set-union copy of its named graphs (kg.store), which the
# canned queries read.  Oxigraph applies an update to exactly the graphs it names, so after the
# update the default graph is brought level with the named graphs it changed: what they gained
# is added, and what they lost is removed unless another named graph still states it.  Data
# written to the default graph itself (INSERT DATA / DELETE DATA without GRAPH) is kept in the
# named graph GRAPH_UPDATES, so that it too is in a named graph.  What cannot be mirrored is
# refused with a message that says how to write it: an update whose graphs are variables
# (GRAPH ?g in a template), a DELETE/INSERT … WHERE on the default graph, and CLEAR/DROP of
# DEFAULT, NAMED or ALL.  Edits last until the next `kg build`, which rewrites the graphs of
# changed reports and drops graphs it does not know (GRAPH_UPDATES among them).

GRAPH_UPDATES = f"{iri.ID}graph/updates"     # what updates wrote to the default graph


@dataclass(frozen=True)
class UpdatePlan:
    """What an update writes: the named graphs it touches, the triples it inserts into or deletes
    from the default graph directly (rdflib terms)."""

    graphs: tuple[str, ...]
    default_inserts: tuple = ()
    default_deletes: tuple = ()


def update_plan(sparql: str) -> UpdatePlan:
    """The graphs an update writes, read from its algebra; QueryError when it cannot keep the union.

    >>> update_plan('INSERT DATA { GRAPH <https://e/g> { <https://e/s> <https://e/p> 1 } }').graphs
    ('https://e/g',)
    >>> update_plan('DELETE WHERE { GRAPH ?g { ?s ?p ?o } }')
    Traceback (most recent call last):
    ...
    kg.query.QueryError: the update writes graphs named by a variable (?g); name each graph (GRAPH <…>) so that the union default graph can be kept
    """
    from rdflib import BNode, URIRef, Variable
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        ops = translateUpdate(parseUpdate(sparql), initNs=PREFIXES).algebra
    except Exception as exc:  # noqa: BLE001 - any parse failure: Oxigraph's message says more
        from pyoxigraph import Store

        from kg.query import _position
        try:        # text that does not parse runs nothing (no LOAD) on an empty store in memory
            Store().update(sparql, prefixes=PREFIXES)
        except SyntaxError as oexc:
            raise QueryError(f"syntax error: {_position(oexc, sparql)}") from None
        except Exception:  # noqa: BLE001
            pass
        raise QueryError(f"the update cannot be analysed: {exc}") from None
    graphs, inserts, deletes = [], [], []

    def graph(term, what: str):
        if isinstance(term, Variable):
            raise QueryError(f"the update writes graphs named by a variable (?{term}); name each graph "
                             "(GRAPH <…>) so that the union default graph can be kept")
        if not isinstance(term, URIRef):
            raise QueryError(f"the update {what} the default graph, which is the union of the named graphs and is "
                             "kept by the store: write to a named graph instead (GRAPH <…>)")
        graphs.append(str(term))

    def triples(ts, bucket: list):
        for t in ts:
            if any(isinstance(x, (BNode, Variable)) for x in t):
                raise QueryError("the update writes blank nodes or variables into the default graph: "
                                 "write to a named graph instead (GRAPH <…>)")
            bucket.append(t)

    def part(op, key):      # CompValue.get gives the key's name back when it is missing
        return op[key] if key in op else None

    for op in ops:
        if op.name in ("InsertData", "DeleteData"):
            for g in op.quads or {}:
                graph(g, "writes")
            triples(op.triples or (), inserts if op.name == "InsertData" else deletes)
        elif op.name in ("Modify", "DeleteWhere"):
            clauses = [part(op, "insert"), part(op, "delete")] if op.name == "Modify" else [op]
            for clause in clauses:
                if clause is None:
                    continue
                for g in part(clause, "quads") or {}:
                    graph(g, "writes")
                if part(clause, "triples"):
                    graph(part(op, "withClause"), "changes triples of")
        elif op.name in ("Clear", "Drop"):
            graph(op.graphiri if isinstance(op.graphiri, URIRef) else None, f"clears {op.graphiri}, that is")
        elif op.name == "Load":
            graph(part(op, "graphiri"), "loads into")
        elif op.name in ("Add", "Copy", "Move"):
            source, target = op.graph
            graph(target if target != "DEFAULT" else None, "writes")
            if op.name == "Move":
                graph(source if source != "DEFAULT" else None, "moves triples out of")
        # Create: an empty graph changes no triple
    return UpdatePlan(tuple(dict.fromkeys(graphs)), tuple(inserts), tuple(deletes))


def apply_update(store, sparql: str, plan: UpdatePlan) -> None:
    """Run ``sparql`` on a writable pyoxigraph store and bring the default (union) graph level
    with the named graphs of ``plan`` (two transactions: an interruption in between leaves the
    union short until the next `kg build --full`)."""
    from pyoxigraph import DefaultGraph, NamedNode, Quad

    from kg.store import to_ox

    def content(g):
        return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, NamedNode(g))}

    before = {g: content(g) for g in plan.graphs}
    store.update(sparql, prefixes=PREFIXES)
    default, updates = DefaultGraph(), NamedNode(GRAPH_UPDATES)
    added, removed = [], set()
    for g in plan.graphs:
        after = content(g)
        added += after - before[g]
        removed |= before[g] - after
    direct_in = [tuple(map(to_ox, t)) for t in plan.default_inserts]
    direct_out = [tuple(map(to_ox, t)) for t in plan.default_deletes]
    store.extend([Quad(*t, updates) for t in direct_in] + [Quad(*t, default) for t in added])
    for t in direct_out:
        store.remove(Quad(*t, updates))
    for s, p, o in removed | set(direct_out):
        if any(not isinstance(q.graph_name, DefaultGraph) for q in store.quads_for_pattern(s, p, o, None)):
            store.add(Quad(s, p, o, default))       # another graph (a report) still states it
        else:
            store.remove(Quad(s, p, o, default))


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):        # quiet: one line per request on stderr
        import sys
        sys.stderr.write("kg serve: " + (fmt % args) + "\n")

    # routing -----------------------------------------------------------------------------------
    def do_GET(self):
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            return self._send(200, "text/html; charset=utf-8", page(self.server).encode("utf-8"))
        if url.path in ("/sparql", "/query"):
            params = parse_qs(url.query)
            if "update" in params:
                return self._error(405, "an update must be sent with POST to /update")
            return self._query(params.get("query", [""])[0], params)
        return self._error(404, f"no such page: {url.path} (try / or /sparql)")

    def do_POST(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._error(413, f"the request body is larger than {MAX_BODY} bytes")
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        params = parse_qs(url.query)
        if ctype == "application/x-www-form-urlencoded":
            for k, v in parse_qs(body).items():
                params.setdefault(k, []).extend(v)
        if url.path in ("/sparql", "/query"):
            if ctype == "application/sparql-query":
                return self._query(body, params)
            if "update" in params or ctype == "application/sparql-update":
                return self._update(params.get("update", [body])[0])
            return self._query(params.get("query", [""])[0], params)
        if url.path == "/update":
            return self._update(body if ctype == "application/sparql-update" else params.get("update", [""])[0])
        return self._error(404, f"no such endpoint: {url.path} (queries: /sparql, updates: /update)")

    # queries -----------------------------------------------------------------------------------
    def _query(self, sparql: str, params: dict):
        if not sparql.strip():
            return self._error(400, "no query: send ?query=… (GET), a form field query=… or an application/sparql-query body")
        try:
            result = self.server.run_query(sparql, params.get("default-graph-uri") or None)
        except QueryTimeout as exc:
            return self._error(503, str(exc))
        except ResultTooLarge as exc:
            return self._error(500, f"{exc} (this endpoint answers at most {self.server.config.max_results:,})")
        except QueryError as exc:
            return self._error(400, str(exc))
        fmt, ctype = self._negotiate(result.kind == "graph")
        if result.kind == "graph":
            body = to_rdf(result, fmt)
        else:
            body = {"json": to_json, "xml": to_xml, "csv": to_csv,
                    "tsv": lambda r: to_csv(r, "\t")}[fmt](result).encode("utf-8")
        return self._send(200, f"{ctype}; charset=utf-8", body)

    def _negotiate(self, graph: bool) -> tuple[str, str]:
        table = GRAPH_TYPES if graph else SELECT_TYPES
        accept = self.headers.get("Accept") or ""
        ranked = []
        for i, part in enumerate(accept.split(",")):
            bits = [b.strip() for b in part.split(";")]
            q = 1.0
            for b in bits[1:]:
                if b.startswith("q="):
                    try:
                        q = float(b[2:])
                    except ValueError:
                        q = 0.0
            ranked.append((-q, i, bits[0].lower()))
        for _, _, mime in sorted(ranked):
            if mime in table:
                return table[mime]
        return next(iter(table.values()))

    def _update(self, sparql: str):
        if not self.server.config.allow_update:
            return self._error(403, "this endpoint is read-only: start it with `kg serve --allow-update` to accept updates")
        if not sparql.strip():
            return self._error(400, "no update: send update=… as a form field or an application/sparql-update body")
        try:
            self.server.run_update(sparql)
        except QueryError as exc:
            return self._error(400, str(exc))
        return self._send(204, None, b"")

    # responses ---------------------------------------------------------------------------------
    def _send(self, status: int, ctype: Optional[str], body: bytes):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str):
        return self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def make_server(config: ServeConfig) -> SparqlServer:
    """A server bound and ready (``port=0`` picks a free port); call ``serve_forever()``."""
    return SparqlServer(config)


def page(server: SparqlServer) -> str:
    """The query page: a text box, the canned queries to start from, results as a table."""
    examples = {}
    for name, q in canned().items():
        try:
            examples[name] = {"title": q.title, "text": with_prefixes(bind(q, {}))}
        except QueryError:
            continue
    data = json.dumps(examples, ensure_ascii=False).replace("</", "<\\/")
    options = "".join(f'<option value="{html.escape(n)}">{html.escape(n)} — {html.escape(e["title"])}</option>'
                      for n, e in examples.items())
    mode = "read-write" if server.config.allow_update else "read-only"
    return _PAGE.format(options=options, data=data, mode=mode, timeout=f"{server.config.timeout:g}",
                        limit=f"{server.config.max_results:,}", out=html.escape(str(server.config.out_dir)))


_PAGE = """<!doctype html>
<html lang="zh"><head><meta charset="utf-8"><title>fazhi-kg SPARQL</title>
<style>
body {{ font-family: system-ui, "Noto Sans CJK SC", sans-serif; margin: 1.5em; }}
textarea {{ width: 100%; height: 16em; font-family: monospace; }}
table {{ border-collapse: collapse; margin-top: 1em; }} td, th {{ border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }}
th {{ background: #eee; }} #status {{ color: #555; }} .error {{ color: #b00; white-space: pre-wrap; }}
</style></head>
<body>
<h1>fazhi-kg SPARQL</h1>
<p>Store: <code>{out}</code> ({mode}; queries stop after {timeout} s and {limit} rows).
Endpoint: <code>/sparql</code> (SPARQL 1.1 Protocol: GET or POST).
The prefixes fz rdf rdfs xsd skos prov owl need no PREFIX line.</p>
<p><label>Start from a canned query: <select id="examples"><option value="">—</option>{options}</select></label></p>
<textarea id="query" spellcheck="false">SELECT ?township ?county WHERE {{
  ?t a fz:Township ; rdfs:label ?township .
  OPTIONAL {{ ?t fz:parentDivision/rdfs:label ?county }}
}} LIMIT 50</textarea>
<p><button id="run">Run</button> <span id="status"></span></p>
<div id="results"></div>
<script>
const EXAMPLES = {data};
document.getElementById("examples").addEventListener("change", e => {{
  const ex = EXAMPLES[e.target.value]; if (ex) document.getElementById("query").value = ex.text; }});
function cell(tr, text, tag) {{ const td = document.createElement(tag); td.textContent = text; tr.appendChild(td); }}
document.getElementById("run").addEventListener("click", async () => {{
  const q = document.getElementById("query").value;
  const status = document.getElementById("status"), out = document.getElementById("results");
  status.textContent = "running…"; out.textContent = "";
  const t0 = performance.now();
  const resp = await fetch("sparql", {{ method: "POST", body: new URLSearchParams({{query: q}}),
    headers: {{ "Accept": "application/sparql-results+json, text/turtle;q=0.9" }} }});
  const text = await resp.text();
  status.textContent = resp.status + " in " + Math.round(performance.now() - t0) + " ms";
  if (!resp.ok) {{ const p = document.createElement("pre"); p.className = "error"; p.textContent = text; out.appendChild(p); return; }}
  if (!(resp.headers.get("Content-Type") || "").includes("json")) {{
    const p = document.createElement("pre"); p.textContent = text; out.appendChild(p); return; }}
  const data = JSON.parse(text);
  if ("boolean" in data) {{ out.textContent = data.boolean ? "yes" : "no"; return; }}
  const table = document.createElement("table"), head = document.createElement("tr");
  data.head.vars.forEach(v => cell(head, v, "th")); table.appendChild(head);
  data.results.bindings.forEach(b => {{ const tr = document.createElement("tr");
    data.head.vars.forEach(v => cell(tr, b[v] ? b[v].value : "", "td")); table.appendChild(tr); }});
  out.appendChild(table);
  status.textContent += ", " + data.results.bindings.length + " rows";
}});
</script>
</body></html>
"""
