"""The evidence of a large store, read by a second process while the first reads the rest.

The evidence (the sentences behind the links, :func:`kg.analysis.corpus._evidence_rows`) is
most of what reading a national store costs: 42 of 64 s at 50,000 reports, nearly all of it
inside Oxigraph, which holds the GIL while it evaluates.  A thread did not overlap it with the
other queries; a process does.  The process is ``python -m kg.analysis.evidence STORE
PREDICATES OFFSETS``, which writes the rows, pickled, on its standard output: started as a
command rather than through :mod:`multiprocessing`, it never re-runs the caller's main module
(a script without a ``__main__`` guard would otherwise start itself over and over).

The pickle travels after its length and its BLAKE2b digest; the reader reads until it has
that many bytes and checks the digest before it unpickles.  With both processes sampled by
``py-spy --subprocesses`` (which stops them), the pipe delivered from 68 KB to 165 MB less
750 bytes of the 165 MB of rows at 50,000 reports, then its end, while the writer exited with
status 0; ``pickle.load`` straight from it failed with a UnicodeDecodeError, which stopped
``kg analyze``.  Damage that unpickles into wrong rows is as possible.  Checked, any damage
sends the reading back to this process.

A store of fewer than :data:`PROCESS_REPORTS` reports, a graph in memory, or a process that
fails (it is reported on standard error) is read in the calling process instead.
"""
from __future__ import annotations

import hashlib
import pickle
import struct
import subprocess
import sys
from pathlib import Path
from typing import Optional

from kg.analysis.corpus import PREFIXES, _count_reports, _evidence_rows, _reports

PROCESS_REPORTS = 2_000     # below this, starting the process (about 0.5 s) costs more than it saves
_HEADER = struct.Struct(">Q32s")   # the pickle's length, its BLAKE2b-256 digest


def _digest(data) -> bytes:
    return hashlib.blake2b(data, digest_size=32).digest()


def write_framed(f, value) -> None:
    """Write ``value`` pickled, after its length and digest, for :func:`read_framed`."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    f.write(_HEADER.pack(len(data), _digest(data)))
    f.write(data)
    f.flush()


def read_framed(f):
    """What :func:`write_framed` wrote; ValueError if the bytes are short or not the ones written.

    >>> import io
    >>> buf = io.BytesIO(); write_framed(buf, [("implements", "s", "o")])
    >>> read_framed(io.BytesIO(buf.getvalue()))
    [('implements', 's', 'o')]
    >>> read_framed(io.BytesIO(buf.getvalue()[:-1]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: the evidence process sent ... bytes of ...
    """
    header = f.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise ValueError(f"the evidence process sent {len(header)} bytes, not even its header")
    size, digest = _HEADER.unpack(header)
    data = bytearray(size)
    view, got = memoryview(data), 0
    while got < size:
        # a read from a pipe may return less than asked before the stream ends
        n = f.readinto(view[got:])
        if not n:
            break
        got += n
    if got != size:
        raise ValueError(f"the evidence process sent {got} bytes of {size}")
    if _digest(data) != digest:
        raise ValueError(f"the {size} bytes from the evidence process are not the ones it sent")
    return pickle.loads(data)


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
                rows = read_framed(self.process.stdout)
                if self.process.wait() == 0:
                    return rows
                why = f"it exited with status {self.process.returncode}"
            except (EOFError, OSError, ValueError, pickle.UnpicklingError) as exc:
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
    write_framed(sys.stdout.buffer, found)


if __name__ == "__main__":
    _main(*sys.argv[1:4])
