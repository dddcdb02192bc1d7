"""kg.analysis.evidence: the evidence read by a second process is the evidence read in this one."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kg.analysis.evidence as evidence
from kg.analysis.corpus import read_corpus

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> Path:
    from kg.build import build

    out = tmp_path_factory.mktemp("seeds-evidence")
    build([ROOT / "seeds"], out, validate=False)
    return out


class _Recorder(subprocess.Popen):
    started: list = []

    def __init__(self, args, **kw):
        type(self).started.append(list(args))
        super().__init__(args, **kw)


@pytest.mark.parametrize("views", [False, True])
def test_the_second_process_reads_what_this_one_reads(seeds, monkeypatch, views):
    here = read_corpus(seeds, views=views)                       # 5 reports: read in this process
    assert sum(len(l.evidence) for l in here.links) > 20
    _Recorder.started = []
    monkeypatch.setattr(evidence, "PROCESS_REPORTS", 1)
    monkeypatch.setattr(evidence.subprocess, "Popen", _Recorder)
    there = read_corpus(seeds, views=views)
    assert [a[1:3] for a in _Recorder.started] == [["-m", "kg.analysis.evidence"]]
    assert there == here


def test_a_failed_process_is_reported_and_the_evidence_read_here(seeds, monkeypatch, capfd):
    here = read_corpus(seeds, views=False)

    class Failing(subprocess.Popen):
        def __init__(self, args, **kw):
            super().__init__([sys.executable, "-c", "import sys; sys.exit(3)"], **kw)

    monkeypatch.setattr(evidence, "PROCESS_REPORTS", 1)
    monkeypatch.setattr(evidence.subprocess, "Popen", Failing)
    assert read_corpus(seeds, views=False) == here
    assert "reading it here instead" in capfd.readouterr().err


def test_a_graph_in_memory_is_read_in_this_process(seeds, tmp_path, monkeypatch):
    (tmp_path / "graph.ttl").write_bytes((seeds / "graph.ttl").read_bytes())
    expected = read_corpus(seeds, views=False)
    monkeypatch.setattr(evidence, "PROCESS_REPORTS", 1)
    monkeypatch.setattr(evidence.subprocess, "Popen", None)          # would fail if called
    assert read_corpus(tmp_path, views=False) == expected


@pytest.mark.parametrize("damage", ["short", "altered"])
def test_damaged_rows_from_the_process_are_caught_and_read_here(seeds, monkeypatch, capfd, damage):
    """The stream arrives short, or as many bytes as were sent but not the same ones: caught by
    the length and the digest, never unpickled into wrong rows."""
    here = read_corpus(seeds, views=False)
    script = ("import io, sys, kg.query as q\n"
              "buf = io.BytesIO(); q.send(buf, [('implements', 's', 'o', 'q', 'r', None)])\n"
              "data = bytearray(buf.getvalue())\n"
              + ("del data[-7]\n" if damage == "short" else "data[-7] ^= 1\n")
              + "sys.stdout.buffer.write(bytes(data))\n")

    class Damaging(subprocess.Popen):
        def __init__(self, args, **kw):
            super().__init__([sys.executable, "-c", script], **kw)

    monkeypatch.setattr(evidence, "PROCESS_REPORTS", 1)
    monkeypatch.setattr(evidence.subprocess, "Popen", Damaging)
    assert read_corpus(seeds, views=False) == here
    err = capfd.readouterr().err
    assert "reading it here instead" in err
    assert ("bytes of a message" if damage == "short" else "are not the ones sent") in err
