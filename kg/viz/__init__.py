"""Interactive views of the graph (pyvis / vis-network), offline and escaped.

:func:`kg.viz.run.visualize` writes ``DIR/views/``: the overview (:mod:`.overview`), one page
per township (:mod:`.township`), per mechanism and campaign (:mod:`.concept`), the mechanism
co-adoption network (:mod:`.coadoption`), and ``DIR/index.html`` (:mod:`kg.dashboard`).
How they look is in :mod:`.style`; how a page is written, offline and safe, in :mod:`.page`.
"""
