"""``kg vocab suggest`` and ``kg vocab accept`` on a graph of the seeds and a copy of the vocabulary."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from kg.cli import main
from tests.test_explain import ROOT, build_graph


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return build_graph(tmp_path_factory.mktemp("graph"))


@pytest.fixture
def vocab_dir(tmp_path) -> Path:
    copy = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", copy)
    return copy


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_help_teaches_both_subcommands():
    r = run("vocab", "--help")
    assert r.exit_code == 0 and "suggest" in r.output and "accept" in r.output


def test_suggest_lists_discoveries_by_frequency(out, vocab_dir):
    r = run("vocab", "suggest", "--out", str(out), "--vocab-dir", str(vocab_dir))
    assert r.exit_code == 0, r.output
    assert r.output.index("法治+乡村振兴") < r.output.index("一统六联")       # 2 mentions before 1
    assert "色务乡" in r.output and "004_913615f662c886fc.txt" in r.output
    campaigns = run("vocab", "suggest", "--out", str(out), "--vocab-dir", str(vocab_dir), "--kind", "campaign").output
    assert "平西藏宣传日" in campaigns and "一统六联" not in campaigns
    assert "No discovered" in run("vocab", "suggest", "--out", str(out), "--min", "99").output


def test_accept_then_suggest_no_more(out, vocab_dir):
    r = run("vocab", "accept", "一统六联", "--out", str(out), "--vocab-dir", str(vocab_dir), "--en", "one coordination, six linkages")
    assert r.exit_code == 0, r.output
    assert "mechanisms.ttl" in r.output and "一统六联" in r.output
    g = Graph().parse(vocab_dir / "mechanisms.ttl")
    concept = URIRef("https://w3id.org/fazhi-kg/id/mechanism/yi-tong-liu-lian")
    assert {str(l) for l in g.objects(concept, SKOS.prefLabel)} == {"一统六联", "one coordination, six linkages"}
    assert "一统六联" not in run("vocab", "suggest", "--out", str(out), "--vocab-dir", str(vocab_dir)).output
    again = run("vocab", "accept", "一统六联", "--out", str(out), "--vocab-dir", str(vocab_dir))
    assert again.exit_code == 1 and "already in the curated vocabulary: 一统六联" in again.output


def test_dry_run_prints_turtle_and_changes_nothing(out, vocab_dir):
    before = (vocab_dir / "campaigns.ttl").read_bytes()
    r = run("vocab", "accept", "平西藏宣传日", "--out", str(out), "--vocab-dir", str(vocab_dir), "--dry-run")
    assert r.exit_code == 0, r.output
    assert "<https://w3id.org/fazhi-kg/id/campaign/ping-xi-zang-xuan-chuan-ri>" in r.output and "【待补充】" in r.output
    assert (vocab_dir / "campaigns.ttl").read_bytes() == before


def test_errors_are_clear(out, vocab_dir, tmp_path):
    r = run("vocab", "accept", "无此机制", "--out", str(out), "--vocab-dir", str(vocab_dir))
    assert r.exit_code == 1 and "无此机制" in r.output and "kg vocab suggest" in r.output
    r = run("vocab", "accept", "一统六联", "平西藏宣传日", "--en", "x", "--out", str(out), "--vocab-dir", str(vocab_dir))
    assert r.exit_code == 1 and "--en" in r.output
    r = run("vocab", "suggest", "--out", str(tmp_path / "nothing"))
    assert r.exit_code == 1 and "no graph here" in r.output
