"""Arrays in a scratch folder: readable and writable as numpy arrays, released without loss, removed."""
from __future__ import annotations

import numpy as np

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
