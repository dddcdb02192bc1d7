"""``kg push``: send the graph to another triple store."""
from __future__ import annotations

import os
from pathlib import Path

import click

from kg.cli import main, out


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store endpoint (Oxigraph …/store, Virtuoso …/sparql-graph-crud[-auth]) or, with "
                   "--protocol update, update endpoint (Oxigraph …/update, Virtuoso …/sparql[-auth]).")
@click.option("--protocol", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="SPARQL 1.1 Graph Store HTTP Protocol, or SPARQL Update in batches.")
@click.option("--graph", "graph", metavar="IRI", default=None,
              help="Put everything into this one graph (default: one graph per report, same names as here).")
@click.option("--auth", default=None, metavar="[basic:|digest:]USER:PASSWORD",
              help="Credentials (or set KG_PUSH_AUTH, which keeps them out of the shell history).")
@click.option("--batch", default=10_000, show_default=True, type=int, help="Triples per request.")
@click.option("--timeout", default=300.0, show_default=True, type=float, help="Seconds to wait for each request.")
@click.option("--restart", is_flag=True, help="Forget what earlier pushes to this endpoint sent; send everything again.")
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder of the corpus (as written by `kg build --out`).")
def push(endpoint, protocol, graph, auth, batch, timeout, restart, out_dir) -> None:
    """Send the graph of OUT to a triple store over HTTP.

    A push that fails (server down, 401, 500 halfway) says how far it got;
    run the same command again and it continues there, skipping the graphs
    already sent and unchanged since.  No triple is sent twice into a graph:
    each graph's first request replaces it.

    \b
    Examples:
      kg push --endpoint http://127.0.0.1:7878/store                     # Oxigraph
      kg push --endpoint http://127.0.0.1:7878/update --protocol update
      kg push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --auth digest:dba:dba   # Virtuoso
      kg push --endpoint http://localhost:3030/ds/data --graph https://example.org/fazhi      # Fuseki, one graph
    """
    from kg.push import PushError, Target
    from kg.push import push as run_push
    from kg.store import StoreError

    target = Target(endpoint, protocol, graph, auth or os.environ.get("KG_PUSH_AUTH"), batch, timeout)
    try:
        result = run_push(out_dir, target, restart=restart)
    except (PushError, StoreError) as exc:
        raise click.ClickException(str(exc)) from None
    out.print(f"pushed {result.pushed} graph{'s' if result.pushed != 1 else ''} ({result.triples:,} triples, "
              f"{result.requests} requests) to {endpoint} in {result.seconds:.1f} s"
              + (f"; {result.unchanged} unchanged since the last push" if result.unchanged else ""), highlight=False)
