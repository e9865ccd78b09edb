"""``/_emu/clock``: one settable "now" for every module."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest

from awsemu import clock
from conftest import SUITE_NOW

ACCOUNT = "123456789012"
HAIKU3 = "anthropic.claude-3-haiku-20240307-v1:0"


def test_a_fixed_clock_dates_new_profiles_and_answers_get(emu):
    state = emu.control("POST", "/_emu/clock", {"now": "2026-03-01T00:05:00Z"})
    assert state == {"now": "2026-03-01T00:05:00.000Z", "fixed": True}
    assert emu.control("GET", "/_emu/clock")["now"] == "2026-03-01T00:05:00.000Z"
    bedrock = emu.client("bedrock")
    arn = bedrock.create_inference_profile(
        inferenceProfileName="clocked",
        modelSource={"copyFrom": f"arn:aws:bedrock:us-east-1::foundation-model/{HAIKU3}"},
    )["inferenceProfileArn"]
    got = bedrock.get_inference_profile(inferenceProfileIdentifier=arn)
    assert got["createdAt"] == datetime(2026, 3, 1, 0, 5, tzinfo=UTC)


def test_seeding_and_cost_explorer_use_the_fixed_today(emu):
    emu.control("POST", "/_emu/clock", {"now": "2026-03-01T00:05:00Z"})
    emu.control(
        "POST",
        "/_emu/usage",
        {"records": [{"region": "us-east-1", "model_id": HAIKU3, "date": "2026-02-28",
                      "invocations": 1, "input_tokens": 1000, "output_tokens": 0,
                      "cache_read_tokens": 0, "cache_write_tokens": 0}]},
    )
    ce = emu.client("ce")
    out = ce.get_cost_and_usage(
        TimePeriod={"Start": "2026-02-01", "End": "2026-03-01"},
        Granularity="MONTHLY",
        Metrics=["UnblendedCost"],
    )
    period = out["ResultsByTime"][0]
    assert period["Estimated"] is False, "February is closed on March 1st"
    assert float(period["Total"]["UnblendedCost"]["Amount"]) > 0
    # A record dated tomorrow (by the fixed clock) is refused: it is the future.
    try:
        emu.control("POST", "/_emu/usage", {"records": [{"region": "us-east-1", "model_id": HAIKU3,
                    "date": "2026-03-02", "invocations": 1, "input_tokens": 1, "output_tokens": 0,
                    "cache_read_tokens": 0, "cache_write_tokens": 0}]})
    except Exception as exc:  # urllib's HTTPError
        assert "in the future" in exc.read().decode()
    else:
        raise AssertionError("a record after the fixed today must be refused")


def test_cloudwatch_rounds_old_start_times_against_the_fixed_clock(emu):
    # 20 days before a 13:00 "now", a start at 13:02 rounds down to 13:00 (5-minute
    # rounding between 15 and 63 days), so the first daily bucket starts at 13:00.
    now = datetime(2026, 3, 21, 13, 0, tzinfo=UTC)
    emu.control("POST", "/_emu/clock", {"now": now.isoformat()})
    cw = emu.client("cloudwatch")
    cw.put_metric_data(
        Namespace="Test",
        MetricData=[{"MetricName": "M", "Value": 1.0, "Timestamp": now - timedelta(days=1)}],
    )
    out = cw.get_metric_data(
        MetricDataQueries=[{"Id": "m", "MetricStat": {"Metric": {"Namespace": "Test", "MetricName": "M"},
                                                      "Period": 86400, "Stat": "Sum"}}],
        StartTime=now - timedelta(days=20) + timedelta(minutes=2),
        EndTime=now,
    )
    stamps = out["MetricDataResults"][0]["Timestamps"]
    assert stamps == [now - timedelta(days=1)]


@pytest.fixture(scope="module")
def free_emu():
    """An emulator on the machine's clock: the suite's own is fixed by
    ``EMU_NOW`` (conftest), and these tests are about the clock left free."""
    from awsemu import server
    from conftest import Emulator

    env = {k: v for k, v in os.environ.items() if k != "EMU_NOW"}
    spawned = server.spawn(env=env, timeout=60)
    yield Emulator(spawned.url)
    spawned.stop()


def test_reset_frees_the_clock(free_emu):
    free_emu.control("POST", "/_emu/clock", {"now": "2020-01-01T00:00:00Z"})
    free_emu.control("POST", "/_emu/reset")
    state = free_emu.control("GET", "/_emu/clock")
    assert state["fixed"] is False
    assert state["now"] > "2026-01-01"


def test_reset_returns_to_the_environments_fixed_clock(emu):
    emu.control("POST", "/_emu/clock", {"now": "2020-01-01T00:00:00Z"})
    emu.control("POST", "/_emu/reset")
    state = emu.control("GET", "/_emu/clock")
    assert state["fixed"] is True
    assert state["now"] == datetime.fromtimestamp(
        clock.parse_instant(os.environ.get("EMU_SUITE_NOW", SUITE_NOW)), tz=UTC
    ).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_naive_instants_are_utc_and_bad_bodies_are_refused(free_emu):
    assert free_emu.control("POST", "/_emu/clock", {"now": "2026-11-22T13:00:00"})["now"] == "2026-11-22T13:00:00.000Z"
    assert free_emu.control("POST", "/_emu/clock", {"now": None})["fixed"] is False
    for body in ({"later": 1}, {"now": 5}):
        with pytest.raises(urllib.error.HTTPError) as info:
            free_emu.control("POST", "/_emu/clock", body)
        assert info.value.code == 400


def test_emu_now_in_the_environment_fixes_the_clock():
    from awsemu import server

    spawned = server.spawn(env={**os.environ, "EMU_NOW": "2026-11-22T00:05:00Z"}, timeout=60)
    try:
        with urllib.request.urlopen(spawned.url + "/_emu/clock", timeout=10) as resp:
            assert json.loads(resp.read()) == {"now": "2026-11-22T00:05:00.000Z", "fixed": True}
    finally:
        spawned.stop()
