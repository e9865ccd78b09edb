"""Cost Explorer computed from line items (moto only serves canned results).

moto 5.2.5's ``GetCostAndUsage`` replays a queue of canned answers, and
``ListCostAllocationTags``, ``UpdateCostAllocationTagsStatus``, ``GetCostForecast``,
``GetDimensionValues`` and ``GetTags`` are missing. This module grafts all six onto
``CostExplorerResponse`` and answers them from **line items**: one priced record per
(day, account, service, region, usage type, tags). Line items come from
``POST /_emu/usage`` (:mod:`awsemu.usage`, priced Bedrock token usage) and
``POST /_emu/cost-line-items`` (raw items: other services, credits, refunds).

What is modelled (each rule is what aipctl depends on; see tests/emulator/README.md):

- TimePeriod checks with AWS's own messages; DAILY / MONTHLY periods (a MONTHLY
  period is clipped to the request, as AWS does); HOURLY only after
  ``POST /_emu/ce-settings {"hourly": true}`` (seeded usage sits at 12:00 UTC).
- Metrics ``AmortizedCost BlendedCost NetAmortizedCost NetUnblendedCost UnblendedCost``
  (one amount per line item, the four others default to it), ``UsageQuantity`` and
  ``NormalizedUsageAmount`` (always 0 here). Amounts are exact decimal strings.
- GroupBy (at most 2) by DIMENSION, TAG (``Key$Value``; ``Key$`` when absent),
  PRODUCT_ATTRIBUTE and COST_CATEGORY (no rules are evaluated: everything is ``Name$``).
- Cost allocation tags: a tag value is visible to Cost Explorer only while the key is
  ``Active`` and only on line items dated on or after the activation date (activation is
  not retroactive). Otherwise the item groups as ``Key$`` and ``Tags`` filters see it as
  untagged.
- Filter expressions (And / Or / Not / Dimensions / Tags / CostCategories /
  ProductAttributes) with the match options AWS allows per operation.
- Pagination: GetCostAndUsage with GroupBy returns at most ``PAGE_SIZE_GROUPS`` (100)
  groups per response, counted across periods in chronological order; a period cut by
  a page boundary appears on both pages with its share of the groups. Tokens are
  opaque; a token from another request gives ``RequestChangedException``, garbage gives
  ``InvalidNextTokenException``.

- Organizations (:mod:`awsemu.organizations`): line items are stored per account,
  the account where the usage happened (``LINKED_ACCOUNT``). The management account
  of an organization sees the items of every account in it (SUSPENDED ones included:
  their past spend stays on the bill), grouped/filtered by ``LINKED_ACCOUNT`` with
  ``description`` = the account's name in Organizations (``DimensionValueAttributes``
  and GetDimensionValues; a ``POST /_emu/ce-settings`` ``account_names`` entry
  overrides it). A member account sees only its own items (*guess*: AWS's default
  for linked accounts; the payer's option to deny members Cost Explorer altogether
  is not modelled). Cost allocation tag states, hourly granularity and account-name
  overrides belong to the payer (AWS: "Only a management account in an organization
  and single accounts ... have access to the cost allocation tags manager"); a
  member's ListCostAllocationTags / UpdateCostAllocationTagsStatus get
  ``AccessDeniedException`` "Failed to list Cost Allocation Tags: Linked account
  doesn't have access to cost allocation tags." *(AWS, quoted in
  github.com/hashicorp/terraform-provider-aws/issues/37636 and
  github.com/2i2c-org/infrastructure/pull/4932)*. ``PAYER_ACCOUNT`` is the payer.
  The tag keys the payer lists come from every member's line items and profiles.

Errors are awsJson 1.1 errors ``{"__type": code, "message": text}`` with status 400.
Messages quoted from real AWS responses are marked *(AWS)* in the code; the others are
guesses in the same style and are listed in the README.
"""

from __future__ import annotations

import base64
import bisect
import calendar
import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from . import clock

# --------------------------------------------------------------------------- constants

DEFAULT_ACCOUNT = "123456789012"
PAGE_SIZE_GROUPS = 100  # GetCostAndUsage groups per response (all periods together)
VALUES_PAGE_SIZE = 1000  # GetDimensionValues / GetTags values per response
TAGS_DEFAULT_MAX = 100  # ListCostAllocationTags default MaxResults
HOURLY_WINDOW_DAYS = 14
PRODUCT_ATTRIBUTES_FROM = date(2026, 9, 1)
TAG_NOT_FOUND_CODE = "TagKeysNotFoundException"

COST_METRICS = ("AmortizedCost", "BlendedCost", "NetAmortizedCost", "NetUnblendedCost", "UnblendedCost")
ALL_METRICS = COST_METRICS + ("UsageQuantity", "NormalizedUsageAmount")
_METRIC_INDEX = {m: i for i, m in enumerate(ALL_METRICS)}
FORECAST_METRICS = {
    "AMORTIZED_COST": "AmortizedCost",
    "BLENDED_COST": "BlendedCost",
    "NET_AMORTIZED_COST": "NetAmortizedCost",
    "NET_UNBLENDED_COST": "NetUnblendedCost",
    "UNBLENDED_COST": "UnblendedCost",
}
METRIC_ENUM = list(FORECAST_METRICS) + ["USAGE_QUANTITY", "NORMALIZED_USAGE_AMOUNT"]
GRANULARITIES = ["DAILY", "MONTHLY", "HOURLY"]
GROUP_TYPES = ["DIMENSION", "TAG", "COST_CATEGORY", "PRODUCT_ATTRIBUTE"]
MATCH_OPTIONS = [
    "EQUALS", "ABSENT", "STARTS_WITH", "ENDS_WITH", "CONTAINS",
    "CASE_SENSITIVE", "CASE_INSENSITIVE", "GREATER_THAN_OR_EQUAL",
]
DIMENSIONS = [
    "AZ", "INSTANCE_TYPE", "LINKED_ACCOUNT", "PAYER_ACCOUNT", "LINKED_ACCOUNT_NAME", "OPERATION",
    "PURCHASE_TYPE", "REGION", "SERVICE", "SERVICE_CODE", "USAGE_TYPE", "USAGE_TYPE_GROUP",
    "RECORD_TYPE", "OPERATING_SYSTEM", "TENANCY", "SCOPE", "PLATFORM", "SUBSCRIPTION_ID",
    "LEGAL_ENTITY_NAME", "DEPLOYMENT_OPTION", "DATABASE_ENGINE", "CACHE_ENGINE",
    "INSTANCE_TYPE_FAMILY", "BILLING_ENTITY", "RESERVATION_ID", "RESOURCE_ID", "RIGHTSIZING_TYPE",
    "SAVINGS_PLANS_TYPE", "SAVINGS_PLAN_ARN", "PAYMENT_OPTION", "AGREEMENT_END_DATE_TIME_AFTER",
    "AGREEMENT_END_DATE_TIME_BEFORE", "INVOICING_ENTITY", "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
    "ANOMALY_TOTAL_IMPACT_PERCENTAGE", "PRODUCT_ATTRIBUTE",
]
# GroupBy DIMENSION keys AWS accepts (the list in its own error message).
GROUP_DIMENSIONS = [
    "AZ", "INSTANCE_TYPE", "LINKED_ACCOUNT", "OPERATION", "PURCHASE_TYPE", "SERVICE",
    "USAGE_TYPE", "PLATFORM", "TENANCY", "RECORD_TYPE", "LEGAL_ENTITY_NAME", "INVOICING_ENTITY",
    "DEPLOYMENT_OPTION", "DATABASE_ENGINE", "CACHE_ENGINE", "INSTANCE_TYPE_FAMILY", "REGION",
    "BILLING_ENTITY", "RESERVATION_ID", "SAVINGS_PLANS_TYPE", "SAVINGS_PLAN_ARN", "OPERATING_SYSTEM",
]
# Filter dimensions GetCostAndUsage rejects ("Dimension RESOURCE_ID is not allowed." (AWS)).
CAU_FORBIDDEN_FILTER_DIMENSIONS = {
    "RESOURCE_ID", "LINKED_ACCOUNT_NAME", "SERVICE_CODE", "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
    "ANOMALY_TOTAL_IMPACT_PERCENTAGE", "AGREEMENT_END_DATE_TIME_AFTER",
    "AGREEMENT_END_DATE_TIME_BEFORE", "RIGHTSIZING_TYPE", "PRODUCT_ATTRIBUTE",
}
FORECAST_FILTER_DIMENSIONS = {
    "AZ", "INSTANCE_TYPE", "LINKED_ACCOUNT", "OPERATION", "PURCHASE_TYPE", "REGION", "SERVICE",
    "USAGE_TYPE", "USAGE_TYPE_GROUP", "RECORD_TYPE", "OPERATING_SYSTEM", "TENANCY", "SCOPE",
    "PLATFORM", "SUBSCRIPTION_ID", "LEGAL_ENTITY_NAME", "DEPLOYMENT_OPTION", "DATABASE_ENGINE",
    "INSTANCE_TYPE_FAMILY", "BILLING_ENTITY", "RESERVATION_ID", "SAVINGS_PLAN_ARN",
}
PRODUCT_ATTRIBUTE_KEYS = ("provider", "model", "inferenceType", "feature")
_EXPR_OPS = ("And", "Or", "Not", "Dimensions", "Tags", "CostCategories", "ProductAttributes")
_ROOTS_MSG = "Only one root operator is allowed for each expression: And, Or, Not, Dimensions, Tags, CostCategories"
_DATE_PATTERN = r"(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}:\d{2}Z)?"
_DATE_RX = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}):(\d{2})Z)?$")
_LEGAL_ENTITY = "Amazon Web Services, Inc."

LOCK = threading.RLock()


# --------------------------------------------------------------------------- clock


def today() -> date:
    """The emulator's UTC date (``awsemu.clock``)."""
    return clock.today()


def now() -> datetime:
    return clock.now().replace(microsecond=0)


def _zoned(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    y += d.year
    m += 1
    return date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


def _first_of_month(d: date) -> date:
    return d.replace(day=1)


# --------------------------------------------------------------------------- errors


class CEError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _invalid(message: str) -> CEError:
    return CEError("ValidationException", message)


def _constraint(value: Any, path: str, constraint: str) -> CEError:
    """Coral-style model-constraint failure, as AWS words them."""
    shown = "null" if value is None else f"'{value}'"
    return _invalid(f"1 validation error detected: Value {shown} at '{path}' failed to satisfy constraint: "
                    f"{constraint}")


def _require(value: Any, path: str) -> Any:
    if value is None:
        raise _invalid(f"1 validation error detected: Value null at '{path}' failed to satisfy constraint: Member must "
                       "not be null")
    return value


def _enum(value: Any, allowed: list[str], path: str) -> str:
    if value not in allowed:
        raise _constraint(value, path, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    return value


# --------------------------------------------------------------------------- line items


class LineItem:
    """One priced billing record. ``amounts`` follows ``ALL_METRICS``."""

    __slots__ = (
        "day", "ordinal", "linked_account", "service", "region", "usage_type", "operation",
        "record_type", "amounts", "unit", "tags", "product", "resource_id", "billing_entity",
        "usage_type_group",
    )

    def __init__(
        self,
        day: date,
        service: str,
        cost: Decimal,
        *,
        linked_account: str,
        region: str = "",
        usage_type: str = "",
        operation: str = "",
        record_type: str = "Usage",
        usage_quantity: Decimal = Decimal(0),
        unit: str = "N/A",
        tags: dict[str, str] | None = None,
        product: dict[str, str] | None = None,
        resource_id: str = "",
        billing_entity: str = "AWS",
        usage_type_group: str = "",
        overrides: dict[str, Decimal] | None = None,
    ) -> None:
        self.day = day
        self.ordinal = day.toordinal()
        self.linked_account = linked_account
        self.service = service
        self.region = region
        self.usage_type = usage_type
        self.operation = operation
        self.record_type = record_type
        amounts = [cost] * len(COST_METRICS) + [usage_quantity, Decimal(0)]
        for metric, value in (overrides or {}).items():
            amounts[_METRIC_INDEX[metric]] = value
        self.amounts = tuple(amounts)
        self.unit = unit
        self.tags = dict(tags or {})
        self.product = dict(product or {})
        self.resource_id = resource_id
        self.billing_entity = billing_entity
        self.usage_type_group = usage_type_group

    def dimension(self, key: str) -> str:
        """The item's value for a DIMENSION ('' when it has none)."""
        getter = _DIMENSION_GETTERS.get(key)
        return getter(self) if getter else ""


_DIMENSION_GETTERS: dict[str, Callable[[LineItem], str]] = {
    "SERVICE": lambda i: i.service,
    "REGION": lambda i: i.region,
    "LINKED_ACCOUNT": lambda i: i.linked_account,
    "USAGE_TYPE": lambda i: i.usage_type,
    "USAGE_TYPE_GROUP": lambda i: i.usage_type_group,
    "OPERATION": lambda i: i.operation,
    "RECORD_TYPE": lambda i: i.record_type,
    "RESOURCE_ID": lambda i: i.resource_id,
    "BILLING_ENTITY": lambda i: i.billing_entity,
    "LEGAL_ENTITY_NAME": lambda i: _LEGAL_ENTITY,
    "INVOICING_ENTITY": lambda i: _LEGAL_ENTITY,
}
# Group keys for items without a value (AWS prints "NoRegion" and the like).
_MISSING_GROUP_VALUE = {
    "REGION": "NoRegion", "AZ": "NoAZ", "OPERATION": "NoOperation", "INSTANCE_TYPE": "NoInstanceType",
    "PLATFORM": "NoPlatform", "TENANCY": "NoTenancy", "PURCHASE_TYPE": "On Demand Instances",
    "OPERATING_SYSTEM": "NoOperatingSystem", "DATABASE_ENGINE": "NoDatabaseEngine",
    "CACHE_ENGINE": "NoCacheEngine", "DEPLOYMENT_OPTION": "NoDeploymentOption",
    "INSTANCE_TYPE_FAMILY": "NoInstanceTypeFamily", "RESERVATION_ID": "NoReservationId",
    "SAVINGS_PLANS_TYPE": "NoSavingsPlansType", "SAVINGS_PLAN_ARN": "NoSavingsPlanArn",
}


class _TagState:
    __slots__ = ("status", "activated_on", "last_updated")

    def __init__(self) -> None:
        self.status = "Inactive"
        self.activated_on: date | None = None
        self.last_updated: datetime | None = None


class _Account:
    """One account's own line items (where its usage happened) and its billing settings."""

    def __init__(self) -> None:
        self.items: list[LineItem] = []
        self.ordinals: list[int] = []
        self.dirty = False
        self.version = 0  # bumped on every write, so merged views know when to rebuild
        self.tags: dict[str, _TagState] = {}
        self.hourly = False
        self.account_names: dict[str, str] = {}

    def sorted_items(self) -> tuple[list[LineItem], list[int]]:
        if self.dirty:
            self.items.sort(key=lambda i: i.ordinal)
            self.ordinals = [i.ordinal for i in self.items]
            self.dirty = False
        return self.items, self.ordinals

    def active_tags(self) -> dict[str, int]:
        return {
            k: s.activated_on.toordinal()
            for k, s in self.tags.items()
            if s.status == "Active" and s.activated_on is not None
        }


_ACCOUNTS: dict[str, _Account] = {}


def _account(account_id: str) -> _Account:
    acct = _ACCOUNTS.get(account_id)
    if acct is None:
        acct = _ACCOUNTS[account_id] = _Account()
    return acct


# Merged, date-sorted items of several accounts: key -> (versions, items, ordinals).
_MERGED: dict[tuple[str, ...], tuple[tuple[int, ...], list[LineItem], list[int]]] = {}


class _View:
    """What one caller's Cost Explorer sees.

    ``accounts`` are the accounts whose line items it reads (the whole
    organization for its management account, only itself for a member or a
    standalone account); ``settings`` is the payer's ``_Account``: cost
    allocation tag states, hourly granularity and ``account_names`` overrides
    belong to the bill, not to the account that calls.
    """

    def __init__(self, caller: str, payer: str, accounts: list[str]) -> None:
        self.caller = caller
        self.payer = payer
        self.accounts = accounts
        self.settings = _account(payer)
        self.buckets = [_account(a) for a in accounts]
        self._org_names: dict[str, str] | None = None

    @property
    def is_linked_member(self) -> bool:
        """A member account of an organization (not its payer)."""
        return self.caller != self.payer

    @property
    def hourly(self) -> bool:
        return self.settings.hourly

    @property
    def tags(self) -> dict[str, _TagState]:
        return self.settings.tags

    def active_tags(self) -> dict[str, int]:
        return self.settings.active_tags()

    def sorted_items(self) -> tuple[list[LineItem], list[int]]:
        if len(self.buckets) == 1:
            return self.buckets[0].sorted_items()
        key = tuple(self.accounts)
        versions = tuple(b.version for b in self.buckets)
        cached = _MERGED.get(key)
        if cached is None or cached[0] != versions:
            runs = [b.sorted_items()[0] for b in self.buckets]
            items = sorted((i for run in runs for i in run), key=lambda i: i.ordinal)
            cached = _MERGED[key] = (versions, items, [i.ordinal for i in items])
        return cached[1], cached[2]

    def between(self, first: date, last: date) -> list[LineItem]:
        """Items dated first..last inclusive."""
        items, ords = self.sorted_items()
        lo = bisect.bisect_left(ords, first.toordinal())
        hi = bisect.bisect_right(ords, last.toordinal())
        return items[lo:hi]

    def account_name(self, account_id: str) -> str:
        """LINKED_ACCOUNT's ``description``: the account's name in Organizations."""
        name = self.settings.account_names.get(account_id)
        if name:
            return name
        if self._org_names is None:
            self._org_names = _organization_names(self.payer)
        return self._org_names.get(account_id) or f"Account {account_id}"


def _billing_scope(account_id: str) -> tuple[str, list[str]]:
    try:
        from awsemu import organizations
    except ImportError:  # pragma: no cover - running without the Organizations module
        return account_id, [account_id]
    return organizations.billing_scope(account_id)


def _organization_names(account_id: str) -> dict[str, str]:
    try:
        from awsemu import organizations
    except ImportError:  # pragma: no cover
        return {}
    return organizations.account_names(account_id)


def billing_view(account_id: str) -> _View:
    """The Cost Explorer view of the caller ``account_id`` (call with ``LOCK`` held)."""
    payer, accounts = _billing_scope(account_id)
    return _View(account_id, payer, accounts)


_LINKED_NO_TAGS = "Linked account doesn't have access to cost allocation tags."  # (AWS)


# --------------------------------------------------------------------------- public API


def reset() -> None:
    with LOCK:
        _ACCOUNTS.clear()
        _MERGED.clear()


def add_line_items(account_id: str, items: Iterable[LineItem]) -> int:
    with LOCK:
        acct = _account(account_id)
        before = len(acct.items)
        acct.items.extend(items)
        acct.dirty = True
        acct.version += 1
        return len(acct.items) - before


def set_tag_status(account_id: str, key: str, status: str, activated_on: date | None = None) -> None:
    """Seed a cost-allocation tag's state (``activated_on`` defaults to today when Active)."""
    if status not in ("Active", "Inactive"):
        raise ValueError(f"status must be Active or Inactive, not {status!r}")
    with LOCK:
        state = _account(account_id).tags.setdefault(key, _TagState())
        state.status = status
        if status == "Active":
            state.activated_on = activated_on or today()
            state.last_updated = datetime.combine(state.activated_on, datetime.min.time(), tzinfo=UTC)
        else:
            state.activated_on = None
            state.last_updated = now()


def matching_cost(
    account_id: str,
    first: date,
    last: date,
    match: Callable[[LineItem, Callable[[LineItem, str], str | None]], bool] | None = None,
    metric: str = "UnblendedCost",
) -> tuple[Decimal, int]:
    """(sum of ``metric``, number of items) over the line items the account's Cost
    Explorer sees (the whole organization for its payer), dated first..last inclusive, for
    which ``match(item, tag)`` holds, where ``tag(item, key)`` is the value of cost
    allocation tag ``key`` as Cost Explorer sees it (None while the key is inactive or absent).

    For other modules that compute from billing (Budgets' CalculatedSpend: a budget in
    the management account covers the organization's spend, as consolidated billing does)."""
    mi = _METRIC_INDEX[metric]
    with LOCK:
        acct = billing_view(account_id)
        ctx = _Ctx(acct, "external")
        total, count = Decimal(0), 0
        for item in acct.between(first, last):
            if match is None or match(item, ctx.tag):
                total += item.amounts[mi]
                count += 1
        return total, count


def parse_line_item(raw: dict[str, Any], account_id: str) -> LineItem:
    """A line item from its control-plane JSON form (see ``POST /_emu/cost-line-items``)."""
    if not isinstance(raw, dict):
        raise ValueError("each line item must be an object")
    try:
        day = date.fromisoformat(str(raw["date"]))
    except (KeyError, ValueError) as exc:
        raise ValueError(f"line item needs date YYYY-MM-DD: {raw!r}") from exc
    service = raw.get("service")
    if not service or not isinstance(service, str):
        raise ValueError(f"line item needs a service name: {raw!r}")
    cost = _decimal(raw.get("cost", "0"), "cost")
    overrides = {}
    for metric, value in (raw.get("metrics") or {}).items():
        if metric not in COST_METRICS:
            raise ValueError(f"metrics override {metric!r} is not one of {', '.join(COST_METRICS)}")
        overrides[metric] = _decimal(value, metric)
    tags = raw.get("tags") or {}
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise ValueError("tags must be an object of strings")
    return LineItem(
        day,
        service,
        cost,
        linked_account=str(raw.get("linked_account") or account_id),
        region=str(raw.get("region") or ""),
        usage_type=str(raw.get("usage_type") or ""),
        operation=str(raw.get("operation") or ""),
        record_type=str(raw.get("record_type") or "Usage"),
        usage_quantity=_decimal(raw.get("usage_quantity", "0"), "usage_quantity"),
        unit=str(raw.get("unit") or "N/A"),
        tags=tags,
        product=raw.get("product_attributes") or {},
        resource_id=str(raw.get("resource_id") or ""),
        billing_entity=str(raw.get("billing_entity") or "AWS"),
        usage_type_group=str(raw.get("usage_type_group") or ""),
        overrides=overrides,
    )


def _decimal(value: Any, what: str) -> Decimal:
    if isinstance(value, float):
        raise ValueError(f"{what} must be a decimal string or an integer, not a float")
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"{what} is not a decimal: {value!r}") from exc


def fmt_amount(value: Decimal) -> str:
    """Exact decimal string without exponent or trailing zeros ("0" for zero)."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


# --------------------------------------------------------------------------- time periods


class _Period:
    __slots__ = ("start", "end", "hourly")

    def __init__(self, start: datetime, end: datetime, hourly: bool) -> None:
        self.start = start
        self.end = end
        self.hourly = hourly

    def json(self) -> dict[str, str]:
        if self.hourly:
            return {"Start": _zoned(self.start), "End": _zoned(self.end)}
        return {"Start": self.start.date().isoformat(), "End": self.end.date().isoformat()}


def _parse_point(value: Any, path: str) -> tuple[datetime, bool]:
    _require(value, path)
    text = str(value)
    match = _DATE_RX.match(text)
    if not match or len(text) > 40:
        raise _constraint(text, path, f"Member must satisfy regular expression pattern: {_DATE_PATTERN}")
    y, mo, d, hh, mm, ss = match.groups()
    try:
        if hh is None:
            return datetime(int(y), int(mo), int(d), tzinfo=UTC), False
        return datetime(int(y), int(mo), int(d), int(hh), int(mm), int(ss), tzinfo=UTC), True
    except ValueError:
        raise _invalid(f"Invalid date: {text}") from None


def _time_period(req: dict[str, Any], granularity: str | None, acct: _View) -> tuple[datetime, datetime]:
    """Validate a GetCostAndUsage-style TimePeriod; returns (start, end) datetimes."""
    tp = _require(req.get("TimePeriod"), "timePeriod")
    if not isinstance(tp, dict):
        raise _invalid("TimePeriod must be a structure")
    start, start_has_time = _parse_point(tp.get("Start"), "timePeriod.start")
    end, end_has_time = _parse_point(tp.get("End"), "timePeriod.end")
    if (start_has_time or end_has_time) and granularity != "HOURLY":
        raise _invalid("Hourly timePeriod is not supported for this request")  # (AWS)
    if start >= end:
        raise _invalid("Start date (and hour) should be before end date (and hour)")  # (AWS)
    t = today()
    if start.date() > t:
        raise _invalid(f"Start date {start.date().isoformat()} is after the current date {t.isoformat()}")
    next_month = _add_months(_first_of_month(t), 1)
    if end > datetime.combine(next_month, datetime.min.time(), tzinfo=UTC):
        raise _invalid("end date past the beginning of next month")  # (AWS)
    if start.date() < _add_months(t, -14) and start.day != 1:
        raise _invalid(  # (AWS)
            "To retrieve data beyond the past 14 months, your start date needs to be the first day of the month."
        )
    if granularity == "HOURLY":
        if not acct.hourly:
            raise _invalid("Hourly granularity is not enabled for this account. Enable hourly and resource level data "
                           "in Cost Explorer preferences.")
        if start.date() < t - timedelta(days=HOURLY_WINDOW_DAYS):
            raise _invalid(f"Hourly data is only available for the last {HOURLY_WINDOW_DAYS} days")
    return start, end


def _periods(start: datetime, end: datetime, granularity: str) -> list[_Period]:
    out: list[_Period] = []
    if granularity == "HOURLY":
        cur = start.replace(minute=0, second=0)
        while cur < end:
            nxt = cur + timedelta(hours=1)
            out.append(_Period(max(cur, start), min(nxt, end), True))
            cur = nxt
        return out
    s, e = start.date(), end.date()  # dates only: times are refused unless HOURLY
    if granularity == "DAILY":
        cur = s
        while cur < e:
            out.append(_Period(_dt(cur), _dt(cur + timedelta(days=1)), False))
            cur += timedelta(days=1)
        return out
    cur = s
    while cur < e:
        nxt = _add_months(_first_of_month(cur), 1)
        out.append(_Period(_dt(cur), _dt(min(nxt, e)), False))
        cur = nxt
    return out


def _dt(d: date) -> datetime:
    return datetime(d.year, d.month, d.day, tzinfo=UTC)


def _period_locator(periods: list[_Period], granularity: str) -> Callable[[LineItem], int]:
    """item -> period index, or -1. Seeded usage counts at 12:00 UTC of its day."""
    if granularity == "HOURLY":
        base = periods[0].start
        n = len(periods)

        def hourly(item: LineItem) -> int:
            noon = datetime(item.day.year, item.day.month, item.day.day, 12, tzinfo=UTC)
            idx = int((noon - base.replace(minute=0, second=0)).total_seconds() // 3600)
            if 0 <= idx < n and periods[idx].start <= noon < periods[idx].end:
                return idx
            return -1

        return hourly
    starts = [p.start.date().toordinal() for p in periods]

    def daily(item: LineItem) -> int:
        # Items come from the view's between(first, last day of the request): always in a period.
        return bisect.bisect_right(starts, item.ordinal) - 1

    return daily


def _estimated(period: _Period) -> bool:
    return period.end.date() > _first_of_month(today())


# --------------------------------------------------------------------------- expressions


class _Ctx:
    """What an expression needs: tag visibility and the operation's rules."""

    def __init__(self, acct: _View, operation: str) -> None:
        self.payer = acct.payer
        self.active = acct.active_tags()
        self.operation = operation

    def tag(self, item: LineItem, key: str) -> str | None:
        since = self.active.get(key)
        if since is None or item.ordinal < since:
            return None
        return item.tags.get(key)



def _compile(expr: Any, ctx: _Ctx, path: str = "filter") -> Callable[[LineItem], bool]:
    if not isinstance(expr, dict):
        raise _invalid("Expression must be a structure")
    present = [op for op in _EXPR_OPS if expr.get(op) is not None]
    if len(present) > 1:
        raise _invalid(f"Expression has more than one roots. {_ROOTS_MSG}")  # (AWS)
    if not present:
        raise _invalid(f"Expression has zero or more than one roots. {_ROOTS_MSG}")  # (AWS, older wording)
    op = present[0]
    value = expr[op]
    if op in ("And", "Or"):
        if not isinstance(value, list) or len(value) < 2:
            raise _invalid(f"{op} expression must have at least 2 operands")  # (AWS)
        subs = [_compile(e, ctx, f"{path}.{op.lower()}") for e in value]
        if op == "And":
            return lambda item: all(f(item) for f in subs)
        return lambda item: any(f(item) for f in subs)
    if op == "Not":
        sub = _compile(value, ctx, f"{path}.not")
        return lambda item: not sub(item)
    if op == "Dimensions":
        return _compile_dimensions(value, ctx, f"{path}.dimensions")
    if op == "Tags":
        return _compile_tags(value, ctx, f"{path}.tags")
    # aipctl filters on dimensions and tags only.
    raise _invalid(f"{op} filters are not supported by the aipctl Cost Explorer emulator")


def _options(raw: Any, path: str, allowed: set[str], what: str) -> set[str]:
    opts = raw or []
    if not isinstance(opts, list):
        raise _invalid(f"MatchOptions must be a list at '{path}'")
    for i, opt in enumerate(opts):
        _enum(opt, MATCH_OPTIONS, f"{path}.matchOptions.{i + 1}.member")
        if opt not in allowed:
            raise _invalid(f"MatchOptions {opt} is not supported for {what}. Supported MatchOptions: "
                           f"{', '.join(sorted(allowed))}")
    return set(opts)


def _values(raw: Any, path: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _invalid(f"Values must be a list of strings at '{path}'")
    return raw


def _compile_dimensions(dv: Any, ctx: _Ctx, path: str) -> Callable[[LineItem], bool]:
    if not isinstance(dv, dict):
        raise _invalid("Dimensions must be a structure")
    key = _enum(_require(dv.get("Key"), f"{path}.key"), DIMENSIONS, f"{path}.key")
    if ctx.operation == "forecast" and key not in FORECAST_FILTER_DIMENSIONS:
        raise _invalid(f"Dimension {key} is not allowed.")
    if ctx.operation != "forecast" and key in CAU_FORBIDDEN_FILTER_DIMENSIONS:
        raise _invalid(f"Dimension {key} is not allowed.")  # (AWS, for RESOURCE_ID)
    _options(dv.get("MatchOptions"), path, {"EQUALS", "CASE_SENSITIVE"}, "Dimensions")
    values = _values(dv.get("Values"), f"{path}.values")
    if not values:
        raise _invalid(f"Dimension {key} must have at least one value")
    wanted = set(values)
    if key == "PAYER_ACCOUNT":  # the bill's payer, whatever account the usage happened in
        return lambda item: ctx.payer in wanted
    getter = _DIMENSION_GETTERS.get(key)
    if getter is None:
        return lambda item: "" in wanted
    return lambda item: getter(item) in wanted


def _compile_tags(tv: Any, ctx: _Ctx, path: str) -> Callable[[LineItem], bool]:
    if not isinstance(tv, dict):
        raise _invalid("Tags must be a structure")
    opts = _options(tv.get("MatchOptions"), path, {"EQUALS", "ABSENT", "CASE_SENSITIVE"}, "Tags")
    key = _require(tv.get("Key"), f"{path}.key")  # AWS's key-less form ("no tags") is not served
    values = _values(tv.get("Values"), f"{path}.values")
    absent = "ABSENT" in opts or not values
    equals = set(values) if values and ("EQUALS" in opts or "ABSENT" not in opts) else set()

    def match(item: LineItem) -> bool:
        value = ctx.tag(item, key)
        if value is None:
            return absent or "" in equals
        return value in equals

    return match


def _filter(req: dict[str, Any], ctx: _Ctx) -> Callable[[LineItem], bool] | None:
    expr = req.get("Filter")
    if expr is None:
        return None
    return _compile(expr, ctx)


def _check_product_attribute_period(start: datetime) -> None:
    if start.date() < PRODUCT_ATTRIBUTES_FROM:
        raise CEError(
            "DataUnavailableException",
            "Product attribute data is available for time periods that start on or after September 1, 2026.",
        )


# --------------------------------------------------------------------------- tokens


def _fingerprint(req: dict[str, Any], drop: tuple[str, ...]) -> str:
    body = {k: v for k, v in req.items() if k not in drop}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def _make_token(offset: int, fingerprint: str) -> str:
    return base64.urlsafe_b64encode(json.dumps({"o": offset, "h": fingerprint}).encode()).decode()


def _read_token(token: Any, fingerprint: str | None) -> int:
    if token is None or token == "":
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
        offset = int(data["o"])
        seen = str(data["h"])
        if offset < 0:
            raise ValueError
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        raise CEError("InvalidNextTokenException",
                      "The pagination token is invalid. Try again without a pagination token.") from None
    if fingerprint is not None and seen != fingerprint:
        raise CEError(
            "RequestChangedException",
            "Your request parameters changed between pages. Try again with the old parameters or without a pagination "
            "token.",
        )
    return offset


# --------------------------------------------------------------------------- GetCostAndUsage


def _metrics(req: dict[str, Any]) -> list[str]:
    metrics = _require(req.get("Metrics"), "metrics")
    if not isinstance(metrics, list) or not metrics:
        raise _invalid("Metrics must contain at least one metric")
    for m in metrics:
        if m not in _METRIC_INDEX:
            raise _invalid(f"Invalid metric name: {m}. Valid metrics are {', '.join(sorted(ALL_METRICS))}")
    return list(dict.fromkeys(metrics))


def _group_definitions(req: dict[str, Any]) -> list[dict[str, str]]:
    groups = req.get("GroupBy")
    if groups is None:
        return []
    if not isinstance(groups, list):
        raise _invalid("GroupBy must be a list")
    if len(groups) > 2:
        raise _invalid("Only two group definitions are allowed in GroupBy")  # wording guessed
    out = []
    for g in groups:
        if not isinstance(g, dict) or not g.get("Type") or not g.get("Key"):
            raise _invalid("Group Definition is invalid. Both type an key need to be set to a non-empty "
                           "value.")  # (AWS)
        if g["Type"] not in GROUP_TYPES:
            raise _invalid("Group Definition type is invalid.")  # (AWS)
        if g["Type"] == "COST_CATEGORY":  # aipctl groups by tag, dimension or product attribute
            raise _invalid("COST_CATEGORY groups are not supported by the aipctl Cost Explorer emulator")
        if g["Type"] == "DIMENSION" and g["Key"] not in GROUP_DIMENSIONS:
            raise _invalid("Group Definition dimension is invalid. Valid values are "
                           f"{', '.join(GROUP_DIMENSIONS)}")  # (AWS)
        out.append({"Type": g["Type"], "Key": g["Key"]})
    return out


def _group_key_fn(groups: list[dict[str, str]], ctx: _Ctx) -> Callable[[LineItem], tuple[str, ...] | None]:
    parts: list[Callable[[LineItem], str | None]] = []
    for g in groups:
        gtype, key = g["Type"], g["Key"]
        if gtype == "TAG":
            parts.append(lambda item, k=key: f"{k}${ctx.tag(item, k) or ''}")
        elif gtype == "DIMENSION":
            getter = _DIMENSION_GETTERS.get(key)
            missing = _MISSING_GROUP_VALUE.get(key, "")

            def dim(item: LineItem, getter=getter, missing=missing) -> str:
                value = getter(item) if getter else ""
                return value or missing

            parts.append(dim)
        elif gtype == "PRODUCT_ATTRIBUTE":
            # Only costs of supported services (those with product attributes) are grouped.
            parts.append(lambda item, k=key: None if not item.product else f"{k}${item.product.get(k, '')}")

    def key_of(item: LineItem) -> tuple[str, ...] | None:
        keys = []
        for part in parts:
            value = part(item)
            if value is None:
                return None
            keys.append(value)
        return tuple(keys)

    return key_of


class _Acc:
    __slots__ = ("sums", "units")

    def __init__(self, n: int) -> None:
        self.sums = [Decimal(0)] * n
        self.units: set[str] = set()


def _metric_json(metrics: list[str], acc: _Acc | None) -> dict[str, dict[str, str]]:
    out = {}
    for i, m in enumerate(metrics):
        amount = acc.sums[i] if acc else Decimal(0)
        if m in COST_METRICS:
            unit = "USD"
        elif m == "UsageQuantity" and acc and len(acc.units) == 1:
            unit = next(iter(acc.units))
        else:
            unit = "N/A"
        out[m] = {"Amount": fmt_amount(amount), "Unit": unit}
    return out


def get_cost_and_usage(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    with LOCK:
        acct = billing_view(account_id)
        granularity = _enum(_require(req.get("Granularity"), "granularity"), GRANULARITIES, "granularity")
        metrics = _metrics(req)
        groups = _group_definitions(req)
        start, end = _time_period(req, granularity, acct)
        fingerprint = _fingerprint(req, ("NextPageToken",))
        offset = _read_token(req.get("NextPageToken"), fingerprint)
        ctx = _Ctx(acct, "cost_and_usage")
        predicate = _filter(req, ctx)
        if any(g["Type"] == "PRODUCT_ATTRIBUTE" for g in groups):
            _check_product_attribute_period(start)
        periods = _periods(start, end, granularity)
        locate = _period_locator(periods, granularity)
        idx = [_METRIC_INDEX[m] for m in metrics]
        key_of = _group_key_fn(groups, ctx) if groups else None
        buckets: list[dict[tuple[str, ...], _Acc]] = [dict() for _ in periods]
        totals: list[_Acc] = [_Acc(len(metrics)) for _ in periods]
        last_day = (end - timedelta(microseconds=1)).date()
        for item in acct.between(start.date(), last_day):
            p = locate(item)
            if p < 0 or (predicate is not None and not predicate(item)):
                continue
            if key_of is None:
                acc = totals[p]
            else:
                keys = key_of(item)
                if keys is None:
                    continue
                acc = buckets[p].get(keys)
                if acc is None:
                    acc = buckets[p][keys] = _Acc(len(metrics))
            sums = acc.sums
            for j, mi in enumerate(idx):
                sums[j] += item.amounts[mi]
            acc.units.add(item.unit)

        if key_of is None:
            if offset:
                raise CEError("InvalidNextTokenException",
                              "The pagination token is invalid. Try again without a pagination token.")
            results = [
                {
                    "TimePeriod": p.json(),
                    "Total": _metric_json(metrics, totals[i]),
                    "Groups": [],
                    "Estimated": _estimated(p),
                }
                for i, p in enumerate(periods)
            ]
            return {"ResultsByTime": results, "DimensionValueAttributes": []}

        ordered = [sorted(b.items()) for b in buckets]
        total_groups = sum(len(b) for b in ordered)
        if offset and offset >= max(total_groups, 1):
            raise CEError("InvalidNextTokenException",
                          "The pagination token is invalid. Try again without a pagination token.")
        page_end = offset + PAGE_SIZE_GROUPS
        last_page = page_end >= total_groups
        results = []
        accounts_on_page: list[str] = []
        cursor = 0
        for i, p in enumerate(periods):
            group_list = ordered[i]
            first, after = cursor, cursor + len(group_list)
            cursor = after
            if group_list:
                lo, hi = max(first, offset), min(after, page_end)
                if lo >= hi:
                    continue
                chosen = group_list[lo - first : hi - first]
            else:
                in_range = offset <= first < page_end or (last_page and first >= offset)
                if not in_range:
                    continue
                chosen = []
            groups_json = []
            for keys, acc in chosen:
                groups_json.append({"Keys": list(keys), "Metrics": _metric_json(metrics, acc)})
                for g, k in zip(groups, keys, strict=True):
                    if g["Type"] == "DIMENSION" and g["Key"] == "LINKED_ACCOUNT" and k not in accounts_on_page:
                        accounts_on_page.append(k)
            results.append({"TimePeriod": p.json(), "Total": {}, "Groups": groups_json, "Estimated": _estimated(p)})
        response: dict[str, Any] = {
            "GroupDefinitions": groups,
            "ResultsByTime": results,
            "DimensionValueAttributes": [
                {"Value": a, "Attributes": {"description": acct.account_name(a)}}
                for a in accounts_on_page
            ],
        }
        if not last_page:
            response["NextPageToken"] = _make_token(page_end, fingerprint)
        return response


# --------------------------------------------------------------------------- GetCostForecast


def get_cost_forecast(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    with LOCK:
        acct = billing_view(account_id)
        tp = _require(req.get("TimePeriod"), "timePeriod")
        metric = _enum(_require(req.get("Metric"), "metric"), METRIC_ENUM, "metric")
        granularity = _enum(_require(req.get("Granularity"), "granularity"), GRANULARITIES, "granularity")
        level = req.get("PredictionIntervalLevel")
        if level is not None and (not isinstance(level, int) or not 51 <= level <= 99):
            low = isinstance(level, int) and level < 51
            bound = "greater than or equal to 51" if low else "less than or equal to 99"
            raise _constraint(level, "predictionIntervalLevel", f"Member must have value {bound}")
        if not isinstance(tp, dict):
            raise _invalid("TimePeriod must be a structure")
        start, s_time = _parse_point(tp.get("Start"), "timePeriod.start")
        end, e_time = _parse_point(tp.get("End"), "timePeriod.end")
        if metric not in FORECAST_METRICS:
            raise _invalid(f"Metric {metric} is not supported by GetCostForecast. Use GetUsageForecast for usage "
                           "metrics.")
        if granularity == "HOURLY" or s_time or e_time:
            raise _invalid("GetCostForecast supports only DAILY and MONTHLY granularity")
        if start >= end:
            raise _invalid(f"Requested Start: {start.date()} must be before requested End: {end.date()}")  # (AWS)
        t = today()
        if start.date() < t:
            raise _invalid(f"Start date {start.date()} must be equal to or later than the current date {t}")
        limit = _add_months(t, 3) if granularity == "DAILY" else _add_months(_first_of_month(t), 18)
        if end.date() > limit:
            span = "3 months" if granularity == "DAILY" else "18 months"
            raise _invalid(f"{granularity} forecasts can cover at most {span}: End must be on or before {limit}")
        ctx = _Ctx(acct, "forecast")
        predicate = _filter(req, ctx)
        mi = _METRIC_INDEX[FORECAST_METRICS[metric]]
        lookback_start = t - timedelta(days=30)
        items = acct.between(lookback_start, t - timedelta(days=1))
        matching = [i for i in items if predicate is None or predicate(i)]
        all_items, _ = acct.sorted_items()
        first_seen = next((i.day for i in all_items if predicate is None or predicate(i)), None)
        if not matching or first_seen is None:
            raise CEError("DataUnavailableException",
                          "Insufficient amount of historical data to generate forecast.")  # (AWS)
        window_start = max(lookback_start, first_seen)
        window_days = (t - window_start).days  # >= 1: matching items are dated before today
        daily = sum((i.amounts[mi] for i in matching), Decimal(0)) / Decimal(window_days)
        q = Decimal("0.0000000001")
        width = None if level is None else Decimal(level - 50) / Decimal(100)
        results = []
        total = Decimal(0)
        for period in _periods(start, end, granularity):
            days = (period.end.date() - period.start.date()).days
            mean = (daily * days).quantize(q)
            total += mean
            entry: dict[str, Any] = {"TimePeriod": period.json(), "MeanValue": fmt_amount(mean)}
            if width is not None:
                entry["PredictionIntervalLowerBound"] = fmt_amount((mean * (1 - width)).quantize(q))
                entry["PredictionIntervalUpperBound"] = fmt_amount((mean * (1 + width)).quantize(q))
            results.append(entry)
        return {"Total": {"Amount": fmt_amount(total), "Unit": "USD"}, "ForecastResultsByTime": results}


# --------------------------------------------------------------------------- cost allocation tags


def _bedrock_tag_keys(account_ids: list[str]) -> set[str]:
    """Tag keys on the accounts' application inference profiles (all regions)."""
    from awsemu import bedrock

    keys: set[str] = set()
    for account_id in account_ids:
        for profile in bedrock.all_application_profiles(account_id):
            region = profile.arn.split(":")[3]
            keys.update(bedrock.profile_tags(account_id, region, profile.arn).keys())
    return keys


def known_tag_keys(account_id: str) -> dict[str, date | None]:
    """Every tag key the bill of ``account_id`` knows of -> the last date a line item carried it (or None).

    For an organization's management account: keys of every member's line
    items and profiles, as the payer's cost allocation tags page lists them.
    """
    with LOCK:
        view = billing_view(account_id)
        known: dict[str, date | None] = {k: None for k in view.tags}
        for item in view.sorted_items()[0]:
            for k in item.tags:
                seen = known.get(k)
                if seen is None or item.day > seen:
                    known[k] = item.day
        accounts = list(view.accounts)
    for k in _bedrock_tag_keys(accounts):
        known.setdefault(k, None)
    return known


def list_cost_allocation_tags(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    status = req.get("Status")
    if status is not None:
        _enum(status, ["Active", "Inactive"], "status")
    tag_type = req.get("Type")
    if tag_type is not None:
        _enum(tag_type, ["AWSGenerated", "UserDefined"], "type")
    keys_filter = req.get("TagKeys")
    if keys_filter is not None:
        if not isinstance(keys_filter, list) or len(keys_filter) < 1:
            raise _constraint(keys_filter, "tagKeys", "Member must have length greater than or equal to 1")
        if len(keys_filter) > 100:
            raise _constraint(keys_filter, "tagKeys", "Member must have length less than or equal to 100")
    max_results = req.get("MaxResults")
    if max_results is None:
        max_results = TAGS_DEFAULT_MAX
    elif not isinstance(max_results, int) or max_results < 1:
        raise _constraint(max_results, "maxResults", "Member must have value greater than or equal to 1")
    elif max_results > 1000:
        raise _constraint(max_results, "maxResults", "Member must have value less than or equal to 1000")
    fingerprint = _fingerprint(req, ("NextToken", "MaxResults"))
    offset = _read_token(req.get("NextToken"), fingerprint)
    with LOCK:
        if billing_view(account_id).is_linked_member:
            raise CEError("AccessDeniedException", f"Failed to list Cost Allocation Tags: {_LINKED_NO_TAGS}")
    known = known_tag_keys(account_id)
    with LOCK:
        acct = billing_view(account_id)
        rows = []
        for key in sorted(known):
            state = acct.tags.get(key)
            row: dict[str, Any] = {
                "TagKey": key,
                "Type": "AWSGenerated" if key.startswith("aws:") else "UserDefined",
                "Status": state.status if state else "Inactive",
            }
            if state and state.last_updated:
                row["LastUpdatedDate"] = _zoned(state.last_updated)
            if known[key] is not None:
                row["LastUsedDate"] = _zoned(_dt(_first_of_month(known[key])))
            if status and row["Status"] != status:
                continue
            if tag_type and row["Type"] != tag_type:
                continue
            if keys_filter is not None and key not in keys_filter:
                continue
            rows.append(row)
    if offset > len(rows):
        raise CEError("InvalidNextTokenException",
                      "The pagination token is invalid. Try again without a pagination token.")
    page = rows[offset : offset + max_results]
    out: dict[str, Any] = {"CostAllocationTags": page}
    if offset + max_results < len(rows):
        out["NextToken"] = _make_token(offset + max_results, fingerprint)
    return out


def update_cost_allocation_tags_status(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    entries = _require(req.get("CostAllocationTagsStatus"), "costAllocationTagsStatus")
    if not isinstance(entries, list):
        raise _invalid("CostAllocationTagsStatus must be a list")
    if len(entries) < 1:
        raise _constraint(entries, "costAllocationTagsStatus", "Member must have length greater than or equal to 1")
    if len(entries) > 20:
        raise _constraint("[...]", "costAllocationTagsStatus", "Member must have length less than or equal to 20")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise _invalid("CostAllocationTagStatusEntry must be a structure")
        _require(entry.get("TagKey"), f"costAllocationTagsStatus.{i + 1}.member.tagKey")
        _enum(
            _require(entry.get("Status"), f"costAllocationTagsStatus.{i + 1}.member.status"),
            ["Active", "Inactive"],
            f"costAllocationTagsStatus.{i + 1}.member.status",
        )
    with LOCK:
        if billing_view(account_id).is_linked_member:
            raise CEError("AccessDeniedException", f"Failed to update Cost Allocation Tag: {_LINKED_NO_TAGS}")
    known = known_tag_keys(account_id)
    errors = []
    with LOCK:
        acct = billing_view(account_id).settings
        for entry in entries:
            key, status = entry["TagKey"], entry["Status"]
            if key not in known:
                errors.append({
                    "TagKey": key,
                    "Code": TAG_NOT_FOUND_CODE,
                    "Message": f"Failed to update Cost Allocation Tag: tag key {key} was not found in your cost data",
                })
                continue
            state = acct.tags.get(key)
            if (state.status if state else "Inactive") == status:
                continue  # same status: documented no-op
            state = acct.tags.setdefault(key, _TagState())
            state.status = status
            state.last_updated = now()
            state.activated_on = today() if status == "Active" else None
    return {"Errors": errors}


# --------------------------------------------------------------------------- GetDimensionValues / GetTags


def _refuse_sort_by(req: dict[str, Any]) -> None:
    if req.get("SortBy"):  # aipctl pages through values in their natural order
        raise _invalid("SortBy is not supported by the aipctl Cost Explorer emulator")


def _values_page(
    req: dict[str, Any], values: dict[str, _Acc], fingerprint: str
) -> tuple[list[str], int, str | None]:
    names = sorted(values)
    offset = _read_token(req.get("NextPageToken"), fingerprint)
    if offset > len(names):
        raise CEError("InvalidNextTokenException",
                      "The pagination token is invalid. Try again without a pagination token.")
    page = names[offset : offset + VALUES_PAGE_SIZE]
    token = _make_token(offset + VALUES_PAGE_SIZE, fingerprint) if offset + VALUES_PAGE_SIZE < len(names) else None
    return page, len(names), token


def _collect(acct: _View, start: datetime, end: datetime, predicate, value_of) -> dict[str, _Acc]:
    out: dict[str, _Acc] = {}
    last_day = (end - timedelta(microseconds=1)).date()
    for item in acct.between(start.date(), last_day):
        if predicate is not None and not predicate(item):
            continue
        for value in value_of(item):
            acc = out.get(value)
            if acc is None:
                acc = out[value] = _Acc(len(ALL_METRICS))
            for j, amount in enumerate(item.amounts):
                acc.sums[j] += amount
            acc.units.add(item.unit)
    return out


def get_dimension_values(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    with LOCK:
        acct = billing_view(account_id)
        dimension = _enum(_require(req.get("Dimension"), "dimension"), DIMENSIONS, "dimension")
        context = req.get("Context") or "COST_AND_USAGE"
        _enum(context, ["COST_AND_USAGE", "RESERVATIONS", "SAVINGS_PLANS"], "context")
        start, end = _time_period(req, "DAILY", acct)
        _refuse_sort_by(req)
        if dimension == "PRODUCT_ATTRIBUTE" or req.get("DimensionKey") is not None:
            raise _invalid("PRODUCT_ATTRIBUTE values are not served by the aipctl Cost Explorer emulator")
        if dimension in ("LINKED_ACCOUNT_NAME", "SERVICE_CODE"):
            raise _invalid(f"Dimension {dimension} can only be used in CostCategoryRule")
        if dimension.startswith(("ANOMALY_", "AGREEMENT_")):
            raise _invalid(f"Dimension {dimension} is not allowed.")
        ctx = _Ctx(acct, "dimension_values")
        predicate = _filter(req, ctx)
        fingerprint = _fingerprint(req, ("NextPageToken",))
        if context != "COST_AND_USAGE":
            values: dict[str, _Acc] = {}  # no reservations or savings plans in this world
        elif dimension == "PAYER_ACCOUNT":
            values = _collect(acct, start, end, predicate, lambda i: [acct.payer])
        else:
            getter = _DIMENSION_GETTERS.get(dimension)
            values = _collect(acct, start, end, predicate, lambda i: [getter(i)] if getter and getter(i) else [])
        search = req.get("SearchString")
        if search:
            needle = str(search).lower()
            values = {v: a for v, a in values.items() if needle in v.lower()}
        page, total, token = _values_page(req, values, fingerprint)
        rows = []
        for v in page:
            attrs: dict[str, str] = {}
            if dimension == "LINKED_ACCOUNT":
                attrs["description"] = acct.account_name(v)
            elif dimension in ("USAGE_TYPE", "USAGE_TYPE_GROUP"):
                units = values[v].units
                attrs["unit"] = next(iter(units)) if len(units) == 1 else "N/A"
            rows.append({"Value": v, "Attributes": attrs})
        out: dict[str, Any] = {"DimensionValues": rows, "ReturnSize": len(rows), "TotalSize": total}
        if token:
            out["NextPageToken"] = token
        return out


def get_tags(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    with LOCK:
        acct = billing_view(account_id)
        start, end = _time_period(req, "DAILY", acct)
        _refuse_sort_by(req)
        ctx = _Ctx(acct, "tags")
        predicate = _filter(req, ctx)
        fingerprint = _fingerprint(req, ("NextPageToken",))
        tag_key = req.get("TagKey")
        if tag_key:
            values = _collect(
                acct, start, end, predicate,
                lambda i: [v] if (v := ctx.tag(i, tag_key)) else [],
            )
        else:
            values = _collect(
                acct, start, end, predicate,
                lambda i: [k for k in i.tags if ctx.tag(i, k) is not None],
            )
        search = req.get("SearchString")
        if search:
            needle = str(search).lower()
            values = {v: a for v, a in values.items() if needle in v.lower()}
        page, total, token = _values_page(req, values, fingerprint)
        out: dict[str, Any] = {"Tags": page, "ReturnSize": len(page), "TotalSize": total}
        if token:
            out["NextPageToken"] = token
        return out


# --------------------------------------------------------------------------- moto graft


def _handler(impl: Callable[[str, dict[str, Any]], dict[str, Any]]) -> Callable[[Any], Any]:
    def method(self: Any) -> Any:
        try:
            req = json.loads(self.body or "{}")
        except ValueError:
            return _error(CEError("SerializationException", "Request body is not valid JSON"))
        try:
            if not isinstance(req, dict):
                raise _invalid("Request body must be a JSON object")
            body = json.dumps(impl(self.current_account, req))
            return body, {"status": 200, "Content-Type": "application/x-amz-json-1.1"}
        except CEError as exc:
            return _error(exc)

    method.__name__ = impl.__name__
    return method


def _error(exc: CEError) -> tuple[str, dict[str, Any]]:
    body = json.dumps({"__type": exc.code, "message": exc.message})
    return body, {"status": exc.status, "Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": exc.code}


def install() -> None:
    from moto.ce.responses import CostExplorerResponse

    for impl in (
        get_cost_and_usage,
        get_cost_forecast,
        list_cost_allocation_tags,
        update_cost_allocation_tags_status,
        get_dimension_values,
        get_tags,
    ):
        setattr(CostExplorerResponse, impl.__name__, _handler(impl))


def add_operations(*impls: Callable[[str, dict[str, Any]], dict[str, Any]]) -> None:
    """Serve more Cost Explorer operations (e.g. awsemu.anomaly's) the way the ones above are:
    ``impl(account_id, request) -> response``, named after the operation in snake case, raising
    ``CEError`` for awsJson errors."""
    from moto.ce.responses import CostExplorerResponse

    for impl in impls:
        setattr(CostExplorerResponse, impl.__name__, _handler(impl))


# --------------------------------------------------------------------------- control routes


def _account_of(body: dict[str, Any] | None, query: dict[str, str]) -> str:
    return str((body or {}).get("account_id") or query.get("account_id") or DEFAULT_ACCOUNT)


def _route_post_line_items(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("line_items"), list):
        return 400, {"error": 'body must be {"line_items": [...]}'}
    account_id = _account_of(body, query)
    items = [parse_line_item(raw, account_id) for raw in body["line_items"]]
    added = add_line_items(account_id, items)
    total = sum((i.amounts[_METRIC_INDEX["UnblendedCost"]] for i in items), Decimal(0))
    return 200, {"line_items": added, "cost_usd": fmt_amount(total)}


def _route_get_line_items(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    account_id = _account_of(body, query)
    with LOCK:
        items, _ = _account(account_id).sorted_items()
        by_service: dict[str, Decimal] = {}
        for i in items:
            by_service[i.service] = by_service.get(i.service, Decimal(0)) + i.amounts[_METRIC_INDEX["UnblendedCost"]]
        out: dict[str, Any] = {
            "count": len(items),
            "unblended_cost_by_service": {k: fmt_amount(v) for k, v in sorted(by_service.items())},
        }
    return 200, out


def _route_post_tags(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("tags"), list):
        return 400, {"error": 'body must be {"tags": [{"key", "status", "activated_at"?}]}'}
    account_id = _account_of(body, query)
    for entry in body["tags"]:
        key, status = entry["key"], entry.get("status", "Active")
        activated = entry.get("activated_at")
        set_tag_status(account_id, key, status, date.fromisoformat(activated) if activated else None)
    return _route_get_tags(body, query)


def _route_get_tags(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    account_id = _account_of(body if isinstance(body, dict) else None, query)
    with LOCK:
        acct = _account(account_id)
        return 200, {
            "tags": [
                {
                    "key": k,
                    "status": s.status,
                    "activated_at": s.activated_on.isoformat() if s.activated_on else None,
                }
                for k, s in sorted(acct.tags.items())
            ]
        }


def _route_settings(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    body = body if isinstance(body, dict) else {}
    account_id = _account_of(body, query)
    with LOCK:
        acct = _account(account_id)
        if "hourly" in body:
            acct.hourly = bool(body["hourly"])
        for acc_id, name in (body.get("account_names") or {}).items():
            acct.account_names[str(acc_id)] = str(name)
        return 200, {"hourly": acct.hourly, "account_names": acct.account_names}


ROUTES = {
    ("POST", "/_emu/cost-line-items"): _route_post_line_items,
    ("GET", "/_emu/cost-line-items"): _route_get_line_items,
    ("POST", "/_emu/cost-allocation-tags"): _route_post_tags,
    ("GET", "/_emu/cost-allocation-tags"): _route_get_tags,
    ("POST", "/_emu/ce-settings"): _route_settings,
}
