"""The evidence of a large store, read by a second process while the first reads the rest.

The evidence (the sentences behind the links, :func:`kg.analysis.corpus._evidence_rows`) is
most of what reading a national store costs: 42 of 64 s at 50,000 reports, nearly all of it
inside Oxigraph, which holds the GIL while it evaluates.  A thread did not overlap it with the
other queries; a process does.  The process is ``python -m kg.analysis.evidence STORE
PREDICATES OFFSETS``, which writes the rows on its standard output with :func:`kg.query.send`
(marshalled, after their length and digest, as a query process answers): started as a
command rather than through :mod:`multiprocessing`, it never re-runs the caller's main module
(a script without a ``__main__`` guard would otherwise start itself over and over).  A
damaged answer (:func:`kg.query.receive` checks it; one was seen with both processes sampled
by ``py-spy --subprocesses``) counts as a failed process.

A store of fewer than :data:`PROCESS_REPORTS` reports, a graph in memory, or a process that
fails (it is reported on standard error) is read in the calling process instead.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Optional

from kg.analysis.corpus import PREFIXES, _count_reports, _evidence_rows, _reports
from kg.query import receive, send

PROCESS_REPORTS = 2_000     # below this, starting the process (about 0.5 s) costs more than it saves


class EvidenceReader:
    """:func:`~kg.analysis.corpus._evidence_rows` of the store in ``folder`` (``None``: not on disk).

    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> with EvidenceReader(None, lambda q: store.query(PREFIXES + q), ("implements",), False) as reader:
    ...     reader.result({})
    []
    """

    def __init__(self, folder: Optional[Path], rows, predicates: tuple[str, ...], offsets: bool):
        self.rows, self.predicates, self.offsets = rows, predicates, offsets
        self.process: Optional[subprocess.Popen] = None
        if folder is not None and _count_reports(rows) >= PROCESS_REPORTS:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kg.analysis.evidence", str(folder), ",".join(predicates), str(int(offsets))],
                stdout=subprocess.PIPE)

    def result(self, reports) -> list[tuple]:
        """The rows; ``reports``: the report IRIs, for reading them here."""
        if self.process is not None:
            try:
                rows = receive(self.process.stdout)
                if self.process.wait() == 0:
                    return rows
                why = f"it exited with status {self.process.returncode}"
            except EOFError:
                why = "it sent nothing"
            except (OSError, ValueError) as exc:
                why = str(exc)
            self.close()
            print(f"kg.analysis: the process reading the evidence failed ({why}); reading it here instead",
                  file=sys.stderr)
        return _evidence_rows(self.rows, reports, self.predicates, self.offsets)

    def close(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()             # not wanted any more: an error in the caller
            self.process.stdout.close()
            self.process.wait()
            self.process = None

    def __enter__(self) -> "EvidenceReader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _main(folder: str, predicates: str, offsets: str) -> None:
    import pyoxigraph as ox

    store = ox.Store.read_only(folder)

    def rows(query: str):
        return store.query(PREFIXES + query)
    found = _evidence_rows(rows, _reports(rows).keys(), tuple(predicates.split(",")), offsets == "1")
    send(sys.stdout.buffer, found)


if __name__ == "__main__":
    _main(*sys.argv[1:4])
