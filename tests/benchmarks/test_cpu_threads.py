"""benchmarks/cpu_threads.py: CPU per process and thread of a command's whole tree."""
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import cpu_threads  # noqa: E402

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads /proc (Linux)")

SPIN = "import time\nt = time.process_time()\nwhile time.process_time() - t < {s}: pass\n"


def test_the_cpu_of_the_command_and_of_its_child_are_told_apart():
    child = SPIN.format(s=0.8)
    parent = (f"import subprocess, sys\np = subprocess.Popen([sys.executable, '-c', {child!r}])\n"
              + SPIN.format(s=0.4) + "p.wait()\n")
    wall, cpu, timeline = cpu_threads.watch([sys.executable, "-c", parent], every=0.1)
    mine = sum(v for k, v in cpu.items() if k.startswith("command |"))
    theirs = sum(v for k, v in cpu.items() if not k.startswith("command |"))
    assert 0.3 <= mine <= 0.8
    assert 0.6 <= theirs <= 1.0
    assert wall >= 0.8
    assert timeline[-1][1] == pytest.approx(sum(cpu.values()))


def test_the_report_is_a_table(capsys):
    assert cpu_threads.main(["--every", "0.1", sys.executable, "-c", SPIN.format(s=0.3)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("wall ")
    assert "| CPU s | process | thread |" in out and "| command |" in out
