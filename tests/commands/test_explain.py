"""``kg explain``: the command line over kg.explain."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from tests.test_explain import YONGHE, build_graph


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return build_graph(tmp_path_factory.mktemp("graph"))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_explains_a_township_with_evidence(out):
    r = run("explain", "永和镇", "--out", str(out))
    assert r.exit_code == 0, r.output
    for expected in ("永和镇", "行政执法三项制度", "推断 inferred", YONGHE, "一村一法律顾问", "加强基层法律服务"):
        assert expected in r.output, expected


def test_traditional_name_of_a_campaign(out):
    r = run("explain", "全國法制宣傳日", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert "全国法制宣传日" in r.output and "国家宪法日" in r.output and "2001" in r.output


def test_ambiguous_name_lists_candidates_and_fails(out):
    r = run("explain", "司法", "--out", str(out))
    assert r.exit_code == 2
    assert "司法调解制度" in r.output and "https://w3id.org/fazhi-kg/id/mechanism/si-fa-tiao-jie-zhi-du" in r.output.replace("\n", "").replace("│", "").replace(" ", "")


def test_unknown_name_and_missing_graph_are_clear_errors(out, tmp_path):
    r = run("explain", "无此名称", "--out", str(out))
    assert r.exit_code == 1 and "无此名称" in r.output and "graph.ttl" in r.output
    r = run("explain", "永和镇", "--out", str(tmp_path))
    assert r.exit_code == 1 and "no graph here" in r.output and "kg build" in r.output


def test_json_output(out):
    r = run("explain", "行政执法三项制度", "--out", str(out), "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["entity"]["label"] == "行政执法三项制度"
    inferred = [f for f in data["facts"] if f["other_label"] == "永和镇"]
    assert inferred and inferred[0]["evidence"][0]["inferred"] is True


def test_limit(out):
    full = run("explain", "永和镇", "--out", str(out), "--limit", "0").output
    short = run("explain", "永和镇", "--out", str(out), "--limit", "1").output
    assert "--limit 0 lists all" in short and "--limit 0 lists all" not in full
