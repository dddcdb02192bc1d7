"""RESULTS.md's header: the commit measured and what the load average says."""
import subprocess

from benchmarks.run_all import commit, load_note


def _git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def test_the_results_file_itself_does_not_make_the_commit_uncommitted(tmp_path):
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "RESULTS.md").write_text("old\n")
    (tmp_path / "code.py").write_text("x = 1\n")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "first")
    head = subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()

    (tmp_path / "benchmarks" / "RESULTS.md").write_text("new tables\n")
    assert commit(tmp_path) == head

    (tmp_path / "code.py").write_text("x = 2\n")
    assert commit(tmp_path) == head + " with uncommitted changes"


def test_only_the_load_before_the_run_speaks_of_other_work():
    assert "little other work" in load_note("0.69 0.23 0.08", 2)
    busy = load_note("2.50 1.90 1.20", 2)
    assert "other work was running" in busy and "2.50" in busy
    assert "other work was running" in load_note("3.10 3.00 2.00", 4)


def test_a_queries_only_run_leaves_results_md_alone(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from benchmarks import bench_build, run_all

    results = tmp_path / "benchmarks" / "RESULTS.md"
    (tmp_path / "benchmarks" / "runs").mkdir(parents=True)
    results.write_text("the last full run\n")
    monkeypatch.setattr(run_all, "RESULTS", results)
    monkeypatch.setattr(run_all, "commit", lambda: "abc1234")
    monkeypatch.setattr(bench_build, "run", lambda args, on_section=None: SimpleNamespace(
        sections=[("Canned queries on the largest store, beside rdflib in memory", ["| reports | 0.50 | – |"])]))
    run_all.main(["--queries-on", str(tmp_path / "out"), "--runs", "1"])
    assert results.read_text() == "the last full run\n"
    [page] = (tmp_path / "benchmarks" / "runs").glob("*-queries-abc1234.md")
    text = page.read_text()
    assert "--queries-on" in text and "| reports | 0.50 | – |" in text and "Other benchmarks" not in text
