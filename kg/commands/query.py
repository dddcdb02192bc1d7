"""``kg query``: ask the graph in SPARQL, or by the name of a canned query."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import err, main, out

FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld")


@main.command()
@click.argument("query", required=False)
@click.option("-f", "--file", "file", type=click.Path(path_type=Path), help="Read the query from a .rq file.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE",
              help="A value for a query parameter ($NAME in the query); repeatable.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format [default: table on a terminal, csv otherwise; ttl for CONSTRUCT/DESCRIBE].")
@click.option("--list", "list_", is_flag=True, help="List the canned queries (queries/*.rq) with their parameters.")
@click.option("--show", is_flag=True, help="Print the SPARQL that would run (parameters filled in) instead of running it.")
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder of the corpus (as written by `kg build --out`).")
@click.option("--timeout", default=120.0, show_default=True, type=float, help="Stop the query after this many seconds (0: never).")
@click.option("--limit", default=100_000, show_default=True, type=int,
              help="Fail when the result has more rows or triples than this (0: no limit).")
def query(query, file, params, fmt, list_, show, out_dir, timeout, limit) -> None:
    """Run a SPARQL query over the graph of OUT (the union of all report graphs).

    QUERY is SPARQL text or the name of a canned query (`kg query --list`).
    The usual prefixes (fz rdf rdfs xsd skos prov owl) need no PREFIX line.
    SELECT and ASK give a table (or --format csv/tsv/json/xml, the SPARQL 1.1
    result formats); CONSTRUCT and DESCRIBE give RDF (ttl, nt, jsonld).

    \b
    Examples:
      kg query --list
      kg query mechanism-townships --param area=那曲市 --param mechanism=枫桥经验
      kg query township-profile --param township=色务乡
      kg query mechanisms-in-many-provinces -p min=10 --format csv > adoption.csv
      kg query 'SELECT ?t WHERE { ?t a fz:Township }' --out exports/all
      kg query -f my-question.rq --format json
      kg query township-graph -p township=加勤乡 --format ttl > 加勤乡.ttl
    """
    from kg.query import QueryError, canned, resolve, run, with_prefixes
    from kg.store import StoreError

    if list_:
        _list(canned())
        return
    values = {}
    for p in params:
        if "=" not in p:
            raise click.BadParameter(f"{p!r} is not NAME=VALUE", param_hint="--param")
        k, v = p.split("=", 1)
        values[k.strip()] = v
    try:
        name, sparql = resolve(query, file, values)
        if show:
            out.print(with_prefixes(sparql), highlight=False, markup=False)
            return
        result = run(out_dir, sparql, timeout=timeout or None, limit=limit)
    except QueryError as exc:
        raise click.ClickException(f"{name if 'name' in locals() else (file or 'query')}: {exc}") from None
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    _print(result, fmt)


def _list(queries) -> None:
    from rich.table import Table

    table = Table(title="canned queries (queries/*.rq): kg query NAME [--param NAME=VALUE …]", show_lines=True)
    table.add_column("name", style="bold", no_wrap=True)
    table.add_column("question")
    table.add_column("parameters (default)")
    for q in queries.values():
        params = "\n".join(f"{p.name}={p.default or '…'}  {p.help}" for p in q.params)
        table.add_row(q.name, q.title, params)
    out.print(table)


def _print(result, fmt) -> None:
    from kg.query import short, to_csv, to_json, to_rdf, to_xml

    if fmt is None:
        fmt = "ttl" if result.kind == "graph" else ("table" if out.is_terminal else "csv")
    if result.kind == "graph" and fmt not in ("ttl", "nt", "jsonld", "xml", "table"):
        raise click.ClickException(f"--format {fmt} is for SELECT and ASK; a CONSTRUCT or DESCRIBE gives RDF: use ttl, nt, jsonld or xml")
    if result.kind != "graph" and fmt in ("ttl", "nt", "jsonld"):
        raise click.ClickException(f"--format {fmt} is for CONSTRUCT and DESCRIBE; a SELECT gives table, csv, tsv, json or xml")
    if fmt == "table":
        _table(result, short)
    elif fmt == "csv":
        sys.stdout.write(to_csv(result))
    elif fmt == "tsv":
        sys.stdout.write(to_csv(result, "\t"))
    elif fmt == "json":
        sys.stdout.write(to_json(result) + "\n")
    elif result.kind == "graph":
        sys.stdout.buffer.write(to_rdf(result, fmt))
    else:
        sys.stdout.write(to_xml(result))
    sys.stdout.flush()


def _table(result, short) -> None:
    from rich.table import Table

    if result.kind == "ask":
        out.print("yes" if result.boolean else "no")
        return
    table = Table(show_header=True, header_style="bold")
    for v in result.variables:
        table.add_column(v)
    for row in result.rows:
        table.add_row(*(short(t) for t in row))
    out.print(table)
    err.print(f"{len(result.rows)} row{'s' if len(result.rows) != 1 else ''}", highlight=False)
