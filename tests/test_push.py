"""kg push for real: an Oxigraph server and a Virtuoso server on 127.0.0.1, started and stopped here.

After each push the contract's acceptance queries (and the canned queries) run over HTTP on the
server and must give the same answers as the local store.  Both servers' default graph is the
union of their graphs as a bag (a label in two graphs matches twice), so answers are compared as
sets of rows, which is also how the acceptance checker compares them.
"""
import http.server
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest
import requests

from kg.build import build
from kg.push import PushError, Target, push, remote_select
from kg.query import bind, canned, run, with_prefixes
from kg.store import open_read_only

ROOT = Path(__file__).resolve().parent.parent
ACCEPTANCE = ROOT.parent / "shared" / "spec" / "acceptance"
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
VIRTUOSO = shutil.which("virtuoso-t")


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    build([ROOT / "seeds"], out, validate=False)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, proc: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server died: {log.read_text(errors='replace')[-2000:]}")
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    proc.kill()
    pytest.fail(f"the server did not start within {seconds} s: {log.read_text(errors='replace')[-2000:]}")


def _stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture()
def oxigraph(tmp_path):
    """An in-memory Oxigraph server whose default graph is the union of its graphs."""
    if not OXIGRAPH:
        pytest.skip("the oxigraph server is not installed (pip install oxigraph, see requirements)")
    port = _free_port()
    log = tmp_path / "oxigraph.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen([OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                                stdout=f, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/query", proc, log, 30)
    yield {"store": base + "/store", "update": base + "/update", "query": base + "/query", "auth": None}
    _stop(proc)


VIRTUOSO_INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DirsAllowed = .
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
CaseMode = 2
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {root}/vsp
ServerThreads = 10
MaxClientConnections = 10
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 60
"""


@pytest.fixture()
def virtuoso(tmp_path):
    """A new Virtuoso database on 127.0.0.1 (Debian's virtuoso-opensource-7-bin); writes need digest auth."""
    if not VIRTUOSO:
        pytest.skip("Virtuoso is not installed: apt-get install virtuoso-opensource-7-bin (system-packages.txt)")
    root = tmp_path / "virtuoso"
    (root / "db").mkdir(parents=True)
    (root / "vsp").mkdir()
    sql_port, http_port = _free_port(), _free_port()
    ini = root / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=root / "db", root=root, sql_port=sql_port, http_port=http_port))
    log = root / "server.log"
    with open(log, "wb") as f:
        proc = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=root, stdout=f, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    _wait(base + "/sparql", proc, log, 90)
    yield {"store": base + "/sparql-graph-crud-auth", "update": base + "/sparql-auth", "query": base + "/sparql",
           "auth": "digest:dba:dba"}
    _stop(proc)


# --- comparing answers -------------------------------------------------------------------------

def _norm(value):
    if value is None:
        return ""
    try:
        return format(Decimal(value).normalize(), "f")
    except (InvalidOperation, ValueError):
        return value.lower() if value in ("true", "false") else value


def _local(out, sparql):
    result = run(out, sparql, timeout=60)
    return {tuple(_norm(t[1] if t else None) for t in row) for row in result.rows}, result.variables


def _remote(server, sparql, variables):
    rows = remote_select(server["query"], with_prefixes(sparql), auth=None)
    return {tuple(_norm(_value(r.get(v))) for v in variables) for r in rows}


def _value(term):
    """Virtuoso writes xsd:boolean as 1/0: the value is the same."""
    if term is None:
        return None
    if term[3] == "http://www.w3.org/2001/XMLSchema#boolean":
        return {"1": "true", "0": "false"}.get(term[1], term[1])
    return term[1]


def _queries():
    found = []
    if ACCEPTANCE.exists():
        found += [(p.name, p.read_text(encoding="utf-8")) for p in sorted(ACCEPTANCE.glob("*.rq"))]
    return found


def _assert_same_answers(out, server, extra=()):
    queries = _queries() + list(extra)
    assert queries, "no acceptance queries found"
    for name, sparql in queries:
        local, variables = _local(out, sparql)
        assert _remote(server, sparql, variables) == local, name


def _remote_counts(server):
    rows = remote_select(server["query"], "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                         "FILTER(STRSTARTS(STR(?g), 'https://w3id.org/fazhi-kg/')) } GROUP BY ?g")
    return {r["g"][1]: int(r["n"][1]) for r in rows}


def _local_counts(out):
    from pyoxigraph import NamedNode
    store = open_read_only(out)
    return {g.value: sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()
            if isinstance(g, NamedNode)}


CANNED = [(n, bind(q, {"min": "0"} if n == "mechanisms-in-many-provinces" else {}))
                      for n, q in canned().items() if not n.endswith("-graph")]


# --- Oxigraph ----------------------------------------------------------------------------------

@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_push_to_oxigraph_gives_the_same_answers(seeds, oxigraph, protocol):
    endpoint = oxigraph["store"] if protocol == "gsp" else oxigraph["update"]
    result = push(seeds, Target(endpoint, protocol, batch=700))
    assert result.pushed == result.graphs == len(_local_counts(seeds))
    assert result.requests > result.graphs                        # graphs larger than a batch went in several
    assert _remote_counts(oxigraph) == _local_counts(seeds)
    _assert_same_answers(seeds, oxigraph, CANNED)
    again = push(seeds, Target(endpoint, protocol, batch=700))     # nothing changed: nothing is sent
    assert again.pushed == 0 and again.unchanged == result.graphs and again.requests == 0


def test_push_into_one_named_graph(seeds, oxigraph):
    graph = "https://example.org/fazhi"
    push(seeds, Target(oxigraph["store"], graph=graph, batch=3000))
    union = sum(1 for _ in open_read_only(seeds).quads_for_pattern(None, None, None, __import__("pyoxigraph").DefaultGraph()))
    rows = remote_select(oxigraph["query"], f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert int(rows[0]["n"][1]) == union
    _assert_same_answers(seeds, oxigraph)


# --- Virtuoso ----------------------------------------------------------------------------------

@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_push_to_virtuoso_gives_the_same_answers(seeds, virtuoso, protocol):
    endpoint = virtuoso["store"] if protocol == "gsp" else virtuoso["update"]
    result = push(seeds, Target(endpoint, protocol, auth=virtuoso["auth"], batch=2000))
    assert result.pushed == result.graphs
    assert _remote_counts(virtuoso) == _local_counts(seeds)
    _assert_same_answers(seeds, virtuoso, CANNED)


def test_virtuoso_without_credentials_is_refused_with_a_hint(seeds, virtuoso):
    with pytest.raises(PushError) as e:
        push(seeds, Target(virtuoso["store"].replace("-auth", ""), "gsp"))
    assert "403" in str(e.value) and "--auth" in str(e.value)


# --- failures ----------------------------------------------------------------------------------

class _Flaky(http.server.ThreadingHTTPServer):
    """A proxy in front of a real server that answers ``status`` to request number ``fail_at``."""

    def __init__(self, target: str, fail_at: int, status: int):
        self.target, self.fail_at, self.status, self.seen = target, fail_at, status, 0
        self.forwarded = []
        super().__init__(("127.0.0.1", 0), _FlakyHandler)


class _FlakyHandler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _any(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.seen += 1
        if self.server.seen == self.server.fail_at:
            msg = b"Internal Server Error: disk full" if self.server.status == 500 else b"Unauthorized"
            self.send_response(self.server.status)
            self.send_header("Content-Length", str(len(msg)))
            self.end_headers()
            self.wfile.write(msg)
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")}
        resp = requests.request(self.command, self.server.target + self.path, data=body, headers=headers, timeout=60)
        self.server.forwarded.append(self.path)
        self.send_response(resp.status_code)
        self.send_header("Content-Length", str(len(resp.content)))
        self.end_headers()
        self.wfile.write(resp.content)

    do_PUT = do_POST = do_GET = _any


@pytest.fixture()
def flaky(oxigraph):
    servers = []

    def make(fail_at, status):
        base = oxigraph["store"].rsplit("/", 1)[0]
        proxy = _Flaky(base, fail_at, status)
        threading.Thread(target=proxy.serve_forever, daemon=True).start()
        servers.append(proxy)
        return proxy, f"http://127.0.0.1:{proxy.server_address[1]}"
    yield make
    for s in servers:
        s.shutdown()
        s.server_close()


@pytest.mark.parametrize("protocol", ["gsp", "update"])
def test_a_500_halfway_says_how_far_it_got_and_a_rerun_finishes_without_duplicates(seeds, oxigraph, flaky, protocol):
    proxy, base = flaky(fail_at=5, status=500)
    endpoint = base + ("/store" if protocol == "gsp" else "/update")
    target = Target(endpoint, protocol, batch=700)
    with pytest.raises(PushError) as e:
        push(seeds, target)
    message = str(e.value)
    assert "500" in message and "disk full" in message
    assert "pushed " in message and " graphs before this" in message and "Run the same command again" in message
    sent_before = list(proxy.forwarded)
    assert len(sent_before) == 4           # derived (1 request), gazetteer (1) and ontology (2) went through, the 5th failed
    result = push(seeds, target)                                       # the retry
    assert result.unchanged == 3 and result.pushed + result.unchanged == result.graphs
    if protocol == "gsp":                  # the graph names are in the URL: the finished ones are not sent again
        again = proxy.forwarded[len(sent_before):]
        assert not any("derived" in p or "gazetteer" in p or "ontology" in p for p in again), again
    assert _remote_counts(oxigraph) == _local_counts(seeds)            # every triple once
    _assert_same_answers(seeds, oxigraph)


def test_a_401_names_the_fix(seeds, flaky):
    _, base = flaky(fail_at=1, status=401)
    with pytest.raises(PushError) as e:
        push(seeds, Target(base + "/store"))
    assert "401" in str(e.value) and "--auth" in str(e.value) and "pushed 0 of" in str(e.value)


def test_an_unreachable_endpoint(seeds):
    port = _free_port()
    with pytest.raises(PushError) as e:
        push(seeds, Target(f"http://127.0.0.1:{port}/store", timeout=5))
    assert f"cannot reach http://127.0.0.1:{port}/store" in str(e.value) and "connection refused" in str(e.value)
