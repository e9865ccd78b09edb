"""CloudWatch as aipctl needs it: metrics that answer like AWS, checked dashboards, CBOR.

moto 5.2.5's CloudWatch is too kind and too wrong for aipctl's tests:
GetMetricData ignores the namespace
when dimensions are given, sums every dimension set when none are, does not
round StartTime or align buckets, 500s on percentiles, ignores MaxDatapoints
and NextToken and silently returns nothing for metric math; PutDashboard only
checks that the body is JSON. This module replaces those handlers on
``CloudWatchResponse`` (moto still parses the request and serializes the answer
for JSON/query callers) and keeps its own metric index per (account, region):

- a metric is identified by namespace + name + the *full* dimension set; the
  index is ``{(namespace, name, frozenset(dims)): Series}`` where a Series keeps
  time-sorted records ``(sum, count, min, max, samples, unit)`` so a query
  bisects to its time range and touches nothing else;
- GetMetricData / ListMetrics / PutMetricData are served from that index
  (moto's own ``metric_data`` list is no longer written); GetMetricStatistics,
  which aipctl does not call, is refused rather than answered from moto's
  empty list;
- metric math: identity, ``+ - * / ^``, comparisons, ``AND/OR/NOT``,
  ``FILL`` (a number or ``REPEAT``), ``SUM``/``AVG``/``MIN``/``MAX`` (arrays
  or one series), ``IF``, ``ABS``/``CEIL``/``FLOOR``, ``METRICS()``; anything
  else (SEARCH, Metrics Insights ``SELECT``, ANOMALY_DETECTION_BAND, ...) is
  refused with a ValidationError instead of an empty answer;
- dashboards are account-global as in AWS (kept on the account's us-east-1
  backend so moto's reset clears them) and PutDashboard validates the body.

The CBOR (Smithy RPC v2) front end lives in ``awsemu.cloudwatch_cbor``; its
``wsgi`` is re-exported here so the server stack picks it up through this
module. ``put_datapoints`` is the in-process seeding entry point.
"""

from __future__ import annotations

import base64
import bisect
import calendar
import datetime as _dt
import hashlib
import json
import math
import re
import threading
from collections.abc import Iterable
from typing import Any

from . import clock, cloudwatch_cbor

wsgi = cloudwatch_cbor.wsgi

_LOCK = threading.RLock()

DAY = 86400.0
MAX_QUERIES = 500
DEFAULT_MAX_DATAPOINTS = 100_800
LIST_METRICS_PAGE = 500
LIST_DASHBOARDS_PAGE = 1000
MAX_PUT_DATUMS = 1000
MAX_VALUES_PER_DATUM = 150
MAX_DIMENSIONS = 30
MAX_WIDGETS = 500
MAX_METRICS_PER_WIDGET = 500
_VALUE_MAX = 2.0**360
_VALUE_MIN = 2.0**-360

ID_RE = re.compile(r"^[a-z][a-zA-Z0-9_]*$")
DASHBOARD_NAME_RE = re.compile(r"^[A-Za-z0-9_-]+$")
DASHBOARD_PREFIX_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
BASIC_STATS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
PERCENTILE_RE = re.compile(r"^p(\d{1,3}(?:\.\d{1,10})?)$")
# Valid CloudWatch statistics this emulator does not compute (refused loudly).
OTHER_STAT_RE = re.compile(
    r"^(?:(?:tm|wm|tc|ts)\d{1,3}(?:\.\d{1,10})?|IQM|(?:TM|WM|TC|TS|PR)\([^)]*\))$"
)
STANDARD_UNITS = (
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes",
    "Gigabytes", "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits",
    "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
    "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second",
    "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
)


# --------------------------------------------------------------------------
# errors (moto serializes them for JSON/query; the CBOR shim re-encodes)
# --------------------------------------------------------------------------

def _exc_base() -> type:
    from moto.cloudwatch.exceptions import CloudWatchException

    return CloudWatchException


class _Lazy:
    """Error classes are built on first use so importing this module stays cheap."""

    classes: dict[str, type] = {}


def _error(code: str, message: str, **members: Any) -> Exception:
    cls = _Lazy.classes.get(code)
    if cls is None:
        cls = type(f"Emu{code}", (_exc_base(),), {"code": code})
        _Lazy.classes[code] = cls
    exc = cls(message)
    for key, value in members.items():
        setattr(exc, key, value)
    return exc


def validation_error(message: str) -> Exception:
    return _error("ValidationError", message)


def invalid_value(message: str) -> Exception:
    return _error("InvalidParameterValue", message)


def missing_parameter(message: str) -> Exception:
    return _error("MissingParameter", message)


def invalid_combination(message: str) -> Exception:
    return _error("InvalidParameterCombination", message)


# --------------------------------------------------------------------------
# time helpers
# --------------------------------------------------------------------------

def _epoch(value: Any) -> float:
    if isinstance(value, bool):
        raise TypeError("bool is not a timestamp")
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=_dt.UTC)
        return calendar.timegm(value.utctimetuple()) + value.microsecond / 1e6
    if isinstance(value, str):
        return _epoch(_dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
    raise TypeError(f"not a timestamp: {value!r}")


def _utc(epoch: float) -> _dt.datetime:
    return _dt.datetime.fromtimestamp(epoch, tz=_dt.UTC)


def round_start(start: float, now: float, period: int) -> float:
    """StartTime rounding documented for GetMetricData/GetMetricStatistics."""
    age = now - start
    if age > 63 * DAY:
        unit = 3600
    elif age > 15 * DAY:
        unit = 300
    elif period < 60:
        unit = period
    else:
        unit = 60
    return math.floor(start / unit) * unit


def period_serves(start: float, now: float, period: int) -> bool:
    """False when AWS returns no datapoints for this period at this age."""
    age = now - start
    if period < 60 and age > 3 * 3600:
        return False
    if age > 15 * DAY and period % 300:
        return False
    if age > 63 * DAY and period % 3600:
        return False
    return True


def _valid_period(period: Any) -> bool:
    return isinstance(period, int) and not isinstance(period, bool) and (
        period in (1, 5, 10, 20, 30) or (period >= 60 and period % 60 == 0)
    )


# --------------------------------------------------------------------------
# the metric index
# --------------------------------------------------------------------------

class Series:
    """All records of one metric (namespace + name + full dimension set)."""

    __slots__ = ("namespace", "name", "dims", "ts", "recs", "dirty", "last_put", "high_res")

    def __init__(self, namespace: str, name: str, dims: tuple) -> None:
        self.namespace = namespace
        self.name = name
        self.dims = dims  # ((name, value), ...) in first-published order
        self.ts: list[float] = []
        self.recs: list[tuple] = []  # (sum, count, min, max, samples|None, unit|None)
        self.dirty = False
        self.last_put = 0.0
        self.high_res = False

    def add(self, ts: float, rec: tuple) -> None:
        if self.ts and ts < self.ts[-1]:
            self.dirty = True
        self.ts.append(ts)
        self.recs.append(rec)

    def ordered(self) -> tuple[list[float], list[tuple]]:
        if self.dirty:
            order = sorted(range(len(self.ts)), key=self.ts.__getitem__)
            self.ts = [self.ts[i] for i in order]
            self.recs = [self.recs[i] for i in order]
            self.dirty = False
        return self.ts, self.recs

    def dims_dict(self) -> dict[str, str]:
        return dict(self.dims)


class MetricStore:
    def __init__(self) -> None:
        self.series: dict[tuple, Series] = {}

    @staticmethod
    def key(namespace: str, name: str, dims: Iterable[tuple[str, str]]) -> tuple:
        return (namespace, name, frozenset(dims))

    def get(self, namespace: str, name: str, dims: Iterable[tuple[str, str]]) -> Series | None:
        return self.series.get(self.key(namespace, name, dims))

    def add(
        self,
        namespace: str,
        name: str,
        dims: list[tuple[str, str]],
        ts: float,
        rec: tuple,
        high_res: bool = False,
        now: float | None = None,
    ) -> None:
        key = self.key(namespace, name, dims)
        series = self.series.get(key)
        if series is None:
            series = Series(namespace, name, tuple(dims))
            self.series[key] = series
        if high_res:
            series.high_res = True
            ts = math.floor(ts)
        else:
            ts = math.floor(ts / 60.0) * 60.0  # standard resolution: 1-minute storage
        series.add(ts, rec)
        series.last_put = clock.epoch() if now is None else now


def _rec_from_values(values: list[float], counts: list[float] | None, unit: str | None) -> tuple | None:
    pairs = []
    for i, v in enumerate(values):
        c = 1.0 if counts is None else float(counts[i])
        if c > 0:
            pairs.append((float(v), c))
    if not pairs:
        return None
    total = sum(v * c for v, c in pairs)
    count = sum(c for _, c in pairs)
    return (total, count, min(v for v, _ in pairs), max(v for v, _ in pairs), tuple(pairs), unit)


def _rec_from_stats(stats: dict, unit: str | None) -> tuple:
    s, n = float(stats["Sum"]), float(stats["SampleCount"])
    mn, mx = float(stats["Minimum"]), float(stats["Maximum"])
    samples = None
    # AWS: percentiles work on a statistic set only if it is really raw data.
    if mn == mx and n > 0 and math.isclose(s, mn * n, rel_tol=1e-9, abs_tol=1e-9):
        samples = ((mn, n),)
    return (s, n, mn, mx, samples, unit)


def _backend(account_id: str, region: str) -> Any:
    from moto.cloudwatch.models import cloudwatch_backends

    return cloudwatch_backends[account_id][region]


def _store(backend: Any) -> MetricStore:
    return backend.aip_metric_store  # set by the patched backend __init__ (install())


def put_datapoints(
    account_id: str,
    region: str,
    namespace: str,
    metric_name: str,
    dimensions: dict[str, str],
    points: list[tuple[_dt.datetime, float | list[float]]],
    unit: str = "Count",
) -> int:
    """Seed datapoints directly into the index, bypassing PutMetricData's limits.

    ``points`` is a list of ``(timestamp, value)``. ``timestamp`` is a datetime
    (naive means UTC) or epoch seconds; any age is accepted (no two-week /
    two-hour window), and it is stored at 1-minute resolution like a standard
    metric (seconds are floored). ``value`` is a float (one sample) or a list
    of floats (several raw samples at that timestamp, e.g. one per request, so
    percentiles are computed from them; Sum adds them, SampleCount counts
    them). Several points at the same minute add up like repeated
    PutMetricData calls. Returns the number of points stored (empty lists are
    skipped). Raises ValueError for non-finite values, empty names or more
    than 30 dimensions.
    """
    if not namespace or not metric_name:
        raise ValueError("namespace and metric_name must be non-empty")
    dims = [(str(k), str(v)) for k, v in (dimensions or {}).items()]
    if len(dims) > MAX_DIMENSIONS:
        raise ValueError("a metric has at most 30 dimensions")
    if unit is not None and unit not in STANDARD_UNITS:
        raise ValueError(f"unit {unit!r} is not a CloudWatch StandardUnit")
    prepared = []
    for ts, value in points:
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v):
                raise ValueError(f"datapoint value {v!r} is not a finite number")
        if not values:
            continue
        prepared.append((_epoch(ts), _rec_from_values(values, None, unit)))
    backend = _backend(account_id, region)
    now = clock.epoch()
    with _LOCK:
        store = _store(backend)
        for ts, rec in prepared:
            store.add(namespace, metric_name, dims, ts, rec, now=now)
    return len(prepared)


# --------------------------------------------------------------------------
# aggregation
# --------------------------------------------------------------------------

def _percentile(samples: list[tuple[float, float]], p: float) -> float:
    """Nearest-rank percentile over weighted raw samples (a non-empty pool with a positive count)."""
    samples.sort()
    total = sum(c for _, c in samples)
    rank = max(math.ceil(p / 100.0 * total - 1e-9), 1)
    acc = 0.0
    for v, c in samples[:-1]:
        acc += c
        if acc >= rank - 1e-9:
            return v
    return samples[-1][0]


def parse_stat(stat: Any) -> tuple[str, float | None] | None:
    """('basic', None) / ('pct', p) / ('other', None) or None when invalid."""
    if not isinstance(stat, str):
        return None
    if stat in BASIC_STATS:
        return (stat, None)
    m = PERCENTILE_RE.match(stat)
    if m:
        p = float(m.group(1))
        if 0 <= p <= 100:
            return ("pct", p)
        return None
    if OTHER_STAT_RE.match(stat):
        return ("other", None)
    return None


def aggregate(
    series: Series | None,
    t0: float,
    t1: float,
    period: int,
    stat: str,
    unit: str | None,
    floor_ts: float | None = None,
) -> dict[float, float]:
    """{bucket_start: value} for buckets [t0 + k*period, ...) holding data < t1."""
    if series is None or t1 <= t0:
        return {}
    ts, recs = series.ordered()
    lo = bisect.bisect_left(ts, t0 if floor_ts is None else max(t0, floor_ts))
    hi = bisect.bisect_left(ts, t1)
    if lo >= hi:
        return {}
    kind = parse_stat(stat)
    assert kind is not None
    name, p = kind
    per = float(period)
    out: dict[float, float] = {}
    if name == "Sum":
        acc: dict[int, float] = {}
        for i in range(lo, hi):
            rec = recs[i]
            if unit is not None and rec[5] != unit:
                continue
            b = int((ts[i] - t0) // per)
            acc[b] = acc.get(b, 0.0) + rec[0]
        return {t0 + b * per: v for b, v in sorted(acc.items())}
    if name == "SampleCount":
        acc = {}
        for i in range(lo, hi):
            rec = recs[i]
            if unit is not None and rec[5] != unit:
                continue
            b = int((ts[i] - t0) // per)
            acc[b] = acc.get(b, 0.0) + rec[1]
        return {t0 + b * per: v for b, v in sorted(acc.items())}
    if name == "Average":
        sums: dict[int, float] = {}
        counts: dict[int, float] = {}
        for i in range(lo, hi):
            rec = recs[i]
            if unit is not None and rec[5] != unit:
                continue
            b = int((ts[i] - t0) // per)
            sums[b] = sums.get(b, 0.0) + rec[0]
            counts[b] = counts.get(b, 0.0) + rec[1]
        return {t0 + b * per: sums[b] / counts[b] for b in sorted(sums) if counts[b] > 0}
    if name in ("Minimum", "Maximum"):
        idx = 2 if name == "Minimum" else 3
        better = min if name == "Minimum" else max
        acc = {}
        for i in range(lo, hi):
            rec = recs[i]
            if unit is not None and rec[5] != unit:
                continue
            b = int((ts[i] - t0) // per)
            v = rec[idx]
            acc[b] = v if b not in acc else better(acc[b], v)
        return {t0 + b * per: v for b, v in sorted(acc.items())}
    # A percentile: other statistics were refused by validate_get_metric_data.
    pools: dict[int, list] = {}
    for i in range(lo, hi):
        rec = recs[i]
        if unit is not None and rec[5] != unit:
            continue
        if rec[4] is None:
            continue
        b = int((ts[i] - t0) // per)
        pools.setdefault(b, []).extend(rec[4])
    for b in sorted(pools):
        out[t0 + b * per] = _percentile(pools[b], p)  # type: ignore[arg-type]
    return out


# --------------------------------------------------------------------------
# metric math
# --------------------------------------------------------------------------

class TS:
    """A time series inside expression evaluation."""

    __slots__ = ("points", "period", "label", "meta")

    def __init__(self, points: dict[float, float], period: int, label: str, meta: dict | None = None) -> None:
        self.points = points
        self.period = period
        self.label = label
        self.meta = meta or {}


_TOKEN_RE = re.compile(
    r"""\s*(?:
      (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
    | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    | (?P<op>>=|<=|==|!=|&&|\|\||[-+*/^()\[\],<>!])
    )""",
    re.X,
)

SUPPORTED_FUNCTIONS = {
    "FILL", "SUM", "AVG", "MIN", "MAX", "IF", "ABS", "CEIL", "FLOOR", "METRICS",
}
# Documented CloudWatch metric-math/search functions we do not emulate.
KNOWN_UNSUPPORTED = {
    "SEARCH", "ANOMALY_DETECTION_BAND", "DIFF", "DIFF_TIME", "RATE", "RUNNING_SUM",
    "STDDEV", "LOG", "LOG10", "SORT", "SLICE", "FIRST", "LAST", "TIME_SERIES",
    "INSIGHT_RULE_METRIC", "SERVICE_QUOTA", "DATAPOINT_COUNT", "AVG_TIME", "MINUTE",
    "HOUR", "DAY", "DATE", "EPOCH", "MONTH", "YEAR", "REMOVE_EMPTY", "LAMBDA", "CONCAT",
    "CONTAINS", "ENDS_WITH", "STARTS_WITH", "PERIOD_SECONDS", "SAMPLE_COUNT", "SELECT",
    "PERIOD",
}
KEYWORDS = {"AND", "OR", "NOT", "REPEAT", "LINEAR"}


class ExprError(Exception):
    pass


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            pos += len(text[pos:]) - len(text[pos:].lstrip())  # point at the character, not the space
            raise ExprError(f"unexpected character {text[pos:pos + 1]!r} at position {pos + 1}")
        kind = m.lastgroup
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = tokenize(text)
        self.i = 0

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExprError("unexpected end of expression")
        self.i += 1
        return tok

    def accept(self, *values: str) -> str | None:
        tok = self.peek()
        if tok is not None and tok[0] in ("op", "name") and tok[1] in values:
            self.i += 1
            return tok[1]
        return None

    def expect(self, value: str) -> None:
        if self.accept(value) is None:
            tok = self.peek()
            raise ExprError(f"expected {value!r} but found {tok[1] if tok else 'end of expression'!r}")

    def parse(self) -> tuple:
        if not self.toks:
            raise ExprError("empty expression")
        node = self.or_()
        if self.peek() is not None:
            raise ExprError(f"unexpected {self.peek()[1]!r}")
        return node

    def or_(self) -> tuple:
        node = self.and_()
        while self.accept("||", "OR"):
            node = ("bin", "or", node, self.and_())
        return node

    def and_(self) -> tuple:
        node = self.not_()
        while self.accept("&&", "AND"):
            node = ("bin", "and", node, self.not_())
        return node

    def not_(self) -> tuple:
        if self.accept("!", "NOT"):
            return ("un", "not", self.not_())
        return self.cmp()

    def cmp(self) -> tuple:
        node = self.add()
        op = self.accept(">=", "<=", "==", "!=", ">", "<")
        if op:
            node = ("bin", op, node, self.add())
        return node

    def add(self) -> tuple:
        node = self.mul()
        while True:
            op = self.accept("+", "-")
            if not op:
                return node
            node = ("bin", op, node, self.mul())

    def mul(self) -> tuple:
        node = self.unary()
        while True:
            op = self.accept("*", "/")
            if not op:
                return node
            node = ("bin", op, node, self.unary())

    def unary(self) -> tuple:
        if self.accept("-"):
            return ("un", "neg", self.unary())
        if self.accept("+"):
            return self.unary()
        return self.power()

    def power(self) -> tuple:
        node = self.primary()
        if self.accept("^"):
            node = ("bin", "^", node, self.unary())
        return node

    def primary(self) -> tuple:
        kind, value = self.take()
        if kind == "num":
            return ("num", float(value))
        if kind == "str":
            return ("str", bytes(value[1:-1], "utf-8").decode("unicode_escape"))
        if kind == "op" and value == "(":
            node = self.or_()
            self.expect(")")
            return node
        if kind == "op" and value == "[":
            items = []
            if not self.accept("]"):
                while True:
                    items.append(self.or_())
                    if self.accept("]"):
                        break
                    self.expect(",")
            return ("arr", items)
        if kind == "name":
            if self.accept("("):
                args = []
                if not self.accept(")"):
                    while True:
                        args.append(self.or_())
                        if self.accept(")"):
                            break
                        self.expect(",")
                return ("call", value, args)
            if value in KEYWORDS:
                return ("kw", value)
            if value[0].islower():
                return ("id", value)
            raise ExprError(f"unrecognized identifier {value!r}")
        raise ExprError(f"unexpected {value!r}")


def parse_expression(text: str) -> tuple:
    return _Parser(text).parse()


def expression_refs(node: tuple, out: set | None = None) -> tuple[set, set]:
    """(ids referenced, function names called)."""
    ids: set = set() if out is None else out
    funcs: set = set()

    def walk(n: tuple) -> None:
        kind = n[0]
        if kind == "id":
            ids.add(n[1])
        elif kind == "call":
            funcs.add(n[1])
            for a in n[2]:
                walk(a)
        elif kind == "arr":
            for a in n[1]:
                walk(a)
        elif kind == "bin":
            walk(n[2])
            walk(n[3])
        elif kind == "un":
            walk(n[2])

    walk(node)
    return ids, funcs


def _finite(v: float) -> bool:
    return not (math.isnan(v) or math.isinf(v))


def _div(a: float, b: float) -> float:
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * (1 if math.copysign(1, b) > 0 else -1)
    return a / b


def _pow(a: float, b: float) -> float:
    try:
        r = a**b
    except (OverflowError, ZeroDivisionError):
        return math.inf
    return r if isinstance(r, float) else math.nan


_BINOPS = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": _div,
    "^": _pow,
    ">": lambda a, b: 1.0 if a > b else 0.0,
    "<": lambda a, b: 1.0 if a < b else 0.0,
    ">=": lambda a, b: 1.0 if a >= b else 0.0,
    "<=": lambda a, b: 1.0 if a <= b else 0.0,
    "==": lambda a, b: 1.0 if a == b else 0.0,
    "!=": lambda a, b: 1.0 if a != b else 0.0,
    "and": lambda a, b: 1.0 if (a != 0 and b != 0) else 0.0,
    "or": lambda a, b: 1.0 if (a != 0 or b != 0) else 0.0,
}


class Evaluator:
    def __init__(self, ctx: _QueryRun) -> None:
        self.ctx = ctx

    def eval(self, node: tuple) -> Any:
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "str":
            raise ExprError("a string is only allowed as an argument of METRICS()")
        if kind == "kw":
            raise ExprError(f"{node[1]} is only allowed where the function expects it")
        if kind == "id":
            return self.ctx.value_of(node[1])
        if kind == "arr":
            items: list[TS] = []
            for sub in node[1]:
                v = self.eval(sub)
                if isinstance(v, TS):
                    items.append(v)
                elif isinstance(v, list):
                    items.extend(v)
                else:
                    raise ExprError("an array may only contain time series")
            return items
        if kind == "un":
            v = self.eval(node[2])
            fn = (lambda a: -a) if node[1] == "neg" else (lambda a: 0.0 if a != 0 else 1.0)
            return self.map1(v, fn)
        if kind == "bin":
            return self.binop(node[1], self.eval(node[2]), self.eval(node[3]))
        return self.call(node[1], node[2])  # "call", the parser's last kind

    @staticmethod
    def map1(v: Any, fn: Any) -> Any:
        if isinstance(v, TS):
            return TS({t: fn(x) for t, x in v.points.items()}, v.period, v.label, v.meta)
        if isinstance(v, list):
            return [Evaluator.map1(s, fn) for s in v]
        return fn(v)

    def binop(self, op: str, a: Any, b: Any) -> Any:
        fn = _BINOPS[op]
        if isinstance(a, list):
            return [self.binop(op, s, b) for s in a]
        if isinstance(b, list):
            return [self.binop(op, a, s) for s in b]
        if isinstance(a, TS) and isinstance(b, TS):
            pb = b.points
            pts = {t: fn(x, pb[t]) for t, x in a.points.items() if t in pb}
            return TS(pts, min(a.period, b.period), a.label, a.meta)
        if isinstance(a, TS):
            return TS({t: fn(x, b) for t, x in a.points.items()}, a.period, a.label, a.meta)
        if isinstance(b, TS):
            return TS({t: fn(a, x) for t, x in b.points.items()}, b.period, b.label, b.meta)
        return fn(a, b)

    def call(self, name: str, args: list[tuple]) -> Any:
        if name == "METRICS":
            if len(args) > 1 or (args and args[0][0] != "str"):
                raise ExprError("METRICS() takes no argument or one string")
            return self.ctx.metrics_matching(args[0][1] if args else "")
        if name == "FILL":
            if len(args) != 2:
                raise ExprError("FILL takes 2 arguments")
            target = self.eval(args[0])
            if args[1] == ("kw", "REPEAT"):
                how: Any = "REPEAT"
            else:
                how = self.eval(args[1]) if args[1][0] != "kw" else None
                if not isinstance(how, float):
                    raise ExprError("the FILL value must be a number or REPEAT")
            return self.fill(target, how)
        if name in ("SUM", "AVG", "MIN", "MAX"):
            if len(args) != 1:
                raise ExprError(f"{name} takes 1 argument")
            return self.reduce(name, self.eval(args[0]))
        if name == "IF":
            if len(args) not in (2, 3):
                raise ExprError("IF takes 2 or 3 arguments")
            cond = self.eval(args[0])
            tv = self.eval(args[1])
            fv = self.eval(args[2]) if len(args) == 3 else None
            return self.if_(cond, tv, fv)
        # ABS, CEIL or FLOOR: validation refused every other function.
        if len(args) != 1:
            raise ExprError(f"{name} takes 1 argument")
        fn = {"ABS": abs, "CEIL": lambda x: float(math.ceil(x)) if _finite(x) else x,
              "FLOOR": lambda x: float(math.floor(x)) if _finite(x) else x}[name]
        return self.map1(self.eval(args[0]), fn)

    def fill(self, target: Any, how: Any) -> Any:
        if isinstance(target, list):
            return [self.fill(s, how) for s in target]
        if not isinstance(target, TS):
            raise ExprError("FILL takes a time series or an array of time series")
        grid = self.ctx.grid(target.period)
        pts = target.points
        out: dict[float, float] = {}
        if how == "REPEAT":
            last = None
            for t in grid:
                if t in pts:
                    last = pts[t]
                if last is not None:
                    out[t] = pts.get(t, last)
        else:
            for t in grid:
                out[t] = pts.get(t, how)
        for t, v in pts.items():  # points off the grid (other periods) stay
            out.setdefault(t, v)
        return TS(dict(sorted(out.items())), target.period, target.label, target.meta)

    @staticmethod
    def reduce(name: str, v: Any) -> Any:
        if isinstance(v, TS):
            vals = [x for x in v.points.values()]
            if not vals:
                return math.nan
            if name == "SUM":
                return float(sum(vals))
            if name == "AVG":
                return float(sum(vals)) / len(vals)
            return float(min(vals) if name == "MIN" else max(vals))
        if isinstance(v, list):
            if not v:
                raise ExprError(f"{name} of an empty array")
            grouped: dict[float, list[float]] = {}
            for s in v:
                for t, x in s.points.items():
                    grouped.setdefault(t, []).append(x)
            out = {}
            for t in sorted(grouped):
                xs = grouped[t]
                if name == "SUM":
                    out[t] = float(sum(xs))
                elif name == "AVG":
                    out[t] = float(sum(xs)) / len(xs)
                elif name == "MIN":
                    out[t] = float(min(xs))
                else:
                    out[t] = float(max(xs))
            return TS(out, min(s.period for s in v), v[0].label, {})
        return float(v)

    @staticmethod
    def if_(cond: Any, tv: Any, fv: Any) -> Any:
        if isinstance(cond, list) or isinstance(tv, list) or isinstance(fv, list):
            raise ExprError("IF does not take arrays of time series")
        if not isinstance(cond, TS):
            return tv if cond != 0 else fv if fv is not None else math.nan
        out = {}
        for t, c in cond.points.items():
            pick = tv if c != 0 else fv
            if pick is None:
                continue
            if isinstance(pick, TS):
                if t in pick.points:
                    out[t] = pick.points[t]
            else:
                out[t] = float(pick)
        period = min([cond.period] + [x.period for x in (tv, fv) if isinstance(x, TS)])
        return TS(out, period, cond.label, cond.meta)


# --------------------------------------------------------------------------
# GetMetricData
# --------------------------------------------------------------------------

class _QueryRun:
    """One GetMetricData evaluation (all queries, no pagination)."""

    def __init__(self, stores: Any, queries: list[dict], start: float, end: float, now: float) -> None:
        self.stores = stores  # callable(account_id | None) -> MetricStore
        self.queries = queries
        self.by_id = {q["Id"]: (i, q) for i, q in enumerate(queries)}
        self.start = start
        self.end = end
        self.now = now
        self.cache: dict[str, Any] = {}
        self.parsed: dict[str, tuple] = {}
        self.default_period = min(
            [q["MetricStat"]["Period"] for q in queries if q.get("MetricStat")] or [60]
        )

    def grid(self, period: int) -> list[float]:
        t0 = round_start(self.start, self.now, period)
        n = int(math.ceil((self.end - t0) / period))
        return [t0 + k * period for k in range(max(n, 0))]

    def metric_ts(self, q: dict) -> TS:
        ms = q["MetricStat"]
        metric = ms["Metric"]
        period = int(ms["Period"])
        dims = [(d["Name"], d["Value"]) for d in metric.get("Dimensions") or []]
        store = self.stores(q.get("AccountId"))
        # Another account's metrics need cross-account observability, which
        # the emulator does not model: AWS answers StatusCode Forbidden.
        series = None if store is None else store.get(metric["Namespace"], metric["MetricName"], dims)
        t0 = round_start(self.start, self.now, period)
        if not period_serves(self.start, self.now, period):
            points: dict[float, float] = {}
        else:
            points = aggregate(
                series, t0, self.end, period, ms["Stat"], ms.get("Unit"), floor_ts=self.now - 455 * DAY
            )
        meta = {
            "Namespace": metric["Namespace"],
            "MetricName": metric["MetricName"],
            "Dims": dict(dims),
            "Period": period,
            "Stat": ms["Stat"],
            "AccountId": q.get("AccountId"),
            "Forbidden": store is None,
        }
        return TS(points, period, metric["MetricName"], meta)

    def value_of(self, qid: str) -> Any:
        # Unknown ids and cycles were refused before evaluation.
        if qid in self.cache:
            return self.cache[qid]
        _, q = self.by_id[qid]
        if q.get("MetricStat"):
            value = self.metric_ts(q)
        else:
            value = Evaluator(self).eval(self.parsed[qid])
            if isinstance(value, TS):
                value = TS(value.points, value.period, q.get("Label") or qid, value.meta)
        self.cache[qid] = value
        return value

    def metrics_matching(self, needle: str) -> list[TS]:
        return [self.value_of(q["Id"]) for q in self.queries if q.get("MetricStat") and needle in q["Id"]]

    def expression_period(self, q: dict) -> int:
        if q.get("Period"):
            return int(q["Period"])
        ids, _ = expression_refs(self.parsed[q["Id"]])
        periods = []
        seen: set = set()
        stack = list(ids)
        while stack:
            i = stack.pop()
            if i in seen or i not in self.by_id:
                continue
            seen.add(i)
            sub = self.by_id[i][1]
            if sub.get("MetricStat"):
                periods.append(int(sub["MetricStat"]["Period"]))
            elif sub["Id"] in self.parsed:
                stack.extend(expression_refs(self.parsed[sub["Id"]])[0])
        return min(periods) if periods else self.default_period


_LABEL_RE = re.compile(r"\$\{([^}]*)\}")


def _fmt_num(v: float) -> str:
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6g}" if abs(v) >= 1e6 or abs(v) < 1e-3 else f"{round(v, 6)}"


def render_label(template: str, meta: dict, vals: list[float]) -> str:
    """``${SUM}`` and ``${PROP('Dim.X')}`` (the dynamic labels the suite uses); others stay as written."""
    if "${" not in template:
        return template

    def sub(m: re.Match) -> str:
        key = m.group(1).strip()
        if key == "SUM":
            return _fmt_num(sum(vals)) if vals else ""
        pm = re.match(r"""^PROP\(\s*['"]Dim\.([^'"]+)['"]\s*\)$""", key)
        if pm:
            return str(meta.get("Dims", {}).get(pm.group(1), ""))
        return m.group(0)

    return _LABEL_RE.sub(sub, template)


def _request_hash(params: dict) -> str:
    canon = json.dumps(
        {
            "q": params.get("MetricDataQueries"),
            "s": _epoch(params["StartTime"]),
            "e": _epoch(params["EndTime"]),
            "b": params.get("ScanBy") or "TimestampDescending",
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(canon.encode()).hexdigest()[:16]


def _encode_token(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def _decode_token(token: str) -> dict | None:
    try:
        doc = json.loads(base64.urlsafe_b64decode(token.encode() + b"=" * (-len(token) % 4)))
    except (ValueError, TypeError):
        return None
    return doc if isinstance(doc, dict) else None


def validate_get_metric_data(params: dict) -> None:
    queries = params.get("MetricDataQueries")
    if queries is None:
        raise missing_parameter("The parameter MetricDataQueries is required.")
    if params.get("StartTime") is None:
        raise missing_parameter("The parameter StartTime is required.")
    if params.get("EndTime") is None:
        raise missing_parameter("The parameter EndTime is required.")
    if not queries:
        raise validation_error("The collection MetricDataQueries must not be empty.")
    if len(queries) > MAX_QUERIES:
        raise validation_error(
            f"The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}."
        )
    start, end = _epoch(params["StartTime"]), _epoch(params["EndTime"])
    if start == end:
        raise validation_error("The parameter StartTime must not equal parameter EndTime.")
    if start > end:
        raise validation_error("The parameter EndTime must be greater than StartTime.")
    scan_by = params.get("ScanBy")
    if scan_by is not None and scan_by not in ("TimestampDescending", "TimestampAscending"):
        raise validation_error(
            f"1 validation error detected: Value '{scan_by}' at 'scanBy' failed to satisfy constraint: "
            "Member must satisfy enum value set: [TimestampDescending, TimestampAscending]"
        )
    maxdp = params.get("MaxDatapoints")
    if maxdp is not None and (not isinstance(maxdp, int) or maxdp < 1):
        raise validation_error(f"The value {maxdp} for parameter MaxDatapoints is invalid. It must be positive.")

    problems: list[str] = []
    seen: set[str] = set()
    for n, q in enumerate(queries, 1):
        qid = q.get("Id")
        where = f"MetricDataQueries.member.{n}"
        if not qid:
            problems.append(f"The parameter {where}.Id is required.")
            continue
        if len(qid) > 255 or not ID_RE.match(qid):
            problems.append(
                f"The value {qid} for parameter {where}.Id is not matching the expected pattern ^[a-z][a-zA-Z0-9_]*$."
            )
        if qid in seen:
            problems.append(f"The value {qid} for parameter {where}.Id is not unique.")
        seen.add(qid)
        has_stat, has_expr = q.get("MetricStat") is not None, q.get("Expression") is not None
        if has_stat and has_expr:
            problems.append(
                f"The parameters {where}.MetricStat and {where}.Expression are mutually exclusive and you have "
                "specified both."
            )
            continue
        if not has_stat and not has_expr:
            problems.append(f"The parameter {where}.MetricStat is required.")
            continue
        if has_stat:
            ms = q["MetricStat"]
            metric = ms.get("Metric") or {}
            if not metric.get("Namespace"):
                problems.append(f"The parameter {where}.MetricStat.Metric.Namespace is required.")
            if not metric.get("MetricName"):
                problems.append(f"The parameter {where}.MetricStat.Metric.MetricName is required.")
            dims = metric.get("Dimensions") or []
            if len(dims) > MAX_DIMENSIONS:
                problems.append(
                    f"The collection {where}.MetricStat.Metric.Dimensions must not have a size greater than 30."
                )
            if len({d.get("Name") for d in dims}) != len(dims):
                problems.append(f"The collection {where}.MetricStat.Metric.Dimensions must not contain duplicate "
                                "names.")
            for k, d in enumerate(dims, 1):
                if not d.get("Name") or not d.get("Value"):
                    problems.append(f"The parameter {where}.MetricStat.Metric.Dimensions.member.{k} needs a Name and a "
                                    "Value.")
            period = ms.get("Period")
            if period is None:
                problems.append(f"The parameter {where}.MetricStat.Period is required.")
            elif not _valid_period(period):
                problems.append(
                    f"The parameter {where}.MetricStat.Period must be 1, 5, 10, 20, 30, or a multiple of 60."
                )
            stat = ms.get("Stat")
            parsed = parse_stat(stat)
            if stat is None:
                problems.append(f"The parameter {where}.MetricStat.Stat is required.")
            elif parsed is None:
                problems.append(f"The value for parameter {where}.MetricStat.Stat is not a valid statistic.")
            elif parsed[0] == "other":
                problems.append(
                    f"The statistic {stat} in {where}.MetricStat.Stat is valid in CloudWatch but not "
                    "supported by the aipctl CloudWatch emulator."
                )
            unit = ms.get("Unit")
            if unit is not None and unit not in STANDARD_UNITS:
                problems.append(f"The value {unit} for parameter {where}.MetricStat.Unit is invalid.")
        else:
            expr = q["Expression"]
            if len(expr) > 2048:
                problems.append(f"The parameter {where}.Expression must be at most 2048 characters long.")
            if q.get("Period") is not None and not _valid_period(q.get("Period")):
                problems.append(f"The parameter {where}.Period must be 1, 5, 10, 20, 30, or a multiple of 60.")
    if problems:
        raise validation_error("\n".join(problems))


def _parse_all_expressions(queries: list[dict]) -> dict[str, tuple]:
    ids = {q["Id"] for q in queries}
    parsed: dict[str, tuple] = {}
    problems = []
    for n, q in enumerate(queries, 1):
        if q.get("Expression") is None:
            continue
        text = q["Expression"]
        where = f"MetricDataQueries.member.{n}.Expression"
        if re.match(r"^\s*SELECT\b", text, re.I):
            problems.append(
                f"Metrics Insights queries ({where}) are not supported by the aipctl CloudWatch emulator."
            )
            continue
        try:
            node = parse_expression(text)
        except ExprError as exc:
            problems.append(f"Error in {where} ({q['Id']}): {exc}.")
            continue
        refs, funcs = expression_refs(node)
        bad = sorted(f for f in funcs if f not in SUPPORTED_FUNCTIONS)
        for f in bad:
            if f in KNOWN_UNSUPPORTED:
                problems.append(
                    f"Error in {where} ({q['Id']}): the function {f} is not supported by the aipctl "
                    "CloudWatch emulator."
                )
            else:
                problems.append(f"Error in {where} ({q['Id']}): unknown function {f}.")
        for r in sorted(refs - ids):
            problems.append(f"Error in {where} ({q['Id']}): unknown metric id {r}.")
        if q["Id"] in refs:
            problems.append(f"Error in {where} ({q['Id']}): an expression cannot reference itself.")
        parsed[q["Id"]] = node
    if problems:
        raise validation_error("\n".join(problems))
    # cycles between expressions
    graph = {i: expression_refs(n)[0] for i, n in parsed.items()}
    state: dict[str, int] = {}

    def visit(i: str) -> None:
        state[i] = 1
        for j in graph.get(i, ()):
            if state.get(j) == 1:
                raise validation_error(f"Circular reference between expressions {i} and {j}.")
            if state.get(j) is None and j in graph:
                visit(j)
        state[i] = 2

    for i in graph:
        if i not in state:
            visit(i)
    return parsed


def get_metric_data(stores: Any, params: dict, now: float | None = None) -> dict:
    """Pure GetMetricData over ``stores(account_id|None) -> MetricStore | None``
    (None: that account's metrics are not visible, StatusCode Forbidden)."""
    validate_get_metric_data(params)
    queries = params["MetricDataQueries"]
    parsed = _parse_all_expressions(queries)
    now = clock.epoch() if now is None else now
    start, end = _epoch(params["StartTime"]), _epoch(params["EndTime"])
    descending = (params.get("ScanBy") or "TimestampDescending") == "TimestampDescending"
    max_dp = params.get("MaxDatapoints") or DEFAULT_MAX_DATAPOINTS
    token = params.get("NextToken")
    rhash = _request_hash(params)
    offset = 0
    if token is not None:
        doc = _decode_token(token)
        if not doc or doc.get("h") != rhash or not isinstance(doc.get("o"), int) or doc["o"] < 0:
            raise _error("InvalidNextToken", "The service couldn't process the provided NextToken.")
        offset = doc["o"]

    run = _QueryRun(stores, queries, start, end, now)
    run.parsed = parsed
    full: list[dict] = []
    with _LOCK:
        for q in queries:
            if q.get("ReturnData") is False:
                continue
            try:
                value = run.value_of(q["Id"])
            except ExprError as exc:
                raise validation_error(f"Error in expression {q['Id']}: {exc}.") from None
            items: list[tuple[TS, str]] = []
            if isinstance(value, TS):
                default = value.meta.get("MetricName", q["Id"]) if q.get("MetricStat") else q["Id"]
                items.append((value, default))
            elif isinstance(value, list):
                for s in value:
                    items.append((s, s.label))
            else:  # scalar: a flat line over the query's grid
                period = run.expression_period(q)
                items.append((TS({t: float(value) for t in run.grid(period)}, period, q["Id"]), q["Id"]))
            for series, default in items:
                pts = sorted((t, v) for t, v in series.points.items() if _finite(v))
                if descending:
                    pts.reverse()
                tss = [t for t, _ in pts]
                vals = [v for _, v in pts]
                label_tpl = q.get("Label") or default
                label = render_label(label_tpl, series.meta, vals)
                full.append({"Id": q["Id"], "Label": label, "ts": tss, "vals": vals,
                             "forbidden": bool(series.meta.get("Forbidden"))})

    total = sum(len(r["ts"]) for r in full)
    if offset > total:
        raise _error("InvalidNextToken", "The service couldn't process the provided NextToken.")
    page_end = offset + max_dp
    results = []
    cum = 0
    for r in full:
        n = len(r["ts"])
        a = min(max(offset - cum, 0), n)
        b = min(max(page_end - cum, 0), n)
        results.append(
            {
                "Id": r["Id"],
                "Label": r["Label"],
                "Timestamps": r["ts"][a:b],  # epoch seconds; handlers convert
                "Values": r["vals"][a:b],
                "StatusCode": "Forbidden" if r["forbidden"] else "PartialData" if b < n else "Complete",
                "Messages": [],
            }
        )
        cum += n
    out: dict[str, Any] = {"MetricDataResults": results, "Messages": []}
    if page_end < total:
        out["NextToken"] = _encode_token({"h": rhash, "o": page_end})
    return out


# --------------------------------------------------------------------------
# PutMetricData
# --------------------------------------------------------------------------

def _check_value(v: Any, where: str) -> float:
    v = float(v)  # a number: moto's parser (JSON) or the CBOR shim (SerializationException) made sure
    if not _finite(v) or abs(v) > _VALUE_MAX or (v != 0 and abs(v) < _VALUE_MIN):
        raise invalid_value(f"The value {v} for parameter {where} is invalid.")
    return v


def _check_name(value: Any, where: str, max_len: int) -> None:
    if not isinstance(value, str) or not value:
        raise missing_parameter(f"The parameter {where} is required.")
    if len(value) > max_len:
        raise validation_error(
            f"1 validation error detected: Value '{value}' at '{where}' failed to satisfy constraint: "
            f"Member must have length less than or equal to {max_len}"
        )


def prepare_put_metric_data(params: dict, now: float) -> list[tuple]:
    """Validate like AWS; return [(name, dims, ts, rec, high_res)]."""
    namespace = params.get("Namespace")
    _check_name(namespace, "Namespace", 255)
    if namespace.startswith(":") or any(ord(c) < 32 or ord(c) > 126 for c in namespace):
        raise invalid_value(f"The value {namespace} for parameter Namespace is invalid.")
    data = list(params.get("MetricData") or [])  # EntityMetricData (unused by aipctl) is not read
    if not data:
        raise missing_parameter("The parameter MetricData is required.")
    if len(data) > MAX_PUT_DATUMS:
        raise invalid_value(f"The collection MetricData must not have a size greater than {MAX_PUT_DATUMS}.")
    out = []
    for n, datum in enumerate(data, 1):
        where = f"MetricData.member.{n}"
        _check_name(datum.get("MetricName"), f"{where}.MetricName", 255)
        dims = datum.get("Dimensions") or []
        if len(dims) > MAX_DIMENSIONS:
            raise invalid_value(
                f"The collection {where}.Dimensions must not have a size greater than {MAX_DIMENSIONS}."
            )
        names = set()
        pairs = []
        for k, d in enumerate(dims, 1):
            _check_name(d.get("Name"), f"{where}.Dimensions.member.{k}.Name", 255)
            _check_name(d.get("Value"), f"{where}.Dimensions.member.{k}.Value", 1024)
            if d["Name"] in names:
                raise invalid_value(
                    f"The value {d['Name']} for parameter {where}.Dimensions.member.{k}.Name is a duplicate."
                )
            names.add(d["Name"])
            pairs.append((d["Name"], d["Value"]))
        unit = datum.get("Unit")
        if unit is not None and unit not in STANDARD_UNITS:
            raise validation_error(
                f"1 validation error detected: Value '{unit}' at '{where}.Unit' failed to satisfy constraint: "
                f"Member must satisfy enum value set: [{', '.join(STANDARD_UNITS)}]"
            )
        res = datum.get("StorageResolution")
        if res is not None and res not in (1, 60):
            raise invalid_value(f"The value {res} for parameter {where}.StorageResolution is invalid. Valid values are "
                                "1 and 60.")
        if datum.get("Timestamp") is not None:
            ts = _epoch(datum["Timestamp"])
            if ts < now - 14 * DAY:
                raise invalid_value(f"The parameter {where}.Timestamp must specify a time within the past two weeks.")
            if ts > now + 2 * 3600:
                raise invalid_value(
                    f"The parameter {where}.Timestamp must specify a time no more than two hours in the future."
                )
        else:
            ts = now
        has_value = datum.get("Value") is not None
        has_values = datum.get("Values") is not None
        has_stats = datum.get("StatisticValues") is not None
        if has_value and has_values:
            raise invalid_value(
                f"The parameters {where}.Value and {where}.Values are mutually exclusive and you have specified both."
            )
        if has_stats and (has_value or has_values):
            other = "Value" if has_value else "Values"
            raise invalid_combination(
                f"The parameters {where}.{other} and {where}.StatisticValues are mutually exclusive and you have "
                "specified both."
            )
        if datum.get("Counts") is not None and not has_values:
            raise invalid_combination(f"The parameter {where}.Counts requires {where}.Values.")
        if has_value:
            v = _check_value(datum["Value"], f"{where}.Value")
            rec = (v, 1.0, v, v, ((v, 1.0),), unit)
        elif has_values:
            values = datum["Values"]
            counts = datum.get("Counts")
            if len(values) > MAX_VALUES_PER_DATUM:
                raise invalid_value(
                    f"The collection {where}.Values must not have a size greater than {MAX_VALUES_PER_DATUM}."
                )
            if counts is not None and len(counts) != len(values):
                raise invalid_value(
                    f"The parameters {where}.Values and {where}.Counts must be of the same size."
                )
            values = [_check_value(v, f"{where}.Values") for v in values]
            if counts is not None:
                for c in counts:
                    if not isinstance(c, (int, float)) or not _finite(float(c)) or c < 0:
                        raise invalid_value(f"The value {c} for parameter {where}.Counts is invalid.")
            rec = _rec_from_values(values, counts, unit)
            if rec is None:
                continue
        elif has_stats:
            st = datum["StatisticValues"]
            for key in ("SampleCount", "Sum", "Minimum", "Maximum"):
                if st.get(key) is None:
                    raise missing_parameter(f"The parameter {where}.StatisticValues.{key} is required.")
                _check_value(st[key], f"{where}.StatisticValues.{key}")
            if st["SampleCount"] <= 0:
                raise invalid_value(f"The value {st['SampleCount']} for parameter {where}.StatisticValues.SampleCount "
                                    "is invalid.")
            if st["Minimum"] > st["Maximum"]:
                raise invalid_value(
                    f"The parameter {where}.StatisticValues.Maximum must be greater than or equal to "
                    f"{where}.StatisticValues.Minimum."
                )
            rec = _rec_from_stats(st, unit)
        else:
            raise missing_parameter(
                f"At least one of the parameters {where}.Value, {where}.StatisticValues, or {where}.Values must be "
                "specified."
            )
        out.append((datum["MetricName"], pairs, ts, rec, res == 1))
    return out


# --------------------------------------------------------------------------
# ListMetrics
# --------------------------------------------------------------------------

def list_metrics(store: MetricStore, params: dict, now: float | None = None) -> dict:
    now = clock.epoch() if now is None else now
    namespace = params.get("Namespace")
    name = params.get("MetricName")
    filters = params.get("Dimensions") or []
    if len(filters) > 10:
        raise invalid_value("The collection Dimensions must not have a size greater than 10.")
    recently = params.get("RecentlyActive")
    if recently is not None and recently != "PT3H":
        raise invalid_value(f"The value {recently} for parameter RecentlyActive is invalid. The only valid value is "
                            "PT3H.")
    horizon = now - (3 * 3600 if recently else 14 * DAY)
    fhash = hashlib.sha256(
        json.dumps([namespace, name, filters, recently], sort_keys=True).encode()
    ).hexdigest()[:16]
    offset = 0
    if params.get("NextToken"):
        doc = _decode_token(params["NextToken"])
        if not doc or doc.get("h") != fhash or not isinstance(doc.get("o"), int) or doc["o"] < 0:
            raise invalid_value("Request parameter NextToken is invalid")
        offset = doc["o"]
    with _LOCK:
        found = []
        for series in store.series.values():
            if namespace is not None and series.namespace != namespace:
                continue
            if name is not None and series.name != name:
                continue
            if series.last_put < horizon:
                continue
            dims = series.dims_dict()
            ok = True
            for f in filters:
                if f.get("Name") not in dims or (f.get("Value") is not None and dims[f["Name"]] != f["Value"]):
                    ok = False
                    break
            if ok:
                found.append(series)
    found.sort(key=lambda s: (s.namespace, s.name, sorted(s.dims)))
    page = found[offset:offset + LIST_METRICS_PAGE]
    out: dict[str, Any] = {
        "Metrics": [
            {
                "Namespace": s.namespace,
                "MetricName": s.name,
                "Dimensions": [{"Name": k, "Value": v} for k, v in s.dims],
            }
            for s in page
        ]
    }
    if offset + LIST_METRICS_PAGE < len(found):
        out["NextToken"] = _encode_token({"h": fhash, "o": offset + LIST_METRICS_PAGE})
    return out


# --------------------------------------------------------------------------
# dashboards
# --------------------------------------------------------------------------

WIDGET_TYPES = ("metric", "text", "log", "alarm", "explorer")
VIEWS = ("timeSeries", "singleValue", "gauge", "bar", "pie", "table")
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _DashCheck:
    def __init__(self) -> None:
        self.errors: list[tuple[str, str]] = []

    def err(self, path: str, message: str) -> None:
        self.errors.append((path, message))

    def int_range(self, obj: dict, key: str, path: str, lo: int | None, hi: int | None) -> None:
        if key not in obj:
            return
        v = obj[key]
        p = f"{path}/{key}"
        if not _is_int(v):
            self.err(p, "Should be integer")
            return
        if lo is not None and v < lo:
            self.err(p, f"Should be >= {lo}")
        if hi is not None and v > hi:
            self.err(p, f"Should be <= {hi}")

    def typed(self, obj: dict, key: str, path: str, kind: str) -> bool:
        if key not in obj:
            return False
        v = obj[key]
        ok = {
            "string": isinstance(v, str),
            "boolean": isinstance(v, bool),
            "object": isinstance(v, dict),
            "array": isinstance(v, list),
            "number": _is_num(v),
        }[kind]
        if not ok:
            self.err(f"{path}/{key}", f"Should be {kind}")
        return ok

    def enum(self, obj: dict, key: str, path: str, allowed: Iterable[str]) -> None:
        if key in obj and obj[key] not in tuple(allowed):
            self.err(f"{path}/{key}", "Should be equal to one of the allowed values")

    def period(self, obj: dict, key: str, path: str) -> None:
        if key not in obj:
            return
        v = obj[key]
        if not _is_int(v):
            self.err(f"{path}/{key}", "Should be integer")
        elif not _valid_period(v):
            self.err(f"{path}/{key}", "Should be 1, 5, 10, 20, 30 or a multiple of 60")

    def stat(self, obj: dict, key: str, path: str) -> None:
        if key in obj and (not isinstance(obj[key], str) or parse_stat(obj[key]) is None):
            self.err(f"{path}/{key}", "Should be a valid statistic")


def validate_dashboard_body(body: Any) -> list[tuple[str, str]]:
    """[(DataPath, Message)] errors for a DashboardBody string (empty = valid)."""
    chk = _DashCheck()
    if not isinstance(body, str):
        chk.err("", "Should be string")
        return chk.errors
    try:
        doc = json.loads(body)
    except ValueError as exc:
        chk.err("", f"Should be valid JSON: {exc}")
        return chk.errors
    if not isinstance(doc, dict):
        chk.err("", "Should be object")
        return chk.errors
    if "widgets" not in doc:
        chk.err("", "Should have required property 'widgets'")
    elif not isinstance(doc["widgets"], list):
        chk.err("/widgets", "Should be array")
    else:
        if len(doc["widgets"]) > MAX_WIDGETS:
            chk.err("/widgets", f"Should NOT have more than {MAX_WIDGETS} items")
        for i, widget in enumerate(doc["widgets"]):
            _check_widget(chk, widget, f"/widgets/{i}")
    if chk.typed(doc, "variables", "", "array") and len(doc["variables"]) > 25:
        chk.err("/variables", "Should NOT have more than 25 items")
    chk.typed(doc, "start", "", "string")
    chk.typed(doc, "end", "", "string")
    chk.enum(doc, "periodOverride", "", ("auto", "inherit"))
    return chk.errors


def _check_widget(chk: _DashCheck, widget: Any, path: str) -> None:
    if not isinstance(widget, dict):
        chk.err(path, "Should be object")
        return
    wtype = widget.get("type")
    if "type" not in widget:
        chk.err(path, "Should have required property 'type'")
    elif wtype not in WIDGET_TYPES:
        chk.err(f"{path}/type", "Should be equal to one of the allowed values")
    chk.int_range(widget, "x", path, 0, 23)
    chk.int_range(widget, "y", path, 0, None)
    chk.int_range(widget, "width", path, 1, 24)
    chk.int_range(widget, "height", path, 1, 1000)
    props = widget.get("properties")
    ppath = f"{path}/properties"
    # The properties of log, alarm and explorer widgets (which aipctl does not
    # write) are not checked.
    if wtype in ("metric", "text") and "properties" not in widget:
        chk.err(path, "Should have required property 'properties'")
        return
    if "properties" in widget and not isinstance(props, dict):
        chk.err(ppath, "Should be object")
        return
    if wtype == "text":
        if "markdown" not in props:
            chk.err(ppath, "Should have required property 'markdown'")
        else:
            chk.typed(props, "markdown", ppath, "string")
    elif wtype == "metric":
        _check_metric_props(chk, props, ppath)


def _check_metric_props(chk: _DashCheck, props: dict, ppath: str) -> None:
    if "region" not in props:
        chk.err(ppath, "Should have required property 'region'")
    else:
        chk.typed(props, "region", ppath, "string")
    chk.typed(props, "title", ppath, "string")
    chk.enum(props, "view", ppath, VIEWS)
    for key in ("stacked", "liveData", "setPeriodToTimeRange", "sparkline", "trend"):
        chk.typed(props, key, ppath, "boolean")
    chk.period(props, "period", ppath)
    chk.stat(props, "stat", ppath)
    for key in ("yAxis", "annotations", "legend", "table"):
        chk.typed(props, key, ppath, "object")
    if isinstance(props.get("legend"), dict):
        chk.enum(props["legend"], "position", f"{ppath}/legend", ("bottom", "right", "hidden"))
    if "metrics" not in props:
        chk.err(ppath, "Should have required property 'metrics'")
        return
    if not chk.typed(props, "metrics", ppath, "array"):
        return
    metrics = props["metrics"]
    mpath = f"{ppath}/metrics"
    if len(metrics) > MAX_METRICS_PER_WIDGET:
        chk.err(mpath, f"Should NOT have more than {MAX_METRICS_PER_WIDGET} items")
    shape_msg = (
        'Field "metrics" has to be an array of array of strings, with an optional '
        "metricRenderer object as last element"
    )
    prev: list[str] | None = None
    ids: dict[str, str] = {}
    expressions: list[tuple[str, str, str]] = []  # (path, expression, own id)
    for j, row in enumerate(metrics):
        rpath = f"{mpath}/{j}"
        if not isinstance(row, list):
            chk.err(rpath, "Should be array")
            chk.err(rpath, shape_msg)
            continue
        if not row:
            chk.err(rpath, "Should NOT have fewer than 1 items")
            continue
        opts = row[-1] if isinstance(row[-1], dict) else None
        strings = row[:-1] if opts is not None else row
        bad = [k for k, s in enumerate(strings) if not isinstance(s, str)]
        if bad:
            for k in bad:
                chk.err(f"{rpath}/{k}", "Should be string")
            chk.err(rpath, shape_msg)
            continue
        if opts is not None:
            opath = f"{rpath}/{len(row) - 1}"
            for key in ("id", "label", "region", "accountId", "expression"):
                chk.typed(opts, key, opath, "string")
            chk.typed(opts, "visible", opath, "boolean")
            chk.enum(opts, "yAxis", opath, ("left", "right"))
            chk.period(opts, "period", opath)
            chk.stat(opts, "stat", opath)
            if isinstance(opts.get("color"), str) and not _COLOR_RE.match(opts["color"]):
                chk.err(f"{opath}/color", 'Should match pattern "^#[0-9a-fA-F]{6}$"')
            oid = opts.get("id")
            if isinstance(oid, str):
                if not ID_RE.match(oid):
                    chk.err(f"{opath}/id", 'Should match pattern "^[a-z][a-zA-Z0-9_]*$"')
                elif oid in ids:
                    chk.err(f"{opath}/id", f"Duplicate id '{oid}' in metrics (first defined at {ids[oid]})")
                else:
                    ids[oid] = opath
        if not strings:
            if opts is None or "expression" not in opts:
                chk.err(rpath, "A metric row with only an options object needs an 'expression'")
            elif isinstance(opts.get("expression"), str):
                if not opts["expression"].strip():
                    chk.err(f"{rpath}/0/expression", "Should NOT be shorter than 1 characters")
                expressions.append((f"{rpath}/0/expression", opts["expression"], opts.get("id") or ""))
            continue
        if opts is not None and "expression" in opts:
            chk.err(rpath, "An expression row must not contain metric strings")
            continue
        # expand "." and "..." against the previous metric row
        expanded: list[str] = []
        ok = True
        if strings[0] == "...":
            rest = strings[1:]
            if prev is None:
                chk.err(f"{rpath}/0", "'...' needs a previous metric row to repeat")
                ok = False
            elif len(rest) > len(prev):
                chk.err(rpath, "'...' row is longer than the previous metric row")
                ok = False
            else:
                expanded = prev[: len(prev) - len(rest)] + list(rest)
        else:
            expanded = list(strings)
        if ok:
            for k, s in enumerate(expanded):
                if s == "...":
                    chk.err(f"{rpath}/{k}", "'...' is only allowed as the first element")
                    ok = False
                elif s == ".":
                    if prev is None or k >= len(prev):
                        chk.err(f"{rpath}/{k}", "'.' has no value at this position in the previous metric row")
                        ok = False
                    else:
                        expanded[k] = prev[k]
        if not ok:
            continue
        if len(expanded) < 2:
            chk.err(rpath, "Should have at least a namespace and a metric name")
            chk.err(rpath, shape_msg)
            continue
        if len(expanded) % 2:
            chk.err(rpath, "Dimensions must be given as name/value pairs")
            continue
        if (len(expanded) - 2) // 2 > MAX_DIMENSIONS:
            chk.err(rpath, f"Should NOT have more than {MAX_DIMENSIONS} dimensions")
        if any(s == "" for s in expanded):
            chk.err(rpath, "Should NOT be shorter than 1 characters")
        prev = expanded
    for epath, text, own in expressions:
        try:
            node = parse_expression(text)
        except ExprError as exc:
            chk.err(epath, f"Invalid expression: {exc}")
            continue
        refs, _ = expression_refs(node)
        for r in sorted(refs):
            if r == own:
                chk.err(epath, f"Expression '{own}' must not reference itself")
            elif r not in ids:
                chk.err(epath, f"Unrecognized metric id '{r}' in expression")


def _dashboard_error(errors: list[tuple[str, str]]) -> Exception:
    listing = json.dumps([{"dataPath": p, "message": m} for p, m in errors], indent=2)
    message = f"The dashboard body is invalid, there are {len(errors)} validation errors:\n{listing}"
    msgs = [{"DataPath": p, "Message": m} for p, m in errors]
    return _error(
        "InvalidParameterInput",
        message,
        dashboardValidationMessages=msgs,
        dashboard_validation_messages=msgs,
    )


def _home_backend(backend: Any) -> Any:
    """Dashboards are global per account: keep them on one backend."""
    from moto.cloudwatch.models import cloudwatch_backends

    home = {"aws": "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1"}.get(
        getattr(backend, "partition", "aws"), backend.region_name
    )
    return cloudwatch_backends[backend.account_id][home]


def _check_dashboard_name(name: Any) -> None:
    if not isinstance(name, str) or not name:
        raise invalid_value("The parameter DashboardName is required.")
    if len(name) > 255:
        raise invalid_value(f"The value {name} for field DashboardName is longer than 255 characters.")
    if not DASHBOARD_NAME_RE.match(name):
        raise invalid_value(
            f"The value {name} for field DashboardName contains invalid characters. "
            "It can only contain alphanumerics, dash (-) and underscore (_)."
        )


# --------------------------------------------------------------------------
# moto handlers
# --------------------------------------------------------------------------

def _stores_for(resp: Any) -> Any:
    region = resp.region

    def get(account_id: str | None) -> MetricStore | None:
        if account_id and account_id != resp.current_account:
            return None
        return _store(_backend(resp.current_account, region))

    return get


def _is_json_request(resp: Any) -> bool:
    return str(resp.headers.get("X-Amz-Target", "")).startswith("GraniteServiceVersion20100801.")


def h_get_metric_data(self: Any) -> Any:
    from moto.core.responses import ActionResult

    doc = get_metric_data(_stores_for(self), self._get_params())
    if _is_json_request(self):
        # moto's generic serializer costs ~0.1 s per 10k datapoints; the shape
        # is small and fixed, so write the awsJson1.0 document directly.
        return json.dumps(doc, separators=(",", ":"))
    for r in doc["MetricDataResults"]:
        r["Timestamps"] = [_utc(t) for t in r["Timestamps"]]
    return ActionResult(doc)


def h_put_metric_data(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    params = self._get_params()
    now = clock.epoch()
    prepared = prepare_put_metric_data(params, now)
    with _LOCK:
        store = _store(self.cloudwatch_backend)
        for name, dims, ts, rec, high_res in prepared:
            store.add(params["Namespace"], name, dims, ts, rec, high_res=high_res, now=now)
    return EmptyResult()


def h_get_metric_statistics(self: Any) -> Any:
    """Not served: aipctl reads metrics with GetMetricData only, and moto's own
    handler would answer from a list nothing writes any more."""
    raise _error(
        "InvalidAction",
        "GetMetricStatistics is not served by the aipctl CloudWatch emulator; use GetMetricData.",
    )


def h_list_metrics(self: Any) -> Any:
    from moto.core.responses import ActionResult

    return ActionResult(list_metrics(_store(self.cloudwatch_backend), self._get_params()))


def h_put_dashboard(self: Any) -> Any:
    from moto.cloudwatch.models import Dashboard
    from moto.core.responses import ActionResult

    name = self._get_param("DashboardName")
    body = self._get_param("DashboardBody")
    _check_dashboard_name(name)
    if body is None:
        raise missing_parameter("The parameter DashboardBody is required.")
    errors = validate_dashboard_body(body)
    if errors:
        raise _dashboard_error(errors)
    tags = self._get_param("Tags") or []
    if len(tags) > 50:
        raise invalid_value("The collection Tags must not have a size greater than 50.")
    home = _home_backend(self.cloudwatch_backend)
    with _LOCK:
        created = name not in home.dashboards
        dash = Dashboard(home.account_id, home.region_name, name, body)
        dash.last_modified = clock.now()
        home.dashboards[name] = dash
        if created and tags:
            home.tagger.tag_resource(dash.arn, tags)
    return ActionResult({"DashboardValidationMessages": []})


def h_get_dashboard(self: Any) -> Any:
    from moto.core.responses import ActionResult

    name = self._get_param("DashboardName")
    if not name:
        raise invalid_value("The parameter DashboardName is required.")
    dash = _home_backend(self.cloudwatch_backend).dashboards.get(name)
    if dash is None:
        raise _error("ResourceNotFound", "Dashboard does not exist")
    return ActionResult({"DashboardArn": dash.arn, "DashboardBody": dash.body, "DashboardName": dash.name})


def h_list_dashboards(self: Any) -> Any:
    from moto.core.responses import ActionResult

    prefix = self._get_param("DashboardNamePrefix") or ""
    if prefix and (len(prefix) > 255 or not DASHBOARD_PREFIX_RE.match(prefix)):
        raise invalid_value(
            f"The value {prefix} for field DashboardNamePrefix contains invalid characters. "
            "It can only contain alphanumerics, dot (.), dash (-) and underscore (_)."
        )
    home = _home_backend(self.cloudwatch_backend)
    names = sorted(n for n in home.dashboards if n.startswith(prefix))
    offset = 0
    token = self._get_param("NextToken")
    if token:
        doc = _decode_token(token)
        if not doc or doc.get("p") != prefix or not isinstance(doc.get("o"), int) or doc["o"] < 0:
            raise invalid_value("Request parameter NextToken is invalid")
        offset = doc["o"]
    page = names[offset:offset + LIST_DASHBOARDS_PAGE]
    entries = []
    for n in page:
        d = home.dashboards[n]
        entries.append(
            {"DashboardName": d.name, "DashboardArn": d.arn, "LastModified": d.last_modified,
             "Size": len(d.body.encode())}
        )
    out: dict[str, Any] = {"DashboardEntries": entries}
    if offset + LIST_DASHBOARDS_PAGE < len(names):
        out["NextToken"] = _encode_token({"p": prefix, "o": offset + LIST_DASHBOARDS_PAGE})
    return ActionResult(out)


def h_delete_dashboards(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    names = self._get_param("DashboardNames")
    if not names:
        raise invalid_value("The parameter DashboardNames is required.")
    if len(names) > 100:
        raise invalid_value("The collection DashboardNames must not have a size greater than 100.")
    home = _home_backend(self.cloudwatch_backend)
    missing = []
    with _LOCK:
        for n in names:
            if n in home.dashboards:
                del home.dashboards[n]
            elif n not in missing:
                missing.append(n)
    if missing:
        raise _error("ResourceNotFound", f"The specified dashboard does not exist. [{', '.join(missing)}]")
    return EmptyResult()


_HANDLERS = {
    "get_metric_data": h_get_metric_data,
    "put_metric_data": h_put_metric_data,
    "get_metric_statistics": h_get_metric_statistics,
    "list_metrics": h_list_metrics,
    "put_dashboard": h_put_dashboard,
    "get_dashboard": h_get_dashboard,
    "list_dashboards": h_list_dashboards,
    "delete_dashboards": h_delete_dashboards,
}

_installed: dict[str, bool] = {}


def install() -> None:
    if _installed.get("done"):
        return
    from moto.cloudwatch.models import CloudWatchBackend
    from moto.cloudwatch.responses import CloudWatchResponse

    orig_init = CloudWatchBackend.__init__

    def _init(self: Any, region_name: str, account_id: str) -> None:
        orig_init(self, region_name, account_id)
        self.aip_metric_store = MetricStore()

    CloudWatchBackend.__init__ = _init  # type: ignore[method-assign]
    for name, fn in _HANDLERS.items():
        setattr(CloudWatchResponse, name, fn)
    _installed["done"] = True


def _route_put_datapoints(body: Any, query: dict) -> tuple[int, Any]:
    """``POST /_emu/cloudwatch/datapoints``: ``put_datapoints`` over HTTP.

    Body: ``{"account_id"?: "123456789012", "region"?: "us-east-1",
    "namespace", "metric_name", "dimensions"?: {..}, "unit"?: "Count",
    "points": [[timestamp, value | [values]], ...]}`` where timestamp is epoch
    seconds or ISO 8601; or ``{"series": [<such objects>, ...]}`` to seed many
    metrics in one request. Answers ``{"stored": n}``.
    """
    from moto.core import DEFAULT_ACCOUNT_ID

    items = body["series"] if "series" in body else [body]
    stored = 0
    for item in items:
        points = [(p[0], p[1]) for p in item["points"]]
        stored += put_datapoints(
            item.get("account_id") or DEFAULT_ACCOUNT_ID,
            item.get("region") or "us-east-1",
            item["namespace"],
            item["metric_name"],
            item.get("dimensions") or {},
            points,
            item.get("unit", "Count"),
        )
    return 200, {"stored": stored}


ROUTES: dict = {("POST", "/_emu/cloudwatch/datapoints"): _route_put_datapoints}
