"""Fault injection: latency, throttling and server errors, per service and operation.

moto has no such feature. This module wraps ``BaseResponse.call_action``, the
point where every moto service has resolved ``(service_name, operation)``,
and consults a rule set that tests and benchmarks set over HTTP.

Control routes
--------------
``POST /_emu/faults`` replaces the rule set::

    {"seed": 7,                          # RNG seed for "probability" (default 0)
     "latency_ms": 40 | {"bedrock": 40, "*": 5},   # base delay per service
     "rules": [{"service": "bedrock",    # service as the request log names it
                                         #   (moto's name; "tagging" for the
                                         #   Tagging API), or "*"
                "operation": "CreateInferenceProfile",  # or "*", or a list
                "delay_ms": 200,         # sleep before answering
                "error": "ThrottlingException",   # error code to answer with
                "status": 429,           # default: the code's status in the
                                         #   botocore model, else 400/500/503
                                         #   (always 400 for budgets)
                "message": "Rate exceeded",
                "count": 2,              # fire at most N times
                "skip": 1,               # let the first N matches through
                "probability": 0.5,      # fire with this chance (seeded RNG)
                "after_action": true,    # run the real action, then answer
                                         #   the error ("committed, but the
                                         #   caller saw a 5xx")
                "region": "ap-south-2"}]}  # only requests signed for this
                                         #   region (or a list of regions)

``GET /_emu/faults`` returns the same document with ``seen``/``fired``
counters on each rule; ``DELETE /_emu/faults`` clears everything, as does
``POST /_emu/reset`` (``reset()``). Unknown keys and wrong types give 400.

Semantics, per request (rules are evaluated in order, under one lock):

- A rule *matches* when its service and operation match. Each matching rule
  that is evaluated counts it in ``seen``. It *fires* unless
  ``seen <= skip``, or it has already fired ``count`` times, or its
  ``probability`` draw fails (one draw per eligible match, from
  ``random.Random(seed)``, so a given seed and request sequence always give
  the same outcome). Firing increments ``fired``.
- Delays add up: ``latency_ms`` for the service plus the ``delay_ms`` of every
  rule that fires. A rule without ``error`` only delays, so a global
  ``{"service": "*", "operation": "*", "delay_ms": 40}`` rule never hides a
  later error rule.
- The first error rule that fires wins. Error rules after it are not evaluated
  for that request (their ``seen`` doesn't move); delay-only rules still are.
- The error answer is what the client's protocol expects: a JSON body
  ``{"__type": code, "message": msg}``, headers ``x-amzn-ErrorType: code``,
  ``x-amzn-RequestId`` and, for CloudWatch (awsQuery-compatible),
  ``x-amzn-query-error: <code>;Sender`` (``Receiver`` for 5xx). Form-encoded
  requests to other services (the awsQuery protocol: STS, IAM) get an XML
  ``ErrorResponse`` instead. Content-Type
  echoes the request's ``application/x-amz-json-1.x`` (CloudWatch JSON, Cost
  Explorer) or is ``application/json`` (Bedrock restJson). CloudWatch CBOR
  callers get the same error re-encoded by the CloudWatch module's shim.
- ``after_action``: the real action runs first (its result and any exception
  are discarded), then the error is answered.

moto internals patched: ``moto.core.responses.BaseResponse.call_action``
(wrapped; reads ``self.service_name``, ``self._get_action()``,
``self.headers``).
"""

from __future__ import annotations

import json
import random
import threading
import time
from typing import Any
from xml.sax.saxutils import escape

_LOCK = threading.Lock()

_RULE_KEYS = {
    "service": str,
    "operation": (str, list),
    "delay_ms": (int, float),
    "error": str,
    "status": int,
    "message": str,
    "count": int,
    "skip": int,
    "probability": (int, float),
    "after_action": bool,
    "region": (str, list),
}

# Signing/ID aliases accepted in rules, mapped to the service names rules match
# on: moto's, except the Resource Groups Tagging API, which is "tagging" as in
# the request log (moto calls it "resourcegroupstaggingapi").
_SERVICE_ALIASES = {
    "monitoring": "cloudwatch",
    "cost-explorer": "ce",
    "costexplorer": "ce",
    "resourcegroupstaggingapi": "tagging",
}
_MOTO_SERVICE_NAMES = {"resourcegroupstaggingapi": "tagging"}

_state: dict[str, Any] = {}
_fault_ids = iter(range(1, 1 << 62))


def _clear() -> None:
    _state.update(seed=0, rng=random.Random(0), latency={}, rules=[])


_clear()


def reset() -> None:
    with _LOCK:
        _clear()


# ---------------------------------------------------------------- rule set


def _normalise(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    unknown = set(body) - {"seed", "rules", "latency_ms"}
    if unknown:
        raise ValueError(f"unknown keys: {sorted(unknown)}")
    seed = body.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ValueError("seed must be an integer")
    latency = body.get("latency_ms", {})
    if isinstance(latency, (int, float)) and not isinstance(latency, bool):
        latency = {"*": latency}
    if not isinstance(latency, dict) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in latency.values()
    ):
        raise ValueError("latency_ms must be a number or an object of service -> number >= 0")
    latency = {_SERVICE_ALIASES.get(k, k): v for k, v in latency.items()}
    rules = body.get("rules", [])
    if not isinstance(rules, list):
        raise ValueError("rules must be a list")
    out = []
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise ValueError(f"rules[{i}] must be an object")
        for key, value in rule.items():
            if key not in _RULE_KEYS:
                raise ValueError(f"rules[{i}]: unknown key {key!r}")
            is_bool = isinstance(value, bool) and _RULE_KEYS[key] is not bool  # bool is an int subclass
            if is_bool or not isinstance(value, _RULE_KEYS[key]):
                raise ValueError(f"rules[{i}].{key}: wrong type")
        if "delay_ms" not in rule and "error" not in rule:
            raise ValueError(f"rules[{i}] needs delay_ms or error")
        for key in ("delay_ms", "count", "skip"):
            if rule.get(key, 0) < 0:
                raise ValueError(f"rules[{i}].{key} must be >= 0")
        if not 0 <= rule.get("probability", 1) <= 1:
            raise ValueError(f"rules[{i}].probability must be within [0, 1]")
        if "status" in rule and not 400 <= rule["status"] <= 599:
            raise ValueError(f"rules[{i}].status must be a 4xx or 5xx code")
        if "error" not in rule and any(k in rule for k in ("status", "message", "after_action")):
            raise ValueError(f"rules[{i}]: status/message/after_action need error")
        norm = dict(rule)
        norm["service"] = _SERVICE_ALIASES.get(rule.get("service", "*"), rule.get("service", "*"))
        norm.setdefault("operation", "*")
        norm["seen"] = 0
        norm["fired"] = 0
        out.append(norm)
    return {"seed": seed, "rng": random.Random(seed), "latency": latency, "rules": out}


def _snapshot() -> dict[str, Any]:
    return {
        "seed": _state["seed"],
        "latency_ms": dict(_state["latency"]),
        "rules": [dict(r) for r in _state["rules"]],
    }


def _route_set(body: Any, query: dict) -> tuple[int, Any]:
    new = _normalise(body)
    with _LOCK:
        _state.update(new)
        return 200, _snapshot()


def _route_get(body: Any, query: dict) -> tuple[int, Any]:
    with _LOCK:
        return 200, _snapshot()


def _route_delete(body: Any, query: dict) -> tuple[int, Any]:
    reset()
    return 200, {"cleared": True}


ROUTES = {
    ("POST", "/_emu/faults"): _route_set,
    ("GET", "/_emu/faults"): _route_get,
    ("DELETE", "/_emu/faults"): _route_delete,
}


# ---------------------------------------------------------------- matching


def _matches(rule: dict[str, Any], service: str, operation: str, region: str | None = None) -> bool:
    if rule["service"] not in ("*", service):
        return False
    regions = rule.get("region")
    if regions is not None:
        wanted = regions if isinstance(regions, list) else [regions]
        if region not in wanted:
            return False
    ops = rule["operation"]
    if isinstance(ops, list):
        return "*" in ops or operation in ops
    return ops in ("*", operation)


def decide(service: str, operation: str, region: str | None = None) -> tuple[float, dict[str, Any] | None]:
    """Evaluate the rules for one request: (total delay in ms, winning error rule or None).

    Updates the counters; exposed for tests and for modules that answer
    requests without moto's ``call_action``.
    """
    with _LOCK:
        rules = _state["rules"]
        latency = _state["latency"]
        delay = float(latency.get(service, latency.get("*", 0)))
        if not rules:
            return delay, None
        winner = None
        for rule in rules:
            is_error = "error" in rule
            if is_error and winner is not None:
                continue
            if not _matches(rule, service, operation, region):
                continue
            rule["seen"] += 1
            if rule["seen"] <= rule.get("skip", 0):
                continue
            if "count" in rule and rule["fired"] >= rule["count"]:
                continue
            if "probability" in rule and _state["rng"].random() >= rule["probability"]:
                continue
            rule["fired"] += 1
            delay += rule.get("delay_ms", 0)
            if is_error:
                winner = dict(rule)
        return delay, winner


_status_cache: dict[tuple[str, str], int | None] = {}


def _model_status(service: str, code: str) -> int | None:
    """The HTTP status the botocore model gives error ``code`` of ``service``."""
    key = (service, code)
    if key not in _status_cache:
        status = None
        try:
            import botocore.session

            model = botocore.session.get_session().get_service_model(service)
            shape = model.shape_for(code)
            status = shape.metadata.get("error", {}).get("httpStatusCode")
        except Exception:  # unknown service or shape
            status = None
        _status_cache[key] = status
    return _status_cache[key]


# Services whose API reference gives HTTP 400 for every modeled error, server-side ones included
# (Budgets: InternalErrorException and ThrottlingException are 400 too).
_ALL_ERRORS_400 = {"budgets"}


def default_status(service: str, code: str) -> int:
    status = _model_status(service, code)
    if status:
        return int(status)
    if service in _ALL_ERRORS_400:
        return 400
    lowered = code.lower()
    if "unavailable" in lowered:
        return 503
    if "internal" in lowered or lowered.endswith("failure") or lowered.endswith("fault"):
        return 500
    if "throttl" in lowered or "toomanyrequests" in lowered:
        # awsJson/awsQuery services answer throttling with 400 (the Tagging
        # API's ThrottledException too: a guess, no status is documented).
        return 429 if service not in ("cloudwatch", "ce", "resourcegroupstaggingapi", "pricing") else 400
    return 400


def error_response(resp: Any, rule: dict[str, Any]) -> tuple[int, dict[str, str], str]:
    service = resp.service_name
    code = rule["error"]
    status = rule.get("status") or default_status(service, code)
    message = rule.get("message") or f"{code} (injected by the emulator's fault rules)"
    request_ctype = resp.headers.get("Content-Type", "") or ""
    request_id = f"emu-fault-{next(_fault_ids)}"
    if request_ctype.startswith("application/x-www-form-urlencoded") and service != "cloudwatch":
        # The awsQuery protocol (STS, IAM, ...): an XML ErrorResponse, as AWS sends.
        fault = "Receiver" if status >= 500 else "Sender"
        body = (
            "<ErrorResponse><Error>"
            f"<Type>{fault}</Type><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        return status, {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}, body
    ctype = request_ctype if request_ctype.startswith("application/x-amz-json") else "application/json"
    headers = {
        "Content-Type": ctype,
        "x-amzn-ErrorType": code,
        "x-amzn-RequestId": request_id,
    }
    if service == "cloudwatch":
        headers["x-amzn-query-error"] = f"{code};{'Receiver' if status >= 500 else 'Sender'}"
    return status, headers, json.dumps({"__type": code, "message": message})


# ---------------------------------------------------------------- install

def install() -> None:
    from moto.core.responses import BaseResponse

    original = BaseResponse.call_action

    def call_action(self: Any) -> Any:
        service = getattr(self, "service_name", None)
        with _LOCK:
            idle = not _state["rules"] and not _state["latency"]
        if idle or not service or service == "moto_api":
            return original(self)
        operation = self._get_action() or ""
        delay, rule = decide(_MOTO_SERVICE_NAMES.get(service, service), operation, getattr(self, "region", None))
        if delay:
            time.sleep(delay / 1000.0)
        if rule is None:
            return original(self)
        if rule.get("after_action"):
            try:
                original(self)
            except Exception:
                pass
        return error_response(self, rule)

    BaseResponse.call_action = call_action  # type: ignore[method-assign]
