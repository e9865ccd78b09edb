"""pytest fixtures for the emulator's own test suite.

One emulator process per test session, on a loopback port the OS assigns
(``--port 0``; the URL comes from the server's ready line, see
``awsemu.server.spawn``); every test starts from ``POST /_emu/reset``. Clients
are real boto3 clients over HTTP, so what passes here is what botocore's
service models accept.
"""

from __future__ import annotations

import json
import os
import urllib.request

import boto3
import pytest
import time_machine
from botocore.config import Config

from awsemu import clock, server

ACCOUNT = "123456789012"

#: The instant the whole suite runs at, both sides: the emulator's clock is
#: fixed there (``EMU_NOW``) and this process's clock starts there and ticks
#: (time-machine), so "today" is the same day whatever the hour and date the
#: suite happens to run. ``EMU_SUITE_NOW`` chooses another instant;
#: ``scripts/test`` runs the suite at two of them (mid-month, and just after
#: midnight on the 1st).
SUITE_NOW = os.environ.get("EMU_SUITE_NOW", "2026-11-18T13:00:00Z")


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


_travel = time_machine.travel(clock.parse_instant(SUITE_NOW), tick=True)


def pytest_configure(config: pytest.Config) -> None:
    """This process's clock at ``SUITE_NOW`` from before the test modules are
    collected (some build their parameters from "today"), moving on from there."""
    _travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    _travel.stop()


@pytest.fixture(scope="session")
def emulator_server():
    spawned = server.spawn(env={**os.environ, "EMU_NOW": SUITE_NOW}, timeout=60)
    yield Emulator(spawned.url)
    spawned.stop()


@pytest.fixture
def emu(emulator_server):
    emulator_server.control("POST", "/_emu/reset")
    return emulator_server
