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
@click.option("--validate/--no-validate", default=True, show_default=True, help="Check the graph against ontology/shapes*.ttl (pySHACL): the whole graph while it is small "
                   "(about 25 reports), else 10 of the reports written now (kg validate checks more).")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when the terminal is interactive).")
@click.option("--full", is_flag=True, help="Throw the previous store away and build from scratch (normally only changed files are read again).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes that read and extract files (fewer than 4 files per worker "
                   "are read in the main process)  [default: all cores]")
@click.option("--max-chars", type=click.IntRange(min=1), default=1_000_000, show_default=True,
              help="A file whose text is longer is reported as too large and not analysed.")
@click.option("--time-limit", type=click.IntRange(min=1), default=120, show_default=True,
              help="Seconds one file may take; a file still running is stopped and reported.")
@click.option("--batch", type=click.IntRange(min=1), default=256, show_default=True,
              help="Reports written to the store per bulk load.")
@click.option("--turtle/--no-turtle", default=None,
              help="Write OUT/graph.ttl  [default: when the graph has at most 500,000 triples; "
                   "larger corpora: kg export --format ttl]")
@click.option("--compact/--no-compact", default=None,
              help="Compact the store at the end (RocksDB full compaction: queries 2-5x faster; about 2 "
                   "minutes at 50,000 reports)  [default: when this build wrote a quarter or more of the reports]")
def build(paths: tuple[Path, ...], out_dir: Path, strict: bool, validate: bool, progress: bool | None, full: bool,
          jobs: int | None, max_chars: int, time_limit: int, batch: int, turtle: bool | None,
          compact: bool | None) -> None:
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
      kg build reports/ --out exports/all --jobs 2 --no-validate
    """
    import os

    from kg.build import build as run_build
    from kg.parallel import Limits
    from kg.store import StoreError

    targets = list(paths) or [Path("seeds")]
    show = progress if progress is not None else err.is_terminal
    try:
        options = dict(validate=validate, full=full, jobs=jobs or len(os.sched_getaffinity(0)),
                       limits=Limits(max_chars, time_limit), batch=batch, turtle=turtle, compact=compact)
        result = _run_build(run_build, targets, out_dir, show, options)
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:  # an output folder that cannot be written, a full disk ...
        raise click.ClickException(f"cannot write to {out_dir}: {exc.strerror or exc}") from None
    _print_summary(result, out_dir)
    if strict and (result.skipped or result.conforms is False):
        sys.exit(1)


def _run_build(run_build, targets, out_dir, show, options):
    if show:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        with Progress(TextColumn("[bold]building"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      TextColumn("{task.description}"), console=err, transient=True) as bar:
            task = bar.add_task("", total=None)

            def on_progress(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total, description=name)

            return run_build(targets, out_dir, on_progress=on_progress, **options)
    return run_build(targets, out_dir, **options)


def _print_summary(result, out_dir: Path) -> None:
    table = Table(title=f"fazhi-kg build: {result.graph_path or 'store ' + str(out_dir / 'store')}", show_header=True)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("reports read", str(result.reports))
    table.add_row("  extracted now", str(result.extracted))
    table.add_row("  unchanged, kept", str(result.reused))
    if result.removed:
        table.add_row("  graphs dropped", str(result.removed))
    table.add_row("files skipped", str(len(result.skipped)))
    table.add_row("triples, summed over the graphs" if result.triples_summed else "triples", str(result.triples))
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
    for note in result.notes:
        err.print(note, highlight=False)
    if result.graph_path:
        out.print(f"Graph written to {result.graph_path}")
    out.print(f"Store: {out_dir / 'store'} (kg query --out {out_dir} --list)")

