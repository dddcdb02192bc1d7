"""Write report *i* of a corpus to disk: script, encoding and line ends in known shares.

Which variant a report gets depends on its number only, so the shares are exact
over every 100 reports and a corpus of 1,000 is the first 1,000 of 10,000:

* 5 % traditional characters (OpenCC ``s2t``), UTF-8;
* 10 % GBK (GB18030 when a rare character of a place name is outside GBK);
* 2 % UTF-8 with a byte-order mark, the rest plain UTF-8;
* 20 % CRLF line ends;
* 20 % of the township reports name no county at all.

Layout: ``OUT/reports/rNNNNNN.txt`` and its answer ``OUT/answers/rNNNNNN.answer.json``
(outside the folder that is built, so the build does not see them), and
``OUT/corpus.json`` with the seed, the count and the shares as written.  Offsets in
an answer refer to the text decoded with ``\\n`` line ends (what kg.load gives).

>>> v = variant(7), variant(3), variant(4)
>>> [(x.script, x.encoding, x.newline) for x in v]
[('traditional', 'utf-8', '\\n'), ('simplified', 'gbk', '\\n'), ('simplified', 'utf-8', '\\r\\n')]
"""
from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass
from pathlib import Path

import opencc

from benchmarks.corpus.divisions import Pool
from benchmarks.corpus.report import Composer

REPORTS, ANSWERS, MANIFEST = "reports", "answers", "corpus.json"


@dataclass(frozen=True)
class Variant:
    script: str        # "simplified" | "traditional"
    encoding: str      # "utf-8" | "utf-8-sig" | "gbk"
    newline: str       # "\n" | "\r\n"


def variant(i: int) -> Variant:
    script = "traditional" if i % 20 == 7 else "simplified"
    encoding = "gbk" if i % 10 == 3 else "utf-8-sig" if i % 50 == 11 else "utf-8"
    return Variant(script, encoding, "\r\n" if i % 5 == 4 else "\n")


def names_county(i: int) -> bool:
    """False for 20 % of the township reports (report numbers 0-15 of every 20)."""
    return (i % 20) % 5 != (i // 20) % 5


def name_of(i: int) -> str:
    return f"r{i:06d}"


@functools.cache
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def make(i: int, seed: int) -> tuple[str, dict, Variant]:
    """Report ``i`` of corpus ``seed``: its text (``\\n`` line ends, final script) and answer."""
    who = Pool.load(seed).who(i)
    text, answer = Composer.load().compose(who, random.Random(f"{seed}:{i}"), county_named=names_county(i))
    v = variant(i)
    if v.script == "traditional":
        text, answer = _traditional(text, answer)
    answer.update(file=name_of(i) + ".txt", script=v.script, newline="crlf" if v.newline == "\r\n" else "lf")
    return text, answer, v


def _traditional(text: str, answer: dict) -> tuple[str, dict]:
    convert = _s2t().convert
    lines = [convert(line) for line in text.split("\n")]
    converted = "\n".join(lines)
    if len(converted) != len(text):     # s2t is one character for one; keep offsets honest if not
        return text, {**answer, "script_fallback": "s2t changed the length"}
    for m in answer["mentions"]:
        m["surface"] = convert(m["surface"])
    for m in answer["measurements"]:
        m["written"] = convert(m["written"])
    for s in answer["sections"]:
        s["heading"] = convert(s["heading"])
    return converted, answer


def write(i: int, seed: int, out: Path) -> tuple[str, str, int]:
    """Write report ``i`` and its answer; returns (script, encoding as written, bytes)."""
    text, answer, v = make(i, seed)
    encoding = v.encoding
    try:
        data = text.replace("\n", v.newline).encode(encoding)
    except UnicodeEncodeError:
        encoding = "gb18030"
        data = text.replace("\n", v.newline).encode(encoding)
    answer["encoding"] = encoding
    name = name_of(i)
    (out / REPORTS / f"{name}.txt").write_bytes(data)
    (out / ANSWERS / f"{name}.answer.json").write_text(json.dumps(answer, ensure_ascii=False), encoding="utf-8")
    return v.script, encoding, len(data)


def write_pathological(out: Path, seed: int, size: int = 10 * 1024 * 1024, figures: int = 1_000_000) -> Path:
    """One report whose body is a single line of at least ``size`` bytes and ``figures`` figures.

    The title is an ordinary one, so the file is read as a report and all its
    weight falls on the later stages (sentences, numbers, measurements).
    """
    rng = random.Random(f"{seed}:pathological")
    town = Pool.load(seed).who(0).division.name
    parts, total = [], 0
    while total < size or len(parts) < figures:
        piece = f"开展活动{rng.randint(1, 9999)}次，" if rng.random() < 0.05 else f"{rng.randint(1, 9999)}次，"
        parts.append(piece)
        total += len(piece.encode("utf-8"))
    text = f"{town}人民政府\n关于2024年法治政府建设情况的报告\n" + "".join(parts) + "\n"
    path = out / REPORTS / "zz_pathological.txt"
    path.write_text(text, encoding="utf-8")
    (out / ANSWERS / "zz_pathological.answer.json").write_text(
        json.dumps({"file": path.name, "pathological": True, "figures": len(parts), "bytes": len(text.encode())},
                   ensure_ascii=False), encoding="utf-8")
    return path
