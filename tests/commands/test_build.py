"""kg build from the command line: incremental by default, --full from scratch."""
from pathlib import Path

from click.testing import CliRunner

from kg.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _counts(output: str) -> dict[str, str]:
    """The summary table's rows: 'extracted now' -> '2' …"""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.strip().strip("│").split("│")]
        if len(cells) == 2 and cells[0]:
            rows[cells[0]] = cells[1]
    return rows


def test_second_build_reads_nothing_and_full_reads_everything(tmp_path, monkeypatch):
    monkeypatch.setattr("kg.build.pipeline_fingerprint", lambda: "f" * 64)
    args = ["build", str(ROOT / "seeds" / "000_4e8d029ddc923378.txt"), str(ROOT / "seeds" / "001_7fcf7b579bc80cd2.txt"),
            "--out", str(tmp_path / "out"), "--no-progress", "--no-validate"]
    runner = CliRunner()
    first = _counts(runner.invoke(main, args).output)
    assert (first["reports read"], first["extracted now"], first["unchanged, kept"]) == ("2", "2", "0")
    second = _counts(runner.invoke(main, args).output)
    assert (second["reports read"], second["extracted now"], second["unchanged, kept"]) == ("2", "0", "2")
    assert second["triples"] == first["triples"]
    full = runner.invoke(main, [*args, "--full"])
    assert _counts(full.output)["extracted now"] == "2"
    assert "from scratch" in full.output
