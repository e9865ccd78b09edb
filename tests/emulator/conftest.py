"""pytest fixtures for the emulator's own test suite.

One emulator process per test session, on a loopback port the OS assigns
(``--port 0``; the URL comes from the server's ready line, see
``awsemu.server.spawn``); every test starts from ``POST /_emu/reset``. Clients
are real boto3 clients over HTTP, so what passes here is what botocore's
service models accept.
"""

from __future__ import annotations

import json
import urllib.request

import boto3
import pytest
from botocore.config import Config

from awsemu import server

ACCOUNT = "123456789012"


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
    spawned = server.spawn(timeout=60)
    yield Emulator(spawned.url)
    spawned.stop()


@pytest.fixture
def emu(emulator_server):
    emulator_server.control("POST", "/_emu/reset")
    return emulator_server
