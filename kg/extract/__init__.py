"""Extractors: plain functions ``extract(doc) -> Iterable[Mention]``, registered in one place.

A module of this package with ``NAME`` and ``extract`` is registered by being here.

Like spaCy's pipeline components, an extractor is added by registering it;
adding one never touches the others::

    from kg.extract import registry

    @registry.register("my-extractor")
    def extract(doc):
        yield Mention(...)

:func:`run` runs every registered extractor on a document and returns the
mentions in text order.  The built-in extractors live in the modules of this
package and are registered when :func:`load_builtins` imports them.
"""
from __future__ import annotations

import functools
import importlib
from typing import Callable, Iterable

from kg.model import Document, Mention

Extractor = Callable[[Document], Iterable[Mention]]


@functools.cache
def _builtin_modules() -> tuple[str, ...]:
    """Every module of this package; a new extractor module is picked up by being here.
    (Listed once per process: :func:`run` asks for every report.)"""
    import pkgutil

    return tuple(sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_")))


class Registry:
    def __init__(self) -> None:
        self._extractors: dict[str, Extractor] = {}

    def register(self, name: str) -> Callable[[Extractor], Extractor]:
        def decorator(fn: Extractor) -> Extractor:
            self._extractors[name] = fn
            return fn
        return decorator

    def add(self, name: str, fn: Extractor) -> None:
        self._extractors[name] = fn

    def names(self) -> list[str]:
        return list(self._extractors)

    def get(self, name: str) -> Extractor:
        return self._extractors[name]

    def __iter__(self):
        return iter(self._extractors.items())


registry = Registry()


def load_builtins() -> Registry:
    for module in _builtin_modules():
        mod = importlib.import_module(f"kg.extract.{module}")
        # Modules written as a bare ``extract`` function with a NAME register here.
        if hasattr(mod, "extract") and getattr(mod, "NAME", None) and mod.NAME not in registry.names():
            registry.add(mod.NAME, mod.extract)
    return registry


def run(doc: Document, only: Iterable[str] | None = None) -> list[Mention]:
    """All mentions of all registered extractors, sorted by position."""
    load_builtins()
    wanted = set(only) if only is not None else None
    mentions: list[Mention] = []
    for name, fn in registry:
        if wanted is None or name in wanted:
            mentions.extend(fn(doc))
    mentions.sort(key=lambda m: (m.start, m.end, m.kind))
    return mentions
