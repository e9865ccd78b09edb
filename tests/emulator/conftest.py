"""pytest fixtures for the emulator's own test suite.

One emulator process per test session on a free loopback port; every test
starts from ``POST /_emu/reset``. Clients are real boto3 clients over HTTP, so
what passes here is what botocore's service models accept.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

HERE = Path(__file__).resolve().parent
ACCOUNT = "123456789012"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Emulator:
    def __init__(self, url: str) -> None:
        self.url = url

    def control(self, method: str, path: str, body: object | None = None) -> object:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=60) as resp:
            return json.loads(resp.read() or b"null")

    def client(self, service: str, region: str = "us-east-1", retries: int = 1):
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id="AKIDTEST",
            aws_secret_access_key="secret",
            config=Config(retries={"max_attempts": retries, "mode": "standard"}),
        )

    def requests(self) -> list[dict]:
        return self.control("GET", "/_emu/requests")["requests"]


@pytest.fixture(scope="session")
def emulator_server():
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(HERE), PYTHONDONTWRITEBYTECODE="1")
    # The server logs a line per request: a file, never an undrained pipe
    # (a full pipe blocks the server's logging thread and then every request).
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "awsemu.server", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(url + "/_emu/health", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                err = log.read().decode(errors="replace")
                proc.kill()
                raise RuntimeError(f"emulator did not start:\n{err}")
            time.sleep(0.1)
    yield Emulator(url)
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture
def emu(emulator_server):
    emulator_server.control("POST", "/_emu/reset")
    return emulator_server
