"""The server's start-up contract: ``--port 0`` and the ready line on stdout."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from awsemu import server

HERE = Path(__file__).resolve().parent
READY = re.compile(rb"^awsemu listening on http://127\.0\.0\.1:([0-9]+)\n$")


def health(url: str) -> bytes:
    with urllib.request.urlopen(url + "/_emu/health", timeout=10) as resp:
        return resp.read()


def run_server(*args: str, stdin: int = subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "awsemu.server", *args],
        cwd=HERE,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("fixed", [False, True], ids=["port-0", "port-N"])
def test_ready_line_is_the_only_stdout_and_names_the_bound_port(fixed):
    port = 0
    if fixed:  # --port N still works (and the line names N); the pick races, rarely
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
    proc = run_server("--port", str(port))
    try:
        line = proc.stdout.readline()
        m = READY.match(line)
        assert m, line
        bound = int(m.group(1))
        assert bound != 0 and (not fixed or bound == port)
        url = f"http://127.0.0.1:{bound}"
        assert health(url) == b'{"ok": true}'
    finally:
        proc.terminate()
        rest, _ = proc.communicate(timeout=10)
    assert rest == b""  # requests are logged to stderr, never stdout
    assert proc.returncode == 0  # SIGTERM is a clean exit


@pytest.mark.parametrize("how", ["SIGTERM", "stdin closed"])
def test_exit_with_stdin_exits_cleanly(how):
    proc = run_server("--port", "0", "--exit-with-stdin", stdin=subprocess.PIPE)
    try:
        assert READY.match(proc.stdout.readline())
        if how == "SIGTERM":
            proc.terminate()
        else:
            proc.stdin.close()
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        proc.wait()


def test_spawn_reports_a_server_that_dies_with_its_stderr():
    with pytest.raises(RuntimeError) as err:
        server.spawn(["--seed", "no-such-scenario"], timeout=30)
    assert "exited (2) before it was listening" in str(err.value)
    assert "invalid choice: 'no-such-scenario'" in str(err.value)


def test_spawn_gives_up_after_its_timeout():
    with pytest.raises(RuntimeError, match=r"did not say it was listening within 0\.01 s"):
        server.spawn(timeout=0.01)


def test_ready_line_names_a_host_to_connect_to():
    assert server.ready_line("127.0.0.1", 8) == "awsemu listening on http://127.0.0.1:8"
    assert server.ready_line("0.0.0.0", 8) == "awsemu listening on http://127.0.0.1:8"
    assert server.ready_line("::", 8) == "awsemu listening on http://[::1]:8"


def test_spawn_refuses_a_process_that_is_not_the_emulator(monkeypatch, tmp_path):
    impostor = tmp_path / "impostor"
    impostor.write_text("#!/bin/sh\necho hello\nexec sleep 30\n")
    impostor.chmod(0o755)
    monkeypatch.setattr(server.sys, "executable", str(impostor))
    with pytest.raises(RuntimeError, match="unexpected first line from the emulator: 'hello'"):
        server.spawn(timeout=10)


def test_stop_kills_a_server_that_does_not_stop():
    spawned = server.spawn(timeout=60)
    os.kill(spawned.proc.pid, signal.SIGSTOP)  # SIGTERM stays pending
    spawned.stop(timeout=0.5)
    assert spawned.proc.returncode == -signal.SIGKILL


def test_stdin_data_is_read_until_it_closes():
    proc = run_server("--port", "0", "--exit-with-stdin", stdin=subprocess.PIPE)
    try:
        url = READY.match(proc.stdout.readline())
        assert url
        proc.stdin.write(b"anything\n")
        proc.stdin.flush()
        assert health(f"http://127.0.0.1:{int(url.group(1))}") == b'{"ok": true}'  # still serving
        proc.stdin.close()
        assert proc.wait(timeout=10) == 0
    finally:
        proc.kill()
        proc.wait()


def test_seed_demo_before_the_ready_line():
    spawned = server.spawn(["--seed", "demo"], timeout=120)
    try:
        import boto3

        bedrock = boto3.client("bedrock", region_name="us-east-1", endpoint_url=spawned.url,
                               aws_access_key_id="AKIDTEST", aws_secret_access_key="secret")
        profiles = bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
        assert profiles  # seeded before the line was printed
    finally:
        spawned.stop()


def test_control_plane_answers_unknown_routes_and_bad_bodies(emu):
    with pytest.raises(urllib.error.HTTPError) as err:
        emu.control("GET", "/_emu/no-such-route")
    assert err.value.code == 404 and b"no control route GET /_emu/no-such-route" in err.value.read()
    req = urllib.request.Request(emu.url + "/_emu/faults", data=b"{not json", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 400 and b"body is not JSON" in err.value.read()
