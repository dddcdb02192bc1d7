"""One view = one HTML file: a pyvis network rendered with our own template, offline and escaped.

pyvis holds the network (nodes, edges, vis-network options); the page is
rendered from ``templates/view.html`` instead of pyvis's template because
pyvis's links Bootstrap and tom-select from CDNs (even with ``in_line``) and
switches to a popup that inserts titles as raw HTML as soon as one contains
``href``.  Here:

* vis-network's script and stylesheet are copied from the pyvis package into
  ``views/lib/`` and loaded from there, with the page's own ``view.js`` and
  ``view.css`` (shared by every view, so that 38,000 township pages stay small);
  nothing is fetched from the network, and a Content-Security-Policy forbids it anyway;
* all data goes in one ``<script type="application/json">`` block, JSON with
  ``<``, ``>``, ``&`` and ``'`` escaped as in Jinja's ``tojson``; page text is
  autoescaped, and tooltips are strings, which vis-network shows as text;
* a graph over :data:`PHYSICS_LIMIT` nodes must come with positions and is
  drawn with physics off, so it opens in seconds.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> v = View("demo.html", "示例", (VNode("a", "甲镇", "Township", "甲镇\\n<script>alert(1)</script>"),), ())
>>> html = write_view(v, d).read_text(encoding="utf-8")
>>> "<script>alert" in html, "\\\\u003cscript\\\\u003e" in html, (d / "lib" / "vis-network.min.js").exists()
(False, True, True)
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

import jinja2
import markupsafe
import pyvis
from pyvis.network import Network

from kg.atomicfile import write_text
from kg.viz.style import EDGE_STYLE, FONT_FACE, NODE_STYLE, clip, font_size, short, size_for

PHYSICS_LIMIT = 1000
VIS_DIR = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2"
TEMPLATES = Path(__file__).parent / "templates"
LIB_FILES = {"vis-network.min.js": VIS_DIR / "vis-network.min.js",
             "vis-network.min.css": VIS_DIR / "vis-network.css",
             "view.js": TEMPLATES / "view.js", "view.css": TEMPLATES / "view.css"}
_ENV = jinja2.Environment(loader=jinja2.PackageLoader("kg.viz", "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined)


@dataclass(frozen=True)
class VNode:
    id: str
    label: str          # full label; the canvas shows it shortened
    cls: str            # a key of NODE_STYLE
    title: str = ""     # tooltip text (plain text, newlines kept)
    degree: int = 0
    x: float | None = None
    y: float | None = None


@dataclass(frozen=True)
class VEdge:
    source: str
    target: str
    predicate: str      # a key of EDGE_STYLE
    title: str = ""
    width: float | None = None


@dataclass(frozen=True)
class View:
    name: str           # path under views/, e.g. "township/130581200000.html"
    title: str
    nodes: tuple[VNode, ...]
    edges: tuple[VEdge, ...]
    notes: tuple[str, ...] = ()
    meta: Mapping = field(default_factory=dict)   # facts a test or the dashboard may read (kind, thresholds)
    empty_message: str = "这里没有可显示的节点：图中没有相应的事实。"
    edge_opacity: float = 0.75  # big aggregated drawings use faint lines, so the rings of divisions stay visible
    spread: float = 1.0     # physics: >1 pushes nodes further apart, <1 packs them (a bigger drawing on screen)

    @property
    def positioned(self) -> bool:
        return bool(self.nodes) and all(n.x is not None for n in self.nodes)


def ship_assets(views_dir: Path) -> Path:
    """Copy vis-network beside the views (once; the files are the same for every view)."""
    lib = views_dir / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    for name, src in LIB_FILES.items():
        dst = lib / name
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
    return lib


def html_json(data) -> markupsafe.Markup:
    """JSON safe inside ``<script>``: what Jinja's ``tojson`` writes, without sorting keys (three times faster)."""
    text = json.dumps(data, ensure_ascii=False)
    return markupsafe.Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                             .replace("'", "\\u0027"))


KEY_SMALL = 60          # a view this small keeps every label readable
KEY_HUBS = 15           # otherwise: places, and this many of the most connected others


def key_nodes(view: View) -> set[str]:
    """Nodes whose labels the page keeps readable when zoomed out (view.js grows their font).

    >>> v = View("v.html", "v", tuple(VNode(str(i), "x", "Mechanism", degree=i) for i in range(100)) +
    ...          (VNode("p", "甲省", "Province"),), ())
    >>> k = key_nodes(v)
    >>> "p" in k, "99" in k, "85" in k, "84" in k, len(k)
    (True, True, True, False, 16)
    """
    if len(view.nodes) <= KEY_SMALL:
        return {n.id for n in view.nodes}
    if len(view.nodes) > 300:       # a big drawing: only the provinces (prefectures too when few) stay named
        prefectures = [n.id for n in view.nodes if n.cls == "Prefecture"]
        return {n.id for n in view.nodes if n.cls == "Province"} | (set(prefectures) if len(prefectures) <= 40 else set())
    keep = {n.id for n in view.nodes if n.cls in ("Province", "Prefecture", "County", "Township")}
    rest = sorted((n for n in view.nodes if n.id not in keep), key=lambda n: (-n.degree, n.id))
    return keep | {n.id for n in rest[:KEY_HUBS]}


def network_for(view: View) -> Network:
    """The pyvis network of a view (nodes and edges as vis-network dicts, options)."""
    if len(view.nodes) > PHYSICS_LIMIT and not view.positioned:
        raise ValueError(f"{view.name}: {len(view.nodes)} nodes need precomputed positions")
    net = Network(height="100%", width="100%", directed=True, cdn_resources="remote")
    big = len(view.nodes) > 300
    key = key_nodes(view)
    for n in view.nodes:
        st = NODE_STYLE[n.cls]
        node = {"id": n.id, "label": short(n.label), "title": clip(n.title or n.label, 2000), "cls": n.cls,
                "shape": st.shape, "size": size_for(n.degree), "full": n.label[:200],
                "font": {"size": font_size(n.cls, n.degree)},
                "color": {"background": st.color, "border": st.border,
                          "highlight": {"background": "#ffd92f", "border": st.border},
                          "hover": {"background": "#ffffb3", "border": st.border}}}
        if n.id in key:
            node["key"] = True
        if n.cls.startswith("Discovered"):
            node["shapeProperties"] = {"borderDashes": [4, 3]}
            node["borderWidth"] = 2
        if n.x is not None:
            node["x"], node["y"] = n.x, n.y
        net.nodes.append(node)
        net.node_ids.append(n.id)
    for i, e in enumerate(view.edges):
        st = EDGE_STYLE[e.predicate]
        net.edges.append({"id": f"e{i}", "from": e.source, "to": e.target, "predicate": e.predicate,
                          "title": clip(e.title or st.label, 2000), "dashes": st.dashes,
                          "width": e.width or st.width, "color": {"color": st.color, "opacity": view.edge_opacity},
                          "arrows": {"to": {"enabled": st.arrow}}})
    physics = not view.positioned
    net.options = {
        "autoResize": True,
        "nodes": {"font": {"face": FONT_FACE, "size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "borderWidth": 1, "scaling": {"label": {"drawThreshold": 8}}},
        "edges": {"smooth": False if big else {"type": "continuous"},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}}, "selectionWidth": 2},
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": big, "hideEdgesOnZoom": big,
                        "keyboard": {"enabled": True, "bindToWindow": False}, "multiselect": True},
        "layout": {"randomSeed": 7, "improvedLayout": len(view.nodes) <= 150},
        "physics": {"enabled": physics, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -160 * view.spread, "springLength": 110 * view.spread,
                                         "avoidOverlap": 0.8, "centralGravity": 0.012},
                    "stabilization": {"enabled": physics, "iterations": 600, "fit": True}},
    }
    return net


def render(view: View, lib_href: str, index_href: str) -> str:
    net = network_for(view)
    nodes, edges, _, _, _, _ = net.get_network_data()
    classes = sorted({n["cls"] for n in nodes}, key=list(NODE_STYLE).index)
    predicates = sorted({e["predicate"] for e in edges}, key=list(EDGE_STYLE).index)
    return _ENV.get_template("view.html").render(
        title=view.title, notes=view.notes, lib=lib_href, index=index_href, empty_message=view.empty_message,
        legend_nodes=[(c, NODE_STYLE[c]) for c in classes], legend_edges=[(p, EDGE_STYLE[p]) for p in predicates],
        font_face=FONT_FACE,
        data_json=html_json({"nodes": nodes, "edges": edges, "options": net.options, "meta": dict(view.meta),
                             "physics": not view.positioned, "empty_message": view.empty_message,
                             "counts": {"nodes": len(nodes), "edges": len(edges)}}))


def write_view(view: View, views_dir: str | Path, staging: Path | None = None) -> Path:
    """Write ``views_dir/view.name`` (atomically) with vis-network shipped in ``views_dir/lib``.

    ``staging``: write the file plainly into that folder instead, which the caller
    renames into place once every file in it is written (one rename for thousands
    of township pages, instead of a temporary file each)."""
    views_dir = Path(views_dir)
    up = "../" * (len(Path(view.name).parts) - 1)
    html = render(view, f"{up}lib", f"{up}../index.html")
    if staging is not None:
        path = staging / Path(view.name).name
        path.write_text(html, encoding="utf-8")
        return views_dir / view.name
    ship_assets(views_dir)
    path = views_dir / view.name
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_text(path, html)
