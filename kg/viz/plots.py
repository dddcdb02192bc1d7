"""The dashboard's plots, drawn by matplotlib as SVG with the glyphs as outlines.

Chinese text needs a CJK font: the project installs Debian's ``fonts-noto-cjk``
and the plots name that font file explicitly (matplotlib's default font has no
Chinese, and shows boxes).  Glyphs are written as paths, so the SVG shows the
same on a machine that has no Chinese font at all.

>>> svg = bar_chart("示例", ["甲镇", "乙镇"], [3, 1], "数量")
>>> svg.startswith("<svg") and "<text" not in svg
True
"""
from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")                       # no display: render to files only
import matplotlib.pyplot as plt             # noqa: E402
from matplotlib import font_manager         # noqa: E402

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    """The first CJK font file found on this machine (None when there is none)."""
    for p in FONT_CANDIDATES:
        if Path(p).is_file():
            return p
    for p in font_manager.findSystemFonts():
        if re.search(r"(?i)cjk|wqy|simhei|msyh|sourcehan|notosanssc", p):
            return p
    return None


def _font() -> font_manager.FontProperties:
    path = cjk_font_path()
    return font_manager.FontProperties(fname=path) if path else font_manager.FontProperties()


def bar_chart(title: str, labels: Sequence[str], values: Sequence[float], xlabel: str,
              horizontal: bool = True, color: str = "#4393c3") -> str:
    """A bar chart as an SVG string (first label on top when horizontal)."""
    fp = _font()
    n = max(1, len(labels))
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * n + 1.3) if horizontal else (7.5, 3.4), dpi=96)
    try:
        if horizontal:
            ax.barh(range(n)[::-1][: len(values)], values, color=color)
            ax.set_yticks(range(n)[::-1][: len(labels)], [_fit(l) for l in labels], fontproperties=fp, fontsize=9)
            ax.set_xlabel(xlabel, fontproperties=fp)
        else:
            ax.bar(range(len(values)), values, color=color)
            ax.set_xticks(range(len(labels)), labels, fontproperties=fp, fontsize=9)
            ax.set_ylabel(xlabel, fontproperties=fp)
        ax.set_title(title, fontproperties=fp, fontsize=12)
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
        buf = io.StringIO()
        with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "fazhi-kg"}):
            fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        plt.close(fig)
    svg = buf.getvalue()
    return svg[svg.index("<svg"):]          # drop the XML prolog and doctype: the SVG goes inline


def _fit(label: str, limit: int = 16) -> str:
    return label if len(label) <= limit else label[:limit] + "…"
