"""``kg eval`` on a one-report gold folder: tables, JSON, areas, bounds and bad input."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "003_b24c3119e0d03373.txt"

ANNOTATION = f"""
text = "{SEED.as_posix()}"
year = 2024
sections = ["Achievements", "Shortcomings", "ResponsibilityPerformance", "NextYearPlan"]
measurements = [
  {{ value = 2000, unit = "份", approximate = true }},
  {{ value = 3000, unit = "人", approximate = true }},
  {{ value = 7, unit = "次", approximate = false, text = "a figure the report does not state" }},
]

[division]
name = "大村乡"
level = "township"
code = "130581200000"

[parents]
county = {{ name = "南宫市", code = "130581000000" }}
prefecture = {{ name = "邢台市", code = "130500000000" }}
province = {{ name = "河北省", code = "130000000000" }}

[mechanisms]
implemented = ["最多跑一次", "行政执法三项制度"]
"""


@pytest.fixture()
def gold(tmp_path):
    (tmp_path / "annotations").mkdir()
    (tmp_path / "annotations" / "dacun.toml").write_text(ANNOTATION, encoding="utf-8")
    return tmp_path


def run(*args):
    return CliRunner().invoke(main, ["eval", *map(str, args)])


def test_prints_scores_per_area_and_the_misses(gold):
    result = run(gold)
    assert result.exit_code == 0, result.output
    for area in ("township", "county", "mechanisms", "measurements", "legal_documents"):
        assert area in result.output
    assert "F1" in result.output
    assert "missed   003_b24c3119e0d03373.txt: 7 次" in result.output


def test_json_output_and_area_filter(gold):
    result = run(gold, "--json", "--area", "measurements", "--area", "township")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert list(data["areas"]) == ["township", "measurements"]
    assert data["areas"]["township"]["f1"] == 1.0
    assert data["areas"]["measurements"]["gold"] == 3
    assert {m["text"] for m in data["misses"] if m["kind"] == "missed"} == {"7 次"}


def test_strict_exits_1_below_a_bound(gold):
    bounds = gold / "bounds.toml"
    bounds.write_text("[f1]\nmeasurements = 0.99\n", encoding="utf-8")
    result = run(gold, "--area", "measurements", "--no-misses", "--strict")
    assert result.exit_code == 1
    assert "below the bound" in result.output
    assert run(gold, "--area", "measurements", "--no-misses").exit_code == 0


def test_unknown_area_is_a_usage_error(gold):
    result = run(gold, "--area", "villages")
    assert result.exit_code == 2
    assert "unknown area 'villages'" in result.output


def test_a_bad_annotation_is_named(gold):
    (gold / "annotations" / "broken.toml").write_text("text = \n", encoding="utf-8")
    result = run(gold)
    assert result.exit_code == 1
    assert "broken.toml" in result.output


def test_a_folder_without_annotations_is_an_error(tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 1
    assert "no annotation files" in result.output
