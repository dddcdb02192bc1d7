"""Run the per-file pipeline over many files, in worker processes, one file unable to harm the rest.

>>> from pathlib import Path
>>> [type(r).__name__ for r in extract_files([(Path("seeds/000_4e8d029ddc923378.txt"), "")])]   # doctest: +SKIP
['Extracted']

Each file becomes an :class:`Extracted` (its report graph as N-Quads, ready
for :meth:`kg.store.CorpusStore.put_reports`, so that worker processes do the
serializing too) or a :class:`Failed` with a reason a person can act on.

Limits, so that one file cannot stall a worker: a decoded text over
:attr:`Limits.max_chars` characters is reported as too large without being
analysed (a long real report has about 50,000 characters; the default allows
twenty times that), and a file still running after :attr:`Limits.seconds` is
stopped and reported.  A worker process that dies on a file (a crash in a
native library, the out-of-memory killer) breaks the pool: the files it may
have been holding are then run again one at a time, each in a fresh process,
so the culprit is named and every other file is still built.

``jobs=None`` runs everything in this process (no isolation, no start-up
cost: what the library's tests and small builds use).
"""
from __future__ import annotations

import json
import multiprocessing
import os
import signal
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional, Sequence

from kg import iri


@dataclass(frozen=True)
class Limits:
    """What one file may cost (``kg build --max-chars``, ``--time-limit``)."""

    max_chars: int = 1_000_000
    seconds: int = 120


@dataclass(frozen=True)
class Extracted:
    path: str
    sha256: str
    graph: str
    summary_json: str
    nquads: bytes        # the report graph and its default-graph copy, UTF-8 (kg.store.report_nquads)
    triples: int


@dataclass(frozen=True)
class Failed:
    path: str
    sha256: str
    reason: str
    remember: bool       # a property of the content (not a report, too large …): not retried until it changes


class FileTooLarge(ValueError):
    pass


class WorkerError(RuntimeError):
    """Worker processes cannot run at all (not one file's fault)."""


_DIED = ("the extraction process died on this file (a crash in a native library or out of memory); "
         "the other files were built")


class Timeout(TimeoutError):
    """Raised inside :func:`time_limit` when its seconds have run out."""


def run_one(path: Path, sha256: str, gazetteer, limits: Limits) -> Extracted | Failed:
    """One file through :func:`kg.build.process`, every expected failure turned into a :class:`Failed`."""
    from kg import build
    from kg.load import LoadError
    from kg.link import AttributionError
    from kg.store import report_nquads

    try:
        with time_limit(limits.seconds):
            outcome = build.process(path, gazetteer, max_chars=limits.max_chars)
            graph = iri.report(outcome.sha256)
            text, n = report_nquads(graph, outcome.triples)
    except (LoadError, build.NotAReport, AttributionError, FileTooLarge) as exc:
        return Failed(str(path), sha256, getattr(exc, "reason", None) or str(exc), True)
    except Timeout:
        return Failed(str(path), sha256, f"still running after {limits.seconds} s: stopped "
                      "(the limit is --time-limit)", True)
    except Exception as exc:  # one bad file must not stop the batch (not remembered: a fix may cure it)
        return Failed(str(path), sha256, f"internal error while extracting: {type(exc).__name__}: {exc}", False)
    summary = json.dumps(asdict(outcome.summary), ensure_ascii=False, sort_keys=True)
    return Extracted(str(path), outcome.sha256, graph, summary, text, n)


@contextmanager
def time_limit(seconds: int):
    """Raise :class:`Timeout` in the block after ``seconds``.  SIGALRM-based, so only in a main
    thread (worker processes, the CLI, scripts) and only for Python code; elsewhere no limit."""
    import threading

    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum, frame):
        raise Timeout()

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


Runner = Callable[[Path, str, object, Limits], "Extracted | Failed"]


def extract_files(tasks: Sequence[tuple[Path, str]], jobs: Optional[int] = None,
                  limits: Limits = Limits(), runner: Runner = run_one) -> Iterator[Extracted | Failed]:
    """Every (path, sha256) of ``tasks`` through the pipeline; results in the order of ``tasks``
    (except that files run again after a worker crash come last).

    ``jobs``: worker processes (``None``: this process).  ``runner``: what is done with one
    file (a module-level function, so that workers can import it).
    """
    if not tasks:
        return
    if jobs is None:
        from kg.gazetteer import Gazetteer

        gazetteer = Gazetteer.load()
        for path, sha in tasks:
            yield runner(path, sha, gazetteer, limits)
        return
    yield from _pooled(list(tasks), max(1, jobs), limits, runner)


# --- worker processes --------------------------------------------------------------------------

_GAZETTEER = None


def _init_worker() -> None:
    global _GAZETTEER
    from kg.gazetteer import Gazetteer

    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, name="exit-with-parent", daemon=True).start()
    _GAZETTEER = Gazetteer.load()


def _exit_with_parent() -> None:
    """End this worker when the build that started it is gone.

    A build killed outright (SIGKILL, the out-of-memory killer) cannot stop its pool: the
    workers would wait for work forever, and the forkserver with them, since each worker
    holds the pipe whose end tells the forkserver that its client left."""
    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()
        os._exit(1)


def _work(chunk: list[tuple[Path, str]], limits: Limits, runner: Runner) -> list[Extracted | Failed]:
    return [runner(path, sha, _GAZETTEER, limits) for path, sha in chunk]


def _executor(workers: int) -> ProcessPoolExecutor:
    # forkserver: workers never inherit the parent's open store (RocksDB threads and locks).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["kg.build", "kg.parallel", "kg.prewarm"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker)


def _chunks(tasks: list, jobs: int) -> deque:
    # Small enough to spread the work evenly and to lose little to a crash, large enough that
    # inter-process traffic stays a small part of the cost.
    size = max(1, min(8, len(tasks) // (jobs * 8)))
    return deque(tasks[i:i + size] for i in range(0, len(tasks), size))


def _pooled(tasks: list, jobs: int, limits: Limits, runner: Runner) -> Iterator[Extracted | Failed]:
    pending = _chunks(tasks, jobs)
    window = jobs * 4                                   # chunks in flight: bounds the memory held
    any_done = False
    while pending:
        suspects: list[tuple[Path, str]] = []
        with _executor(jobs) as pool:
            inflight: deque = deque()
            try:
                while pending or inflight:
                    while pending and len(inflight) < window:
                        chunk = pending.popleft()
                        inflight.append((chunk, pool.submit(_work, chunk, limits, runner)))
                    chunk, future = inflight[0]
                    results = future.result()
                    inflight.popleft()
                    any_done = True
                    yield from results
            except BrokenProcessPool:
                for chunk, future in inflight:          # finished before the break: keep; the rest are suspects
                    if future.done() and not future.cancelled() and future.exception() is None:
                        yield from future.result()
                    else:
                        suspects.extend(chunk)
        died = 0
        for path, sha in suspects:                      # alone, each in a fresh process: name the culprit
            result = _isolated(path, sha, limits, runner)
            died = died + 1 if isinstance(result, Failed) and result.reason == _DIED else 0
            if died == 3 and not any_done:
                raise WorkerError("worker processes die before they finish any file: see the messages above "
                                  "(a script calling kg.build.build(jobs=…) needs `if __name__ == \"__main__\":`)")
            any_done = any_done or died == 0
            yield result


def _isolated(path: Path, sha: str, limits: Limits, runner: Runner) -> Extracted | Failed:
    with _executor(1) as pool:
        try:
            return pool.submit(_work, [(path, sha)], limits, runner).result()[0]
        except BrokenProcessPool:
            return Failed(str(path), sha, _DIED, False)
