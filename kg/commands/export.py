"""``kg export``: write the graph in a format for another system."""
from __future__ import annotations

from pathlib import Path

import click

from kg.cli import main, out


@main.command()
@click.option("--format", "fmt", required=True,
              type=click.Choice(["ttl", "nt", "nq", "trig", "jsonld", "graphml", "gexf", "csv"]),
              help="ttl/nt: the union graph, sorted; nq/trig/jsonld: one named graph per report; "
                   "graphml/gexf: entities and relations for Gephi; csv: one table per class.")
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder of the corpus (as written by `kg build --out`); the export is written there.")
@click.option("--to", "dest", type=click.Path(path_type=Path), default=None,
              help="Write here instead of OUT/graph.<format> (a folder for csv).")
def export(fmt: str, out_dir: Path, dest: Path | None) -> None:
    """Export the graph of OUT for other systems.

    \b
    Formats:
      ttl      OUT/graph.ttl      Turtle, prefixed, sorted: two builds of the same input diff cleanly
      nt       OUT/graph.nt       N-Triples, sorted
      nq       OUT/graph.nq       N-Quads, every triple with its report graph
      trig     OUT/graph.trig     TriG, the named graphs with prefixes
      jsonld   OUT/graph.jsonld   JSON-LD
      graphml  OUT/graph.graphml  Gephi, yEd, networkx: reports, divisions, mechanisms … as nodes
      gexf     OUT/graph.gexf     Gephi's own format, same nodes and edges
      csv      OUT/csv/*.csv      one table per class (Report, Township, Measurement …), UTF-8 with
                                  BOM so that Excel shows Chinese; pandas.read_csv reads them as they are

    \b
    Examples:
      kg export --format graphml
      kg export --format csv --out exports/all
      kg export --format nq --to /tmp/fazhi.nq
    """
    from kg.export import export as run_export
    from kg.store import StoreError

    try:
        result = run_export(out_dir, fmt, dest)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write {dest or out_dir}: {exc.strerror or exc}") from None
    if fmt == "csv":
        for f in result.files:
            out.print(f"wrote {f}", highlight=False)
    else:
        what = "edges" if fmt in ("graphml", "gexf") else "triples"
        out.print(f"wrote {result.path} ({result.triples:,} {what})", highlight=False)
