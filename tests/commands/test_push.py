"""kg push from the command line: errors are one clear message and a non-zero exit."""
import socket
from pathlib import Path

from click.testing import CliRunner

from kg.build import build
from kg.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_unreachable_endpoint(tmp_path):
    out = tmp_path / "one"
    build([ROOT / "seeds" / "000_4e8d029ddc923378.txt"], out, validate=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = CliRunner().invoke(main, ["push", "--endpoint", f"http://127.0.0.1:{port}/store", "--out", str(out)])
    assert result.exit_code == 1
    assert "cannot reach" in result.output and "pushed 0 of" in result.output and "Traceback" not in result.output


def test_bad_options(tmp_path):
    out = tmp_path / "one"
    build([ROOT / "seeds" / "000_4e8d029ddc923378.txt"], out, validate=False)
    bad = CliRunner().invoke(main, ["push", "--endpoint", "http://127.0.0.1:9/store", "--out", str(out), "--auth", "nopassword"])
    assert bad.exit_code == 1 and "--auth is USER:PASSWORD" in bad.output
    assert CliRunner().invoke(main, ["push", "--out", str(out)]).exit_code == 2      # --endpoint is required
