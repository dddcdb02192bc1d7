"""Compose one synthetic report and the answer it should yield.

A report is laid out the way real ones are (title or none, opening paragraph,
three or four numbered parts, closing, signature), with its sentences drawn from
``templates.toml`` and its slots filled here.  While writing, every slot that
states a mechanism, a campaign or a figure is recorded with the part it stands
in, so the answer is known by construction, not by reading the text back.

>>> from benchmarks.corpus.divisions import Pool
>>> composer = Composer.load()
>>> text, answer = composer.compose(Pool.load(seed=3).who(0), random.Random("3:0"))
>>> answer["year"] == Pool.load(seed=3).who(0).year and answer["division"]["level"]
'township'
>>> all(m["surface"] in text for m in answer["mentions"])
True
"""
from __future__ import annotations

import functools
import random
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

import cn2an

from benchmarks.corpus.divisions import Who
from benchmarks.corpus.grammar import compile_template, expand
from kg.gazetteer import Gazetteer
from kg.vocab import load_concepts, match_key

TEMPLATES = Path(__file__).resolve().parent / "templates.toml"
_CN_NUMBERS = "一二三四五六七八九十"
_CN_YEAR_DIGITS = "〇一二三四五六七八九"
# Sub-part numbering as reports write it.
_SUB = {
    "paren": lambda k: f"（{_CN_NUMBERS[k]}）",
    "half": lambda k: f"({_CN_NUMBERS[k]})",
    "arabic": lambda k: f"{k + 1}.",
    "arabic_comma": lambda k: f"{k + 1}、",
}


@dataclass
class Concepts:
    """The curated mechanisms and campaigns, with every label a report may write."""

    labels: dict[str, tuple[str, ...]]   # prefLabel -> (prefLabel, altLabels …)
    scheme: dict[str, str]               # prefLabel -> "mechanism" | "campaign"
    owner: dict[str, str]                # match key of any label -> prefLabel
    keys: tuple[str, ...]                # every match key, for the unseen-name check

    @classmethod
    def load(cls) -> "Concepts":
        labels, scheme, owner = {}, {}, {}
        for c in load_concepts():
            if c.scheme not in ("mechanism", "campaign"):
                continue
            labels[c.pref_label] = (c.pref_label, *c.alt_labels)
            scheme[c.pref_label] = c.scheme
            for label in labels[c.pref_label]:
                owner.setdefault(match_key(label), c.pref_label)
        return cls(labels, scheme, owner, tuple(k for k in owner if len(k) >= 2))

    def of(self, scheme: str) -> list[str]:
        return sorted(p for p, s in self.scheme.items() if s == scheme)

    def contains_label(self, text: str) -> bool:
        key = match_key(text)
        return any(k in key for k in self.keys)


@dataclass
class Draft:
    """The report being written: lines, the answer's sections and mentions."""

    lines: list[tuple[str, Optional[int]]] = field(default_factory=list)   # (text, section index)
    sections: list[dict] = field(default_factory=list)
    mentions: list[dict] = field(default_factory=list)
    measurements: list[dict] = field(default_factory=list)
    section: Optional[int] = None          # index into sections of the part being written
    section_type: Optional[str] = None

    def open(self, type_: str, heading: str) -> None:
        self.sections.append({"type": type_, "heading": heading})
        self.section, self.section_type = len(self.sections) - 1, type_

    def close(self) -> None:
        self.section, self.section_type = None, None

    def add(self, line: str) -> None:
        self.lines.append((line, self.section))


class Composer:
    """Templates, vocabularies and gazetteer, ready to write reports."""

    def __init__(self, data: dict, concepts: Concepts, gazetteer: Gazetteer):
        self.data = data
        self.concepts = concepts
        self.gazetteer = gazetteer
        self._compiled: dict[str, tuple] = {}
        mechanisms = set(concepts.of("mechanism"))
        self.groups = {g: [m for m in labels if m in mechanisms] for g, labels in data["mechanisms"].items()}
        self.groups["any"] = sorted(mechanisms)
        self.campaigns = concepts.of("campaign")

    @classmethod
    def load(cls) -> "Composer":
        return _composer()

    def t(self, source: str) -> tuple:
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compiled[source] = compile_template(source)
        return compiled

    # ---- one report -----------------------------------------------------
    def compose(self, who: Who, rng: random.Random, county_named: bool = True) -> tuple[str, dict]:
        """The text of one report (simplified, ``\\n`` line ends) and its answer."""
        w = _Writer(self, who, rng, county_named)
        return w.write()


class _Writer:
    """Writes one report; holds the per-report choices."""

    def __init__(self, c: Composer, who: Who, rng: random.Random, county_named: bool):
        self.c, self.who, self.rng = c, who, rng
        self.d = Draft()
        self.year = who.year
        data = c.data
        if who.issuer == "township":
            kind = {"民族乡": "乡", "民族苏木": "苏木"}.get(who.township.kind, who.township.kind)
        elif who.issuer == "county":
            kind = {"县级市": "市", "自治县": "县", "自治旗": "旗"}.get(who.county.kind, who.county.kind)
        else:
            kind = "局"
        self.issuer = data["issuer"][kind]
        self.county_named = county_named or who.issuer != "township"
        # where a township report names its county: title, opening lead or signature
        self.county_at = rng.choice(("title", "title", "title", "title", "title", "lead", "lead", "lead", "sign", "sign")) \
            if self.county_named else None
        self.upper_named = who.issuer == "county" and rng.random() < 0.5
        self.used: set[str] = set()          # prefLabels mentioned so far
        self.done: list[str] = []            # mechanisms stated as done
        villages = c.gazetteer.villages(who.township.code) if who.township else []
        self.villages = [v for v in villages if len(v) >= 3 and not c.concepts.contains_label(v)]
        self.indent = rng.choice(("", "", "", "　　", "  "))
        self.blank = rng.random() < 0.3
        self.chinese_share = float(data["numbers"]["chinese"])
        self.approx_share = float(data["numbers"]["approximate"])

    # ---- names ----------------------------------------------------------
    @property
    def county(self) -> str:
        return self.who.county.name

    def own_name(self, with_county: bool) -> str:
        who = self.who
        if who.issuer == "township":
            return (self.county if with_county else "") + who.township.name
        if who.issuer == "county":
            upper = who.prefecture or who.province
            return (upper.name if self.upper_named else "") + self.county
        return self.county + who.department

    def short(self) -> str:
        who = self.who
        if who.issuer == "township":
            return who.township.name
        if who.issuer == "county":
            return self.county
        return self.rng.choice(("我局", "本局", "局"))

    def lead(self) -> str:
        who, data = self.who, self.c.data["opening"]
        if who.issuer == "township":
            named = self.county_at == "lead" or (self.county_at == "title" and self.rng.random() < 0.5)
            return self.fill_plain(self.rng.choice(data["lead_named" if named else "lead_unnamed"]))
        if who.issuer == "county":
            pool = data["lead_county_named" if self.upper_named else "lead_county_unnamed"]
            return self.fill_plain(self.rng.choice(pool))
        return self.fill_plain(self.rng.choice(data["lead_named"]))

    # ---- slots ----------------------------------------------------------
    def fill_plain(self, template: str) -> str:
        return expand(self.c.t(template), self.rng, self.slot)

    def slot(self, name: str, args: tuple) -> str:
        who, rng = self.who, self.rng
        if name == "self":
            return self.short()
        if name in ("u", "party", "gov", "secretary", "head"):
            return self.issuer[name]
        if name == "Y":
            return str(self.year)
        if name == "Y1":
            return str(self.year + 1)
        if name == "lead":
            return self.lead()
        if name == "county":
            return self.county
        if name == "cu":
            return {"县级市": "市", "自治县": "县", "自治旗": "旗"}.get(who.county.kind, who.county.kind)
        if name == "prefecture":
            return (who.prefecture or who.province).name
        if name == "village":
            if not self.villages:
                return "各村（社区）"
            return "、".join(rng.sample(self.villages, min(len(self.villages), rng.choice((1, 1, 2)))))
        if name == "mech":
            return self.mechanism(args[0] if args else "any")
        if name == "camp":
            return self.campaign()
        if name == "lit":
            return self.literal(args[0])
        if name == "newmech":
            return self.unseen_mechanism()
        if name == "newcamp":
            return self.unseen_campaign()
        if name == "n":
            unit, span = args
            lo, hi = (int(x) for x in span.split("-"))
            return self.count(unit, lo, hi)
        if name == "p":
            lo, hi = (int(x) for x in args[0].split("-"))
            return self.percent(lo, hi)
        raise KeyError(f"unknown slot {{{name}}} in benchmarks/corpus/templates.toml")

    def record(self, scheme: str, label: str, surface: str, unseen: bool = False) -> str:
        self.d.mentions.append({"scheme": scheme, "label": label, "surface": surface,
                                "section": self.d.section, "unseen": unseen})
        self.used.add(label)
        if scheme == "mechanism" and not unseen and self.d.section_type in ("Achievements", "ResponsibilityPerformance"):
            self.done.append(label)
        return surface

    def surface(self, label: str) -> str:
        labels = self.c.concepts.labels[label]
        # the preferred label more often than any one variant
        return label if self.rng.random() < 0.55 or len(labels) == 1 else self.rng.choice(labels[1:])

    def mechanism(self, group: str) -> str:
        rng = self.rng
        pool = self.c.groups.get(group) or self.c.groups["any"]
        if self.d.section_type == "NextYearPlan" and self.done and rng.random() < 0.4:
            label = rng.choice(self.done)          # a plan to go on with something done
        else:
            fresh = [m for m in pool if m not in self.used] or [m for m in self.c.groups["any"] if m not in self.used]
            label = rng.choice(fresh)
        return self.record("mechanism", label, self.surface(label))

    def campaign(self) -> str:
        fresh = [c for c in self.c.campaigns if c not in self.used]
        label = self.rng.choice(fresh)
        return self.record("campaign", label, self.surface(label))

    def literal(self, written: str) -> str:
        label = self.c.concepts.owner[match_key(written)]
        return self.record(self.c.concepts.scheme[label], label, written)

    def unseen_mechanism(self) -> str:
        u, rng = self.c.data["unseen"], self.rng
        for _ in range(20):
            shape = rng.randrange(4)
            if shape == 0:
                name = "+".join(rng.sample(u["plus_words"], rng.choice((2, 2, 3))))
                head = rng.choice(u["plus_heads"])
            elif shape == 1:
                a, b = rng.sample(u["one_one"], 2)
                name, head = f"一{a}一{b}", rng.choice(u["one_one_heads"])
            elif shape == 2:
                name = rng.choice(u["linkage_numbers"]) + rng.choice(u["linkage_words"]) + "联动"
                head = rng.choice(("机制", "工作机制", "工作法"))
            else:
                name = "".join(rng.sample(u["named_words"], 2)) + rng.choice(u["named_tails"])
                head = rng.choice(u["named_heads"])
            if name not in self.used and not self.c.concepts.contains_label(name + head):
                self.record("mechanism", name, f"“{name}”{head}", unseen=True)
                return f"“{name}”{head}"
        return "新的工作方法"

    def unseen_campaign(self) -> str:
        u, rng = self.c.data["unseen"], self.rng
        for _ in range(20):
            name = rng.choice(u["campaign_topics"]) + rng.choice(u["campaign_heads"])
            if name not in self.used and not self.c.concepts.contains_label(name):
                return self.record("campaign", name, name, unseen=True)
        return "法治宣传"

    # ---- figures -----------------------------------------------------------
    def count(self, unit: str, lo: int, hi: int) -> str:
        rng = self.rng
        value = rng.randint(lo, hi)
        prefix = infix = ""
        approximate = rng.random() < self.approx_share
        if approximate:
            if value >= 20:
                step = 100 if value >= 300 else 10
                value = max(step, value // step * step)
                if rng.random() < 0.7:
                    infix = rng.choice(("余", "余", "多"))
                else:
                    prefix = rng.choice(("近", "约"))
            else:
                prefix = rng.choice(("近", "约"))
        number = str(value)
        if value >= 2 and rng.random() < self.chinese_share:
            number = _chinese(value)
        written = f"{prefix}{number}{infix}{unit}"
        self.d.measurements.append({"value": str(value), "unit": unit, "approximate": approximate,
                                    "written": written, "section": self.d.section})
        return written

    def percent(self, lo: int, hi: int) -> str:
        rng = self.rng
        value = str(rng.randint(lo, hi))
        if value != "100" and rng.random() < 0.2:
            value = f"{value}.{rng.randint(1, 9)}"
        suffix = "以上" if value != "100" and rng.random() < 0.15 else ""
        written = f"{value}%{suffix}"
        self.d.measurements.append({"value": value, "unit": "%", "approximate": bool(suffix),
                                    "written": written, "section": self.d.section})
        return written

    # ---- layout -------------------------------------------------------------
    def para(self, text: str) -> None:
        self.d.add(self.indent + text)
        if self.blank:
            self.d.add("")

    def heading(self, text: str) -> None:
        self.d.add(text)
        if self.blank:
            self.d.add("")

    def sentences(self, pool: list[str], k: int) -> list[str]:
        """``k`` different sentences of ``pool``, expanded, each ending in 。."""
        chosen = self.rng.sample(pool, min(k, len(pool)))
        return [self.fill_plain(s).rstrip("。") + "。" for s in chosen]

    def write(self) -> tuple[str, dict]:
        rng, data = self.rng, self.c.data
        self.write_title()
        self.para(self.fill_plain(rng.choice(data["opening"]["templates"])))
        layout = rng.choices(
            (("A", "S", "P"), ("A", "S", "R", "P"), ("A", "R", "S", "P"), ("A", "SP")),
            weights=(45, 35, 10, 10))[0]
        numbering = rng.choices(("cn", "dot", "part", "space", "none"), weights=(80, 6, 4, 4, 6))[0]
        sub = rng.choices(("line", "inline", "arabic", "shi"), weights=(50, 20, 15, 15))[0]
        self.sub_mark = rng.choice(("paren", "paren", "paren", "half")) if sub != "arabic" else \
            rng.choice(("arabic", "arabic_comma"))
        if numbering == "none" and sub == "shi":
            sub = "line"    # unnumbered parts need numbered sub-parts to be seen as parts
        for k, part in enumerate(layout):
            number = self.part_number(k, numbering)
            if part == "A":
                self.achievements(number, sub)
            elif part == "S":
                self.shortcomings(number)
            elif part == "R":
                self.responsibility(number)
            elif part == "P":
                self.plan(number, sub)
            else:
                self.combined(number)
        self.d.close()
        self.para(self.fill_plain(rng.choice(data["closing"]["templates"])))
        self.write_signature()
        return self.finish()

    def part_number(self, k: int, style: str) -> str:
        n = _CN_NUMBERS[k]
        return {"cn": f"{n}、", "dot": f"{n}.", "part": f"第{n}部分 ", "space": f"{n} ", "none": ""}[style]

    def write_title(self) -> None:
        rng, data, who = self.rng, self.c.data["title"], self.who
        style = rng.choices(("two", "one", "broken", "none"), weights=(45, 30, 8, 17))[0]
        if style == "none" and self.county_at == "title":
            self.county_at = "lead"
        with_county = self.county_at == "title"
        name = self.own_name(with_county)
        issuer = name + self.issuer["body"]
        if rng.random() < 0.05:
            short = (who.township or who.county).name[:2]
            self.d.add(self.fill_plain(rng.choice(data["doc_number"]).replace("{short}", short)
                                       .replace("{docno}", str(rng.randint(1, 60)))))
        if style != "none":
            template = rng.choice({"two": data["two_lines"], "one": data["one_line"], "broken": data["broken"]}[style])
            lead_space = rng.choice(("", "", "", " "))
            title = self.fill_plain(template.replace("{issuer}", issuer).replace("{name}", name))
            for line in title.split("\n"):
                self.d.add(lead_space + line)
            self.d.add("")

    def write_signature(self) -> None:
        rng = self.rng
        if rng.random() < 0.05:
            self.d.add(rng.choice(("— 1 —", "- 2 -", "第 3 页")))
        if rng.random() < 0.6:
            self.d.add("")
            with_county = self.county_at in ("title", "sign")
            self.d.add(self.own_name(with_county) + self.issuer["body"])
            month, day = rng.randint(1, 3), rng.randint(1, 28)
            template = rng.choice(self.c.data["closing"]["sign_date"])
            year1 = "".join(_CN_YEAR_DIGITS[int(ch)] for ch in str(self.year + 1))
            self.d.add(template.format(Y1=self.year + 1, month=month, day=day, Ycn=year1,
                                       monthcn=_chinese(month, year_style=True), daycn=_chinese(day, year_style=True)))

    def sub_heading(self, k: int, sub: str) -> str:
        if sub == "shi":
            return f"{_CN_NUMBERS[k]}是"
        if sub == "nested":     # items inside a sub-part: 1. 2. (never a second （一）)
            return _SUB["arabic"](k)
        return _SUB[self.sub_mark](k)

    def subparts(self, items: list[tuple[str, list[str]]], sub: str) -> None:
        """Sub-parts: (heading, sentences) written in the report's sub-part style."""
        if sub == "shi":
            body = "".join(f"{self.sub_heading(k, sub)}{h}。{''.join(s)}" for k, (h, s) in enumerate(items))
            self.para(body)
            return
        for k, (h, s) in enumerate(items):
            mark = self.sub_heading(k, sub)
            if sub == "inline":
                self.para(f"{mark}{h}。{''.join(s)}")
            else:
                self.heading(f"{mark}{h}")
                if self.rng.random() < 0.25 and len(s) >= 2:
                    self.para("".join(f"{_CN_NUMBERS[j]}是{x}" for j, x in enumerate(s)))
                else:
                    self.para("".join(s))

    def achievements(self, number: str, sub: str) -> None:
        rng, topics = self.rng, self.c.data["topics"]
        self.open_heading("Achievements", number, self.c.data["parts"]["Achievements"]["headings"])
        names = list(topics)
        k = rng.randint(5, 7)
        chosen = (["组织"] if rng.random() < 0.7 else []) + rng.sample([n for n in names if n != "组织"], k)
        items = []
        for name in chosen[:k]:
            topic = topics[name]
            heading = self.fill_plain(rng.choice(topic["headings"]))
            items.append((heading, self.sentences(topic["sentences"], rng.randint(3, 6))))
        self.subparts(items, sub)

    def open_heading(self, type_: str, number: str, pool: list[str]) -> None:
        self.d.close()
        self.d.open(type_, "")
        heading = self.fill_plain(self.rng.choice(pool))
        self.d.sections[-1]["heading"] = heading
        self.heading(f"{number}{heading}")

    def shortcomings(self, number: str) -> None:
        part = self.c.data["parts"]["Shortcomings"]
        self.open_heading("Shortcomings", number, part["headings"])
        self._shortcoming_body(part)

    def _shortcoming_body(self, part: dict, nested: bool = False) -> None:
        rng = self.rng
        pool = [s for s in part["sentences"] if "{mech" not in s]
        chosen = self.sentences(pool, rng.randint(3, 5))
        if rng.random() < 0.25:
            chosen.insert(rng.randrange(len(chosen) + 1), self.sentences([s for s in part["sentences"] if "{mech" in s], 1)[0])
        style = rng.choices(("shi", "items", "plain"), weights=(40, 40, 20))[0]
        if style == "shi":
            self.para("；".join(f"{_CN_NUMBERS[k]}是{s.rstrip('。')}" for k, s in enumerate(chosen)) + "。")
        elif style == "items":
            items = rng.sample(part["items"], len(part["items"]))
            items += [rng.choice(part["items"]) for _ in range(len(chosen) - len(items))]   # every sentence is written
            for k, (s, item) in enumerate(zip(chosen, items)):
                item = self.fill_plain(item)
                mark = _SUB["arabic"] if nested else _SUB[self.sub_mark if self.sub_mark in ("paren", "half") else "paren"]
                self.para(f"{mark(k)}{item}。{s}")
        else:
            self.para("".join(chosen))

    def responsibility(self, number: str) -> None:
        part = self.c.data["parts"]["ResponsibilityPerformance"]
        self.open_heading("ResponsibilityPerformance", number, part["headings"])
        self.para("".join(self.sentences(part["sentences"], self.rng.randint(2, 4))))

    def plan(self, number: str, sub: str) -> None:
        part = self.c.data["parts"]["NextYearPlan"]
        self.open_heading("NextYearPlan", number, part["headings"])
        self._plan_body(part, sub)

    def _plan_body(self, part: dict, sub: str, nested: bool = False) -> None:
        rng = self.rng
        k = rng.randint(4, 6)
        headings = rng.sample(part["item_headings"], k)
        pool = rng.sample(part["sentences"], len(part["sentences"]))
        items = []
        for h in headings:
            n = rng.choice((1, 2))
            chosen, pool = pool[:n], pool[n:] or rng.sample(part["sentences"], len(part["sentences"]))
            items.append((self.fill_plain(h), [self.fill_plain(s).rstrip("。") + "。" for s in chosen]))
        if nested:
            sub = rng.choice(("shi", "nested"))
        elif sub == "shi" and rng.random() < 0.5:
            sub = "line"
        self.subparts(items, sub)

    def combined(self, number: str) -> None:
        rng, data = self.rng, self.c.data
        heading = rng.choice(data["combined"]["headings"])
        self.d.close()
        self.heading(f"{number}{heading}")
        mark = self.sub_mark if self.sub_mark in ("paren", "half") else "paren"
        h = rng.choice(data["combined"]["shortcomings"])
        self.d.open("Shortcomings", h)
        self.heading(f"{_SUB[mark](0)}{h}")
        self._shortcoming_body(data["parts"]["Shortcomings"], nested=True)
        h = rng.choice(data["combined"]["plan"])
        self.d.open("NextYearPlan", h)
        self.heading(f"{_SUB[mark](1)}{h}")
        self._plan_body(data["parts"]["NextYearPlan"], "shi", nested=True)

    # ---- the answer ----------------------------------------------------------
    def finish(self) -> tuple[str, dict]:
        d = self.d
        # the text, and each section's span in it (a section runs to the next one)
        out, pos = [], 0
        starts: dict[int, int] = {}
        ends: dict[int, int] = {}
        for line, section in d.lines:
            if section is not None:
                starts.setdefault(section, pos)
                ends[section] = pos + len(line)
            out.append(line)
            pos += len(line) + 1
        text = "\n".join(out) + "\n"
        for i, s in enumerate(d.sections):
            s["start"], s["end"] = starts[i], ends[i]
        return text, self.answer(d)

    def answer(self, d: Draft) -> dict:
        who = self.who
        types = [s["type"] for s in d.sections]

        def where(label: str) -> set:
            return {types[m["section"]] if m["section"] is not None else None for m in d.mentions if m["label"] == label}

        claimed = ("Achievements", "ResponsibilityPerformance", None)
        out: dict = {"mechanisms": {"implemented": [], "planned": []}, "campaigns": {"participated": [], "planned": []},
                     "unseen": {"mechanisms": [], "campaigns": []}}
        for label in sorted({m["label"] for m in d.mentions}):
            m = next(x for x in d.mentions if x["label"] == label)
            places = where(label)
            done = bool(places & set(claimed))
            key = "mechanisms" if m["scheme"] == "mechanism" else "campaigns"
            if m["unseen"]:
                out["unseen"][key].append({"name": label, "planned_only": places == {"NextYearPlan"}})
            elif done:
                out[key]["implemented" if key == "mechanisms" else "participated"].append(label)
            elif places == {"NextYearPlan"}:
                out[key]["planned"].append(label)
        return {
            "division": _division(who, self.county_named, self.upper_named),
            "year": self.year,
            "section_types": types,
            "sections": d.sections,
            **out,
            "mentions": d.mentions,
            "measurements": d.measurements,
        }


def _division(who: Who, county_named: bool, upper_named: bool) -> dict:
    def brief(d) -> Optional[dict]:
        return None if d is None else {"name": d.name, "code": d.code}

    main = who.division
    return {
        "name": main.name, "code": main.code, "level": main.level, "kind": main.kind,
        "issuer": who.issuer, "department": who.department or None,
        "county": brief(who.county), "prefecture": brief(who.prefecture), "province": brief(who.province),
        "county_named": county_named,
        "upper_named": upper_named,    # a county report that names its prefecture (or province)
    }


def _chinese(value: int, year_style: bool = False) -> str:
    """Chinese figures as reports write them: 两千 rather than 二千.

    >>> _chinese(2000), _chinese(58), _chinese(2), _chinese(12, year_style=True)
    ('两千', '五十八', '两', '十二')
    """
    text = cn2an.an2cn(value)
    if year_style:
        return text
    if value == 2:
        return "两"
    return text[0].replace("二", "两") + text[1:] if len(text) > 1 and text[1] in "百千万" else text


@functools.cache
def _composer() -> Composer:
    data = tomllib.loads(TEMPLATES.read_text(encoding="utf-8"))
    return Composer(data, Concepts.load(), Gazetteer.load())
