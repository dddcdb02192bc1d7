"""kg/viz/page.py: what every view file holds, read as text (the browser tests open them)."""
from __future__ import annotations

import re

import pytest

from kg.viz.page import PHYSICS_LIMIT, View, VEdge, VNode, write_view

EVIL = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> <a href="javascript:alert(1)">x</a>'


def test_document_text_is_escaped_and_nothing_is_fetched(tmp_path):
    v = View("t/evil.html", EVIL, (VNode("a", EVIL, "Township", EVIL), VNode("b", "乙", "Mechanism")),
             (VEdge("a", "b", "implements", EVIL),), (EVIL,))
    html = write_view(v, tmp_path).read_text(encoding="utf-8")
    assert "<script>window" not in html and "<img src=x" not in html and 'href="javascript' not in html
    # every script and stylesheet is inline or beside the file
    srcs = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert srcs and not [s for s in srcs if re.match(r"(?i)(https?:)?//", s)]
    assert (tmp_path / "lib" / "vis-network.min.js").stat().st_size > 100_000
    assert "Content-Security-Policy" in html


def test_big_graph_needs_positions(tmp_path):
    nodes = tuple(VNode(str(i), str(i), "Township") for i in range(PHYSICS_LIMIT + 1))
    with pytest.raises(ValueError, match="precomputed positions"):
        write_view(View("big.html", "大", nodes, ()), tmp_path)
    placed = tuple(VNode(n.id, n.label, n.cls, x=float(i), y=0.0) for i, n in enumerate(nodes))
    html = write_view(View("big.html", "大", placed, ()), tmp_path).read_text(encoding="utf-8")
    assert '"physics": false' in html and '"enabled": false' in html
