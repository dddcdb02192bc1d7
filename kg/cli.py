"""The ``kg`` command line.  Each command parses its options and calls one library function.

Commands live in :mod:`kg.commands`, one module each; a module there that
defines a command with ``@main.command()`` is picked up without touching this file.
"""
from __future__ import annotations

import importlib
import pkgutil

import click
from rich.console import Console

from kg import __version__

err = Console(stderr=True)
out = Console()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """fazhi-kg: build a knowledge graph from China's rule-of-law government reports
    (法治政府建设情况报告).

    \b
    Typical use:
      kg build                     # seeds/ -> exports/graph.ttl
      kg build reports/ --out out  # your own folder of .txt/.docx reports
    """


def _load_commands() -> None:
    import kg.commands

    for info in sorted(pkgutil.iter_modules(kg.commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"kg.commands.{info.name}")


_load_commands()

if __name__ == "__main__":
    main()
