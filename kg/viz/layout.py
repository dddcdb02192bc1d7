"""Positions computed in Python for graphs too big for the browser's physics.

Above about 1,000 nodes, vis-network's physics takes minutes to settle (2,000
nodes: about 150 s on this kind of machine), and force layouts in networkx take
tens of seconds too.  The views are trees of divisions with concepts attached,
so a radial tree is both fast (linear) and readable: provinces on the inner
ring, then prefectures, counties, townships; each division gets an angle
proportional to the leaves below it, so a county's townships sit together.
Concepts sit in a sunflower spiral in the middle, the most adopted nearest the
centre.

>>> pos = radial_layout({"t": "c", "c": "p", "p": None}, {"t": 3, "c": 2, "p": 1}, ["m"])
>>> sorted(pos), pos["m"]
(['c', 'm', 'p', 't'], (0.0, 0.0))
"""
from __future__ import annotations

import math
from collections import defaultdict
from typing import Mapping, Sequence

GOLDEN = math.pi * (3 - math.sqrt(5))
SPACING = 70.0          # pixels between neighbours on the outermost ring


def radial_layout(parent: Mapping[str, str | None], ring: Mapping[str, int], centre: Sequence[str],
                  spacing: float = SPACING) -> dict[str, tuple[float, float]]:
    """``parent``: each tree node's parent (None for a root); ``ring``: 1 = innermost ring;
    ``centre``: nodes for the middle, most important first."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for node in sorted(parent):
        p = parent[node]
        children[p if p in parent else None].append(node)
    leaves: dict[str, int] = {}

    def count(node: str) -> int:
        stack, order = [node], []
        while stack:                       # iterative: a deep or cyclic chain must not blow the stack
            n = stack.pop()
            if n in leaves:
                continue
            order.append(n)
            leaves[n] = 0
            stack.extend(children.get(n, ()))
        for n in reversed(order):
            leaves[n] = max(1, sum(leaves[c] for c in children.get(n, ()) if c != n))
        return leaves[node]

    total = sum(count(r) for r in children[None]) or 1
    rings = max(ring.values(), default=1)
    # the outermost ring must hold every leaf `spacing` apart; inner rings scale with it
    centre_radius = spacing * math.sqrt(len(centre)) * 0.9 + spacing
    outer = max(total * spacing / (2 * math.pi), centre_radius + spacing * rings * 2)
    step = (outer - centre_radius) / rings
    pos: dict[str, tuple[float, float]] = {}
    stack = [(r, 0.0, 0.0) for r in children[None]]
    start = 0.0
    for i, (r, _, _) in enumerate(stack):
        width = 2 * math.pi * leaves[r] / total
        stack[i] = (r, start, start + width)
        start += width
    while stack:
        node, a0, a1 = stack.pop()
        if node in pos:
            continue
        radius = centre_radius + step * ring.get(node, rings)
        angle = (a0 + a1) / 2
        pos[node] = (round(radius * math.cos(angle), 1), round(radius * math.sin(angle), 1))
        a = a0
        for c in children.get(node, ()):
            width = (a1 - a0) * leaves.get(c, 1) / max(leaves[node], 1)
            stack.append((c, a, a + width))
            a += width
    for i, node in enumerate(centre):
        r = spacing * 0.9 * math.sqrt(i)
        pos[node] = (round(r * math.cos(i * GOLDEN), 1), round(r * math.sin(i * GOLDEN), 1))
    return pos
