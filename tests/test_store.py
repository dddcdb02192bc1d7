"""The corpus store: one graph per report, the union as a set, incremental and crash-safe builds."""
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Store

import kg.build
import kg.store
from kg.build import build, pipeline_fingerprint  # noqa: F401 (the real one, before tests patch it)
from kg.store import GRAPH_DERIVED, CorpusStore, Entry, open_read_only

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
EX = "https://example.org/"


@pytest.fixture(autouse=True)
def stable_pipeline(monkeypatch):
    """Other work on the code base must not look like a changed pipeline in the middle of a test."""
    monkeypatch.setattr(kg.build, "pipeline_fingerprint", lambda: "f" * 64)


def _t(s, p, o):
    return NamedNode(EX + s), NamedNode(EX + p), Literal(o)


def _union_is_set_of_named(store: Store) -> None:
    named = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, None)
             if not isinstance(q.graph_name, DefaultGraph)}
    default = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, DefaultGraph())}
    assert default == named


def test_default_graph_is_the_union_of_the_report_graphs_as_a_set(tmp_path):
    with CorpusStore.open(tmp_path) as cs:
        shared = _t("township", "label", "加勤乡")
        a = cs.put_report(Entry("a" * 64, "a.txt", EX + "g/a", "{}"), [shared, _t("a", "p", "1")])
        b = cs.put_report(Entry("b" * 64, "b.txt", EX + "g/b", "{}"), [shared, _t("b", "p", "2")])
        assert (a.triples, b.triples) == (2, 2)
        assert cs.count() == 3                                  # the shared label once
        _union_is_set_of_named(cs.store)
        cs.drop_report(a)
        assert shared in {(q.subject, q.predicate, q.object) for q in cs.store.quads_for_pattern(None, None, None, DefaultGraph())}
        assert cs.count() == 2 and [e.path for e in cs.entries()] == ["b.txt"]
        _union_is_set_of_named(cs.store)
        cs.drop_report(b)
        assert cs.count() == 0 and cs.graph_names() == []


def test_orphan_graphs_are_dropped(tmp_path):
    with CorpusStore.open(tmp_path) as cs:
        cs._add(EX + "g/orphan", [_t("o", "p", "x")])          # a graph whose manifest row was never written
        cs.put_report(Entry("c" * 64, "c.txt", EX + "g/c", "{}"), [_t("c", "p", "y")])
        assert cs.drop_orphans() == [EX + "g/orphan"]
        assert cs.graph_names() == [EX + "g/c"] and cs.count() == 1
        _union_is_set_of_named(cs.store)


def test_blank_nodes_survive_a_shared_graph(tmp_path):
    with CorpusStore.open(tmp_path) as cs:
        b = BlankNode()
        cs.replace_graph(EX + "g/onto", [(NamedNode(EX + "x"), NamedNode(EX + "p"), b), (b, NamedNode(EX + "q"), Literal("1"))])
        assert cs.count() == 2
        cs.replace_graph(EX + "g/onto", [(NamedNode(EX + "x"), NamedNode(EX + "p"), Literal("2"))])
        assert cs.count() == 1
        _union_is_set_of_named(cs.store)


def test_open_read_only_names_the_folder(tmp_path):
    with pytest.raises(Exception) as e:
        open_read_only(tmp_path / "nothing")
    assert "nothing" in str(e.value) and "kg build" in str(e.value)


def test_a_store_held_by_another_process_is_named_with_the_likely_holder(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]);"
                               " print('held', flush=True); sys.stdin.read()", str(kg.store.store_path(tmp_path))],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(kg.store.StoreError) as e:
            CorpusStore.open(tmp_path)
    finally:
        holder.communicate("")
    assert str(kg.store.store_path(tmp_path)) in str(e.value)
    assert "another `kg build`" in str(e.value)


def test_a_store_that_cannot_be_opened_for_another_cause_does_not_blame_another_process(tmp_path):
    kg.store.store_path(tmp_path).write_text("not a folder")
    with pytest.raises(kg.store.StoreError) as e:
        CorpusStore.open(tmp_path)
    assert "not a directory" in str(e.value)
    assert "another" not in str(e.value)


# --- incremental builds ------------------------------------------------------------------------

def _named_quads(out: Path) -> set:
    """Every quad of the report and shared graphs, blank nodes replaced by a placeholder
    (their labels are the store's own; their content is compared through graph.ttl)."""
    store = open_read_only(out)
    rows = set()
    for q in store.quads_for_pattern(None, None, None, None):
        parts = ["_:b" if isinstance(t, BlankNode) else str(t) for t in (q.subject, q.predicate, q.object, q.graph_name)]
        rows.add(tuple(parts))
    return rows


def _manifest(out: Path) -> list:
    db = sqlite3.connect(out / "manifest.sqlite")
    try:
        return sorted(db.execute("SELECT sha256, graph, summary, triples FROM report"))
    finally:
        db.close()


def _assert_same_build(a: Path, b: Path) -> None:
    assert (a / "graph.ttl").read_bytes() == (b / "graph.ttl").read_bytes()
    assert _named_quads(a) == _named_quads(b)
    assert _manifest(a) == _manifest(b)


@pytest.fixture()
def corpus(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for p in SEEDS[:4]:
        shutil.copy(p, folder / p.name)
    return folder


def test_incremental_build_equals_a_build_from_scratch(tmp_path, corpus, monkeypatch):
    inc = tmp_path / "inc"
    first = build([corpus], inc, validate=False)
    assert first.extracted == 4 and first.reused == 0

    # one file changed, one deleted, one added
    changed = corpus / SEEDS[1].name
    changed.write_text(changed.read_text(encoding="utf-8").replace("2024年", "2023年", 1), encoding="utf-8")
    (corpus / SEEDS[2].name).unlink()
    shutil.copy(SEEDS[4], corpus / SEEDS[4].name)

    calls = []
    real = kg.build.process
    monkeypatch.setattr(kg.build, "process", lambda path, gaz=None, **kw: calls.append(Path(path).name) or real(path, gaz, **kw))
    second = build([corpus], inc, validate=False)
    assert sorted(calls) == sorted([SEEDS[1].name, SEEDS[4].name])     # only what changed is read again
    assert (second.extracted, second.reused, second.removed) == (2, 2, 2)
    assert second.reports == 4

    scratch = build([corpus], tmp_path / "scratch", validate=False)
    assert scratch.triples == second.triples
    _assert_same_build(inc, tmp_path / "scratch")


def test_a_first_build_compacts_the_store_and_a_small_change_does_not(tmp_path, corpus, monkeypatch):
    out = tmp_path / "out"
    first = build([corpus], out, validate=False, turtle=False)
    assert first.compacted

    calls = []
    with monkeypatch.context() as m:
        m.setattr(CorpusStore, "compact", lambda self: calls.append(self.out_dir))
        for p in SEEDS[4:]:
            shutil.copy(p, corpus / p.name)                     # 1 new report of 5: under a quarter
        second = build([corpus], out, validate=False, turtle=False)
        assert second.extracted == 1 and not second.compacted and calls == []
        third = build([corpus], out, validate=False, turtle=False, compact=True)   # asked for: even with nothing new
        assert third.extracted == 0 and third.compacted and calls == [out]

    # compaction leaves the content as it was: the same quads as a build that never compacts
    plain = build([corpus], tmp_path / "plain", validate=False, turtle=False, compact=False)
    assert not plain.compacted
    again = build([corpus], tmp_path / "again", validate=False, turtle=False, compact=True)
    assert again.compacted and _named_quads(tmp_path / "again") == _named_quads(tmp_path / "plain")


def test_an_unchanged_corpus_reads_nothing_and_keeps_graph_ttl(tmp_path, corpus, monkeypatch):
    out = tmp_path / "out"
    build([corpus], out, validate=False)
    before = (out / "graph.ttl").stat().st_mtime_ns
    monkeypatch.setattr(kg.build, "process", lambda *a: pytest.fail("nothing changed, nothing is read"))
    again = build([corpus], out, validate=False)
    assert again.extracted == 0 and again.reused == 4
    assert (out / "graph.ttl").stat().st_mtime_ns == before


def test_a_renamed_file_is_recorded_under_its_new_name(tmp_path, corpus):
    out = tmp_path / "out"
    build([corpus], out, validate=False)
    (corpus / SEEDS[0].name).rename(corpus / "renamed.txt")
    build([corpus], out, validate=False)
    assert "renamed.txt" in (out / "graph.ttl").read_text(encoding="utf-8")
    assert SEEDS[0].name not in (out / "graph.ttl").read_text(encoding="utf-8")
    build([corpus], tmp_path / "scratch", validate=False)
    _assert_same_build(out, tmp_path / "scratch")


def test_the_fingerprint_follows_the_code_and_the_vocabularies(tmp_path, monkeypatch):
    real_fingerprint = pipeline_fingerprint

    pkg, onto = tmp_path / "kg", tmp_path / "ontology"
    (pkg / "data").mkdir(parents=True)
    onto.mkdir()
    (pkg / "emit.py").write_text("x = 1\n")
    (pkg / "query.py").write_text("y = 1\n")
    (onto / "mechanisms.ttl").write_text("# v1\n")
    (onto / "shapes.ttl").write_text("# v1\n")
    monkeypatch.setattr(kg.build, "PACKAGE_DIR", pkg)
    monkeypatch.setattr(kg.build, "ONTOLOGY_DIR", onto)
    base = real_fingerprint()
    (pkg / "query.py").write_text("y = 2\n")            # output-only module: same pipeline
    (onto / "shapes.ttl").write_text("# v2\n")          # shapes do not change what a build writes
    assert real_fingerprint() == base
    (onto / "mechanisms.ttl").write_text("# v2\n")
    assert real_fingerprint() != base
    (onto / "mechanisms.ttl").write_text("# v1\n")
    (pkg / "emit.py").write_text("x = 2\n")
    assert real_fingerprint() != base


def test_a_deleted_store_folder_is_rebuilt_from_the_files(tmp_path, corpus):
    out = tmp_path / "out"
    build([corpus], out, validate=False)
    shutil.rmtree(out / "store")                         # e.g. `make clean` left the manifest behind
    again = build([corpus], out, validate=False)
    assert again.extracted == 4 and again.reports == 4
    build([corpus], tmp_path / "scratch", validate=False)
    _assert_same_build(out, tmp_path / "scratch")


def test_a_changed_pipeline_rebuilds_everything(tmp_path, corpus, monkeypatch):
    out = tmp_path / "out"
    build([corpus], out, validate=False)
    monkeypatch.setattr(kg.build, "pipeline_fingerprint", lambda: "0" * 64)
    again = build([corpus], out, validate=False)
    assert again.rebuilt_all and again.extracted == 4


def test_derived_facts_follow_the_reports(tmp_path, corpus, monkeypatch):
    """Corpus-level facts are recomputed from the persisted summaries, not from the files."""
    from rdflib import Literal as L, URIRef
    from rdflib.namespace import RDFS

    def one_per_report(summaries):
        return [(URIRef(s.report), RDFS.comment, L(f"derived from {s.source_file} of {len(summaries)}")) for s in summaries]

    monkeypatch.setattr("kg.derive.derivers", lambda: {"test": one_per_report})
    out = tmp_path / "out"
    build([corpus], out, validate=False)
    (corpus / SEEDS[0].name).unlink()
    build([corpus], out, validate=False)
    store = open_read_only(out)
    derived = sorted(q.object.value for q in store.quads_for_pattern(None, None, None, NamedNode(GRAPH_DERIVED)))
    assert derived == sorted(f"derived from {p.name} of 3" for p in SEEDS[1:4])


# --- crash safety ------------------------------------------------------------------------------

def test_an_exception_between_batches_leaves_a_store_the_next_build_completes(tmp_path, corpus, monkeypatch):
    from kg.store import BatchWriter

    out = tmp_path / "out"
    real = BatchWriter.submit
    calls = {"n": 0}

    def flaky(self, batch):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt            # Ctrl-C while the first batch loads
        return real(self, batch)

    monkeypatch.setattr(BatchWriter, "submit", flaky)
    with pytest.raises(KeyboardInterrupt):
        build([corpus], out, validate=False, batch=2)
    monkeypatch.setattr(BatchWriter, "submit", real)
    assert len(_manifest(out)) == 2
    resumed = build([corpus], out, validate=False)
    assert resumed.extracted == 2 and resumed.reused == 2
    build([corpus], tmp_path / "scratch", validate=False)
    _assert_same_build(out, tmp_path / "scratch")


def test_an_interruption_inside_the_shared_graphs_is_redone(tmp_path, corpus, monkeypatch):
    """Cut in the middle of the derived graph, after some of its blocks were written."""
    out = tmp_path / "out"
    real = CorpusStore.replace_blocks
    given = []

    def broken(self, graph, blocks):
        def some():
            for block in blocks:
                if len(given) == 5:
                    raise KeyboardInterrupt
                given.append(block.key)
                yield block
        return real(self, graph, some())

    monkeypatch.setattr(kg.store, "_CHUNK", 3)              # rows are written before the cut
    monkeypatch.setattr(CorpusStore, "replace_blocks", broken)
    with pytest.raises(KeyboardInterrupt):
        build([corpus], out, validate=False)
    assert len(given) == 5
    with sqlite3.connect(out / "manifest.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM shared_block").fetchone()[0] >= 3
    monkeypatch.setattr(CorpusStore, "replace_blocks", real)
    build([corpus], out, validate=False)
    build([corpus], tmp_path / "scratch", validate=False)
    _assert_same_build(out, tmp_path / "scratch")


def test_a_killed_build_process_is_completed_by_the_next_build(tmp_path, corpus, monkeypatch):
    monkeypatch.setattr(kg.build, "pipeline_fingerprint", pipeline_fingerprint)   # the one the subprocess computes
    out = tmp_path / "out"
    for i in range(2):                       # more reports, so that the kill lands in the middle
        for p in SEEDS[:4]:
            text = p.read_text(encoding="utf-8")
            (corpus / f"copy{i}-{p.name}").write_text(text + "\n" * (i + 1), encoding="utf-8")
    proc = subprocess.Popen([str(Path(sys.executable).parent / "kg"), "build", str(corpus), "--out", str(out),
                             "--no-progress", "--no-validate", "--batch", "3"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    rows = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if (out / "manifest.sqlite").exists():
            try:
                rows = len(_manifest(out))
            except sqlite3.Error:
                rows = 0
            if rows >= 3:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "the build finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert 3 <= len(_manifest(out)) < 12
    resumed = build([corpus], out, validate=False)
    assert resumed.reused >= 3 and resumed.reports == 12
    build([corpus], tmp_path / "scratch", validate=False)
    _assert_same_build(out, tmp_path / "scratch")


@pytest.mark.parametrize("remembered", [True, False], ids=["rows-in-manifest", "rows-read-from-store"])
def test_replacing_a_shared_graph_writes_only_the_difference(tmp_path, monkeypatch, remembered):
    """A derived graph after one changed report: what stays is not rewritten, even text that
    needs escaping (its form read back from the store must equal the form written), whether
    the previous rows are known from the manifest or, when it cannot be trusted, read back."""
    from rdflib import Literal as L, URIRef

    tricky = (URIRef(EX + "p1"), URIRef(EX + "quote"), L('他说："依法\t治\n乡"\x01', lang="zh"))
    old = [tricky, (URIRef(EX + "p2"), URIRef(EX + "n"), L(2))]
    new = [tricky, (URIRef(EX + "p3"), URIRef(EX + "n"), L(3))]
    with CorpusStore.open(tmp_path) as cs:
        cs.replace_graph(GRAPH_DERIVED, old)
        if not remembered:
            cs.set_state(f"rows:{GRAPH_DERIVED}", None)     # as after a kill in the middle
        removed, added = [], []
        real_remove = CorpusStore._remove_rows
        monkeypatch.setattr(CorpusStore, "_remove_rows", lambda self, g, rows: removed.extend(rows) or real_remove(self, g, rows))
        cs.store = _Spy(cs.store, added)
        cs.replace_graph(GRAPH_DERIVED, new)
        assert [r.split()[0] for r in removed] == [f"<{EX}p2>"]
        assert [line.split()[0] for line in added if line.endswith(f"<{GRAPH_DERIVED}> .")] == [f"<{EX}p3>"]
        cs.store = cs.store.inner
        assert cs.count(GRAPH_DERIVED) == 2 and cs.count() == 2
        _union_is_set_of_named(cs.store)
        # a third write after either path can trust the manifest again
        assert cs.get_state(f"rows:{GRAPH_DERIVED}") == "1"
        cs.replace_graph(GRAPH_DERIVED, old)
        assert cs.count(GRAPH_DERIVED) == 2 and cs.count() == 2
        assert {t.object.value for t in cs.store.quads_for_pattern(None, None, None, NamedNode(GRAPH_DERIVED))} == {
            '他说："依法\t治\n乡"\x01', "2"}


def _assert_shared_rows(cs: CorpusStore, graph: str, n: int) -> None:
    """The graph holds n triples, the union too, and the manifest one row for each."""
    assert cs.count(graph) == n and cs.count() == n
    assert cs.db.execute("SELECT COUNT(*), COUNT(DISTINCT digest) FROM shared_row WHERE graph = ?", (graph,)).fetchone() == (n, n)
    _union_is_set_of_named(cs.store)


@pytest.mark.parametrize("remembered", [True, False], ids=["rows-in-manifest", "rows-read-from-store"])
def test_a_triple_yielded_twice_chunks_apart_is_one_row(tmp_path, monkeypatch, remembered):
    """The derivers may yield a triple again long after its first time, in a later chunk: it is
    still one triple and one manifest row (or the next build would not trust the rows), and
    counts once in the number returned; triples kept, added and removed alike."""
    monkeypatch.setattr(kg.store, "_CHUNK", 3)
    first = [_t(f"s{i}", "p", str(i)) for i in range(10)]
    second = [_t(f"s{i}", "p", str(i)) for i in [*range(6), *range(10, 15)]]     # 6–9 removed, 10–14 added
    with CorpusStore.open(tmp_path) as cs:
        assert cs.replace_graph(GRAPH_DERIVED, first + first[:4] + first[::-1] + first) == 10
        _assert_shared_rows(cs, GRAPH_DERIVED, 10)
        if not remembered:
            cs.set_state(f"rows:{GRAPH_DERIVED}", None)     # as after a kill in the middle
        assert cs.replace_graph(GRAPH_DERIVED, second + [second[7], second[1]] + second[::-1] + second) == 11
        _assert_shared_rows(cs, GRAPH_DERIVED, 11)
        assert sorted(int(q.object.value) for q in cs.store.quads_for_pattern(None, None, None, NamedNode(GRAPH_DERIVED))) == [
            *range(6), *range(10, 15)]
        assert cs.get_state(f"rows:{GRAPH_DERIVED}") == "1"
        assert cs.replace_graph(GRAPH_DERIVED, first * 3) == 10         # and back, trusting the rows
        _assert_shared_rows(cs, GRAPH_DERIVED, 10)


@pytest.mark.parametrize("remembered", [True, False], ids=["rows-in-manifest", "rows-read-from-store"])
def test_digests_with_nul_bytes_are_compared_whole(tmp_path, monkeypatch, remembered):
    """numpy strips trailing NUL bytes off a fixed-width bytes item: digests that end in them
    (or hold them inside) must still match their manifest rows, and removals find them."""
    real = kg.store._digest

    def with_nuls(row: str) -> bytes:
        d = real(row)
        return d[:3] + bytes(5) + d[3:6] + bytes(5)             # 48 bits still tell the rows apart

    monkeypatch.setattr(kg.store, "_digest", with_nuls)
    monkeypatch.setattr(kg.store, "_CHUNK", 4)
    first = [_t(f"s{i}", "p", str(i)) for i in range(12)]
    second = first[:5] + [_t(f"s{i}", "p", str(i)) for i in range(20, 24)]
    with CorpusStore.open(tmp_path) as cs:
        assert cs.replace_graph(GRAPH_DERIVED, first + first[::-1]) == 12
        _assert_shared_rows(cs, GRAPH_DERIVED, 12)
        assert cs.db.execute("SELECT MIN(length(digest)), MAX(length(digest)) FROM shared_row").fetchone() == (16, 16)
        if not remembered:
            cs.set_state(f"rows:{GRAPH_DERIVED}", None)
        assert cs.replace_graph(GRAPH_DERIVED, second + second) == 9
        _assert_shared_rows(cs, GRAPH_DERIVED, 9)
        assert sorted(int(q.object.value) for q in cs.store.quads_for_pattern(None, None, None, NamedNode(GRAPH_DERIVED))) == [
            *range(5), *range(20, 24)]
        assert cs.get_state(f"rows:{GRAPH_DERIVED}") == "1"


def test_the_previous_digests_live_in_scratch_files_that_are_removed_after(tmp_path, monkeypatch):
    """While a shared graph is replaced its previous digests are in a scratch folder under
    DIR/tmp (not on the heap), gone afterwards; one a killed build left there is removed."""
    import kg.scratch

    monkeypatch.setattr(kg.store, "_CHUNK", 3)
    stale = tmp_path / kg.store.SCRATCH_DIR / "scratch-killed"
    stale.mkdir(parents=True)
    (stale / "old").write_bytes(bytes(64))
    folders = []
    real = kg.scratch.Scratch

    def spy(parent):
        s = real(parent)
        folders.append(s.folder)
        return s

    monkeypatch.setattr(kg.scratch, "Scratch", spy)
    first = [_t(f"s{i}", "p", str(i)) for i in range(10)]
    with CorpusStore.open(tmp_path) as cs:
        cs.replace_graph(GRAPH_DERIVED, first)
        assert cs.replace_graph(GRAPH_DERIVED, first[2:] + [_t("s99", "p", "99")]) == 9
        _assert_shared_rows(cs, GRAPH_DERIVED, 9)
    assert len(folders) == 2 and all(f.parent == tmp_path / kg.store.SCRATCH_DIR for f in folders)
    assert not (tmp_path / kg.store.SCRATCH_DIR).exists()


def test_a_file_loads_into_its_graph_and_the_default_graph_blank_nodes_alike(tmp_path):
    """An ontology file, blank nodes and a triple twice included: each triple once in the named
    graph, the default graph the union as a set, the blank node the same node in both."""
    ttl = tmp_path / "o.ttl"
    ttl.write_text('@prefix ex: <https://example.org/> .\n'
                   'ex:A ex:label "甲"@zh ; ex:restriction [ ex:on ex:p ; ex:min 1 ] .\n'
                   'ex:A ex:label "甲"@zh .\n', encoding="utf-8")
    with CorpusStore.open(tmp_path / "out") as cs:
        assert cs.load_file(EX + "g/ontology", ttl) == 4
        assert cs.count(EX + "g/ontology") == 4 and cs.count() == 4
        _union_is_set_of_named(cs.store)
        assert cs.get_state("loading") is None
        rows = list(cs.store.query("SELECT ?b WHERE { GRAPH ?g { ?a <https://example.org/restriction> ?b } "
                                   "?b <https://example.org/min> ?n }"))
        assert len(rows) == 1 and isinstance(rows[0]["b"], BlankNode)


class _Spy:
    """A store whose loads also record the N-Quads lines they are given."""

    def __init__(self, inner, lines):
        self.inner, self.lines = inner, lines

    def load(self, data, *args, **kwargs):
        self.lines.extend(data.decode("utf-8").splitlines())
        return self.inner.load(data, *args, **kwargs)

    def bulk_load(self, data, *args, **kwargs):
        self.lines.extend(data.decode("utf-8").splitlines())
        return self.inner.bulk_load(data, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_shared_graph_is_compared_with_the_store_when_the_store_was_replaced(tmp_path):
    """The manifest's rows of a shared graph describe one store: after the store folder is
    replaced, the rows are not trusted and the graph is written whole again."""
    import shutil
    from rdflib import Literal as L, URIRef

    rows = [(URIRef(EX + "p1"), URIRef(EX + "n"), L(1)), (URIRef(EX + "p2"), URIRef(EX + "n"), L(2))]
    with CorpusStore.open(tmp_path) as cs:
        cs.replace_graph(GRAPH_DERIVED, rows)
    shutil.rmtree(tmp_path / "store")
    with CorpusStore.open(tmp_path) as cs:
        cs.replace_graph(GRAPH_DERIVED, rows)
        assert cs.count(GRAPH_DERIVED) == 2 and cs.count() == 2


def test_a_cut_short_bulk_load_is_repaired(tmp_path):
    """A kill inside a bulk load can leave default-graph triples without their report graph,
    and a report graph without its manifest row: the next open repairs both."""
    from pyoxigraph import Quad

    with CorpusStore.open(tmp_path) as cs:
        cs.put_report(Entry("a" * 64, "a.txt", EX + "g/a", "{}"), [_t("a", "p", "1")])
        cs.set_state("loading", "1")                                   # as put_reports sets it
        cs.store.add(Quad(*_t("b", "p", "2"), NamedNode(EX + "g/b")))  # half of report b ...
        cs.store.add(Quad(*_t("b", "p", "3"), DefaultGraph()))         # ... and a stray copy
    with CorpusStore.open(tmp_path) as cs:
        assert cs.repair() == [EX + "g/b"]
        assert cs.graph_names() == [EX + "g/a"] and cs.count() == 1
        _union_is_set_of_named(cs.store)
        assert cs.get_state("loading") is None


def _rss_mb() -> float:
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists() or __import__("platform").libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's; RSS is read from /proc")
def test_trim_heap_hands_freed_pages_back_where_glibc_would_keep_them():
    """Freed blocks between live ones stay in the process until malloc_trim hands their pages back."""
    from kg.store import trim_heap

    blocks = [bytes(2000) + bytes([i % 256]) for i in range(100_000)]     # 200 MB in malloc'd blocks
    kept = blocks[::64]                                                   # one block pins each stretch
    del blocks
    before = _rss_mb()
    assert trim_heap() is True
    assert before - _rss_mb() > 100, (before, _rss_mb())
    assert len(kept) == 1563


def test_a_row_writer_forgets_iris_past_its_limit_and_still_writes_every_row():
    from rdflib import Literal as L, URIRef

    row = kg.store.row_writer(limit=100)
    p = URIRef("https://e/p")
    for i in range(1_000):                      # a derived graph: nearly every subject new
        s = URIRef(f"https://e/s{i}")
        assert row((s, p, L(str(i)))) == f'<https://e/s{i}> <https://e/p> "{i}"'
        assert row((s, p, NamedNode(f"https://e/o{i}"))) == f"<https://e/s{i}> <https://e/p> <https://e/o{i}>"
        assert len(row.iris) <= 100


def _block(name: str, *triples, made=None):
    """A derived block whose key is its name; ``made`` records each time its triples are made."""
    from kg.derive import Block, block_key

    def make():
        if made is not None:
            made.append(name)
        return list(triples)
    return Block(block_key(name), make)


@pytest.mark.parametrize("trusted", [True, False], ids=["rows-in-manifest", "after-a-kill"])
def test_replacing_blocks_makes_only_new_blocks_and_keeps_triples_another_block_holds(tmp_path, monkeypatch, trusted):
    """After one changed report most derived blocks come again: they are not made again; a block
    that did not come back takes its triples with it, except those another block still holds
    (or a report graph: the union keeps those).  After a kill the graph is written whole."""
    monkeypatch.setattr(kg.store, "_CHUNK", 2)
    t1, t2, t3, t4 = (_t(f"s{i}", "p", str(i)) for i in range(1, 5))
    with CorpusStore.open(tmp_path) as cs:
        cs.put_report(Entry("ab" * 32, "a.txt", EX + "report/a", "{}"), [t3])
        made = []
        assert cs.replace_blocks(GRAPH_DERIVED, [_block("A", t1, t2, t1, made=made), _block("B", t2, t3, made=made),
                                                 _block("A", t1, t2, made=made)]) == (2, 0)
        assert made == ["A", "B", "A"]
        assert cs.count(GRAPH_DERIVED) == 3
        if not trusted:
            cs.set_state(f"blocks:{GRAPH_DERIVED}", None)   # as after a kill in the middle
        made.clear()
        written, removed = cs.replace_blocks(GRAPH_DERIVED, [_block("B", t2, t3, made=made), _block("C", t4, made=made)])
        assert (written, removed) == ((1, 1) if trusted else (2, 0))
        assert made == (["C"] if trusted else ["B", "C"])
        values = sorted(q.object.value for q in cs.store.quads_for_pattern(None, None, None, NamedNode(GRAPH_DERIVED)))
        assert values == ["2", "3", "4"]
        _union_is_set_of_named(cs.store)
        # B goes: t3 stays in the union (the report holds it), t2 goes with the last block holding it
        assert cs.replace_blocks(GRAPH_DERIVED, [_block("C", t4)]) == (0, 1)
        assert cs.count(GRAPH_DERIVED) == 1
        assert sorted(q.object.value for q in cs.store.quads_for_pattern(None, None, None, DefaultGraph())) == ["3", "4"]
        _union_is_set_of_named(cs.store)
        assert cs.db.execute("SELECT COUNT(*) FROM block_row").fetchone()[0] == 1


def test_blocks_are_not_trusted_with_another_store(tmp_path):
    """The manifest's rows describe the store they were written with: with the store folder
    deleted behind its back, the derived graph is written again whole."""
    t1 = _t("s1", "p", "1")
    with CorpusStore.open(tmp_path) as cs:
        cs.replace_blocks(GRAPH_DERIVED, [_block("A", t1)])
    shutil.rmtree(tmp_path / "store")
    with CorpusStore.open(tmp_path) as cs:
        made = []
        assert cs.replace_blocks(GRAPH_DERIVED, [_block("A", t1, made=made)]) == (1, 0)
        assert made == ["A"] and cs.count(GRAPH_DERIVED) == 1 and cs.count() == 1


def test_a_derived_blank_node_is_refused_by_name(tmp_path):
    with CorpusStore.open(tmp_path) as cs:
        with pytest.raises(ValueError, match="blank node"):
            cs.replace_blocks(GRAPH_DERIVED, [_block("A", (BlankNode(), NamedNode(EX + "p"), Literal("1")))])


def test_the_index_of_reports_is_read_without_the_summaries(tmp_path):
    """index() is read several times a build: from a covering index, not from the table, whose
    rows carry each report's summary (at 10,000 reports 0.066 s a read, against 0.008 s)."""
    with CorpusStore.open(tmp_path) as cs:
        pass
    db = sqlite3.connect(tmp_path / kg.store.MANIFEST)        # a manifest of before the index
    db.execute("DROP INDEX report_index")
    db.execute("INSERT INTO report VALUES ('ab', 'a.txt', 'urn:g', ?, 7)", ("{}" * 5000,))
    db.commit()
    db.close()
    with CorpusStore.open(tmp_path) as cs:
        plan = " ".join(str(r) for r in cs.db.execute(
            "EXPLAIN QUERY PLAN SELECT sha256, path, graph, '', triples FROM report ORDER BY sha256"))
        assert "COVERING INDEX report_index" in plan
        assert cs.index() == [Entry("ab", "a.txt", "urn:g", "", 7)]
