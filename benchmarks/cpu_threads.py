"""Where a command's CPU goes, thread by thread, in all its processes (Linux: read from /proc).

    python benchmarks/cpu_threads.py kg build CORPUS --out OUT --no-progress --no-validate

Runs the command and reads the CPU time (user + system) of every thread of every process
under it every ``--every`` seconds; at the end prints the CPU seconds per (process, thread
name) and how many cores the whole tree kept busy, half-minute by half-minute.  A profiler
of Python frames (py-spy) does not see native threads; this does: in a ``kg build`` the
threads named ``rocksdb:low`` are RocksDB's compactions, the process ``kg`` holds the bulk
loads and the derivation, and the extraction workers are the forkserver's children.

A thread that ends between two readings loses what it used since the last one, so short-lived
processes are undercounted; the figures are for long runs.
"""
from __future__ import annotations

import argparse
import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def session_pids(session: int) -> list[int]:
    """The processes of a session: its leader (the command, started with
    ``start_new_session``) and everything it started."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[3]) == session:
                    out.append(int(d))
            except (OSError, ValueError, IndexError):
                continue
    return out


COMMAND = "command"                         # the process label of the session's leader
WORKERS = "forkserver and its workers"      # kg build's extraction workers (and the forkserver)


def _process_name(pid: int, root: int) -> str:
    if pid == root:
        return COMMAND
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
    except OSError:
        return "?"
    if "forkserver" in cmd:
        return WORKERS
    if "resource_tracker" in cmd:
        return "multiprocessing resource tracker"
    return cmd[:50] or "?"


def _threads(pid: int) -> dict[int, tuple[str, int]]:
    """tid -> (thread name, CPU ticks so far)."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            out[int(tid)] = (stat[stat.index("(") + 1:stat.rindex(")")], int(fields[11]) + int(fields[12]))
        except (OSError, ValueError, IndexError):
            continue
    return out


def sample(leader: int, last: dict, pids: list[int] | None = None) -> None:
    """Read the CPU ticks of every thread in ``leader``'s session (``pids``, if known) into
    ``last``, ``(pid, tid) -> ("process | thread", ticks)``; a thread gone keeps its last reading."""
    for pid in session_pids(leader) if pids is None else pids:
        where = _process_name(pid, leader)
        for tid, (name, ticks) in _threads(pid).items():
            last[pid, tid] = (f"{where} | {name}", ticks)


def totals(last: dict) -> collections.Counter:
    """CPU seconds per "process | thread" of the readings of :func:`sample`."""
    cpu: collections.Counter = collections.Counter()
    for label, ticks in last.values():
        cpu[label] += ticks / TICK
    return cpu


def watch(command: list[str], every: float = 0.5) -> tuple[float, collections.Counter, list[tuple[float, float]]]:
    """Run ``command``; returns (wall seconds, CPU seconds per "process | thread", timeline of
    (seconds since start, CPU seconds of the tree so far))."""
    proc = subprocess.Popen(command, start_new_session=True)
    last: dict[tuple[int, int], tuple[str, int]] = {}
    timeline = []
    start = time.perf_counter()
    try:
        while True:
            done = proc.poll() is not None
            sample(proc.pid, last)
            timeline.append((time.perf_counter() - start, sum(t for _, t in last.values()) / TICK))
            if done:
                break
            time.sleep(every)
    except KeyboardInterrupt:           # the command runs in a session of its own: Ctrl-C stops it here
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait()
        raise
    return time.perf_counter() - start, totals(last), timeline


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--every", type=float, default=0.5, help="seconds between readings")
    ap.add_argument("--step", type=float, default=30.0, help="seconds per line of the timeline")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    if not args.command:
        ap.error("give a command to run")
    wall, cpu, timeline = watch(args.command, args.every)
    print(f"wall {wall:.1f} s, CPU {sum(cpu.values()):.1f} s")
    print("| CPU s | process | thread |\n|---:|---|---|")
    for label, seconds in cpu.most_common():
        if seconds >= 0.05:
            where, name = label.split(" | ", 1)
            print(f"| {seconds:.1f} | {where} | {name} |")
    print("\n| from s | to s | cores busy |\n|---:|---:|---:|")
    t0, c0 = 0.0, 0.0
    for t, c in timeline:
        if t - t0 >= args.step or (t, c) == timeline[-1]:
            if t > t0:
                print(f"| {t0:.0f} | {t:.0f} | {(c - c0) / (t - t0):.2f} |")
            t0, c0 = t, c
    return 0


if __name__ == "__main__":
    sys.exit(main())
