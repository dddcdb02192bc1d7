"""Pick the real divisions that the written gold texts are about, with a fixed seed.

The gold texts in ``texts/`` are written by hand, but the places they are
about are not chosen by hand: this script draws them from the project's
gazetteer with ``random.Random(SEED)``, one per slot (a 街道 in a city
district, a 苏木 in Inner Mongolia, a 民族乡, …), so that the set is not
tuned to what the linker happens to know well.  Run it to see the draw::

    .venv/bin/python tests/gold/pick_divisions.py

It prints, per slot, the division, its parent chain and a few of its villages
(for the text whose village narrows the candidates).  The texts and their
annotations were written from this output; re-running it gives the same draw
as long as the gazetteer data does not change.
"""
from __future__ import annotations

import random
from collections import defaultdict

SEED = 20250301

MUNICIPALITIES = ("110000000000", "120000000000", "310000000000")   # 北京 天津 上海 (重庆 is in the seeds)


def _province(gaz, d):
    return gaz.chain(d.key)[-1]


def _parent(gaz, d):
    return gaz.get(d.parent) if d.parent else None


def slots(gaz):
    """(slot name, predicate over a live township or county) in drawing order."""
    def town(pred):
        return lambda d: d.level == "township" and d.code and not d.abolished and pred(d)

    def county(pred):
        return lambda d: d.level == "county" and d.code and not d.abolished and pred(d)

    def parent_kind(d, kind):
        p = _parent(gaz, d)
        return p is not None and p.level == "county" and p.kind == kind

    return [
        ("街道 in a city district", town(lambda d: d.kind == "街道" and parent_kind(d, "区")
                                       and _province(gaz, d).code not in MUNICIPALITIES)),
        ("苏木 in Inner Mongolia", town(lambda d: d.kind == "苏木" and _province(gaz, d).code == "150000000000")),
        ("民族乡", town(lambda d: d.kind == "民族乡")),
        ("township of a province-level municipality", town(lambda d: d.kind in ("镇", "乡")
                                                             and _province(gaz, d).code in MUNICIPALITIES)),
        ("township of a 县级市", town(lambda d: d.kind == "镇" and parent_kind(d, "县级市"))),
        ("county-level report of a 区", county(lambda d: d.kind == "区" and _parent(gaz, d) is not None
                                              and _parent(gaz, d).level == "prefecture")),
        ("department report of a 县", county(lambda d: d.kind == "县")),
        ("traditional characters (1)", town(lambda d: d.kind == "镇")),
        ("traditional characters (2)", town(lambda d: d.kind == "乡")),
        ("saved as GBK", town(lambda d: d.kind == "镇")),
    ] + [(f"ordinary township ({i})", town(lambda d: d.kind in ("乡", "镇"))) for i in range(1, 11)]


def draw(gaz, rng):
    pool = sorted((d for d in gaz if d.level in ("township", "county") and d.code), key=lambda d: d.code)
    used_provinces: set[str] = set()
    picks = []
    for name, pred in slots(gaz):
        options = [d for d in pool if pred(d)]
        rng.shuffle(options)
        # spread the texts over the provinces: prefer one not used yet
        fresh = [d for d in options if _province(gaz, d).code not in used_provinces]
        pick = (fresh or options)[0]
        used_provinces.add(_province(gaz, pick).code)
        picks.append((name, pick))
    return picks


def ambiguous(gaz, rng):
    """A township name several counties share (no county named), and one whose village narrows it."""
    by_name = defaultdict(list)
    for d in gaz:
        if d.level == "township" and d.code and not d.abolished:
            by_name[d.name].append(d)
    shared = sorted(n for n, ds in by_name.items()
                    if 4 <= len(ds) <= 8 and all(_parent(gaz, d) and _parent(gaz, d).level == "county" for d in ds))
    no_county = rng.choice(shared)
    narrowable = []
    for n in sorted(n for n, ds in by_name.items() if 2 <= len(ds) <= 4 and n != no_county):
        ds = by_name[n]
        villages = {d.code: {v for v in gaz.villages(d.code) if len(v) >= 3} for d in ds}
        for d in ds:
            others = set().union(*(villages[o.code] for o in ds if o is not d))
            own = sorted(villages[d.code] - others - {n[:-1] + "村"})
            if own:
                narrowable.append((d, own))
                break
    village_town, village_names = rng.choice(narrowable)
    return (no_county, by_name[no_county]), (village_town, village_names[:6])


def main() -> None:
    from kg.gazetteer import Gazetteer

    gaz = Gazetteer.load()
    rng = random.Random(SEED)
    for slot, d in draw(gaz, rng):
        chain = " → ".join(f"{a.name}({a.code})" for a in gaz.chain(d.key))
        villages = ("  villages: " + "、".join(gaz.villages(d.code)[:8])) if d.level == "township" else ""
        print(f"{slot}: {chain}{villages}")
    (name, towns), (town, villages) = ambiguous(gaz, rng)
    print(f"no county named: {name}; candidate counties: "
          + "、".join(f"{_parent(gaz, t).name}({_parent(gaz, t).code})" for t in towns))
    chain = " → ".join(f"{a.name}({a.code})" for a in gaz.chain(town.key))
    others = "、".join(_parent(gaz, t).name for t in gaz.named(town.name, "township") if t is not town)
    print(f"a village narrows: {chain}; its own villages: {'、'.join(villages)}; other counties: {others}")


if __name__ == "__main__":
    main()
