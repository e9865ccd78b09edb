"""Usage seeding: one call writes Bedrock usage to CloudWatch *and* to billing.

``POST /_emu/usage`` takes daily usage records and writes, consistently:

1. CloudWatch datapoints in namespace ``AWS/Bedrock`` (through
   ``awsemu.cloudwatch.put_datapoints``), dimension ``ModelId``;
2. priced Cost Explorer line items (``awsemu.costexplorer``), priced from
   ``awsemu.pricing`` and billed under the model's real service name
   (``catalog.model_billing``), carrying the application profile's tags as they
   are at seeding time.

Record ``{"region", "model_id", "date", "invocations", "input_tokens", "output_tokens",
"cache_read_tokens", "cache_write_tokens", "client_errors"?, "server_errors"?,
"throttles"?, "latency_ms"?: [samples], "ttft_ms"?: [samples], "dimension_value"?,
"principal_tags"?: {key: value}}``.
``model_id`` is an application profile ID or ARN, a system profile ID or ARN, or a
foundation-model ID or ARN, resolved in ``region``.

**Caller (IAM principal) tags**: ``principal_tags`` are the tags of the IAM user or role
that made the calls. Since April 2026 Bedrock passes the caller to billing, and its tags
can be activated as cost allocation tags (the Bedrock user guide's
``cost-mgmt-iam-principal-tracking`` page); Cost Explorer lists them under the key prefix
``iamPrincipal/`` (as public reports of the feature show; AWS's pages do not spell the
prefix out). Each line item of the record carries ``iamPrincipal/<key>: <value>`` next to
the profile's own tags; like any tag key, Cost Explorer sees it only once
``iamPrincipal/<key>`` is activated (``/_emu/cost-allocation-tags``). *Guess*:
ListCostAllocationTags reports such keys with ``Type`` ``UserDefined`` (the model's only
other value is ``AWSGenerated``; AWS does not say which). CloudWatch is unaffected: its
metrics carry no caller.

**Account**: ``account_id`` (default ``123456789012``, 12 digits) is the account where
the usage happened. ``model_id`` resolves among *its* profiles, the datapoints go to
*its* CloudWatch (moto keeps one backend per account and Region) and the line items
are *its* (``LINKED_ACCOUNT`` = it). Cost Explorer called by the management account
of its organization sees them as well (:mod:`awsemu.costexplorer`).

**Timestamp rule**: one datum per metric per record at 12:00:00 UTC of ``date``.
Several records for the same (region, ModelId, date) add up (CloudWatch sums them).
**Zero rule**: a count metric whose value is 0 is *omitted* (no datum), so an idle
day leaves no datapoint at all; ``InvocationLatency`` / ``TimeToFirstToken`` are
written only when samples are given (one datum with ``Values=samples``, unit
Milliseconds). Count metrics use unit ``Count``.

**ModelId value**: the profile ID for application and system profiles
(``a1b2c3d4e5f6``, ``us.anthropic.…``), the model ID for foundation models; a
record's ``dimension_value`` overrides it (e.g. the full AIP ARN, to test that form).

**Line items**: one per (record, token kind) with tokens > 0. ``UsageQuantity`` is in
units of 1,000 tokens (unit ``Units``); cost = tokens x price / 1000 rounded to 10
places. Usage types: Marketplace-billed models ``USE1-MP:USE1_InputTokenCount-Units``
(``OutputTokenCount``, ``CacheReadInputTokenCount``, ``CacheWriteInputTokenCount``);
first-party models ``USE1-NovaPro-input-tokens`` (``output-tokens``,
``cache-read-input-token-count``, ``cache-write-input-token-count``). Operation
``InvokeModelInference``; RESOURCE_ID is the AIP's ARN for AIP usage. Records for
system profiles and plain models carry no tags (untagged spend, as in AWS). Traffic of a
Marketplace model through a ``global.`` profile (or an AIP copying one: its ``models``
has the Region-less ARN) is billed at the Global price (``pricing.global_price_per_1k``)
under ``USE1-MP:USE1_InputTokenCount_Global-Units`` and so on (guess: AWS's usage-type
name for it; the ~10 % lower price is AWS's).

``GET /_emu/prices`` serves the price table (``pricing.table_json()``) plus
``models``: every catalog model ID with its price family (null = no price), so
tests can price usage independently. ``?model_id=`` (any identifier accepted by
``/_emu/usage``, with ``region`` and ``account_id``) resolves one model.
"""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from . import costexplorer, pricing

DEFAULT_ACCOUNT = costexplorer.DEFAULT_ACCOUNT
NAMESPACE = "AWS/Bedrock"
PRINCIPAL_TAG_PREFIX = "iamPrincipal/"
_ACCOUNT_ID = re.compile(r"\d{12}")

# token kind -> (record field, CloudWatch metric, Marketplace usage-type metric, 1st-party suffix,
#                product attribute inferenceType)
TOKEN_KINDS = {
    "input": ("input_tokens", "InputTokenCount", "InputTokenCount", "input-tokens", "Input tokens"),
    "output": ("output_tokens", "OutputTokenCount", "OutputTokenCount", "output-tokens", "Output tokens"),
    # AWS spells the first-party cache kinds "USE1-NovaPro-cache-read-input-token-count"
    # with inferenceType "Prompt cache read input tokens", as AmazonBedrock Price List rows
    # quoted in public projects show (e.g. grafana/cloudcost-exporter's bedrock tests).
    "cache_read": (
        "cache_read_tokens", "CacheReadInputTokenCount", "CacheReadInputTokenCount",
        "cache-read-input-token-count", "Prompt cache read input tokens",
    ),
    "cache_write": (
        "cache_write_tokens", "CacheWriteInputTokenCount", "CacheWriteInputTokenCount",
        "cache-write-input-token-count", "Prompt cache write input tokens",
    ),
}
COUNT_METRICS = (
    ("invocations", "Invocations"),
    ("input_tokens", "InputTokenCount"),
    ("output_tokens", "OutputTokenCount"),
    ("cache_read_tokens", "CacheReadInputTokenCount"),
    ("cache_write_tokens", "CacheWriteInputTokenCount"),
    ("client_errors", "InvocationClientErrors"),
    ("server_errors", "InvocationServerErrors"),
    ("throttles", "InvocationThrottles"),
)
SAMPLE_METRICS = (("latency_ms", "InvocationLatency"), ("ttft_ms", "TimeToFirstToken"))
_INT_FIELDS = tuple(f for f, _ in COUNT_METRICS)

# Billing region codes (usage-type prefixes). AWS uses "EU" for eu-west-1 on older
# services (EC2); Bedrock line items use the four-letter form.
REGION_CODES = {
    "us-east-1": "USE1", "us-east-2": "USE2", "us-west-1": "USW1", "us-west-2": "USW2",
    "ca-central-1": "CAN1", "ca-west-1": "CAN2", "sa-east-1": "SAE1",
    "eu-west-1": "EUW1", "eu-west-2": "EUW2", "eu-west-3": "EUW3", "eu-central-1": "EUC1",
    "eu-central-2": "EUC2", "eu-north-1": "EUN1", "eu-south-1": "EUS1", "eu-south-2": "EUS2",
    "ap-northeast-1": "APN1", "ap-northeast-2": "APN2", "ap-northeast-3": "APN3",
    "ap-southeast-1": "APS1", "ap-southeast-2": "APS2", "ap-south-1": "APS3",
    "ap-southeast-3": "APS4", "ap-southeast-4": "APS6", "ap-south-2": "APS5",
    "me-central-1": "MEC1", "il-central-1": "ILC1", "us-gov-west-1": "UGW1", "us-gov-east-1": "UGE1",
}


class UsageError(ValueError):
    """A record the seeder refuses (answered as HTTP 400)."""


def region_code(region: str) -> str:
    return REGION_CODES[region]  # every Region the catalog serves


class Resolved:
    """What a record's ``model_id`` stands for."""

    __slots__ = ("kind", "dimension", "fm_id", "tags", "resource_arn", "billing", "prices", "scope")

    def __init__(self, kind: str, dimension: str, fm_id: str, tags: dict[str, str], resource_arn: str,
                 routes_globally: bool = False) -> None:
        from . import catalog

        self.kind = kind  # APPLICATION | SYSTEM_DEFINED | FOUNDATION_MODEL
        self.dimension = dimension
        self.fm_id = fm_id
        self.tags = tags
        self.resource_arn = resource_arn
        self.billing = catalog.model_billing(fm_id)  # every catalog model has billing data
        try:
            self.prices = pricing.prices_for(fm_id)
        except pricing.UnknownModelPrice as exc:
            raise UsageError(str(exc).strip("'\"")) from None
        # Global cross-Region inference of a Marketplace model bills at the Global price,
        # under the ``…_Global`` usage types (the price list has those products wherever a
        # ``global.`` profile has its source). First-party models have no Global products.
        self.scope = "global" if routes_globally and self.billing["marketplace"] else "regional"
        if self.scope == "global":
            self.prices = {
                k: (pricing.global_price_per_1k(v) if k in pricing.TOKEN_KINDS and v is not None else v)
                for k, v in self.prices.items()
            }


def resolve(account_id: str, region: str, model_id: str) -> Resolved:
    """Resolve an AIP / system profile / foundation model identifier in ``region``."""
    from . import bedrock, catalog

    if region not in catalog.REGIONS:
        raise UsageError(f"region {region!r} is not served by the emulator ({', '.join(catalog.REGIONS)})")
    if not isinstance(model_id, str) or not model_id:
        raise UsageError("model_id must be a non-empty string")
    prof = bedrock.find_profile(account_id, region, model_id)
    if prof is not None:
        if not prof.models:
            raise UsageError(f"profile {model_id} has no models")
        fm_id = catalog.base_model_id(prof.models[0])
        # A global profile lists the Region-less foundation-model ARN (arn:aws:bedrock:::…).
        routes_globally = any(m.split(":")[3] == "" for m in prof.models if m.count(":") >= 5)
        if prof.type == "APPLICATION":
            tags = bedrock.profile_tags(account_id, region, prof.arn)
            return Resolved("APPLICATION", prof.id, fm_id, tags, prof.arn, routes_globally)
        return Resolved("SYSTEM_DEFINED", prof.id, fm_id, {}, "", routes_globally)
    if "application-inference-profile/" in model_id or "inference-profile/" in model_id:
        raise UsageError(f"no inference profile {model_id} in {region} for account {account_id}")
    fm_id = pricing.foundation_model_id(model_id)
    if catalog.foundation_model(region, fm_id) is None:
        raise UsageError(
            f"model_id {model_id!r} is neither an inference profile nor a foundation model offered in {region}"
        )
    return Resolved("FOUNDATION_MODEL", fm_id, fm_id, {}, "")


def _int_field(record: dict[str, Any], name: str) -> int:
    value = record.get(name, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(f"{name} must be a non-negative integer, not {value!r}")
    return value


def _samples(record: dict[str, Any], name: str) -> list[float]:
    value = record.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 for v in value
    ):
        raise UsageError(f"{name} must be a list of non-negative numbers")
    return [float(v) for v in value]


def _principal_tags(record: dict[str, Any], n: int) -> dict[str, str]:
    """The record's ``principal_tags`` as billing tags (``iamPrincipal/<key>``)."""
    tags = record.get("principal_tags") or {}
    if not isinstance(tags, dict) or not all(isinstance(k, str) and k and isinstance(v, str) for k, v in tags.items()):
        raise UsageError(f"records[{n}].principal_tags must map non-empty keys to strings")
    return {PRINCIPAL_TAG_PREFIX + k: v for k, v in tags.items()}


def usage_type(billing: dict[str, Any], region: str, kind: str) -> str:
    """The usage type of a ``kind`` line item for a model billed as ``billing`` in ``region``.

    ``billing`` is ``catalog.model_billing(model_id)``. The price list
    (``awsemu/pricelist.py``) uses this too, so its products and the line items agree.
    """
    code = region_code(region)
    _, _, mp_metric, suffix, _ = TOKEN_KINDS[kind]
    if billing["service_name"] != "Amazon Bedrock":
        return f"{code}-MP:{code}_{mp_metric}-Units"
    return f"{code}-{model_slug(billing['model_name'])}-{suffix}"


def model_slug(model_name: str) -> str:
    """``Nova Pro`` -> ``NovaPro``: the model part of a first-party usage type."""
    return "".join(ch for ch in model_name.title() if ch.isalnum())


def _usage_type(res: Resolved, region: str, kind: str) -> str:
    base = usage_type(res.billing, region, kind)
    if res.scope == "global":
        return base.removesuffix("-Units") + "_Global-Units"
    return base


def seed(account_id: str, records: list[dict[str, Any]]) -> dict[str, Any]:
    """Validate every record, then write datapoints and line items. Raises UsageError."""
    if not isinstance(records, list):
        raise UsageError('"records" must be a list')
    today = costexplorer.today()
    cache: dict[tuple[str, str], Resolved] = {}
    series: dict[tuple[str, str, str, str], list[tuple[datetime, Any]]] = defaultdict(list)
    items: list[costexplorer.LineItem] = []
    total = Decimal(0)
    for n, record in enumerate(records):
        if not isinstance(record, dict):
            raise UsageError(f"records[{n}] must be an object")
        try:
            region = record["region"]
            model_id = record["model_id"]
            day = date.fromisoformat(str(record["date"]))
        except KeyError as exc:
            raise UsageError(f"records[{n}] needs {exc.args[0]!r}") from None
        except ValueError:
            raise UsageError(f"records[{n}].date must be YYYY-MM-DD, not {record.get('date')!r}") from None
        if day > today:
            raise UsageError(f"records[{n}].date {day} is in the future (today is {today})")
        key = (region, model_id)
        res = cache.get(key)
        if res is None:
            try:
                res = cache[key] = resolve(account_id, region, model_id)
            except UsageError as exc:
                raise UsageError(f"records[{n}]: {exc}") from None
        counts = {f: _int_field(record, f) for f in _INT_FIELDS}
        dimension = record.get("dimension_value") or res.dimension
        if not isinstance(dimension, str):
            raise UsageError(f"records[{n}].dimension_value must be a string")
        line_tags = {**res.tags, **_principal_tags(record, n)}
        stamp = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        for field, metric in COUNT_METRICS:
            if counts[field]:
                series[(region, dimension, metric, "Count")].append((stamp, float(counts[field])))
        for field, metric in SAMPLE_METRICS:
            samples = _samples(record, field)
            if samples:
                series[(region, dimension, metric, "Milliseconds")].append((stamp, samples))
        for kind, (field, _, _, _, inference_type) in TOKEN_KINDS.items():
            tokens = counts[field]
            if not tokens:
                continue
            price = res.prices[kind]
            if price is None:
                raise UsageError(
                    f"records[{n}]: {res.fm_id} ({res.prices['family']}) does not support prompt caching; "
                    f"{field} must be 0"
                )
            cost = pricing.token_cost(tokens, price)
            total += cost
            items.append(
                costexplorer.LineItem(
                    day,
                    res.billing["service_name"],
                    cost,
                    linked_account=account_id,
                    region=region,
                    usage_type=_usage_type(res, region, kind),
                    operation="InvokeModelInference",
                    usage_quantity=Decimal(tokens) / Decimal(1000),
                    unit="Units",
                    tags=line_tags,
                    product={
                        "provider": res.billing["provider"],
                        "model": res.billing.get("model_name") or res.prices["model_name"],
                        "inferenceType": inference_type,
                        "feature": "On-demand Inference",
                    },
                    resource_id=res.resource_arn,
                    billing_entity="AWS Marketplace" if res.billing["service_name"] != "Amazon Bedrock" else "AWS",
                )
            )
    datapoints = _put_series(account_id, series)
    costexplorer.add_line_items(account_id, items)
    return {"datapoints": datapoints, "line_items": len(items), "cost_usd": costexplorer.fmt_amount(total)}


def _put_series(account_id: str, series: dict[tuple[str, str, str, str], list[tuple[datetime, Any]]]) -> int:
    from . import cloudwatch

    written = 0
    for (region, dimension, metric, unit), points in series.items():
        points.sort(key=lambda p: p[0])
        written += cloudwatch.put_datapoints(
            account_id, region, NAMESPACE, metric, {"ModelId": dimension}, points, unit=unit
        )
    return written


# --------------------------------------------------------------------------- routes


def _route_usage(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    if not isinstance(body, dict):
        return 400, {"error": 'body must be {"account_id"?, "records": [...]}'}
    account_id = str(body.get("account_id") or query.get("account_id") or DEFAULT_ACCOUNT)
    if not _ACCOUNT_ID.fullmatch(account_id):
        return 400, {"error": f"account_id must be 12 digits, not {account_id!r}"}
    try:
        return 200, seed(account_id, body.get("records"))
    except UsageError as exc:
        return 400, {"error": str(exc)}


def _route_prices(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    from . import catalog

    model_id = query.get("model_id")
    if model_id:
        account_id = query.get("account_id") or DEFAULT_ACCOUNT
        region = query.get("region") or "us-east-1"
        try:
            res = resolve(account_id, region, model_id)
        except UsageError as exc:
            return 400, {"error": str(exc)}
        p = res.prices
        return 200, {
            "model_id": res.fm_id,
            "kind": res.kind,
            "family": p["family"],
            "service_name": res.billing["service_name"],
            "scope": res.scope,
            "unit": pricing.UNIT,
            "rounding": pricing.ROUNDING,
            **{k: (None if p[k] is None else format(p[k], "f")) for k in pricing.TOKEN_KINDS},
        }
    out = pricing.table_json()
    models = {}
    for entry in catalog.MODELS:
        try:
            models[entry["model_id"]] = pricing.family_of(entry["model_id"])
        except pricing.UnknownModelPrice:
            models[entry["model_id"]] = None
    out["models"] = models
    return 200, out


ROUTES = {
    ("POST", "/_emu/usage"): _route_usage,
    ("GET", "/_emu/prices"): _route_prices,
}


def reset() -> None:
    """Line items live in awsemu.costexplorer and datapoints in moto; nothing to drop here."""
