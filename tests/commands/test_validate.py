"""kg validate: a readable data-quality report, exit 1 on violations."""
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Store

from kg.build import build
from kg.cli import main
from kg.store import store_path

ROOT = Path(__file__).resolve().parents[2]
FZ = "https://w3id.org/fazhi-kg/ont#"


@pytest.fixture()
def seeds(tmp_path):
    out = tmp_path / "seeds"
    build([ROOT / "seeds"], out, validate=False)
    return out


def test_the_seeds_conform(seeds):
    result = CliRunner().invoke(main, ["validate", "--out", str(seeds)])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output and "the whole graph" in result.output


def _break(out: Path, update: str) -> None:
    store = Store(str(store_path(out)))
    store.update(update)
    store.flush()
    del store


def test_problems_are_grouped_with_counts_and_examples(seeds):
    # measurements without a unit; a township without its county (and the evidence for it)
    _break(seeds, f"""PREFIX fz: <{FZ}>
        DELETE {{ GRAPH ?g {{ ?m fz:unit ?u }} ?m fz:unit ?u }} WHERE {{ GRAPH ?g {{ ?m a fz:Measurement ; fz:unit ?u }} }} ;
        DELETE {{ GRAPH ?g {{ ?t fz:parentDivision ?c }} ?t fz:parentDivision ?c }}
        WHERE {{ GRAPH ?g {{ ?t a fz:Township ; fz:parentDivision ?c }} }}""")
    result = CliRunner().invoke(main, ["validate", "--out", str(seeds)], terminal_width=200)
    assert result.exit_code == 1
    assert "Violation" in result.output and "fz:unit" in result.output
    assert "Warning" in result.output
    assert "加勤乡" in result.output                     # examples are named by their labels
    assert "does not conform" in result.output and "Traceback" not in result.output


def test_a_large_store_is_checked_report_by_report(seeds):
    from kg.store import open_read_only
    from kg.validate import validate_store

    report = validate_store(open_read_only(seeds), sample=2, whole_limit=10)
    assert not report.whole and report.checked_reports == 2 and report.total_reports == 5
    assert report.conforms, report.text
    assert "2 of 5 report graphs" in report.text


def test_no_store(tmp_path):
    result = CliRunner().invoke(main, ["validate", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no store in" in result.output
