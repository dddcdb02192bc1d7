"""kg query from the command line: names, files, parameters, formats, errors without tracebacks."""
import csv
import io
import json
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


def _run(*args):
    return CliRunner().invoke(main, ["query", *map(str, args)])


def test_list_shows_every_canned_query_with_its_parameters():
    result = _run("--list")
    assert result.exit_code == 0
    for name in ("township-profile", "mechanism-townships", "plans-only", "county-figures"):
        assert name in result.output
    assert "township=色务乡" in result.output


def test_a_canned_query_with_a_parameter_as_csv(seeds):
    result = _run("township-profile", "--param", "township=加勤乡", "--out", seeds, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["value"] for r in rows if r["what"].startswith("1")} == {"索县", "那曲市", "西藏自治区"}


def test_sparql_text_and_a_file_as_json(seeds, tmp_path):
    text = _run("SELECT ?f WHERE { ?r fz:sourceFile ?f } ORDER BY ?f", "--out", seeds, "--format", "json")
    assert text.exit_code == 0, text.output
    assert len(json.loads(text.output)["results"]["bindings"]) == 5
    rq = tmp_path / "q.rq"
    rq.write_text("# param: t zh 色务乡 a township\nSELECT ?d WHERE { ?d rdfs:label $t }\n", encoding="utf-8")
    result = _run("-f", rq, "--out", seeds, "--format", "tsv")
    assert result.output.splitlines() == ["?d", "<https://w3id.org/fazhi-kg/id/division/540624211000>"]


def test_construct_gives_turtle_by_default(seeds):
    result = _run("township-graph", "-p", "township=色务乡", "--out", seeds)
    assert result.exit_code == 0
    assert "@prefix fz:" in result.output and "div:540624211000" in result.output


def test_table_on_a_terminal(seeds, monkeypatch):
    from kg import cli
    monkeypatch.setattr(type(cli.out), "is_terminal", property(lambda self: True))
    result = _run("reports", "--out", seeds)
    assert result.exit_code == 0
    assert "┃ file" in result.output and "色务乡" in result.output


def test_show_prints_the_portable_text():
    result = _run("plans-only", "--show")
    assert result.output.startswith("PREFIX fz: <https://w3id.org/fazhi-kg/ont#>")
    assert '"行政执法三项制度"@zh' in result.output


@pytest.mark.parametrize("args, message", [
    (["SELECT * {\n ?s ?p }"], "line 2, column"),
    (["no-such-query"], "kg query --list"),
    (["township-profile", "-p", "village=x"], "has no parameter village"),
    (["SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "1"], "longer than 1 s"),
    (["CONSTRUCT { ?s ?p ?c } WHERE { ?s ?p ?o . ?a ?b ?c }", "--limit", "1000"], "more than 1,000 triples"),
    (["reports", "--format", "ttl"], "is for CONSTRUCT"),
])
def test_errors_are_one_clear_line_and_exit_non_zero(seeds, args, message):
    result = _run(*args, "--out", seeds)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_folder_without_a_store(tmp_path):
    result = _run("reports", "--out", tmp_path)
    assert result.exit_code == 1 and f"no store in {tmp_path}" in result.output
