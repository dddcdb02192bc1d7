"""``kg vocab suggest`` and ``kg vocab accept``: grow the curated vocabulary from what discovery found."""
from __future__ import annotations

from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from kg.cli import err, main, out

OUT_OPTION = click.option("--out", "out_dir", default="exports", show_default=True, type=click.Path(path_type=Path),
                          help="The folder `kg build --out DIR` wrote.")
VOCAB_OPTION = click.option("--vocab-dir", type=click.Path(path_type=Path, file_okay=False), default=None,
                            help="Folder of the curated vocabularies (mechanisms.ttl, campaigns.ttl) [default: ontology/].")


@main.group()
def vocab() -> None:
    """The curated vocabularies of mechanisms and campaigns (ontology/*.ttl).

    \b
    Discovery finds mechanisms and campaigns that no vocabulary knows yet
    (“一统六联”机制, 平西藏宣传日) and marks them fz:discovered in the graph.
    `kg vocab suggest` lists them across the corpus; `kg vocab accept` moves the
    ones you choose into mechanisms.ttl / campaigns.ttl, so the next build finds
    them by name everywhere.
    """


@vocab.command()
@OUT_OPTION
@VOCAB_OPTION
@click.option("--kind", type=click.Choice(["mechanism", "campaign"]), default=None, help="Only this kind.")
@click.option("--min", "minimum", default=1, show_default=True, type=click.IntRange(min=0),
              help="Only those named at least this many times.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(min=0), help="At most this many rows (0: all).")
def suggest(out_dir: Path, vocab_dir: Path | None, kind: str | None, minimum: int, limit: int) -> None:
    """List discovered, not yet curated mechanisms and campaigns, most frequent first.

    \b
    Each row: how often the corpus names it, by which divisions, and one
    sentence that does.  Accept the good ones with `kg vocab accept NAME ...`.

    \b
    Examples:
      kg vocab suggest
      kg vocab suggest --kind campaign --min 3 --out exports/2024
    """
    from kg.explain import GraphMissing, open_graph
    from kg.vocabgrowth import KINDS, excerpt, suggest as run_suggest

    try:
        store = open_graph(out_dir)
    except GraphMissing as exc:
        raise click.ClickException(str(exc)) from None
    rows = [s for s in run_suggest(store, vocab_dir, (kind,) if kind else KINDS) if s.frequency >= minimum]
    if not rows:
        out.print(f"No discovered {kind or 'mechanism or campaign'} left to curate in {out_dir / 'graph.ttl'}.")
        return
    table = Table(title=f"可收录的新词条 / discovered, not yet curated ({len(rows)})")
    table.add_column("#", justify="right")
    table.add_column("名称 name", max_width=14, overflow="fold")
    table.add_column("类型", no_wrap=True)
    table.add_column("次数", justify="right", no_wrap=True)
    table.add_column("行政区划", max_width=10, overflow="fold")
    table.add_column("例句 example", min_width=20, overflow="fold")
    for n, s in enumerate(rows[:limit] if limit else rows, 1):
        divisions = "、".join(s.divisions[:5]) + (f" 等{len(s.divisions)}个" if len(s.divisions) > 5 else "")
        table.add_row(str(n), s.label, {"mechanism": "机制", "campaign": "活动"}[s.kind], str(s.frequency),
                      divisions, Text.assemble(excerpt(s.example, s.label), ("\n" + s.example_file, "dim")))
    out.print(table)
    if limit and len(rows) > limit:
        err.print(f"{len(rows) - limit} more; --limit 0 lists all", highlight=False)


@vocab.command()
@click.argument("names", nargs=-1, required=True)
@OUT_OPTION
@VOCAB_OPTION
@click.option("--en", "english", default=None, help="English label (only with one NAME); default: the pinyin, marked for review.")
@click.option("--dry-run", is_flag=True, help="Print the Turtle that would be appended; change no file.")
def accept(names: tuple[str, ...], out_dir: Path, vocab_dir: Path | None, english: str | None, dry_run: bool) -> None:
    """Move the discovered concepts NAMES into the curated vocabulary.

    \b
    NAMES are labels (any variant, simplified or traditional), IRIs or slugs of
    rows of `kg vocab suggest`.  Each becomes a concept at the end of
    mechanisms.ttl or campaigns.ttl: its pinyin-slug IRI, prefLabel, the
    variants seen as altLabels, an example sentence, and a definition marked
    【待补充】 for a curator to write.  The file is written to a temporary file,
    checked to parse, and renamed: an error leaves it as it was.  Rebuild
    afterwards (`kg build`) so the graph finds the new names everywhere.

    \b
    Examples:
      kg vocab accept 一统六联
      kg vocab accept 平西藏宣传日 法治+乡村振兴 --dry-run
      kg vocab accept 一统六联 --en "one coordination, six linkages"
    """
    from kg.explain import GraphMissing, open_graph
    from kg.vocabgrowth import VocabError, accept as run_accept, choose, suggest as run_suggest

    try:
        store = open_graph(out_dir)
    except GraphMissing as exc:
        raise click.ClickException(str(exc)) from None
    try:
        chosen = choose(run_suggest(store, vocab_dir), names, vocab_dir)
        if english is not None and len(chosen) != 1:
            raise VocabError("--en gives the English label of one concept; name exactly one")
        labels = {chosen[0].iri: english} if english else None
        results = run_accept(chosen, vocab_dir, labels, dry_run=dry_run)
    except VocabError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"cannot write the vocabulary: {exc}") from None
    for r in results:
        if dry_run:
            out.print(f"# would append to {r.path}:", highlight=False, soft_wrap=True)
            click.echo(r.turtle)
        else:
            out.print(f"{r.path}: added " + "、".join(s.label for s in r.concepts), highlight=False, soft_wrap=True)
    if not dry_run:
        err.print("Rebuild (`kg build`) for the graph to use the new concepts.", highlight=False)
