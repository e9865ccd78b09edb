"""The emulator's one clock: every module asks it for "now".

By default it is the machine's UTC time. It can be fixed, so that a test (or
the demo) runs at a chosen instant and the data the emulator serves around
"now" (CloudWatch's start-time rounding and retention, Cost Explorer's
"today" and estimated months, profile creation times, seeding relative to
today) is the same at whatever hour the suite runs:

- ``EMU_NOW=2026-11-22T13:00:00Z`` in the emulator's environment (RFC 3339);
- ``POST /_emu/clock {"now": "2026-11-22T13:00:00Z"}`` fixes it while the
  emulator runs, ``{"now": null}`` returns to the machine's clock;
  ``GET /_emu/clock`` answers ``{"now": "...", "fixed": bool}``.

A fixed clock does not move. ``POST /_emu/reset`` keeps the clock as the
environment set it (a test that fixed it through the route fixes it again).
"""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, date, datetime
from typing import Any

_LOCK = threading.Lock()
_fixed: float | None = None


def parse_instant(text: str) -> float:
    """Epoch seconds of an RFC 3339 instant; a naive one is taken as UTC."""
    ts = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if ts.tzinfo is None:
        ts = ts.replace(tzinfo=UTC)
    return ts.timestamp()


def _from_env() -> float | None:
    pinned = os.environ.get("EMU_NOW")
    return parse_instant(pinned) if pinned else None


def epoch() -> float:
    """Now, in epoch seconds (float)."""
    with _LOCK:
        fixed = _fixed
    if fixed is not None:
        return fixed
    env = _from_env()
    return env if env is not None else time.time()


def now() -> datetime:
    """Now, as an aware UTC datetime."""
    return datetime.fromtimestamp(epoch(), tz=UTC)


def today() -> date:
    """Today's UTC date."""
    return now().date()


def fix(instant: float | None) -> None:
    """Fixes the clock at ``instant`` (epoch seconds), or frees it with None."""
    global _fixed
    with _LOCK:
        _fixed = instant


def reset() -> None:
    fix(None)


def _state() -> dict[str, Any]:
    with _LOCK:
        fixed = _fixed is not None
    current = now()
    return {
        "now": current.strftime("%Y-%m-%dT%H:%M:%S.") + f"{current.microsecond // 1000:03d}Z",
        "fixed": fixed or _from_env() is not None,
    }


def _post_clock(body: Any, query: dict) -> tuple[int, Any]:
    if not isinstance(body, dict) or "now" not in body:
        return 400, {"error": 'expected {"now": "RFC 3339 instant"} or {"now": null}'}
    value = body["now"]
    if value is None:
        fix(None)
    elif isinstance(value, str):
        fix(parse_instant(value))
    else:
        return 400, {"error": "now must be an RFC 3339 string or null"}
    return 200, _state()


ROUTES = {
    ("GET", "/_emu/clock"): lambda body, query: (200, _state()),
    ("POST", "/_emu/clock"): _post_clock,
}
