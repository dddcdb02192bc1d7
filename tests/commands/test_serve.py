"""kg serve as a user runs it: a process on 127.0.0.1, stopped with SIGTERM."""
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from click.testing import CliRunner

from kg.build import build
from kg.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_answers_and_stops_cleanly(tmp_path):
    out = tmp_path / "seeds"
    build([ROOT / "seeds"], out, validate=False)
    port = _free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "kg"), "serve", "--out", str(out), "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}/sparql"
        deadline = time.monotonic() + 30
        while True:
            try:
                resp = requests.get(url, params={"query": "SELECT ?f { ?r fz:sourceFile ?f }"},
                                    headers={"Accept": "text/csv"}, timeout=5)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and proc.poll() is None, "kg serve did not start"
                time.sleep(0.1)
        assert resp.status_code == 200 and len(resp.text.splitlines()) == 6
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
    stderr = proc.stderr.read()
    assert f"http://127.0.0.1:{port}/" in stderr and "read-only" in stderr
    assert "Traceback" not in stderr


def test_serve_without_a_store_says_so(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no store in" in result.output


def test_serve_on_a_port_in_use(tmp_path):
    out = tmp_path / "one"
    build([ROOT / "seeds" / "000_4e8d029ddc923378.txt"], out, validate=False)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--out", str(out), "--port", str(port)])
    assert result.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in result.output
