"""kg export from the command line."""
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.build import build
from kg.cli import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("seeds")
    build([ROOT / "seeds"], out, validate=False)
    return out


@pytest.mark.parametrize("fmt, name", [("ttl", "graph.ttl"), ("nt", "graph.nt"), ("nq", "graph.nq"), ("trig", "graph.trig"),
                                       ("jsonld", "graph.jsonld"), ("graphml", "graph.graphml"), ("gexf", "graph.gexf")])
def test_each_format_is_written_into_out(seeds, fmt, name):
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--out", str(seeds)])
    assert result.exit_code == 0, result.output
    assert f"wrote {seeds / name}" in result.output.replace("\n", "")
    assert (seeds / name).stat().st_size > 1000


def test_csv_and_another_destination(seeds, tmp_path):
    result = CliRunner().invoke(main, ["export", "--format", "csv", "--out", str(seeds), "--to", str(tmp_path / "tables")])
    assert result.exit_code == 0
    assert (tmp_path / "tables" / "Township.csv").exists()


def test_errors(tmp_path):
    missing = CliRunner().invoke(main, ["export", "--format", "ttl", "--out", str(tmp_path)])
    assert missing.exit_code == 1 and "no store in" in missing.output and "Traceback" not in missing.output
    unknown = CliRunner().invoke(main, ["export", "--format", "xlsx", "--out", str(tmp_path)])
    assert unknown.exit_code == 2 and "xlsx" in unknown.output
