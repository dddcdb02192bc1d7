"""Extraction in worker processes: same results as in-process, and one bad file harms nobody."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from kg.build import build, file_sha256
from kg.parallel import Extracted, Failed, Limits, extract_files, run_one

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))


def _tasks(paths):
    return [(p, file_sha256(p)) for p in paths]


def crash_on_b(path, sha, gazetteer, limits):
    """A runner whose process dies on any file named b*.txt (as a native library might)."""
    if Path(path).name.startswith("b"):
        os.abort()
    return run_one(path, sha, gazetteer, limits)


def test_workers_give_what_this_process_gives():
    tasks = _tasks(SEEDS[:3])
    here = list(extract_files(tasks, jobs=None))
    there = list(extract_files(tasks, jobs=2))
    assert [type(r) for r in there] == [Extracted] * 3
    assert here == there                                  # the same N-Quads, summaries, counts, in task order


def test_a_worker_that_dies_costs_only_its_file(tmp_path):
    for name, seed in zip(("a.txt", "b.txt", "c.txt"), SEEDS):
        shutil.copy(seed, tmp_path / name)
    results = {Path(r.path).name: r for r in extract_files(_tasks(sorted(tmp_path.iterdir())), jobs=2, runner=crash_on_b)}
    assert isinstance(results["a.txt"], Extracted) and isinstance(results["c.txt"], Extracted)
    assert isinstance(results["b.txt"], Failed) and "died" in results["b.txt"].reason
    assert not results["b.txt"].remember                   # may be cured by a fix: tried again next build


def test_a_text_over_the_limit_is_reported_not_analysed():
    [r] = extract_files(_tasks(SEEDS[:1]), limits=Limits(max_chars=1000))
    assert isinstance(r, Failed) and r.remember
    assert "too large" in r.reason and "1,000" in r.reason and "--max-chars" in r.reason


def test_a_file_running_past_the_time_limit_is_stopped(monkeypatch):
    import kg.build

    def slow(path, gazetteer=None, **kw):
        time.sleep(5)

    monkeypatch.setattr(kg.build, "process", slow)
    started = time.monotonic()
    [r] = extract_files(_tasks(SEEDS[:1]), limits=Limits(seconds=1))
    assert time.monotonic() - started < 4
    assert isinstance(r, Failed) and "still running after 1 s" in r.reason


def test_a_pathological_file_is_reported_and_the_batch_is_built(tmp_path):
    """10 MB on one line, a million figures: reported by the documented limit, the rest built."""
    corpus = tmp_path / "reports"
    corpus.mkdir()
    for p in SEEDS:                                     # enough files for worker processes
        shutil.copy(p, corpus / p.name)
    line = "关于2024年法治政府建设情况的报告 " + "".join(f"开展普法活动{i}场次，" for i in range(1_000_000))
    (corpus / "zz_pathological.txt").write_text(line[: 10 * 1024 * 1024 // 3], encoding="utf-8")
    result = build([corpus], tmp_path / "out", validate=False, jobs=1)
    assert result.reports == 5
    [skip] = result.skipped
    assert skip.path.endswith("zz_pathological.txt") and "too large" in skip.reason


def test_the_store_does_not_depend_on_jobs(tmp_path):
    corpus = tmp_path / "reports"
    corpus.mkdir()
    for i in range(2):                                  # 10 files: enough for two workers
        for p in SEEDS:
            (corpus / f"{i}-{p.name}").write_text(p.read_text(encoding="utf-8") + "\n" * i, encoding="utf-8")
    one = build([corpus], tmp_path / "one", validate=False, jobs=1, batch=3)
    two = build([corpus], tmp_path / "two", validate=False, jobs=2)
    here = build([corpus], tmp_path / "here", validate=False)
    assert (one.reports, two.reports, here.reports) == (10, 10, 10)
    data = {(tmp_path / d / "graph.ttl").read_bytes() for d in ("one", "two", "here")}
    assert len(data) == 1


_KILLED_PARENT = """
import json, os, signal, sys, time
from kg.parallel import _executor

if __name__ == "__main__":
    pool = _executor(2)
    for job in [pool.submit(time.sleep, 0.5) for _ in range(2)]:   # both workers started
        job.result()
    from multiprocessing import forkserver
    pids = [forkserver._forkserver._forkserver_pid, *pool._processes]
    print(json.dumps(pids), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)                  # as the out-of-memory killer would
"""


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"                                   # a zombie has ended; only its parent may reap it


def test_workers_and_forkserver_end_when_the_build_is_killed_outright(tmp_path):
    script = tmp_path / "killed.py"
    script.write_text(_KILLED_PARENT)
    out, err = tmp_path / "pids.json", tmp_path / "stderr.txt"   # files, not pipes: orphans would hold a pipe open
    with out.open("w") as stdout, err.open("w") as stderr:
        subprocess.run([sys.executable, str(script)], stdout=stdout, stderr=stderr, timeout=120, cwd=ROOT)
    pids = json.loads(out.read_text())
    assert len(pids) == 3, err.read_text()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and any(map(_running, pids)):
        time.sleep(0.1)
    left = [pid for pid in pids if _running(pid)]
    for pid in left:                                      # do not leave them to the next test either
        os.kill(pid, 9)
    assert not left, "worker or forkserver processes outlived the build that started them"
