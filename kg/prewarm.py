"""Warm start for ``kg build``'s worker processes.

Imported once, by the forkserver that forks the workers (:mod:`kg.parallel`),
never by the build's main process: it loads the gazetteer (villages included)
and the vocabularies, and runs a short sample text through every stage, so
that each worker is forked with all of that in memory instead of paying about
four seconds to build it again.  Best effort: a failure here only means a
cold start.
"""
from __future__ import annotations

SAMPLE = """浙江省杭州市余杭区良渚街道关于2024年法治政府建设情况的报告
2024年，全镇深入学习贯彻习近平法治思想，坚持和发展新时代“枫桥经验”，落实行政执法三项制度。
一、主要成效
（一）开展普法宣传。围绕12·4国家宪法日开展宣传活动58场次，调解矛盾纠纷191起，化解率98%。
二、存在的不足
一是法治意识有待提高。
三、下一步工作计划
推进“一村一法律顾问”全覆盖，组织学习《中华人民共和国宪法》。
"""


def warm() -> None:
    from kg import extract
    from kg.derive import summarize
    from kg.emit import report_triples
    from kg.gazetteer import Gazetteer
    from kg.link import AttributionError, attribute
    from kg.model import SourceText
    from kg.normalize import normalize
    from kg.sections import structure

    gazetteer = Gazetteer.load()
    source = SourceText("warm-up", "warm-up.txt", SAMPLE, "utf-8", "0" * 64)   # a real 街道, so every stage runs
    doc = structure(source, normalize(SAMPLE))
    mentions = extract.run(doc)
    gazetteer.villages("")          # the village table is otherwise read by each worker's first report
    try:
        who = attribute(doc, gazetteer)
    except AttributionError:
        return
    summarize(doc, "urn:warm-up", who.division.iri, who.division.name, list(report_triples(doc, who, mentions)))


try:
    warm()
except Exception:  # a cold start is slower, not wrong
    pass
