"""Request log: one entry per AWS request, as the client saw it.

The outermost WSGI wrapper around moto (inside only the ``/_emu/*`` control
plane; see ``MODULE_NAMES`` in ``server.py``). It records every AWS request
once, including requests rejected by validation and by fault rules, so tests
can assert on what the CLI actually called: how many pages, which Region,
whether a retry happened.

Entry::

    {"seq": 1, "service": "bedrock", "operation": "ListInferenceProfiles",
     "status": 200, "region": "us-east-1", "account": "123456789012",
     "time": "2025-11-22T05:46:12.953Z", "duration_ms": 2.41, "method": "GET",
     "path": "/inference-profiles"}

- ``status`` is the final HTTP status sent to the client (moto, a shim or a
  fault answered).
- ``region`` comes from the SigV4 ``Authorization`` credential scope
  (``Credential=AKID/20250101/<region>/<service>/aws4_request``); None if
  the request is unsigned. ``access_key`` is the ``AKID`` of that scope: which
  credentials signed the request.
- ``service``/``operation``: what moto's ``call_action`` resolved (this module
  wraps it and records ``service_name`` and ``_get_action()`` for the current
  request thread), else ``X-Amz-Target`` (awsJson: Cost Explorer, CloudWatch
  JSON, Budgets), else the Smithy RPC v2 CBOR path
  ``/service/GraniteServiceVersion20100801/operation/<Op>`` (CloudWatch from
  the Rust SDK), else ``Action=`` (awsQuery), else None; the service falls
  back to the SigV4 signing name (``monitoring`` → ``cloudwatch``). moto's
  ``resourcegroupstaggingapi`` is shown as ``tagging`` (its signing name,
  and the IAM prefix of ``tag:GetResources``).
- ``account`` is the account the request was made as: what moto resolved
  for it (``BaseResponse.current_account``, recorded by the same hook), else
  the same mapping done here: ``MOTO_ACCOUNT_ID``, then an
  ``x-moto-account-id`` header, then the access key of the SigV4 credential
  (temporary credentials from AssumeRole belong to the role's account, any
  key moto does not know to 123456789012). An ``sts`` ``AssumeRole`` entry
  therefore shows the *caller's* account, the calls made with the returned
  credentials the member's.
- ``time`` is when the request arrived (RFC 3339, ms, ``Z``); ``duration_ms``
  runs until the response body was produced (injected delays included).
- ``/moto-api/*`` requests are not AWS requests and are not logged.

Control routes: ``GET /_emu/requests`` → ``{"requests": [...]}`` (filters
``?service=``, ``?operation=``, ``?region=``, ``?account=``); ``DELETE /_emu/requests``
clears; ``POST /_emu/reset`` clears too (``reset()``). Sequence numbers
restart at 1 after a clear. The log keeps the latest 100,000 entries.

Thread-safe: werkzeug serves each request on its own thread; entries are
appended under a lock, and the operation hook uses a thread-local.

moto internals patched: ``BaseResponse.call_action`` (wrapped, to learn the
operation and the account; behaviour unchanged); read:
``moto.iam.models.get_account_id_from``.
"""

from __future__ import annotations

import collections
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

MAX_ENTRIES = 100_000

_LOCK = threading.Lock()
_entries: collections.deque[dict[str, Any]] = collections.deque(maxlen=MAX_ENTRIES)
_seq = 0
_current = threading.local()

ENVIRON_KEY = "awsemu.operation"  # (service, operation) set by the call_action hook
ACCOUNT_KEY = "awsemu.account"  # the account moto resolved, set by the same hook

_SIGNING_NAMES = {"monitoring": "cloudwatch"}
# moto's service name -> the name the log shows (the SigV4 signing name).
MOTO_SERVICE_NAMES = {"resourcegroupstaggingapi": "tagging"}
_TARGET_PREFIXES = {
    "AWSBudgetServiceGateway": "budgets",
    "AWSInsightsIndexService": "ce",
    "GraniteServiceVersion20100801": "cloudwatch",
    "ResourceGroupsTaggingAPI_20170126": "tagging",
    "AWSPriceListService": "pricing",
    "AWSOrganizationsV20161128": "organizations",
}
_CBOR_PATH = re.compile(r"^/service/([^/]+)/operation/([^/?]+)")
_CREDENTIAL = re.compile(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request")
_ACCESS_KEY = re.compile(r"Credential=([^/,\s]+)/")


#: Bumped by every clear: a request that started before a clear is not
#: logged after it (a client that gave up on a delayed call must not leave
#: an entry in the next test's log).
_generation = 0


def reset() -> None:
    global _seq, _generation
    with _LOCK:
        _entries.clear()
        _seq = 0
        _generation += 1


# ---------------------------------------------------------------- control routes


def _route_get(body: Any, query: dict) -> tuple[int, Any]:
    with _LOCK:
        items = [dict(e) for e in _entries]
    for key in ("service", "operation", "region", "account"):
        if key in query:
            items = [e for e in items if e.get(key) == query[key]]
    return 200, {"requests": items}


def _route_delete(body: Any, query: dict) -> tuple[int, Any]:
    reset()
    return 200, {"cleared": True}


ROUTES = {
    ("GET", "/_emu/requests"): _route_get,
    ("DELETE", "/_emu/requests"): _route_delete,
}


# ---------------------------------------------------------------- resolution


def _rfc3339(ts: float) -> str:
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _scope(environ: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    """(region, signing name, access key ID) from the SigV4 Authorization header."""
    match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
    if not match:
        return None, None, None
    return match.group(2), match.group(3), match.group(1)


def _account(environ: dict[str, Any]) -> str:
    """The account moto maps this request to (see ``BaseResponse.get_current_account``)."""
    hooked = getattr(_current, "account", None) or environ.get(ACCOUNT_KEY)
    if hooked:
        return hooked
    if "MOTO_ACCOUNT_ID" in os.environ:
        return os.environ["MOTO_ACCOUNT_ID"]
    header = environ.get("HTTP_X_MOTO_ACCOUNT_ID")
    if header:
        return header
    match = _ACCESS_KEY.search(environ.get("HTTP_AUTHORIZATION", ""))
    if match:
        key = match.group(1)
    else:
        key = parse_qs(environ.get("QUERY_STRING", "")).get("AWSAccessKeyId", ["AKIAEXAMPLE"])[-1]
    from moto.iam.models import get_account_id_from

    return get_account_id_from(key)


def _resolve(environ: dict[str, Any], signing: str | None) -> tuple[str | None, str | None]:
    hooked = getattr(_current, "op", None) or environ.get(ENVIRON_KEY)
    if hooked and hooked[1]:
        return MOTO_SERVICE_NAMES.get(hooked[0], hooked[0]), hooked[1]
    service = _SIGNING_NAMES.get(signing or "", signing)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target and "." in target:
        prefix, _, op = target.rpartition(".")
        return _TARGET_PREFIXES.get(prefix, service), op
    cbor = _CBOR_PATH.match(environ.get("PATH_INFO", ""))
    if cbor:
        return _TARGET_PREFIXES.get(cbor.group(1), service), cbor.group(2)
    action = parse_qs(environ.get("QUERY_STRING", "")).get("Action")
    if action:
        return service, action[-1]
    return service, None


# ---------------------------------------------------------------- WSGI


class RequestLog:
    """WSGI middleware that logs each request after the inner app answered."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/moto-api") or path.startswith("/_emu/") or path == "/favicon.ico":
            return self.app(environ, start_response)
        started_wall = time.time()
        started = time.perf_counter()
        with _LOCK:
            generation = _generation
        _current.op = None
        _current.account = None
        seen: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            seen["status"] = status
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            result = self.app(environ, capture)
            try:
                # Materialise the body so the entry exists before the client
                # has the full response (tests read the log right after).
                body = list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except BaseException:
            self._log(environ, "500", started_wall, started, generation)
            raise
        self._log(environ, seen.get("status", "500"), started_wall, started, generation)
        return body

    @staticmethod
    def _log(environ: dict[str, Any], status: str, started_wall: float, started: float, generation: int) -> None:
        global _seq
        region, signing, access_key = _scope(environ)
        service, operation = _resolve(environ, signing)
        account = _account(environ)
        _current.op = None
        _current.account = None
        code = int(str(status).split(" ", 1)[0])  # WSGI: "NNN Reason"
        entry = {
            "service": service,
            "operation": operation,
            "status": code,
            "region": region,
            "account": account,
            "time": _rfc3339(started_wall),
            "duration_ms": round((time.perf_counter() - started) * 1000.0, 3),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "access_key": access_key,
        }
        with _LOCK:
            if generation != _generation:
                return  # started before the log was cleared
            _seq += 1
            entries_seq = _seq
            _entries.append({"seq": entries_seq, **entry})


def wsgi(app: Callable) -> Callable:
    return RequestLog(app)


# ---------------------------------------------------------------- install

def install() -> None:
    """Wrap ``BaseResponse.call_action`` to record the resolved operation (once, by the server)."""
    from moto.core.responses import BaseResponse

    original = BaseResponse.call_action

    def call_action(self: Any) -> Any:
        service = getattr(self, "service_name", None)
        if service and service != "moto_api":
            # moto's own call_action asks _get_action() too: if it raises, so would moto.
            op = (service, self._get_action() or None)
            _current.op = op
            account = getattr(self, "current_account", None)
            _current.account = account
            self.normalized_request.environ[ENVIRON_KEY] = op
            self.normalized_request.environ[ACCOUNT_KEY] = account
        return original(self)

    BaseResponse.call_action = call_action  # type: ignore[method-assign]
