"""``kg viz``: interactive views (pyvis) and the dashboard, from the graph kg build wrote."""
from __future__ import annotations

from pathlib import Path

import click

from kg.cli import err, main, out


@main.command()
@click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
              help="The folder `kg build --out DIR` wrote; views go to DIR/views/, the dashboard to DIR/index.html.")
@click.option("--progress/--no-progress", default=None, help="Show a progress bar (default: when the terminal is interactive).")
def viz(out_dir: Path, progress: bool | None) -> None:
    """Draw the graph kg build wrote in OUT as HTML pages that open offline in any browser.

    \b
    Writes:
      OUT/index.html                  dashboard: summary, plots, links to every view
      OUT/views/overview.html         divisions (township → county → prefecture → province)
                                      with mechanisms and campaigns; big graphs are folded
                                      into counties and laid out in advance
      OUT/views/township/*.html       one page per township: what it did, planned, joined
      OUT/views/mechanism/*.html      one page per mechanism: who implements, who only plans
      OUT/views/campaign/*.html       the same per campaign
      OUT/views/coadoption.html       mechanisms implemented by the same townships
    Hover a node or a line for its evidence sentences; filter by class; search by name.

    \b
    Examples:
      kg viz                    # exports/ -> exports/index.html
      kg viz --out /tmp/one     # after: kg build one.txt --out /tmp/one
    """
    from kg.analysis.corpus import GraphMissing
    from kg.viz.run import visualize

    show = progress if progress is not None else err.is_terminal
    try:
        if show:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            with Progress(TextColumn("[bold]views"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                          console=err, transient=True) as bar:
                task = bar.add_task("", total=None)
                result = visualize(out_dir, lambda done, total, name: bar.update(task, completed=done, total=total,
                                                                                 description=name))
        else:
            result = visualize(out_dir)
    except GraphMissing as exc:
        raise click.ClickException(str(exc)) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise click.ClickException(f"{out_dir}: {exc}") from None
    if result.empty:
        err.print(f"[yellow]the graph in {out_dir} is empty: the views say so[/yellow]", highlight=False)
    if result.font is None:
        err.print("[yellow]no CJK font found: Chinese in the plots may show as boxes "
                  "(install fonts-noto-cjk)[/yellow]", highlight=False)
    made = ", ".join(f"{n} {kind}" for kind, n in result.counts.items())
    out.print(f"Views: {made} in {result.views_dir}/ ({result.seconds:.1f} s)", highlight=False)
    out.print(f"Open {result.index}", highlight=False)
