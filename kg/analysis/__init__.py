"""Analysis of the graph with networkx: who adopts what, who resembles whom, what is central.

``analyze(DIR)`` reads the graph ``kg build --out DIR`` wrote (:mod:`.corpus`), builds the
township–mechanism and township–campaign bipartite graphs (:mod:`.adoption`), their
projections (:mod:`.similarity`, discounting template copying: :mod:`.reuse`), centrality
(:mod:`.centrality`), seeded Louvain communities (:mod:`.communities`), adoption by region and
over time (:mod:`.spread`), and writes ``DIR/analysis/*.csv``, ``report.md`` and the named graph
``analysis.trig`` (:mod:`.writeback`).
"""
from kg.analysis.run import AnalysisResult, analyze

__all__ = ["AnalysisResult", "analyze"]
