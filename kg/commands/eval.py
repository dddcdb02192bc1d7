"""``kg eval``: score the pipeline against a folder of hand annotations."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.markup import escape
from rich.table import Table

from kg.cli import err, main, out


@main.command("eval")
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--area", "areas", multiple=True, metavar="AREA",
              help="Score only this area (repeatable): township, county, prefecture, province, year, "
                   "sections, mechanisms, campaigns, measurements, legal_documents.")
@click.option("--json", "as_json", is_flag=True, help="Print the scores and misses as JSON instead of tables.")
@click.option("--misses/--no-misses", default=True, show_default=True, help="List every miss after the scores.")
@click.option("--bounds", "bounds_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="F1 bounds per area (TOML, an [f1] table); default: GOLD_DIR/bounds.toml when it exists.")
@click.option("--strict", is_flag=True, help="Exit with status 1 when an area's F1 is below its bound.")
def eval_(gold_dir: Path, areas: tuple[str, ...], as_json: bool, misses: bool, bounds_file: Path | None,
          strict: bool) -> None:
    """Run the pipeline on every annotated text of GOLD_DIR and print precision,
    recall and F1 per area, then the misses.

    \b
    GOLD_DIR holds annotations/*.toml, one per report; each names its text file
    (see tests/gold/README.md for the format).  A miss is "missed" (in the
    annotation, not in the graph) or "spurious" (in the graph, not in the
    annotation), with the file and the sentence it stands in.

    \b
    Examples:
      kg eval tests/gold
      kg eval tests/gold --area mechanisms --area campaigns
      kg eval tests/gold --json > scores.json
      kg eval tests/gold --no-misses --strict
    """
    from kg.eval import AREAS, GoldError, evaluate, read_bounds

    unknown = [a for a in areas if a not in AREAS]
    if unknown:
        raise click.BadParameter(f"unknown area {unknown[0]!r}; choose from {', '.join(AREAS)}", param_hint="--area")
    bounds_path = bounds_file or (gold_dir / "bounds.toml")
    try:
        bounds = read_bounds(bounds_path) if bounds_path.exists() else {}
    except (OSError, ValueError) as exc:
        raise click.ClickException(f"{bounds_path}: cannot read the bounds: {exc}") from None
    try:
        result = _run(evaluate, gold_dir, list(areas) or None)
    except GoldError as exc:
        raise click.ClickException(str(exc)) from None
    below = [s.area for s in result.scores if s.area in bounds and s.f1 < bounds[s.area]]

    if as_json:
        data = result.as_dict()
        data["bounds"] = {a: b for a, b in bounds.items() if a in data["areas"]}
        data["below_bound"] = below
        if not misses:
            data.pop("misses")
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_scores(gold_dir, result, bounds)
        if misses:
            _print_misses(result)
        for name, reason in result.errors:
            err.print(f"[yellow]not scored[/yellow] {escape(name)}: {escape(reason)}", highlight=False)
        if below:
            err.print(f"[bold red]below the bound:[/bold red] {', '.join(below)}", highlight=False)
    if strict and below:
        sys.exit(1)


def _run(evaluate, gold_dir, areas):
    if not err.is_terminal:
        return evaluate(gold_dir, areas)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("[bold]scoring"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  console=err, transient=True) as bar:
        task = bar.add_task("", total=None)

        def on_progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        return evaluate(gold_dir, areas, on_progress=on_progress)


def _print_scores(gold_dir: Path, result, bounds: dict) -> None:
    table = Table(title=f"fazhi-kg eval: {gold_dir} ({result.files} reports)")
    for name in ("area", "gold", "found", "matched", "precision", "recall", "F1"):
        table.add_column(name, justify="left" if name == "area" else "right")
    if bounds:
        table.add_column("bound", justify="right")
    for s in result.scores:
        row = [s.area, str(s.gold), str(s.system), str(s.matched), f"{s.precision:.3f}", f"{s.recall:.3f}"]
        below = s.area in bounds and s.f1 < bounds[s.area]
        row.append(f"[bold red]{s.f1:.3f}[/bold red]" if below else f"{s.f1:.3f}")
        if bounds:
            row.append(f"{bounds[s.area]:.2f}" if s.area in bounds else "")
        table.add_row(*row)
    out.print(table)


def _print_misses(result) -> None:
    if not result.misses:
        out.print("No misses.")
        return
    out.print(f"\nMisses ({len(result.misses)}): missed = in the annotation only, spurious = in the graph only")
    for area in dict.fromkeys(m.area for m in result.misses):
        out.print(f"\n[bold]{area}[/bold]")
        for m in (m for m in result.misses if m.area == area):
            relation = f" [{m.relation}]" if m.relation else ""
            where = f"  — {m.where}" if m.where else ""
            out.print(f"  {m.kind:8} {escape(m.file)}: {escape(m.text)}{escape(relation)}{escape(where)}",
                      highlight=False, soft_wrap=True)
