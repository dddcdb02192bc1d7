"""``kg analyze``: every measure over the graph, written to ``DIR/analysis/`` and back into the graph.

>>> from kg.analysis import analyze                               # doctest: +SKIP
>>> r = analyze("exports")                                        # doctest: +SKIP
>>> r.townships, r.communities, sorted(p.name for p in r.files)[:2]  # doctest: +SKIP
(5, 3, ['adoption_by_prefecture.csv', 'adoption_by_province.csv'])
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from kg.analysis.adoption import adoption_matrix, bipartite_of
from kg.analysis.centrality import BUDGET, centrality
from kg.analysis.communities import SEED, communities
from kg.analysis.corpus import ADOPTION, Corpus, read_corpus
from kg.analysis.report import markdown_table, write_csv
from kg.atomicfile import write_text
from kg.analysis.reuse import copied_adoptions
from kg.analysis.similarity import co_adoption, township_similarity
from kg.analysis.spread import diffusion, first_years, region_of, regional_adoption
from kg.analysis.writeback import analysis_triples, write_back

KIND_ZH = {"Mechanism": "机制", "Campaign": "活动", "Township": "乡镇", "County": "县级", "Prefecture": "地级",
           "Province": "省级"}


@dataclass(frozen=True)
class AnalysisResult:
    folder: Path
    files: tuple[Path, ...]
    townships: int
    concepts: int
    communities: int
    similar_pairs: int
    copied: int
    betweenness_samples: int
    betweenness_exact: bool
    years: tuple[int, ...]
    seconds: float

    @property
    def empty(self) -> bool:
        return self.townships == 0


def analyze(out_dir: str | Path, *, reuse_weight: float = 0.0, seed: int = SEED, top_k: int = 10,
            budget: int = BUDGET) -> AnalysisResult:
    """Read the graph of ``DIR`` (its store, else ``graph.ttl``), compute every measure, write ``DIR/analysis/*``;
    see :mod:`kg.analysis`."""
    if not 0.0 <= reuse_weight <= 1.0:
        raise ValueError(f"reuse weight must be between 0 and 1, not {reuse_weight}")
    started = time.perf_counter()
    corpus = read_corpus(out_dir, views=False)
    return analyze_corpus(corpus, Path(out_dir), reuse_weight=reuse_weight, seed=seed, top_k=top_k,
                          budget=budget, started=started)


def analyze_corpus(corpus: Corpus, out_dir: Path, *, reuse_weight: float = 0.0, seed: int = SEED, top_k: int = 10,
                   budget: int = BUDGET, started: float | None = None) -> AnalysisResult:
    started = time.perf_counter() if started is None else started
    folder = out_dir / "analysis"
    label = lambda iri: corpus.divisions[iri].label if iri in corpus.divisions else \
        corpus.concepts[iri].label if iri in corpus.concepts else iri
    copied = copied_adoptions(corpus)
    adoption = adoption_matrix(corpus, copied=copied, reuse_weight=reuse_weight)
    similar = township_similarity(adoption, top_k=top_k)
    co = co_adoption(adoption)
    kinds = adoption.column_kind(corpus)
    groups = communities(adoption, similar, seed=seed, mask=kinds == "Mechanism")
    cent = centrality(bipartite_of(adoption), budget=budget, seed=seed)
    adopters = Counter(c for _, c in {(l.division, l.concept) for l in corpus.links if l.predicate in ADOPTION})
    planners = Counter(c for _, c in {(l.division, l.concept) for l in corpus.links if l.predicate == "plans"})
    community_of = {m: g.index for g in groups for m in g.members}
    files = []

    def csv(name, header, rows):
        files.append(write_csv(folder / name, header, rows))

    def regions(t):
        return [region_of(corpus, t, lvl)[1] for lvl in ("County", "Prefecture", "Province")]

    per_town = Counter()
    for l in corpus.links:
        per_town[(l.division, l.predicate)] += 1
    csv("townships.csv", ["iri", "名称", "类别", "县", "地市", "省", "实施机制数", "参加活动数", "计划数", "度",
                          "度中心性", "介数中心性", "社区"],
        ([t, label(t), KIND_ZH.get(corpus.divisions[t].kind, ""), *regions(t), per_town[(t, "implements")],
          per_town[(t, "participatesIn")], per_town[(t, "plans")],
          *(_cent(cent, t)), community_of.get(t, "")] for t in corpus.townships))
    csv("concepts.csv", ["iri", "名称", "类别", "新发现", "采用地数", "仅计划地数", "度中心性", "介数中心性"],
        ([c.iri, c.label, KIND_ZH[c.kind], "是" if c.discovered else "", adopters[c.iri], planners[c.iri],
          *(_cent(cent, c.iri)[1:])] for c in sorted(corpus.concepts.values(), key=lambda c: (-adopters[c.iri], c.iri))))
    csv("similarity.csv", ["乡镇", "名称", "相似乡镇", "相似乡镇名称", "Jaccard", "折减相似度", "共同采用数"],
        ([s.a, label(s.a), s.b, label(s.b), s.jaccard, s.discounted, s.shared] for s in similar))
    csv("coadoption.csv", ["概念甲", "名称甲", "概念乙", "名称乙", "共同采用地数", "Jaccard", "提升度"],
        ([c.a, label(c.a), c.b, label(c.b), c.both, c.jaccard, c.lift]
         for c in sorted(co, key=lambda c: (-c.both, -c.lift, c.a, c.b))))
    csv("communities.csv", ["社区", "乡镇数", "成员", "特征机制（提升度，社区内采用数）"],
        ([g.index, len(g.members), "、".join(label(m) for m in g.members),
          "；".join(f"{label(c)}（{lift:.2f}，{n}）" for c, lift, n in g.characteristic)] for g in groups))
    for level, name in (("Province", "adoption_by_province.csv"), ("Prefecture", "adoption_by_prefecture.csv")):
        csv(name, ["地区", "地区 iri", "概念", "名称", "采用地数", "报告地数", "采用比例"],
            ([r.region, r.region_iri, r.concept, label(r.concept), r.adopters, r.reporting, r.share]
             for r in regional_adoption(corpus, level)))
    first = first_years(corpus)
    csv("first_year.csv", ["乡镇", "名称", "概念", "概念名称", "首次出现年份"],
        ([t, label(t), c, label(c), y] for (t, c), y in first.items()))
    diff = diffusion(corpus, first)
    csv("diffusion.csv", ["概念", "名称", "年份", "新采用地数", "累计采用地数"],
        ([d.concept, label(d.concept), d.year, d.new, d.cumulative] for d in diff))
    csv("copied.csv", ["乡镇", "名称", "概念", "概念名称"], ([t, label(t), c, label(c)] for t, c in sorted(copied)))

    files.append(write_back(out_dir, analysis_triples(
        centrality=cent, communities=groups, similar=similar, co=co, adopters=dict(sorted(adopters.items())),
        reuse_weight=reuse_weight, seed=seed)))
    result = AnalysisResult(folder, tuple(files), len(corpus.townships), len(corpus.concepts), len(groups),
                            len(similar), len(copied), cent.samples, cent.exact, corpus.years,
                            time.perf_counter() - started)
    files.append(write_text(folder / "report.md", _report(corpus, result, label, adopters, planners, groups,
                                                          similar, co, cent, diff, reuse_weight)))
    return AnalysisResult(**{**result.__dict__, "files": tuple(files)})


def _cent(cent, node):
    c = cent.values.get(node)
    return (c.degree, c.degree_centrality, c.betweenness) if c else (0, 0.0, 0.0)


def _report(corpus, result, label, adopters, planners, groups, similar, co, cent, diff, reuse_weight) -> str:
    if result.empty:
        return ("# 分析报告\n\n图中没有任何报告主体的采用事实（fz:implements / fz:participatesIn），无可分析。\n"
                "请先用 `kg build 报告文件夹 --out 目录` 构建图。\n")
    years = "、".join(map(str, corpus.years)) or "未知"
    out = ["# 分析报告\n",
           f"- 报告主体（乡镇等）：{result.townships} 个；被采用或计划的机制与活动：{result.concepts} 项；年份：{years}",
           f"- 疑似模板复制的采用：{result.copied} 条（折减相似度中权重 {reuse_weight:g}；见 copied.csv）",
           f"- 介数中心性：{'精确计算' if cent.exact else f'由 {cent.samples} 个抽样源估计（种子固定，可复现）'}",
           f"- 相似乡镇社区（Louvain，种子固定）：{len(groups)} 个\n"]
    top = sorted(corpus.concepts.values(), key=lambda c: (-adopters[c.iri], c.iri))[:15]
    out += ["## 采用最广的机制与活动\n", markdown_table(
        ["名称", "类别", "采用地数", "仅计划地数"],
        [[c.label, KIND_ZH[c.kind], adopters[c.iri], planners[c.iri]] for c in top]), ""]
    central = sorted(cent.values.items(), key=lambda kv: (-kv[1].betweenness, kv[0]))[:10]
    out += ["## 中心性最高的节点（乡镇—概念采用图）\n", markdown_table(
        ["名称", "度", "介数中心性"], [[label(n), c.degree, c.betweenness] for n, c in central]), ""]
    out += ["## 社区及其特征机制\n", markdown_table(
        ["社区", "乡镇数", "成员", "特征机制（提升度）"],
        [[g.index, len(g.members), "、".join(label(m) for m in g.members[:8]) + ("…" if len(g.members) > 8 else ""),
          "、".join(f"{label(c)}（{lift:.1f}）" for c, lift, _ in g.characteristic)] for g in groups[:20]]), ""]
    pairs = sorted({tuple(sorted((s.a, s.b))): s for s in similar}.values(), key=lambda s: (-s.discounted, s.a, s.b))[:10]
    out += ["## 最相似的乡镇\n", markdown_table(
        ["乡镇", "乡镇", "Jaccard", "折减相似度", "共同采用"],
        [[label(s.a), label(s.b), s.jaccard, s.discounted, s.shared] for s in pairs]), ""]
    strong = sorted((c for c in co if c.both >= 2), key=lambda c: (-c.lift, -c.both, c.a, c.b))[:10] or \
        sorted(co, key=lambda c: (-c.both, c.a, c.b))[:10]
    out += ["## 常被一起采用的机制与活动\n", markdown_table(
        ["概念", "概念", "共同采用地数", "提升度"], [[label(c.a), label(c.b), c.both, c.lift] for c in strong]), ""]
    if len(corpus.years) > 1:
        newest = [d for d in diff if d.year == corpus.years[-1] and d.new]
        newest.sort(key=lambda d: (-d.new, d.concept))
        out += [f"## 扩散：{corpus.years[-1]} 年新采用最多的\n", markdown_table(
            ["名称", "新采用地数", "累计"], [[label(d.concept), d.new, d.cumulative] for d in newest[:10]]), ""]
    else:
        out += [f"## 扩散\n\n只有一个年份（{years}），看不出随时间的扩散；各乡镇首次出现年份见 first_year.csv。\n"]
    out += ["## 文件\n", "、".join(f"`{p.name}`" for p in result.files), ""]
    return "\n".join(out) + "\n"
