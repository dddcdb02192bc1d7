"""``kg viz``: every view of the graph into ``DIR/views/``, and the dashboard ``DIR/index.html``.

>>> from kg.viz.run import visualize                               # doctest: +SKIP
>>> r = visualize("exports")                                       # doctest: +SKIP
>>> r.counts                                                       # doctest: +SKIP
{'overview': 1, 'coadoption': 1, 'township': 5, 'mechanism': 51, 'campaign': 18}
"""
from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from kg.analysis.corpus import Corpus, read_corpus
from kg.viz.coadoption import coadoption_view
from kg.viz.concept import concept_view
from kg.viz.lookup import Lookup
from kg.viz.overview import overview
from kg.viz.page import ship_assets, write_view
from kg.viz.township import township_ids, township_view


@dataclass(frozen=True)
class VizResult:
    index: Path
    views_dir: Path
    counts: dict
    empty: bool
    font: str | None          # the CJK font the plots used (None: none installed)
    seconds: float


def visualize(out_dir: str | Path, on_progress: Optional[Callable[[int, int, str], None]] = None) -> VizResult:
    """Read the graph of ``DIR`` (its store, else ``graph.ttl``) and write ``DIR/views/**.html`` and
    ``DIR/index.html``."""
    started = time.perf_counter()
    corpus = read_corpus(out_dir)
    return visualize_corpus(corpus, Path(out_dir), on_progress, started)


def visualize_corpus(corpus: Corpus, out_dir: Path, on_progress=None, started: float | None = None) -> VizResult:
    from kg.dashboard import write_dashboard

    started = time.perf_counter() if started is None else started
    views_dir = out_dir / "views"
    lk = Lookup.of(corpus)
    jobs = [("overview", lambda: overview(lk)), ("coadoption", lambda: coadoption_view(lk))]
    jobs += [("township", (lambda t: lambda: township_view(lk, t))(t)) for t in township_ids(corpus)]
    jobs += [(corpus.concepts[k].kind.lower(), (lambda k: lambda: concept_view(lk, k))(k)) for k in corpus.concepts]
    counts: Counter = Counter()
    written = []
    ship_assets(views_dir)
    # township pages (38,000 nationally) are written plainly into a staging folder that replaces
    # views/township/ in one rename when complete: a reader never sees a half-written set
    staging = Path(tempfile.mkdtemp(prefix=".township.", dir=views_dir))
    try:
        for i, (kind, make) in enumerate(jobs):
            view = make()
            if on_progress and (i % 50 == 0 or i == len(jobs) - 1):
                on_progress(i, len(jobs), view.name)
            written.append((view, write_view(view, views_dir, staging if kind == "township" else None)))
            counts[kind] += 1
        _swap(staging, views_dir / "township")
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if on_progress:
        on_progress(len(jobs), len(jobs), "index.html")
    index, font = write_dashboard(lk, out_dir, [v for v, _ in written])
    return VizResult(index, views_dir, dict(counts), not corpus.links and not corpus.divisions, font,
                     time.perf_counter() - started)


def _swap(new: Path, target: Path) -> None:
    """Put the folder ``new`` in the place of ``target``; the old one goes only after the rename."""
    os.chmod(new, 0o755)
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old.{os.getpid()}")
        os.replace(target, old)
    os.replace(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
