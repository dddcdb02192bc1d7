"""``kg analyze``: networkx measures over the graph, written to DIR/analysis/ and back into the graph."""
from __future__ import annotations

from pathlib import Path

import click

from kg.cli import err, main, out


@main.command()
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder `kg build --out DIR` wrote; results go to DIR/analysis/.")
@click.option("--reuse-weight", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Weight of an adoption that looks copied from a template (same sentence in another "
                   "report, or a text-reuse link) in the discounted similarity: 0 drops it, 1 counts it in full.")
@click.option("--seed", default=42, show_default=True, help="Seed of Louvain and of the betweenness sample.")
@click.option("--neighbours", "top_k", default=10, show_default=True, type=click.IntRange(1),
              help="Most similar townships kept per township.")
def analyze(out_dir: Path, reuse_weight: float, seed: int, top_k: int) -> None:
    """Measure the graph kg build wrote in OUT (its store) with networkx; write OUT/analysis/.

    \b
    Measures: the township–mechanism and township–campaign bipartite graphs;
    township similarity (Jaccard, and a form that discounts template copying)
    and mechanism co-adoption; degree and betweenness centrality (sampled on
    big graphs); seeded Louvain communities (igraph's Louvain above 5,000
    townships) with their most over-represented mechanisms; adoption by
    province and prefecture; first year seen.

    \b
    Writes OUT/analysis/report.md (read this first), one CSV per table, and
    analysis.trig, the named graph <https://w3id.org/fazhi-kg/id/graph/analysis>.

    \b
    Examples:
      kg analyze                         # exports/ -> exports/analysis/
      kg analyze --out /tmp/one --reuse-weight 1   # no discount for copying
    """
    from kg.analysis import analyze as run
    from kg.analysis.corpus import GraphMissing

    try:
        result = run(out_dir, reuse_weight=reuse_weight, seed=seed, top_k=top_k)
    except GraphMissing as exc:
        raise click.ClickException(str(exc)) from None
    except (OSError, ValueError, SyntaxError) as exc:
        raise click.ClickException(f"{out_dir}: {exc}") from None
    if result.empty:
        err.print(f"[yellow]the graph in {out_dir} has no adoption facts: nothing to measure[/yellow] "
                  f"(an empty report was written to {result.folder / 'report.md'})", highlight=False)
        return
    how = "exact" if result.betweenness_exact else f"{result.betweenness_samples} sampled sources"
    out.print(f"{result.townships} reporting divisions, {result.concepts} concepts, {result.communities} communities, "
              f"{result.copied} adoptions that look copied; betweenness {how}; {result.seconds:.1f} s", highlight=False)
    out.print(f"Analysis written to {result.folder}/ (start with report.md)", highlight=False)
