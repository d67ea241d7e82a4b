"""``opentruth serve`` as a user starts it: it says it listens only once it does."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import httpx

from syssupport import free_port, opentruth_command, wait_for


def _serve(data: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENTRUTH_")}
    cmd = [*opentruth_command(), "serve", "--data", str(data), "--port", str(port)]
    with log.open("wb") as out:
        return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)


def _said(proc: subprocess.Popen[bytes], log: Path) -> bool:
    assert proc.poll() is None, log.read_text()
    return "listening on" in log.read_text()


def test_listening_is_said_once_the_server_answers(tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    proc = _serve(tmp_path / "new" / "data", port, log)  # a folder that does not exist yet
    try:
        wait_for(lambda: _said(proc, log), timeout=120, what=f"the ready line ({log.read_text()})")
        # The word comes after the socket is bound: a client started on it is answered.
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
        assert f"opentruth listening on http://127.0.0.1:{port} (data: " in log.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_a_taken_port_is_a_start_up_failure(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        log = tmp_path / "serve.log"
        proc = _serve(tmp_path / "data", taken.getsockname()[1], log)
        assert proc.wait(timeout=120) == 3, log.read_text()
    assert "listening on" not in log.read_text()
