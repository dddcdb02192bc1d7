"""``DIR/index.html``: the page that links every view, with the summary tables and a few plots.

It opens from a file with no network: no script at all, the plots are SVG
images inlined as data URIs, every text from the graph is escaped by Jinja.

>>> from kg.analysis.corpus import Corpus
>>> from kg.viz.lookup import Lookup
>>> import tempfile, pathlib
>>> path, _ = write_dashboard(Lookup.of(Corpus({}, {}, ())), pathlib.Path(tempfile.mkdtemp()), [])
>>> "图是空的" in path.read_text(encoding="utf-8")
True
"""
from __future__ import annotations

import base64
from collections import Counter, defaultdict
from pathlib import Path
from typing import Sequence

import jinja2

from kg.atomicfile import write_text
from kg.viz.lookup import Lookup
from kg.viz.page import View
from kg.viz.plots import bar_chart, cjk_font_path
from kg.viz.style import FONT_FACE
from kg.viz.tooltips import KIND_ZH

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("kg.viz", "templates"), autoescape=True,
                          undefined=jinja2.StrictUndefined)
MONTHS = [f"{m}月" for m in range(1, 13)] + ["不定"]


def write_dashboard(lk: Lookup, out_dir: Path, views: Sequence[View]) -> tuple[Path, str | None]:
    """Write ``out_dir/index.html``; returns its path and the CJK font the plots used."""
    c = lk.corpus
    by_name = {v.meta.get("iri"): v.name for v in views if v.meta.get("iri")}
    special = {v.meta.get("kind"): v for v in views if v.meta.get("kind") in ("overview", "coadoption")}
    empty = not c.divisions and not c.links
    kinds = Counter(d.kind for d in c.divisions.values())
    preds = Counter(l.predicate for l in c.links)
    summary = [("报告", len(c.reports)), ("年份", "、".join(map(str, c.years)) or "—")]
    summary += [(f"{KIND_ZH[k]}区划", kinds[k]) for k in ("Province", "Prefecture", "County", "Township") if kinds[k]]
    summary += [("被提及的机制", sum(1 for x in c.concepts.values() if x.kind == "Mechanism")),
                ("被提及的活动", sum(1 for x in c.concepts.values() if x.kind == "Campaign")),
                ("实施（fz:implements）", preds["implements"]), ("参加（fz:participatesIn）", preds["participatesIn"]),
                ("仅计划（fz:plans）", preds["plans"]), ("证据句", sum(len(l.evidence) for l in c.links)),
                ("数字（fz:Measurement）", len(c.measurements))]
    concepts = sorted(c.concepts.values(), key=lambda x: (-lk.adopters.get(x.iri, 0), x.label, x.iri))
    rows = lambda kind: [(x.label, x.discovered, lk.adopters.get(x.iri, 0), lk.planners.get(x.iri, 0), by_name.get(x.iri))
                         for x in concepts if x.kind == kind]
    plots = [] if empty else _plots(lk, concepts)
    analysis = out_dir / "analysis"
    html = _ENV.get_template("index.html").render(
        empty=empty, summary=summary, font_face=FONT_FACE, plots=plots,
        overview=special.get("overview"), coadoption=special.get("coadoption"),
        mechanisms=rows("Mechanism"), campaigns=rows("Campaign"), places=_places(lk, by_name),
        analysis_files=sorted(p.name for p in analysis.glob("*") if p.is_file() and not p.name.startswith("."))
        if analysis.is_dir() else [],
        font_missing=cjk_font_path() is None)
    path = out_dir / "index.html"
    write_text(path, html)
    return path, cjk_font_path()


def _places(lk: Lookup, by_name: dict) -> list[tuple[str, list[tuple[str, list[tuple[str, str | None, int]]]]]]:
    """Township pages grouped province → county, for collapsible lists."""
    c = lk.corpus
    groups: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for t, name in sorted(by_name.items(), key=lambda kv: kv[1]):
        if t not in c.divisions or not name.startswith("township/"):
            continue
        prov = c.ancestor_of_kind(t, "Province")
        county = c.ancestor_of_kind(t, "County")
        groups[lk.label(prov) if prov else "上级未定"][lk.label(county) if county else "上级未定"].append(
            (c.divisions[t].label, name, lk.degree.get(t, 0)))
    return [(p, [(k, sorted(v)) for k, v in sorted(groups[p].items())]) for p in sorted(groups)]


def _svg_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _plots(lk: Lookup, concepts) -> list[tuple[str, str]]:
    c = lk.corpus
    out = []
    mech = [x for x in concepts if x.kind == "Mechanism" and lk.adopters.get(x.iri, 0)][:25]
    if mech:
        out.append(("机制按实施乡镇数（前 25）", _svg_uri(bar_chart(
            "机制按实施乡镇数", [x.label for x in mech], [lk.adopters[x.iri] for x in mech], "乡镇数"))))
    months = Counter()
    for l in c.links:
        con = c.concepts.get(l.concept)
        if l.predicate == "participatesIn" and con is not None:
            months[con.month or 13] += 1
    if months:
        out.append(("活动按月份（参加次数；“不定”＝没有固定月份的活动）", _svg_uri(bar_chart(
            "活动按月份", MONTHS, [months[m] for m in range(1, 14)], "参加次数", horizontal=False, color="#9970ab"))))
    by_ind: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for m in c.measurements:
        if m.indicator:
            key = (m.indicator, m.unit)
            by_ind[key][m.division] = max(m.value, by_ind[key].get(m.division, float("-inf")))
    shared = sorted(by_ind.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:3]
    for (ind, unit), values in shared:
        top = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        out.append((f"各乡镇的“{ind}”（{unit}；{len(values)} 地报告）", _svg_uri(bar_chart(
            f"{ind}（{unit}）", [lk.label(d) for d, _ in top], [v for _, v in top], unit or "数值", color="#5aae61"))))
    return out
