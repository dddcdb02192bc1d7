"""`make bench`: run every benchmark and write benchmarks/RESULTS.md.

    python benchmarks/run_all.py                           # sizes 1000,10000, 3 runs
    python benchmarks/run_all.py --sizes 1000,10000,50000  # what `make bench` runs (about 2.5 hours)
    python benchmarks/run_all.py --sizes 1000 --runs 1     # quick
    python benchmarks/run_all.py --sizes 1000,10000,50000  # the full-scale targets
    python benchmarks/run_all.py --queries-on /tmp/fazhi-bench/out/50000   # the queries only, see below
    python benchmarks/run_all.py --sizes 10000 --skip default,jobs,queries,export \
        --page benchmarks/runs/incremental.md               # some parts; RESULTS.md is left as it is

RESULTS.md starts with the machine (CPU, cores, RAM, load average before and
after: other work on the machine slows every figure), the date, the commit and
the package versions, then the tables of bench_build.py and the output of the
smaller benchmarks (bench_matcher.py, bench_gazetteer.py).  Options not listed
here go to bench_build.py (see its --help).

With ``--queries-on OUT`` only the canned queries are timed, on a store a full run
left behind, and the page goes to benchmarks/runs/DATE-queries-COMMIT.md: RESULTS.md
stays the record of the last full run.
"""
from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:       # run as a script: make `benchmarks` importable
    sys.path.insert(0, str(ROOT))

from benchmarks import bench_build  # noqa: E402
from kg.atomicfile import write_text  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
PACKAGES = ("rdflib", "pyoxigraph", "jieba", "pyahocorasick", "OpenCC", "cn2an", "pyshacl", "networkx", "click")
# The smaller benchmarks, run as they are and shown as they print.
OTHERS = ("bench_pipeline.py", "bench_matcher.py", "bench_gazetteer.py")


def machine() -> list[str]:
    cpu = next((line.split(":", 1)[1].strip() for line in _read("/proc/cpuinfo").splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem = next((int(line.split()[1]) / 1024 / 1024 for line in _read("/proc/meminfo").splitlines()
                if line.startswith("MemTotal")), 0.0)
    return [f"- CPU: {cpu}; {os.cpu_count()} cores; RAM {mem:.1f} GB; {platform.platform()}",
            f"- Python {platform.python_version()}; " + ", ".join(f"{p} {_version(p)}" for p in PACKAGES)]


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def commit(root: Path = ROOT) -> str:
    """The commit the run measures, read when it starts.  RESULTS.md itself is left out of
    "uncommitted changes": the run rewrites it as it goes, and the code measured is what counts."""
    head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", ".",
                            ":(exclude)benchmarks/RESULTS.md"], capture_output=True, text=True)
    if head.returncode:
        return "unknown"
    return head.stdout.strip() + (" with uncommitted changes" if dirty.stdout.strip() else "")


def load() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def load_note(before: str, cores: int | None = None) -> str:
    """What the load average before the run says of the figures.  Only "before" tells of other
    work: "after" counts the benchmark's own processes too.

    >>> load_note("0.69 0.23 0.08", 2)
    '(little other work when the run started; the figure after counts the benchmark itself)'
    >>> load_note("2.50 1.90 1.20", 2)
    '(other work was running when the run started: up to 2.50 processes beside it on 2 cores, and every time may be inflated)'
    """
    cores = cores or os.cpu_count() or 1
    one = float(before.split()[0])
    if one < 0.5 * cores:
        return "(little other work when the run started; the figure after counts the benchmark itself)"
    return (f"(other work was running when the run started: up to {one:.2f} processes beside it on {cores} cores, "
            f"and every time may be inflated)")


def others() -> list[str]:
    lines = []
    for name in OTHERS:
        path = ROOT / "benchmarks" / name
        if not path.exists():
            continue
        print(f"running {name} …", file=sys.stderr, flush=True)
        run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, cwd=ROOT, timeout=1800)
        lines += [f"### {name}", "", "```", (run.stdout or run.stderr).rstrip(), "```", ""]
    return lines


def main(argv: list[str] | None = None) -> None:
    args = bench_build.parse_args(argv)
    started = dt.datetime.now()
    load_before = load()
    measured = commit()
    target = RESULTS
    if args.queries_on:
        target = RESULTS.parent / "runs" / f"{started:%Y-%m-%d}-queries-{measured.split()[0]}.md"
    if args.page:
        target = args.page

    def write(sections, small: list[str] | None) -> None:
        """RESULTS.md as far as the run has got: a run of an hour that is stopped keeps its tables."""
        done = small is not None
        lines = [
            "# fazhi-kg benchmarks",
            "",
            "Written by `make bench` (benchmarks/run_all.py); do not edit by hand.",
            "",
            *([] if done else ["**Incomplete: the run was still going (or was stopped) when this was written.**", ""]),
            f"- Date: {started:%Y-%m-%d %H:%M}, {(dt.datetime.now() - started).total_seconds() / 60:.0f} minutes; "
            f"commit {measured}",
            *machine(),
            f"- Load average (1, 5, 15 min) before: {load_before}; {'after' if done else 'now'}: {load()}  "
            f"{load_note(load_before)}",
            (f"- Queries only (`--queries-on {args.queries_on}`): the store a full run built; {args.runs} run(s) "
             f"of each, medians" if args.queries_on else
             f"- Corpus: benchmarks/make_corpus.py, seed {args.seed}; sizes {', '.join(f'{n:,}' for n in args.sizes)}; "
             f"{args.runs} run(s) each up to 10,000 reports, {args.large_runs} above; medians; build options: "
             f"`kg build DIR --out OUT --no-progress {args.build_args}`"),
            "",
        ]
        for title, body in sections:
            lines += [f"## {title}", "", *body, ""]
        if small:
            lines += ["## Other benchmarks", "", *small]
        write_text(target, "\n".join(lines).rstrip() + "\n")

    bench = bench_build.run(args, on_section=lambda sections: write(sections, None))
    write(bench.sections, [] if args.queries_on else others())
    print(f"\nwrote {target}", file=sys.stderr)


if __name__ == "__main__":
    main()
