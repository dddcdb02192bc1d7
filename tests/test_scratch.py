"""Arrays in a scratch folder: readable and writable as numpy arrays, released without loss, removed."""
from __future__ import annotations

import mmap
from pathlib import Path

import numpy as np
import pytest

from kg.scratch import PREFIX, Scratch, clean


def test_arrays_keep_their_contents_after_their_pages_are_released(tmp_path):
    with Scratch(tmp_path) as s:
        a = s.zeros("a", (1000, 4), "uint32")
        b = s.full("b", 5000, "int64", -1)
        a[:, 2] = np.arange(1000)
        b[10] = 7
        s.release()
        assert a[:, 2].tolist() == list(range(1000)) and a[:, [0, 1, 3]].sum() == 0
        assert b[10] == 7 and (b == -1).sum() == 4999
        folder = s.folder
        assert folder.parent == tmp_path and folder.name.startswith(PREFIX)
        assert sorted(p.name for p in folder.iterdir()) == ["a", "b"]
        assert (folder / "a").stat().st_size == 1000 * 4 * 4
    assert not folder.exists()


def test_without_a_folder_the_arrays_are_in_memory(tmp_path):
    s = Scratch(None)
    a = s.full("a", (3, 2), "int8", 5)
    s.release()
    assert a.tolist() == [[5, 5], [5, 5], [5, 5]] and s.folder is None
    s.close()


def test_an_empty_array_needs_no_file(tmp_path):
    with Scratch(tmp_path) as s:
        assert s.zeros("e", 0, "int32").shape == (0,)
        assert list(s.folder.iterdir()) == []


def test_clean_removes_what_a_killed_process_left_and_nothing_else(tmp_path):
    left = Scratch(tmp_path)
    left.zeros("a", 10, "int32")
    (tmp_path / "graph.ttl").write_text("kept")
    (tmp_path / "scratchpad").mkdir()
    assert clean(tmp_path) == [left.folder]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl", "scratchpad"]


def _resident_file_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[2]) * mmap.PAGESIZE / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="resident pages are read from /proc")
def test_keep_within_releases_the_pages_once_they_pass_the_budget_and_not_before(tmp_path):
    """Reading 64 MB of an array makes its pages resident; under a larger budget they stay,
    over a smaller one they are handed back, and the data stays."""
    with Scratch(tmp_path) as s:
        a = s.zeros("a", 16 << 20, "int32")              # 64 MB
        a[::1024] = 3                                   # one write a page: every page touched
        before = _resident_file_mb()
        assert not s.keep_within(budget=256 << 20)
        assert _resident_file_mb() > before - 1
        assert s.keep_within(budget=16 << 20)
        after = _resident_file_mb()
        assert after < before - 48, (before, after)
        assert not s.keep_within(budget=16 << 20)       # nothing touched since
        assert int(a[::1024].sum()) == 3 * (16 << 10)   # the data is in the file


def _child_reads_its_own(queue) -> None:
    from kg.scratch import _resident_file_bytes
    queue.put(_resident_file_bytes())


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="resident pages are read from /proc")
def test_a_forked_process_reads_its_own_resident_pages_not_its_parents(tmp_path):
    """The statm descriptor is kept open between reads; a child forked after the parent opened
    it must still read the child's figures (a shared file mapping's pages are not resident in
    a child until it touches them)."""
    import multiprocessing

    from kg.scratch import _resident_file_bytes

    with Scratch(tmp_path) as s:
        a = s.zeros("a", 16 << 20, "int32")              # 64 MB, every page touched
        a[::1024] = 1
        parent = _resident_file_bytes()
        queue = multiprocessing.get_context("fork").Queue()
        child = multiprocessing.get_context("fork").Process(target=_child_reads_its_own, args=(queue,))
        child.start()
        theirs = queue.get(timeout=60)
        child.join(60)
        assert _resident_file_bytes() >= parent - (1 << 20)
        assert theirs < parent - (48 << 20), (parent, theirs)
