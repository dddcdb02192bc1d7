"""The benchmark's memory figures: a command's own peak, not its parent's."""
import sys

from benchmarks.bench_build import measure


def test_a_small_command_run_by_a_large_harness_is_measured_small(tmp_path):
    ballast = bytearray(400_000_000)            # the harness after jieba over a large corpus
    ballast[::4096] = b"x" * len(ballast[::4096])   # touched, so resident
    small = measure([sys.executable, "-c", "x = bytearray(50_000_000); x[::4096] = b'y' * len(x[::4096]); "
                     "import time; time.sleep(0.6)"], 60, tmp_path)
    big = measure([sys.executable, "-c", "x = bytearray(300_000_000); x[::4096] = b'y' * len(x[::4096]); "
                   "import time; time.sleep(0.6)"], 60, tmp_path)
    assert small.ok and big.ok
    assert 40 < small.max_rss_mb < 150, small
    assert 290 < big.max_rss_mb < 400 and big.tree_rss_mb >= 290, big
    del ballast


def test_queries_on_an_existing_store_time_every_canned_query_without_building(tmp_path):
    from pathlib import Path

    from benchmarks.bench_build import parse_args, run
    from kg.build import build

    root = Path(__file__).resolve().parents[2]
    out = tmp_path / "out"
    build([root / "seeds"], out, validate=False)
    bench = run(parse_args(["--queries-on", str(out), "--runs", "1", "--work", str(tmp_path / "work")]))
    titles = [title for title, _ in bench.sections]
    assert titles[0].startswith("Canned queries") and "Build throughput" not in " ".join(titles)
    table = dict(bench.sections)[titles[0]]
    names = sorted(p.stem for p in (root / "queries").glob("*.rq"))
    timed = {line.split(" | ")[0].strip("| ") : line.split(" | ")[1] for line in table if line.startswith("| ") and " | " in line}
    for name in names:
        assert float(timed[name]) > 0, (name, timed.get(name))
    assert not (tmp_path / "work" / "out").exists()             # nothing was built
    assert f"measured on the 5-report store in {out}" in " ".join(table)
    targets = dict(bench.sections)["Targets"]
    assert len(targets) == 3 and "every canned query under 1 s" in targets[2]    # only what was measured


def test_a_build_s_cpu_is_told_apart_by_process_and_thread(tmp_path):
    spin = "import time\nt = time.process_time()\nwhile time.process_time() - t < {s}: pass\n"
    child = spin.format(s=0.8)
    run = measure([sys.executable, "-c", f"import subprocess, sys\n"
                   f"p = subprocess.Popen([sys.executable, '-c', {child!r}])\n" + spin.format(s=0.4) + "p.wait()\n"],
                  60, tmp_path)
    assert run.ok
    compaction, own, workers, other = run.cpu_parts()
    assert compaction == 0 and workers == 0
    assert 0.25 <= own <= 0.8 and 0.5 <= other <= 1.0, run.cpu


def test_cpu_parts_sorts_threads_into_compaction_the_build_and_the_workers():
    from benchmarks.bench_build import Run

    run = Run(1.0, 0.0, 0, cpu={"command | rocksdb:low": 5.0, "command | rocksdb:high": 1.0, "command | kg": 3.0,
                                "forkserver and its workers | python3.11": 7.0, "? | python3.11": 0.5})
    assert run.cpu_parts() == (6.0, 3.0, 7.0, 0.5)
