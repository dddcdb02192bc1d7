"""SPARQL over the corpus store: canned queries, parameters, limits, result formats.

Canned queries are the files ``queries/*.rq``; each starts with a comment header::

    # title: 那曲市哪些乡镇运行枫桥经验 / townships of a prefecture that run a mechanism
    # description: …
    # param: prefecture zh 那曲市  the prefecture (地级市), by its Chinese name
    # param: mechanism zh 枫桥经验  the mechanism, by any of its labels

A parameter is written ``$name`` in the query body (``$name`` is a plain
SPARQL variable, so the file is valid SPARQL as it stands) and replaced by a
term before the query runs: ``zh`` gives ``"…"@zh``, ``string`` a plain
literal, ``integer`` a number, ``iri`` ``<…>``.  The text that comes out is
ordinary SPARQL 1.1 that any endpoint can run (``kg push`` checks that).

>>> q = CannedQuery("t", "", "", (Param("township", "zh", "色务乡", ""),), "SELECT * { ?t rdfs:label $township }", None)
>>> bind(q, {})
'SELECT * { ?t rdfs:label "色务乡"@zh }'
>>> bind(q, {"township": '加勤"乡'})
'SELECT * { ?t rdfs:label "加勤\\\\"乡"@zh }'

Queries run over the union of all graphs of ``OUT/store``, in a worker
process that is killed when the timeout passes, and stop with an error
when the result grows past the limit (:func:`run`).
"""
from __future__ import annotations

import hashlib
import json
import marshal
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from pyoxigraph import BlankNode, Literal, NamedNode

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
DEFAULT_TIMEOUT = 120.0
DEFAULT_LIMIT = 100_000

PREFIXES = {
    "fz": "https://w3id.org/fazhi-kg/ont#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
PARAM_KINDS = ("zh", "string", "integer", "iri")
_HEADER = re.compile(r"#\s*(title|description|param):\s*(.*)")


class QueryError(Exception):
    """A query that cannot run: bad syntax, unknown name or parameter, timeout, too large a result."""


class QueryTimeout(QueryError):
    pass


class ResultTooLarge(QueryError):
    pass


@dataclass(frozen=True)
class Param:
    name: str
    kind: str           # zh | string | integer | iri
    default: Optional[str]
    help: str


@dataclass(frozen=True)
class CannedQuery:
    name: str
    title: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Optional[Path]


# --- canned queries ----------------------------------------------------------------------------

def parse_canned(path: Path) -> CannedQuery:
    """Read a ``.rq`` file with its comment header."""
    text = path.read_text(encoding="utf-8")
    title, description, params = "", [], []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.groups()
        if key == "title":
            title = value.strip()
        elif key == "description":
            description.append(value.strip())
        else:
            parts = value.split(None, 3)
            if len(parts) < 2 or parts[1] not in PARAM_KINDS:
                raise QueryError(f"{path}: bad parameter line {line!r} (expected '# param: NAME KIND [DEFAULT] HELP', "
                                 f"KIND one of {', '.join(PARAM_KINDS)})")
            default = parts[2] if len(parts) > 2 and parts[2] != "-" else None
            params.append(Param(parts[0], parts[1], default, parts[3] if len(parts) > 3 else ""))
    return CannedQuery(path.stem, title, " ".join(description), tuple(params), text, path)


def canned(directory: Path = QUERY_DIR) -> dict[str, CannedQuery]:
    """Every canned query by name (the file name without ``.rq``)."""
    return {p.stem: parse_canned(p) for p in sorted(directory.glob("*.rq"))}


def render_param(kind: str, value: str) -> str:
    """A parameter value as a SPARQL term.

    >>> render_param("integer", "2024"), render_param("iri", "https://w3id.org/fazhi-kg/id/division/1")
    ('2024', '<https://w3id.org/fazhi-kg/id/division/1>')
    """
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", value.strip()):
            raise QueryError(f"{value!r} is not an integer")
        return value.strip()
    if kind == "iri":
        if re.search(r'[\s<>"{}|^`\\]', value):
            raise QueryError(f"{value!r} is not an IRI")
        return f"<{value}>"
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r") + '"'
    return quoted + ("@zh" if kind == "zh" else "")


def bind(query: CannedQuery, values: dict[str, str]) -> str:
    """The query text with every ``$param`` replaced by its value (or its default)."""
    known = {p.name: p for p in query.params}
    unknown = set(values) - set(known)
    if unknown:
        raise QueryError(f"query {query.name!r} has no parameter {', '.join(sorted(unknown))}; "
                         f"its parameters: {', '.join(known) or 'none'}")
    text = query.text
    for p in query.params:
        value = values.get(p.name, p.default)
        if value is None:
            raise QueryError(f"query {query.name!r} needs --param {p.name}=… ({p.help})")
        text = re.sub(r"\$" + re.escape(p.name) + r"\b", lambda _m: render_param(p.kind, value), text)
    return text


def with_prefixes(sparql: str) -> str:
    """Declare the usual prefixes (fz, rdfs, skos …) that the query uses without declaring,
    so the text runs on any SPARQL endpoint.

    >>> with_prefixes("SELECT * { ?s a fz:Report }").splitlines()[0]
    'PREFIX fz: <https://w3id.org/fazhi-kg/ont#>'
    """
    body = re.sub(r"#[^\n]*", "", sparql)     # not in comments
    missing = [p for p in PREFIXES
               if re.search(rf"(?<![\w:]){p}:", body) and not re.search(rf"PREFIX\s+{p}:", body, re.I)]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + sparql


def resolve(query: Optional[str], file: Optional[Path], params: dict[str, str]) -> tuple[str, str]:
    """(name for messages, SPARQL text) from a canned-query name, a file, or SPARQL text.

    The text keeps its lines (so an error's line number is the file's); the
    usual prefixes are supplied when it runs here, and :func:`with_prefixes`
    declares them for other endpoints.
    """
    if file is not None:
        try:
            cq = parse_canned(file)
        except OSError as exc:
            raise QueryError(f"cannot read {file}: {exc.strerror or exc}") from None
        return str(file), bind(cq, params)
    if not query:
        raise QueryError("give a SPARQL query, -f FILE.rq, or the name of a canned query (kg query --list)")
    queries = canned()
    if query in queries:
        return query, bind(queries[query], params)
    if re.fullmatch(r"[\w\-]+", query):
        raise QueryError(f"no canned query named {query!r}; `kg query --list` shows them")
    if params:
        adhoc = CannedQuery("query", "", "", tuple(Param(k, guess_kind(v), None, "") for k, v in params.items()), query, None)
        return "query", bind(adhoc, params)
    return "query", query


def guess_kind(value: str) -> str:
    """The kind of a parameter of an ad-hoc query: Chinese text is @zh, digits an integer, http… an IRI.

    >>> guess_kind("色务乡"), guess_kind("2024"), guess_kind("https://w3id.org/x"), guess_kind("abc")
    ('zh', 'integer', 'iri', 'string')
    """
    if re.search(r"[\u4e00-\u9fff]", value):
        return "zh"
    if re.fullmatch(r"[+-]?\d+", value):
        return "integer"
    if re.match(r"https?://", value):
        return "iri"
    return "string"


# --- running -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Result:
    """A query result as plain data (picklable, so a worker process can send it back).

    ``kind`` is ``select``, ``ask`` or ``graph``.  Terms are tuples:
    ``("uri", iri)``, ``("bnode", id)`` or ``("literal", value, language, datatype)``.
    """

    kind: str
    variables: tuple[str, ...] = ()
    rows: tuple[tuple, ...] = ()        # select: one tuple of terms (or None) per row; graph: (s, p, o)
    boolean: Optional[bool] = None


def _term(t) -> Optional[tuple]:
    # Called once per cell (137,000 times for a 34,000-row result): exact type checks, the
    # commonest kind first (3x faster than the isinstance chain with an import per call).
    cls = type(t)
    if cls is Literal:
        dt = t.datatype
        return ("literal", t.value, t.language, dt.value if dt is not None else None)
    if cls is NamedNode:
        return ("uri", t.value)
    if t is None:
        return None
    if cls is BlankNode:
        return ("bnode", t.value)
    return ("literal", str(t), None, None)   # RDF-star triple terms: shown as text


def execute(store, sparql: str, limit: int = DEFAULT_LIMIT, default_graph=None) -> Result:
    """Run ``sparql`` on a pyoxigraph store (its default graph: the union of the report graphs);
    ``limit`` 0 means none; ``default_graph`` lists graph IRIs to query instead."""
    from pyoxigraph import QueryBoolean, QuerySolutions

    try:
        if default_graph:
            res = store.query(sparql, prefixes=PREFIXES, default_graph=[NamedNode(g) for g in default_graph])
        else:
            res = store.query(sparql, prefixes=PREFIXES)   # the default graph is the union, as a set
    except SyntaxError as exc:
        raise QueryError(f"syntax error: {_position(exc, sparql)}") from None
    except (OSError, ValueError) as exc:
        raise QueryError(f"the query failed: {exc}") from None
    if isinstance(res, QueryBoolean):
        return Result("ask", boolean=bool(res))
    rows = []
    try:
        if isinstance(res, QuerySolutions):
            variables = tuple(v.value for v in res.variables)
            columns = range(len(variables))
            # Cells repeat (a province, a concept, a small count in row after row): each distinct
            # term is converted once (34,186 rows × 4 columns: 0.10 -> 0.05 s).
            seen: dict = {}

            def term(t):
                try:
                    return seen[t]
                except KeyError:
                    found = seen[t] = _term(t)
                    return found

            for sol in res:
                if limit and len(rows) >= limit:
                    raise ResultTooLarge(f"the result has more than {limit:,} rows; narrow the query or raise the limit")
                rows.append(tuple(term(sol[i]) for i in columns))
            return Result("select", variables, tuple(rows))
        for t in res:
            if limit and len(rows) >= limit:
                raise ResultTooLarge(f"the result has more than {limit:,} triples; narrow the query or raise the limit")
            rows.append((_term(t.subject), _term(t.predicate), _term(t.object)))
    except OSError as exc:
        raise QueryError(f"the query failed: {exc}") from None
    return Result("graph", ("subject", "predicate", "object"), tuple(rows))


def _position(exc: SyntaxError, sparql: str = "") -> str:
    """Where a query fails to parse, as 'line L, column C', with the line itself.

    Oxigraph's parser reports where it gave up, often the end of the query;
    rdflib's points at the start of the clause that does not parse, which is
    what a reader needs, so its position is preferred when it has one.
    """
    text = str(exc)
    m = re.match(r"error at (\d+):(\d+):\s*(.*)", text, re.S)
    line, col, why = (int(m.group(1)), int(m.group(2)), m.group(3)) if m else (None, None, text)
    try:
        from rdflib.plugins.sparql import prepareQuery

        prepareQuery(sparql, initNs=PREFIXES)
    except Exception as rexc:  # noqa: BLE001 - any parse failure with a position will do
        if getattr(rexc, "lineno", None):
            line, col = rexc.lineno, rexc.col
    if line is None:
        return why
    lines = sparql.splitlines()
    shown = f"\n    {lines[line - 1]}\n    {' ' * (col - 1)}^" if 0 < line <= len(lines) else ""
    return f"line {line}, column {col}: {why}{shown}"


def syntax_check(sparql: str) -> None:
    """Raise QueryError with line and column when ``sparql`` does not parse (no store needed)."""
    from pyoxigraph import Store

    try:
        Store().query(sparql, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"syntax error: {_position(exc, sparql)}") from None
    except Exception:
        pass


# Worker processes: a query that runs past its timeout is stopped by killing its process,
# the only way to stop a query inside Oxigraph.  A worker is ``python -m kg.query STORE``
# reading jobs on stdin and writing answers on stdout, both with marshal: the worker is this same
# interpreter, and an answer is plain tuples and strings, which marshal writes ten times faster
# than pickle (0.17 -> 0.02 s for the 34,186 rows of mechanism-adoption-by-province).

_FRAME = struct.Struct("<Q32s")     # a message's length and its BLAKE2b-256 digest


def send(f, value) -> None:
    """Write ``value`` (tuples, lists, strings, numbers, None) to a pipe, for :func:`receive`.

    Framed, so the reader takes the message in one read (marshal.load on a pipe reads object by
    object, 0.2 s slower for 34,000 rows); the digest lets the reader tell a damaged message
    from a sound one.  Also the answer of ``kg analyze``'s evidence process (kg/analysis/evidence.py).
    """
    data = marshal.dumps(value)
    f.write(_FRAME.pack(len(data), hashlib.blake2b(data, digest_size=32).digest()))
    f.write(data)
    f.flush()


def _read_exactly(f, size: int) -> memoryview:
    buf = memoryview(bytearray(size))
    got = 0
    while got < size:                   # a read from a pipe may return less than asked
        n = f.readinto(buf[got:])
        if not n:
            break
        got += n
    return buf[:got]


def receive(f):
    """What :func:`send` wrote.  EOFError: the stream ended before a message; ValueError: it
    ended inside one, or the bytes are not the ones sent.

    The length and digest are checked before anything is decoded: with the processes stopped
    now and then by ``py-spy --subprocesses``, a pipe ended after 68 KB to 165 MB of a 165 MB
    answer while its writer exited with status 0, and decoding what came raised
    UnicodeDecodeError (damage that decodes into wrong values is as possible).

    >>> import io
    >>> buf = io.BytesIO(); send(buf, [("implements", "s", "o", None, 12)])
    >>> receive(io.BytesIO(buf.getvalue()))
    [('implements', 's', 'o', None, 12)]
    >>> receive(io.BytesIO(buf.getvalue()[:-1]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: the stream ended after ... of ... bytes of a message
    >>> receive(io.BytesIO(b""))
    Traceback (most recent call last):
    EOFError
    """
    head = _read_exactly(f, _FRAME.size)
    if not head:
        raise EOFError
    if len(head) < _FRAME.size:
        raise ValueError(f"the stream ended inside a message's header ({len(head)} bytes)")
    size, digest = _FRAME.unpack(head)
    data = _read_exactly(f, size)
    if len(data) < size:
        raise ValueError(f"the stream ended after {len(data)} of {size} bytes of a message")
    if hashlib.blake2b(data, digest_size=32).digest() != digest:
        raise ValueError(f"the {size} bytes of a message are not the ones sent")
    return marshal.loads(data)


def _worker_loop(store_dir: str) -> None:
    import sys

    from pyoxigraph import Store

    try:
        store, failure = Store.read_only(store_dir), ""
    except OSError as exc:          # answered to every job: the caller names the cause
        store, failure = None, f"cannot open the store {store_dir}: {exc}"
    inp, outp = sys.stdin.buffer, sys.stdout.buffer
    while True:
        try:
            job = receive(inp)
        except EOFError:
            return
        if job is None:
            return
        sparql, limit, default_graph = job
        try:
            if store is None:
                raise QueryError(failure)
            result = execute(store, sparql, limit, default_graph)
            answer = ("ok", (result.kind, result.variables, result.rows, result.boolean))
        except QueryError as exc:
            answer = (type(exc).__name__, str(exc))
        except Exception as exc:  # noqa: BLE001 - reported to the caller, never a crash of the worker
            answer = ("QueryError", f"{type(exc).__name__}: {exc}")
        send(outp, answer)


class Worker:
    """One query process with the store open read-only; useless after a timeout (make a new one)."""

    def __init__(self, store_dir: str | Path):
        import subprocess
        import sys

        self.store_dir = str(store_dir)
        self.process = subprocess.Popen([sys.executable, "-m", "kg.query", self.store_dir],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def run(self, sparql: str, timeout: Optional[float], limit: int, default_graph=None) -> Result:
        import select

        try:
            send(self.process.stdin, (sparql, limit, tuple(default_graph) if default_graph else None))
        except OSError:
            self.kill()
            raise QueryError("the query process is gone") from None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout if timeout else None)
        if not ready:
            self.kill()
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped")
        try:
            status, payload = receive(self.process.stdout)
        except (EOFError, OSError, ValueError, TypeError):
            self.kill()
            raise QueryError("the query process died (out of memory?)") from None
        if status == "ok":
            return Result(*payload)
        raise {"QueryTimeout": QueryTimeout, "ResultTooLarge": ResultTooLarge}.get(status, QueryError)(payload)

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)
        for f in (self.process.stdin, self.process.stdout):
            try:
                f.close()
            except OSError:
                pass

    def close(self) -> None:
        # Killed, not sent EOF: the store is open read-only, so nothing is lost, and a worker
        # that has just answered 34,000 rows took 0.06 s to free them and exit (a query's
        # start-up and shut-down together are about 0.2 s).
        self.kill()


def run(out_dir: str | Path, sparql: str, *, timeout: Optional[float] = DEFAULT_TIMEOUT,
        limit: int = DEFAULT_LIMIT) -> Result:
    """Run ``sparql`` on the store of ``out_dir``.

    With a timeout the query runs in a worker process that is killed when
    the time is up (QueryTimeout); without one it runs here.
    """
    from kg.store import open_read_only, require_store

    syntax_check(sparql)               # a syntax error needs no store and no process
    if not timeout:
        return execute(open_read_only(out_dir), sparql, limit)
    # Only the worker opens the store (opening it here as well cost 0.05-0.08 s of a query's
    # start-up at 50,000 reports); a store it cannot open comes back as a QueryError naming it.
    worker = Worker(require_store(out_dir))
    try:
        return worker.run(sparql, timeout, limit)
    finally:
        worker.close()


# --- formats -----------------------------------------------------------------------------------

def term_text(t: Optional[tuple]) -> str:
    """The plain value (as in SPARQL CSV): IRI, literal text, or _:id."""
    if t is None:
        return ""
    return f"_:{t[1]}" if t[0] == "bnode" else t[1]


def term_nt(t: Optional[tuple]) -> str:
    """N-Triples syntax (as in SPARQL TSV)."""
    if t is None:
        return ""
    if t[0] == "uri":
        return f"<{t[1]}>"
    if t[0] == "bnode":
        return f"_:{t[1]}"
    value = '"' + t[1].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t") + '"'
    if t[2]:
        return f"{value}@{t[2]}"
    if t[3] and t[3] != "http://www.w3.org/2001/XMLSchema#string":
        return f"{value}^^<{t[3]}>"
    return value


def to_csv(result: Result, sep: str = ",") -> str:
    """SPARQL 1.1 CSV (``sep=","``) or TSV (``sep="\\t"``: N-Triples terms, ``?var`` header)."""
    import csv
    import io

    if result.kind == "ask":
        return ("_askResult\n" if sep == "," else "?_askResult\n") + ("true\n" if result.boolean else "false\n")
    buf = io.StringIO()
    if sep == ",":
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(result.variables)
        for row in result.rows:
            w.writerow([term_text(t) for t in row])
    else:
        buf.write("\t".join(f"?{v}" for v in result.variables) + "\n")
        for row in result.rows:
            buf.write("\t".join(term_nt(t) for t in row) + "\n")
    return buf.getvalue()


def to_json(result: Result) -> str:
    """SPARQL 1.1 Query Results JSON (for SELECT and ASK); CONSTRUCT as a list of s/p/o bindings."""
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)})

    def term(t):
        if t[0] == "uri":
            return {"type": "uri", "value": t[1]}
        if t[0] == "bnode":
            return {"type": "bnode", "value": t[1]}
        d = {"type": "literal", "value": t[1]}
        if t[2]:
            d["xml:lang"] = t[2]
        elif t[3] and t[3] != "http://www.w3.org/2001/XMLSchema#string":
            d["datatype"] = t[3]
        return d

    bindings = [{v: term(t) for v, t in zip(result.variables, row) if t is not None} for row in result.rows]
    return json.dumps({"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}, ensure_ascii=False)


def to_xml(result: Result) -> str:
    """SPARQL Query Results XML."""
    from xml.sax.saxutils import escape, quoteattr

    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out.append("</head>")
    if result.kind == "ask":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for row in result.rows:
            out.append("<result>")
            for v, t in zip(result.variables, row):
                if t is None:
                    continue
                if t[0] == "uri":
                    inner = f"<uri>{escape(t[1])}</uri>"
                elif t[0] == "bnode":
                    inner = f"<bnode>{escape(t[1])}</bnode>"
                elif t[2]:
                    inner = f'<literal xml:lang="{t[2]}">{escape(t[1])}</literal>'
                elif t[3] and t[3] != "http://www.w3.org/2001/XMLSchema#string":
                    inner = f"<literal datatype={quoteattr(t[3])}>{escape(t[1])}</literal>"
                else:
                    inner = f"<literal>{escape(t[1])}</literal>"
                out.append(f"<binding name={quoteattr(v)}>{inner}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>\n")
    return "\n".join(out)


def to_rdf(result: Result, fmt: str = "ttl") -> bytes:
    """A CONSTRUCT/DESCRIBE result as Turtle (prefixed, sorted), N-Triples, RDF/XML or JSON-LD."""
    from pyoxigraph import RdfFormat, Triple, serialize

    from kg.export import PREFIXES as EXPORT_PREFIXES

    def term(t):
        if t[0] == "uri":
            return NamedNode(t[1])
        if t[0] == "bnode":
            return BlankNode(t[1])
        if t[2]:
            return Literal(t[1], language=t[2])
        return Literal(t[1], datatype=NamedNode(t[3])) if t[3] else Literal(t[1])

    triples = sorted((Triple(term(s), term(p), term(o)) for s, p, o in result.rows), key=str)
    if fmt == "ttl":                     # the project's sorted writer: the same answer, the same bytes
        import io

        from pyoxigraph import Quad, Store

        from kg.export import write_turtle

        store, buf = Store(), io.BytesIO()
        store.extend(Quad(t.subject, t.predicate, t.object) for t in triples)
        write_turtle(store, buf)
        return buf.getvalue()
    formats = {"nt": RdfFormat.N_TRIPLES, "xml": RdfFormat.RDF_XML, "jsonld": RdfFormat.JSON_LD}
    return serialize(triples, format=formats[fmt], prefixes=EXPORT_PREFIXES if fmt in ("ttl", "xml") else None)


def short(t: Optional[tuple]) -> str:
    """A term for a table cell: prefixed IRIs, bare literals."""
    from kg.export import qname

    if t is None:
        return ""
    if t[0] == "uri":
        return qname(t[1]) or t[1]
    return term_text(t)


if __name__ == "__main__":
    import sys

    _worker_loop(sys.argv[1])
