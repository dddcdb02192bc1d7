"""``kg build``: read a folder of reports, write the graph."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.table import Table

from kg.cli import err, main, out


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="Folder for graph.ttl and the other outputs.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when any file was skipped or the graph does not conform to the SHACL shapes.")
@click.option("--validate/--no-validate", default=True, show_default=True, help="Check the graph against ontology/shapes.ttl (pySHACL).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when the terminal is interactive).")
@click.option("--full", is_flag=True, help="Throw the previous store away and build from scratch (normally only changed files are read again).")
def build(paths: tuple[Path, ...], out_dir: Path, strict: bool, validate: bool, progress: bool | None, full: bool) -> None:
    """Read every report under PATHS (default: seeds/) into the store OUT/store and write OUT/graph.ttl.

    \b
    Inputs: .txt in UTF-8 (with or without BOM), GB18030/GBK, Big5 or UTF-16
    (detected, not assumed) and .docx.  A file that cannot be read, is empty,
    binary or not a report is skipped with its reason; the graph is still
    written for the rest.

    \b
    Incremental: OUT/store keeps one named graph per report and a manifest
    of content hashes, so a second build reads only new and changed files,
    drops the graphs of deleted ones and recomputes the derived facts.  The
    result is the same as a build from scratch (--full).  An interrupted
    build (Ctrl-C, kill) leaves the store consistent; run it again to finish.

    \b
    Examples:
      kg build
      kg build reports/2024 reports/2023 --out exports/all
      kg build one-report.docx --out /tmp/one --strict
      kg build reports/ --out exports/all --full     # from scratch
    """
    from kg.build import build as run_build
    from kg.store import StoreError

    targets = list(paths) or [Path("seeds")]
    show = progress if progress is not None else err.is_terminal
    try:
        result = _run_build(run_build, targets, out_dir, validate, show, full)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # an output folder that cannot be written, a full disk ...
        raise click.ClickException(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    _print_summary(result)
    if strict and (result.skipped or result.conforms is False):
        sys.exit(1)


def _run_build(run_build, targets, out_dir, validate, show, full):
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      TextColumn("{task.description}"), console=err, transient=True) as bar:
            task = bar.add_task("", total=None)

            def on_progress(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=name)

            return run_build(targets, out_dir, validate=validate, on_progress=on_progress, full=full)
    return run_build(targets, out_dir, validate=validate, full=full)


def _print_summary(result) -> None:
    table = Table(title=f"fazhi-kg build: {result.graph_path}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("reports read", str(result.reports))
    table.add_row("  extracted now", str(result.extracted))
    table.add_row("  unchanged, kept", str(result.reused))
    if result.removed:
        table.add_row("  graphs dropped", str(result.removed))
    table.add_row("files skipped", str(len(result.skipped)))
    table.add_row("triples", str(result.triples))
    for cls, n in result.class_counts.items():
        table.add_row(f"  {cls}", str(n))
    table.add_row("seconds", f"{result.seconds:.1f}")
    if result.rebuilt_all:
        table.caption = "built from scratch (new folder, --full, or the pipeline changed)"
    out.print(table)
    for s in result.skipped:
        err.print(f"[yellow]skipped[/yellow] {s.path}: {s.reason}", highlight=False)
    if result.validation_text:
        style = "green" if result.conforms else "bold red"
        err.print(f"[{style}]{result.validation_text}[/{style}]", highlight=False)
    out.print(f"Graph written to {result.graph_path}")

