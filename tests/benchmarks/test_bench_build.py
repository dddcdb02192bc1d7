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
