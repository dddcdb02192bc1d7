"""A tiny template language for varied sentences: alternatives and slots.

``[a|b|c]`` picks one alternative (alternatives nest, and may be empty, so
``[很|]`` is optional); ``{name}`` or ``{name:arg:arg}`` is a slot that a
callback fills.  Templates are compiled once and expanded many times, each
time with the caller's ``random.Random``, so the output is reproducible.

>>> import random
>>> t = compile_template("[加强|强化]{what}[工作|]")
>>> rng = random.Random(1)
>>> sorted({expand(t, rng, lambda name, args: "普法") for _ in range(50)})
['加强普法', '加强普法工作', '强化普法', '强化普法工作']
>>> expand(compile_template("{n:次:3-9}"), rng, lambda name, args: f"{name}{args}")
"n('次', '3-9')"
"""
from __future__ import annotations

import random
from typing import Callable, Union

# A compiled template: a tuple of parts; a part is a literal str, a Choice or a Slot.
Part = Union[str, "Choice", "Slot"]
Filler = Callable[[str, tuple], str]


class Choice(tuple):
    """Alternatives: a tuple of compiled templates."""


class Slot(tuple):
    """(name, args) of a ``{name:arg...}`` slot."""


def compile_template(source: str) -> tuple:
    """Parse ``source`` into nested tuples; raises ValueError on unbalanced brackets.

    >>> compile_template("a[b|c]{x:1}")
    ('a', (('b',), ('c',)), ('x', ('1',)))
    """
    parts, pos = _sequence(source, 0, top=True)
    return parts


def _sequence(s: str, pos: int, top: bool) -> tuple[tuple, int]:
    parts: list = []
    buf: list[str] = []
    while pos < len(s):
        ch = s[pos]
        if ch == "[":
            if buf:
                parts.append("".join(buf))
                buf = []
            choice, pos = _choice(s, pos + 1)
            parts.append(choice)
            continue
        if ch == "{":
            end = s.find("}", pos)
            if end < 0:
                raise ValueError(f"unclosed slot in template: {s!r}")
            if buf:
                parts.append("".join(buf))
                buf = []
            name, *args = s[pos + 1:end].split(":")
            parts.append(Slot((name, tuple(args))))
            pos = end + 1
            continue
        if ch in "|]":
            if top:
                raise ValueError(f"'{ch}' outside brackets in template: {s!r}")
            break
        buf.append(ch)
        pos += 1
    if buf:
        parts.append("".join(buf))
    return tuple(parts), pos


def _choice(s: str, pos: int) -> tuple[Choice, int]:
    alternatives = []
    while True:
        seq, pos = _sequence(s, pos, top=False)
        alternatives.append(seq)
        if pos >= len(s):
            raise ValueError(f"unclosed '[' in template: {s!r}")
        if s[pos] == "]":
            return Choice(alternatives), pos + 1
        pos += 1  # past '|'


def expand(template: tuple, rng: random.Random, fill: Filler) -> str:
    """One random expansion of a compiled template; slots go to ``fill(name, args)``."""
    out: list[str] = []
    _expand(template, rng, fill, out)
    return "".join(out)


def _expand(parts: tuple, rng: random.Random, fill: Filler, out: list[str]) -> None:
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Choice):
            _expand(part[rng.randrange(len(part))], rng, fill, out)
        else:
            out.append(fill(part[0], part[1]))


def literal_text(template: tuple) -> list[str]:
    """Every literal fragment of a template (slots left out), for checks on the data.

    >>> literal_text(compile_template("加强[普法|{m}宣传]"))
    ['加强', '普法', '宣传']
    """
    out: list[str] = []
    for part in template:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Choice):
            for alt in part:
                out.extend(literal_text(alt))
    return out
