"""How the views look: colour and shape per class, line style per predicate, size by degree.

One table here, read by every view and by the legend, so that a 乡镇 looks
the same everywhere.

>>> NODE_STYLE["Township"].shape, EDGE_STYLE["plans"].dashes
('dot', True)
>>> size_for(0), size_for(16)
(10.0, 26.0)
>>> short("色务乡" * 20, 10)
'色务乡色务乡色务乡色…'
"""
from __future__ import annotations

import math
from dataclasses import dataclass

FONT_FACE = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'


@dataclass(frozen=True)
class NodeStyle:
    label: str          # legend text (Chinese)
    shape: str          # a vis-network shape whose size is set by `size`
    color: str
    border: str


@dataclass(frozen=True)
class EdgeStyle:
    label: str
    color: str
    dashes: bool | list
    width: float = 1.5
    arrow: bool = True


NODE_STYLE = {
    "Province": NodeStyle("省级", "diamond", "#b2182b", "#67001f"),
    "Prefecture": NodeStyle("地级", "triangle", "#ef8a62", "#b2182b"),
    "County": NodeStyle("县级", "square", "#d8b365", "#8c510a"),
    "Township": NodeStyle("乡镇（街道）", "dot", "#4393c3", "#2166ac"),
    "Mechanism": NodeStyle("机制", "hexagon", "#5aae61", "#1b7837"),
    "Discovered": NodeStyle("新发现的机制", "hexagon", "#d9f0d3", "#1b7837"),
    "Campaign": NodeStyle("活动", "star", "#9970ab", "#762a83"),
    "DiscoveredCampaign": NodeStyle("新发现的活动", "star", "#e7d4e8", "#762a83"),
}

EDGE_STYLE = {
    "implements": EdgeStyle("实施", "#1b7837", False, 2.0),
    "plans": EdgeStyle("仅计划", "#e08214", True, 1.5),
    "participatesIn": EdgeStyle("参加", "#762a83", False, 1.5),
    "parentDivision": EdgeStyle("上级区划", "#999999", False, 1.0),
    "candidateParent": EdgeStyle("可能的上级县", "#bbbbbb", [2, 6], 1.0),
    "coAdoption": EdgeStyle("共同采用", "#7fbc41", False, 1.0, arrow=False),
}


def node_class(kind: str, discovered: bool = False) -> str:
    if discovered and kind in ("Mechanism", "Campaign"):
        return "Discovered" if kind == "Mechanism" else "DiscoveredCampaign"
    return kind if kind in NODE_STYLE else "Township"


def size_for(degree: int) -> float:
    """Node size grows with the square root of degree, so hubs stand out without hiding the rest."""
    return round(min(60.0, 10.0 + 4.0 * math.sqrt(max(degree, 0))), 1)


def font_size(cls: str, degree: int) -> int:
    """Hubs and places get bigger labels: zoomed out, vis-network drops labels under 7 px on screen, so the
    small ones disappear first instead of piling up on each other.

    >>> font_size("Township", 0), font_size("Mechanism", 1), font_size("Mechanism", 100)
    (16, 12, 24)
    """
    base = 18 if cls in ("Township", "Province") else 12
    return int(min(26, base + 1.4 * math.sqrt(max(degree, 0)) - 1.4))


def short(text: str, limit: int = 18) -> str:
    """A label fit for the canvas; the tooltip keeps the whole text."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


def clip(text: str, limit: int = 600) -> str:
    """Tooltip text: a label thousands of characters long must not cover the screen."""
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 字）"
