"""``kg validate``: a data-quality report of the store against the SHACL shapes."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli import err, main, out


@main.command()
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder of the corpus (as written by `kg build --out`).")
@click.option("--sample", default=200, show_default=True, type=int,
              help="On a large store, check this many report graphs (drawn reproducibly).")
@click.option("--all", "all_", is_flag=True, help="On a large store, check every report graph (slow: about a second each).")
@click.option("--examples", default=3, show_default=True, type=int, help="Offending nodes shown per kind of problem.")
def validate(out_dir: Path, sample: int, all_: bool, examples: int) -> None:
    """Check the graph of OUT against ontology/shapes*.ttl and print what is wrong.

    One line per kind of problem (townships without a county, facts without
    evidence, measurements without a unit …) with how many nodes have it and
    examples.  A store of up to 30,000 triples is checked as one graph; a
    larger one report graph by report graph, each with the shared graphs
    (ontology, vocabularies, gazetteer, derived), on a sample unless --all.
    Exit status 1 when there is a violation (warnings alone exit 0).

    \b
    Examples:
      kg validate
      kg validate --out exports/all --sample 500
      kg validate --out exports/all --all
    """
    from rich.table import Table

    from kg.store import StoreError, open_read_only
    from kg.validate import group_findings, validate_store

    try:
        store = open_read_only(out_dir)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    report = validate_store(store, sample=None if all_ else sample)
    scope = ("the whole graph" if report.whole else
             f"{report.checked_reports} of {report.total_reports} report graphs, each with the shared graphs")
    if not report.findings:
        out.print(f"[green]The graph conforms to the shapes[/green] (checked {scope}).")
        return
    table = Table(title=f"data quality of {out_dir} (checked {scope})", show_lines=False)
    table.add_column("severity")
    table.add_column("problem")
    table.add_column("property")
    table.add_column("nodes", justify="right")
    table.add_column("for example")
    for (severity, message, path), items in group_findings(report.findings):
        style = "red" if severity == "Violation" else "yellow"
        names = sorted({f.focus_label or f.focus for f in items})
        table.add_row(f"[{style}]{severity}[/{style}]", message, path, str(len(items)), ", ".join(names[:examples]))
    out.print(table)
    if not report.conforms:
        err.print("[bold red]The graph does not conform: see the violations above.[/bold red]")
        sys.exit(1)
