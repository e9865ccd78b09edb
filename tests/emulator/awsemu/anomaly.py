"""Cost Anomaly Detection monitors and alert subscriptions on the Cost Explorer endpoint.

moto 5.2.5's Cost Explorer has no anomaly detection. This module answers, per account and as
botocore's ``ce 2017-10-25`` model says: CreateAnomalyMonitor, GetAnomalyMonitors,
UpdateAnomalyMonitor, DeleteAnomalyMonitor, CreateAnomalySubscription, GetAnomalySubscriptions,
UpdateAnomalySubscription, DeleteAnomalySubscription. They are grafted onto moto's
``CostExplorerResponse`` through ``costexplorer.add_operations`` (awsJson 1.1,
``X-Amz-Target: AWSInsightsIndexService.<Op>``), so the request log shows service ``ce`` and fault
rules with ``"service": "ce"`` reach them. Errors are ``{"__type", "message"}``, HTTP 400. No
anomalies are ever detected (GetAnomalies is not served).

What is modelled, with sources (the model's documentation unless said otherwise)
--------------------------------------------------------------------------------
- ARNs: ``arn:aws:ce::<account>:anomalymonitor/<uuid>`` and
  ``arn:aws:ce::<account>:anomalysubscription/<uuid>`` (global ARNs without a Region, as
  terraform-provider-aws's acceptance tests check them).
- Monitors. ``DIMENSIONAL`` (AWS managed) needs ``MonitorDimension`` SERVICE, LINKED_ACCOUNT, TAG or
  COST_CATEGORY; with SERVICE or LINKED_ACCOUNT no MonitorSpecification, with TAG
  ``{"Tags": {"Key": ...}}``, with COST_CATEGORY ``{"CostCategories": {"Key": ...}}`` (no Values).
  ``CUSTOM`` (customer managed) has no MonitorDimension and a MonitorSpecification that is one of
  ``{"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [<= 10 account IDs]}}``,
  ``{"Tags": {"Key": "<tag key>", "Values": [<= 10 values]}}`` (the bare tag key, as in every Cost
  Explorer Expression) or ``{"CostCategories": {"Key": ..., "Values": [...]}}``. Only
  UpdateAnomalyMonitor's MonitorName can change. CreationDate / LastUpdatedDate are
  ``YYYY-MM-DD`` of ``awsemu.clock``.
- Subscriptions. ``MonitorArnList`` (>= 1, Arn pattern, monitors of the account, else
  UnknownMonitorException), ``Subscribers`` (Address pattern of the model: an email or an SNS topic
  ARN), ``Frequency`` DAILY / WEEKLY send email and IMMEDIATE sends to SNS ("Notifications are sent
  either over email (for DAILY and WEEKLY frequencies) or SNS (for IMMEDIATE frequency)"), so
  IMMEDIATE with an EMAIL subscriber, or DAILY/WEEKLY with an SNS one, is ValidationException.
  Exactly one of ``Threshold`` (deprecated; stored as the equivalent
  ANOMALY_TOTAL_IMPACT_ABSOLUTE expression and echoed) and ``ThresholdExpression``: Dimensions
  ANOMALY_TOTAL_IMPACT_ABSOLUTE / ANOMALY_TOTAL_IMPACT_PERCENTAGE with MatchOptions
  ``["GREATER_THAN_OR_EQUAL"]`` and one numeric Value 0-10,000,000,000, combined with And / Or.
  UpdateAnomalySubscription changes only the fields given; a new Threshold replaces the
  ThresholdExpression and the other way round.
- Listing: GetAnomalyMonitors (MonitorArnList filter, unknown ARN -> UnknownMonitorException),
  GetAnomalySubscriptions (SubscriptionArnList -> UnknownSubscriptionException when unknown;
  MonitorArn keeps subscriptions that watch it), creation order, opaque NextPageToken
  (InvalidNextTokenException otherwise).

Guessed AWS behaviour (not confirmed against a live account)
-------------------------------------------------------------
The messages of all errors; ValidationException for every rule above that is not an Unknown*
error; the page size (100) when MaxResults is absent; one DIMENSIONAL SERVICE monitor per
account; at most 10 subscribers per subscription; empty names refused; Subscriber Status
``CONFIRMED`` in answers; DimensionalValueCount 0 for DIMENSIONAL monitors and absent for CUSTOM
ones; LastEvaluatedDate never set (nothing is evaluated); deleting a monitor removes it from
subscriptions and deletes subscriptions left without a monitor; the Value string of the
expression derived from a deprecated Threshold ("100.0"). Not modelled: quotas on the number of
monitors and subscriptions, the rule that linked-account / tag / cost-category monitors need the
management account, resource tags beyond their validation.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import threading
import uuid
from typing import Any

from . import clock, costexplorer
from .costexplorer import CEError

PAGE_DEFAULT = 100
MAX_SPEC_VALUES = 10
MAX_SUBSCRIBERS = 10
MAX_THRESHOLD = 10_000_000_000
MONITOR_TYPES = ["DIMENSIONAL", "CUSTOM"]
MONITOR_DIMENSIONS = ["SERVICE", "LINKED_ACCOUNT", "TAG", "COST_CATEGORY"]
FREQUENCIES = ["DAILY", "IMMEDIATE", "WEEKLY"]
SUBSCRIBER_TYPES = ["EMAIL", "SNS"]
SUBSCRIBER_STATUSES = ["CONFIRMED", "DECLINED"]
IMPACT_DIMENSIONS = ("ANOMALY_TOTAL_IMPACT_ABSOLUTE", "ANOMALY_TOTAL_IMPACT_PERCENTAGE")
_EXPR_OPS = ("Or", "And", "Not", "Dimensions", "Tags", "CostCategories", "ProductAttributes")
_ARN_RX = re.compile(r"arn:aws[-a-z0-9]*:[a-z0-9]+:[-a-z0-9]*:[0-9]{12}:[-a-zA-Z0-9/:_]+")
_ARN_PATTERN = "arn:aws[-a-z0-9]*:[a-z0-9]+:[-a-z0-9]*:[0-9]{12}:[-a-zA-Z0-9/:_]+"
_ADDRESS_RX = re.compile(
    r"(^[a-zA-Z0-9.!#$%&'*+=?^_\u2018{|}~-]+@[a-zA-Z0-9_-]+(\.[a-zA-Z0-9_-]+)+$)"
    r"|(^arn:(aws[a-zA-Z-]*):sns:[a-zA-Z0-9-]+:[0-9]{12}:[a-zA-Z0-9_-]+(\.fifo)?$)"
)
_TAG_RX = re.compile(r"^([\w\s_.:/=+\-@]*)$", re.UNICODE)
_ACCOUNT_RX = re.compile(r"\d{12}")

LOCK = threading.RLock()


class _Account:
    def __init__(self) -> None:
        self.monitors: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.tags: dict[str, list[dict[str, str]]] = {}


_ACCOUNTS: dict[str, _Account] = {}


def reset() -> None:
    with LOCK:
        _ACCOUNTS.clear()


def _account(account_id: str) -> _Account:
    return _ACCOUNTS.setdefault(account_id, _Account())


# --------------------------------------------------------------------------- validation


def _invalid(message: str) -> CEError:
    return CEError("ValidationException", message)


def _constraint(value: Any, path: str, constraint: str) -> CEError:
    shown = "null" if value is None else f"'{value}'"
    return _invalid(f"1 validation error detected: Value {shown} at '{path}' failed to satisfy constraint: "
                    f"{constraint}")


def _require(value: Any, path: str) -> Any:
    if value is None:
        raise _constraint(None, path, "Member must not be null")
    return value


def _string(value: Any, path: str, min_len: int = 0, max_len: int = 1024) -> str:
    _require(value, path)
    if not isinstance(value, str):
        raise _invalid(f"Invalid type for '{path}': expected a string")
    if len(value) < min_len:
        raise _constraint(value, path, f"Member must have length greater than or equal to {min_len}")
    if len(value) > max_len:
        raise _constraint(value, path, f"Member must have length less than or equal to {max_len}")
    return value


def _enum(value: Any, allowed: list[str], path: str) -> str:
    _require(value, path)
    if value not in allowed:
        raise _constraint(value, path, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    return value


def _name(value: Any, path: str) -> str:
    name = _string(value, path)
    if not name.strip():
        raise _invalid(f"{path} must not be empty")
    return name


def _strip_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_nulls(v) for v in value]
    return value


def _root(expr: Any, path: str) -> tuple[str, Any]:
    if not isinstance(expr, dict):
        raise _invalid(f"Invalid type for '{path}': expected a structure")
    present = [op for op in _EXPR_OPS if expr.get(op) is not None]
    if len(present) != 1:
        raise _invalid(
            "Expression has more than one roots. Only one root operator is allowed for each expression: "
            "And, Or, Not, Dimensions, Tags, CostCategories"
            if present
            else "Expression has zero or more than one roots. Only one root operator is allowed for each "
            "expression: And, Or, Not, Dimensions, Tags, CostCategories"
        )
    return present[0], expr[present[0]]


def _values(raw: Any, path: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _invalid(f"Invalid type for '{path}': expected a list of strings")
    return raw


def _match_options(raw: Any, path: str) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _invalid(f"Invalid type for '{path}': expected a list")
    for i, opt in enumerate(raw):
        _enum(opt, costexplorer.MATCH_OPTIONS, f"{path}.{i + 1}.member")
    return raw


def _resource_tags(raw: Any) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise _invalid("Invalid type for 'resourceTags': expected a list")
    if len(raw) > 200:
        raise _constraint("[...]", "resourceTags", "Member must have length less than or equal to 200")
    out = []
    for i, t in enumerate(raw):
        p = f"resourceTags.{i + 1}.member"
        if not isinstance(t, dict):
            raise _invalid(f"Invalid type for '{p}': expected a structure")
        key = _string(t.get("Key"), f"{p}.key", 1, 128)
        value = _string(t.get("Value"), f"{p}.value", 0, 256)
        for v, what in ((key, "key"), (value, "value")):
            if not _TAG_RX.match(v):
                raise _constraint(v, f"{p}.{what}",
                                  "Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$")
        if key.lower().startswith("aws:"):
            raise _invalid("The aws: prefix is reserved for AWS use and can't be used in a tag key.")
        out.append({"Key": key, "Value": value})
    if len(out) > 50:
        raise _invalid("A resource can have at most 50 user tags.")
    return out


# --------------------------------------------------------------------------- monitors


def _monitor_spec(spec: Any, monitor_type: str, dimension: str | None) -> dict[str, Any] | None:
    path = "anomalyMonitor.monitorSpecification"
    if monitor_type == "DIMENSIONAL":
        if dimension in ("SERVICE", "LINKED_ACCOUNT"):
            if spec is not None:
                raise _invalid(f"MonitorSpecification must not be specified for a DIMENSIONAL monitor on {dimension}")
            return None
        if spec is None:
            raise _invalid(f"MonitorSpecification is required for a DIMENSIONAL monitor on {dimension}")
        op, body = _root(spec, path)
        wanted = "Tags" if dimension == "TAG" else "CostCategories"
        if op != wanted or not isinstance(body, dict) or not body.get("Key") or body.get("Values") is not None:
            raise _invalid(f'A DIMENSIONAL monitor on {dimension} needs MonitorSpecification {{"{wanted}": {{"Key": '
                           '"..."}}')
        _string(body["Key"], f"{path}.{wanted[0].lower() + wanted[1:]}.key")
        return _strip_nulls(spec)
    if dimension is not None:
        raise _invalid("MonitorDimension must not be specified for a CUSTOM monitor")
    if spec is None:
        raise _invalid("MonitorSpecification is required for a CUSTOM monitor")
    op, body = _root(spec, path)
    if op not in ("Dimensions", "Tags", "CostCategories") or not isinstance(body, dict):
        raise _invalid("A CUSTOM monitor's MonitorSpecification must be a Dimensions (LINKED_ACCOUNT), Tags or "
                       "CostCategories expression")
    p = f"{path}.{op[0].lower() + op[1:]}"
    key = body.get("Key")
    values = _values(body.get("Values"), f"{p}.values")
    options = _match_options(body.get("MatchOptions"), f"{p}.matchOptions")
    if op == "Dimensions":
        _enum(key, costexplorer.DIMENSIONS, f"{p}.key")
        if key != "LINKED_ACCOUNT":
            raise _invalid(f"Dimension {key} is not supported in a CUSTOM monitor; use LINKED_ACCOUNT")
        if any(not _ACCOUNT_RX.fullmatch(v) for v in values):
            raise _invalid("LINKED_ACCOUNT values must be 12-digit account IDs")
    else:
        _string(key, f"{p}.key", 1)
    if not values:
        raise _invalid(f"A CUSTOM monitor's {op} expression needs Values")
    if len(values) > MAX_SPEC_VALUES:
        raise _invalid(f"A CUSTOM monitor can track at most {MAX_SPEC_VALUES} values")
    if any(o not in ("EQUALS", "CASE_SENSITIVE") for o in options):
        raise _invalid("MatchOptions of a monitor specification may only be EQUALS and CASE_SENSITIVE")
    return _strip_nulls(spec)


def create_anomaly_monitor(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    raw = _require(req.get("AnomalyMonitor"), "anomalyMonitor")
    if not isinstance(raw, dict):
        raise _invalid("Invalid type for 'anomalyMonitor': expected a structure")
    name = _name(raw.get("MonitorName"), "anomalyMonitor.monitorName")
    monitor_type = _enum(raw.get("MonitorType"), MONITOR_TYPES, "anomalyMonitor.monitorType")
    dimension = raw.get("MonitorDimension")
    if dimension is not None:
        _enum(dimension, MONITOR_DIMENSIONS, "anomalyMonitor.monitorDimension")
    elif monitor_type == "DIMENSIONAL":
        raise _invalid("MonitorDimension is required for a DIMENSIONAL monitor")
    spec = _monitor_spec(raw.get("MonitorSpecification"), monitor_type, dimension)
    tags = _resource_tags(req.get("ResourceTags"))
    today = clock.today().isoformat()
    with LOCK:
        acct = _account(account_id)
        if monitor_type == "DIMENSIONAL" and dimension == "SERVICE" and any(
            m["MonitorType"] == "DIMENSIONAL" and m.get("MonitorDimension") == "SERVICE" for m in acct.monitors.values()
        ):
            raise _invalid("An account can have only one AWS services (DIMENSIONAL SERVICE) monitor")
        arn = f"arn:aws:ce::{account_id}:anomalymonitor/{uuid.uuid4()}"
        monitor: dict[str, Any] = {
            "MonitorArn": arn,
            "MonitorName": name,
            "CreationDate": today,
            "LastUpdatedDate": today,
            "MonitorType": monitor_type,
        }
        if dimension is not None:
            monitor["MonitorDimension"] = dimension
        if spec is not None:
            monitor["MonitorSpecification"] = spec
        if monitor_type == "DIMENSIONAL":
            monitor["DimensionalValueCount"] = 0
        acct.monitors[arn] = monitor
        acct.tags[arn] = tags
    return {"MonitorArn": arn}


def _unknown_monitor(arn: str) -> CEError:
    return CEError("UnknownMonitorException", f"Cost anomaly monitor {arn} does not exist for the account.")


def _unknown_subscription(arn: str) -> CEError:
    return CEError("UnknownSubscriptionException", f"Cost anomaly subscription {arn} does not exist for the account.")


def _page(req: dict[str, Any], items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    size = req.get("MaxResults")
    if size is None:
        size = PAGE_DEFAULT
    elif isinstance(size, bool) or not isinstance(size, int):
        raise _invalid("Invalid type for 'maxResults': expected an integer")
    elif size < 1:
        raise _constraint(size, "maxResults", "Member must have value greater than or equal to 1")
    fp = hashlib.sha256(
        json.dumps({k: v for k, v in req.items() if k not in ("NextPageToken", "MaxResults")}, sort_keys=True).encode()
    ).hexdigest()[:16]
    offset = 0
    token = req.get("NextPageToken")
    if token:
        try:
            data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
            offset = int(data["o"])
            if data["h"] != fp or offset < 0 or offset > len(items):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise CEError("InvalidNextTokenException",
                          "The pagination token is invalid. Try again without a pagination token.") from None
    page = items[offset : offset + size]
    nxt = None
    if offset + size < len(items):
        nxt = base64.urlsafe_b64encode(json.dumps({"o": offset + size, "h": fp}).encode()).decode()
    return page, nxt


def get_anomaly_monitors(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    wanted = _values(req.get("MonitorArnList"), "monitorArnList")
    with LOCK:
        acct = _account(account_id)
        for arn in wanted:
            if arn not in acct.monitors:
                raise _unknown_monitor(arn)
        monitors = [json.loads(json.dumps(m)) for arn, m in acct.monitors.items() if not wanted or arn in wanted]
    page, token = _page(req, monitors)
    out: dict[str, Any] = {"AnomalyMonitors": page}
    if token:
        out["NextPageToken"] = token
    return out


def update_anomaly_monitor(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    arn = _string(req.get("MonitorArn"), "monitorArn")
    name = req.get("MonitorName")
    if name is not None:
        name = _name(name, "monitorName")
    with LOCK:
        monitor = _account(account_id).monitors.get(arn)
        if monitor is None:
            raise _unknown_monitor(arn)
        if name is not None:
            monitor["MonitorName"] = name
        monitor["LastUpdatedDate"] = clock.today().isoformat()
    return {"MonitorArn": arn}


def delete_anomaly_monitor(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    arn = _string(req.get("MonitorArn"), "monitorArn")
    with LOCK:
        acct = _account(account_id)
        if arn not in acct.monitors:
            raise _unknown_monitor(arn)
        del acct.monitors[arn]
        acct.tags.pop(arn, None)
        for sub_arn, sub in list(acct.subscriptions.items()):
            if arn in sub["MonitorArnList"]:
                sub["MonitorArnList"] = [a for a in sub["MonitorArnList"] if a != arn]
                if not sub["MonitorArnList"]:
                    del acct.subscriptions[sub_arn]
                    acct.tags.pop(sub_arn, None)
    return {}


# --------------------------------------------------------------------------- subscriptions


def _threshold_expression(expr: Any, path: str) -> dict[str, Any]:
    op, body = _root(expr, path)
    if op in ("And", "Or"):
        if not isinstance(body, list) or len(body) < 2:
            raise _invalid(f"{op} expression must have at least 2 operands")
        for i, sub in enumerate(body):
            _threshold_expression(sub, f"{path}.{op.lower()}.{i + 1}.member")
        return expr
    if op != "Dimensions":
        raise _invalid("ThresholdExpression supports only Dimensions, And and Or")
    if not isinstance(body, dict):
        raise _invalid(f"Invalid type for '{path}.dimensions': expected a structure")
    p = f"{path}.dimensions"
    key = _enum(body.get("Key"), costexplorer.DIMENSIONS, f"{p}.key")
    if key not in IMPACT_DIMENSIONS:
        raise _invalid(f"Dimension {key} is not supported in ThresholdExpression; use {' or '.join(IMPACT_DIMENSIONS)}")
    options = _match_options(body.get("MatchOptions"), f"{p}.matchOptions")
    if options != ["GREATER_THAN_OR_EQUAL"]:
        raise _invalid("ThresholdExpression requires MatchOptions [GREATER_THAN_OR_EQUAL]")
    values = _values(body.get("Values"), f"{p}.values")
    if len(values) != 1:
        raise _invalid("ThresholdExpression dimensions take exactly one value")
    try:
        number = float(values[0])
    except ValueError:
        raise _invalid(f"Threshold value {values[0]} is not a number") from None
    if not math.isfinite(number) or not 0 <= number <= MAX_THRESHOLD:
        raise _invalid(f"Threshold value {values[0]} must be between 0 and {MAX_THRESHOLD:,}")
    return expr


def _threshold(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _invalid(f"Invalid type for '{path}': expected a number")
    if value < 0:
        raise _constraint(value, path, "Member must have value greater than or equal to 0")
    return float(value)


def _monitor_arns(raw: Any, path: str, acct: _Account) -> list[str]:
    _require(raw, path)
    if not isinstance(raw, list) or not all(isinstance(a, str) for a in raw):
        raise _invalid(f"Invalid type for '{path}': expected a list of strings")
    if not raw:
        raise _invalid("MonitorArnList must contain at least one monitor ARN")
    for i, arn in enumerate(raw):
        p = f"{path}.{i + 1}.member"
        _string(arn, p, 20, 2048)
        if not _ARN_RX.fullmatch(arn):
            raise _constraint(arn, p, f"Member must satisfy regular expression pattern: {_ARN_PATTERN}")
    for arn in raw:
        if arn not in acct.monitors:
            raise _unknown_monitor(arn)
    return list(dict.fromkeys(raw))


def _subscribers(raw: Any, path: str) -> list[dict[str, str]]:
    _require(raw, path)
    if not isinstance(raw, list):
        raise _invalid(f"Invalid type for '{path}': expected a list")
    if not raw:
        raise _invalid("Subscribers must contain at least one subscriber")
    if len(raw) > MAX_SUBSCRIBERS:
        raise _invalid(f"A subscription can have at most {MAX_SUBSCRIBERS} subscribers")
    out = []
    for i, s in enumerate(raw):
        p = f"{path}.{i + 1}.member"
        if not isinstance(s, dict):
            raise _invalid(f"Invalid type for '{p}': expected a structure")
        kind = _enum(s.get("Type"), SUBSCRIBER_TYPES, f"{p}.type")
        address = _string(s.get("Address"), f"{p}.address", 6, 302)
        if not _ADDRESS_RX.match(address):
            raise _constraint(address, f"{p}.address",
                              "Member must satisfy regular expression pattern: an email address or an SNS topic ARN")
        if (kind == "SNS") != address.startswith("arn:"):
            raise _invalid(f"Subscriber {address} does not match its Type {kind}")
        status = s.get("Status")
        if status is not None:
            _enum(status, SUBSCRIBER_STATUSES, f"{p}.status")
        sub = {"Address": address, "Type": kind, "Status": status or "CONFIRMED"}
        if any(o["Address"] == address and o["Type"] == kind for o in out):
            raise _invalid(f"Duplicate subscriber {address}")
        out.append(sub)
    return out


def _check_frequency(frequency: str, subscribers: list[dict[str, str]]) -> None:
    if frequency == "IMMEDIATE":
        if any(s["Type"] != "SNS" for s in subscribers):
            raise _invalid("IMMEDIATE alerts are sent to Amazon SNS topics only: every subscriber must have Type SNS")
    elif any(s["Type"] != "EMAIL" for s in subscribers):
        raise _invalid(f"{frequency} alert summaries are sent by email only: every subscriber must have Type EMAIL")


def _derived_expression(threshold: float) -> dict[str, Any]:
    return {
        "Dimensions": {
            "Key": "ANOMALY_TOTAL_IMPACT_ABSOLUTE",
            "MatchOptions": ["GREATER_THAN_OR_EQUAL"],
            "Values": [repr(threshold)],
        }
    }


def create_anomaly_subscription(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    raw = _require(req.get("AnomalySubscription"), "anomalySubscription")
    if not isinstance(raw, dict):
        raise _invalid("Invalid type for 'anomalySubscription': expected a structure")
    path = "anomalySubscription"
    name = _name(raw.get("SubscriptionName"), f"{path}.subscriptionName")
    frequency = _enum(raw.get("Frequency"), FREQUENCIES, f"{path}.frequency")
    subscribers = _subscribers(raw.get("Subscribers"), f"{path}.subscribers")
    threshold = raw.get("Threshold")
    expression = raw.get("ThresholdExpression")
    if threshold is not None and expression is not None:
        raise _invalid("Specify either Threshold or ThresholdExpression, not both")
    if threshold is None and expression is None:
        raise _invalid("One of Threshold or ThresholdExpression is required")
    if threshold is not None:
        threshold = _threshold(threshold, f"{path}.threshold")
        expression = _derived_expression(threshold)
    else:
        expression = _strip_nulls(_threshold_expression(expression, f"{path}.thresholdExpression"))
    _check_frequency(frequency, subscribers)
    tags = _resource_tags(req.get("ResourceTags"))
    with LOCK:
        acct = _account(account_id)
        monitors = _monitor_arns(raw.get("MonitorArnList"), f"{path}.monitorArnList", acct)
        arn = f"arn:aws:ce::{account_id}:anomalysubscription/{uuid.uuid4()}"
        sub: dict[str, Any] = {
            "SubscriptionArn": arn,
            "AccountId": account_id,
            "MonitorArnList": monitors,
            "Subscribers": subscribers,
            "Frequency": frequency,
            "SubscriptionName": name,
            "ThresholdExpression": expression,
        }
        if threshold is not None:
            sub["Threshold"] = threshold
        acct.subscriptions[arn] = sub
        acct.tags[arn] = tags
    return {"SubscriptionArn": arn}


def get_anomaly_subscriptions(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    wanted = _values(req.get("SubscriptionArnList"), "subscriptionArnList")
    monitor = req.get("MonitorArn")
    if monitor is not None:
        _string(monitor, "monitorArn")
    with LOCK:
        acct = _account(account_id)
        for arn in wanted:
            if arn not in acct.subscriptions:
                raise _unknown_subscription(arn)
        subs = [
            json.loads(json.dumps(s))
            for arn, s in acct.subscriptions.items()
            if (not wanted or arn in wanted) and (monitor is None or monitor in s["MonitorArnList"])
        ]
    page, token = _page(req, subs)
    out: dict[str, Any] = {"AnomalySubscriptions": page}
    if token:
        out["NextPageToken"] = token
    return out


def update_anomaly_subscription(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    arn = _string(req.get("SubscriptionArn"), "subscriptionArn")
    if req.get("Threshold") is not None and req.get("ThresholdExpression") is not None:
        raise _invalid("Specify either Threshold or ThresholdExpression, not both")
    with LOCK:
        acct = _account(account_id)
        sub = acct.subscriptions.get(arn)
        if sub is None:
            raise _unknown_subscription(arn)
        new = dict(sub)
        if req.get("SubscriptionName") is not None:
            new["SubscriptionName"] = _name(req["SubscriptionName"], "subscriptionName")
        if req.get("Frequency") is not None:
            new["Frequency"] = _enum(req["Frequency"], FREQUENCIES, "frequency")
        if req.get("Subscribers") is not None:
            new["Subscribers"] = _subscribers(req["Subscribers"], "subscribers")
        if req.get("MonitorArnList") is not None:
            new["MonitorArnList"] = _monitor_arns(req["MonitorArnList"], "monitorArnList", acct)
        if req.get("Threshold") is not None:
            new["Threshold"] = _threshold(req["Threshold"], "threshold")
            new["ThresholdExpression"] = _derived_expression(new["Threshold"])
        elif req.get("ThresholdExpression") is not None:
            new["ThresholdExpression"] = _strip_nulls(_threshold_expression(req["ThresholdExpression"],
                                                                            "thresholdExpression"))
            new.pop("Threshold", None)
        _check_frequency(new["Frequency"], new["Subscribers"])
        acct.subscriptions[arn] = new
    return {"SubscriptionArn": arn}


def delete_anomaly_subscription(account_id: str, req: dict[str, Any]) -> dict[str, Any]:
    arn = _string(req.get("SubscriptionArn"), "subscriptionArn")
    with LOCK:
        acct = _account(account_id)
        if arn not in acct.subscriptions:
            raise _unknown_subscription(arn)
        del acct.subscriptions[arn]
        acct.tags.pop(arn, None)
    return {}


OPERATIONS = (
    create_anomaly_monitor,
    get_anomaly_monitors,
    update_anomaly_monitor,
    delete_anomaly_monitor,
    create_anomaly_subscription,
    get_anomaly_subscriptions,
    update_anomaly_subscription,
    delete_anomaly_subscription,
)


def install() -> None:
    costexplorer.add_operations(*OPERATIONS)
