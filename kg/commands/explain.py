"""``kg explain TERM``: every fact about a township, county, mechanism or campaign, with its evidence."""
from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from kg.cli import err, main, out


@main.command()
@click.argument("term")
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder `kg build --out DIR` wrote.")
@click.option("--limit", default=25, show_default=True, type=click.IntRange(min=0),
              help="At most this many entries per group (0: all).")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON instead of a tree.")
def explain(term: str, out_dir: Path, limit: int, as_json: bool) -> None:
    """Print every fact the graph holds about TERM, each with its evidence.

    \b
    TERM is a Chinese name (simplified or traditional; quotation marks ignored):
    a township, county or other division, a mechanism or a campaign, by any of
    its labels; or an IRI; or a 12-digit division code; or a county and township
    name together (索县加勤乡).  When several entries match, they are listed with
    what tells them apart and the command exits with status 2: run again with
    the IRI or the code.

    \b
    For each fact: the sentence it comes from, the source file, the character
    offsets in it and the section; an inferred fact shows what it follows from.

    \b
    Examples:
      kg explain 永和镇
      kg explain 三项制度 --out exports
      kg explain 國家憲法日 --limit 5
      kg explain https://w3id.org/fazhi-kg/id/division/540626202000 --json
    """
    from kg.explain import GraphMissing, candidates_table, explain as run_explain, open_graph, render, resolve

    try:
        store = open_graph(out_dir)
    except GraphMissing as exc:
        raise click.ClickException(str(exc)) from None
    found = resolve(store, term)
    if not found:
        raise click.ClickException(f"nothing in {out_dir / 'graph.ttl'} is called {term!r} "
                                   "(try another label, the county and township together, or an IRI)")
    if len(found) > 1:
        out.print(candidates_table(found))
        err.print(f"[yellow]{term!r} matches {len(found)} entries; run again with one of the IRIs (or codes) above[/yellow]",
                  highlight=False)
        sys.exit(2)
    x = run_explain(store, found[0])
    if as_json:
        click.echo(json.dumps(asdict(x), ensure_ascii=False, indent=2))
    else:
        out.print(render(x, limit=limit))
