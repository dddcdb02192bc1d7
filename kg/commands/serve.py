"""``kg serve``: a SPARQL endpoint and query page over the store."""
from __future__ import annotations

from pathlib import Path

import click

from kg.cli import err, main


@main.command()
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder of the corpus (as written by `kg build --out`).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; 0.0.0.0 opens it to the network (think twice).")
@click.option("--port", default=7878, show_default=True, type=int)
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds a query may run before it is stopped (503).")
@click.option("--max-results", default=10_000, show_default=True, type=int, help="Rows or triples one answer may have.")
@click.option("--allow-update", is_flag=True,
              help="Accept SPARQL Update on /update (read-only otherwise).  An update names its graphs "
                   "(GRAPH <…>); the default graph stays the union of the named graphs.  Edits last until the next kg build.")
@click.option("--workers", default=2, show_default=True, type=int, help="Queries that can run at the same time.")
def serve(out_dir: Path, host: str, port: int, timeout: float, max_results: int, allow_update: bool, workers: int) -> None:
    """Serve the graph of OUT over the SPARQL 1.1 Protocol, with a query page at /.

    \b
    Queries: GET /sparql?query=…, POST a form (query=…) or an
    application/sparql-query body; the Accept header picks the format
    (JSON, XML, CSV, TSV results; Turtle, N-Triples, JSON-LD for CONSTRUCT).
    Read-only unless --allow-update.  Stop with Ctrl-C.

    \b
    Examples:
      kg serve                                  # http://127.0.0.1:7878/
      kg serve --out exports/all --port 8890 --timeout 120
      curl -G http://127.0.0.1:7878/sparql -H 'Accept: text/csv' \\
           --data-urlencode 'query=SELECT ?t WHERE { ?t a fz:Township }'
    """
    from kg.serve import ServeConfig, make_server
    from kg.store import StoreError

    config = ServeConfig(out_dir, host, port, timeout, max_results, allow_update, workers)
    try:
        server = make_server(config)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    err.print(f"Serving {out_dir} at {server.url} (SPARQL endpoint {server.url}sparql; "
              f"{'read-write' if allow_update else 'read-only'}). Ctrl-C stops.", highlight=False)
    import signal

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))   # kill = Ctrl-C: stop the workers too
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
