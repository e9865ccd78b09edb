"""AWS Budgets, answered as botocore's ``budgets 2016-10-20`` model says.

moto 5.2.5 has a partial budgets backend (no UpdateBudget, no subscriber operations, no
CalculatedSpend, no FilterExpression, no pagination). This module replaces the handlers of
moto's ``BudgetsResponse`` with its own, keeps its own per-account state and computes
``CalculatedSpend`` from the Cost Explorer line items of :mod:`awsemu.costexplorer`.

Operations: CreateBudget (with NotificationsWithSubscribers), UpdateBudget (NewBudget replaces the
budget), DeleteBudget, DescribeBudget, DescribeBudgets (MaxResults 1-1000, default 100, opaque
NextToken), CreateNotification, DeleteNotification, DescribeNotificationsForBudget,
CreateSubscriber, DeleteSubscriber, DescribeSubscribersForNotification (MaxResults 1-100). awsJson
1.1 (``X-Amz-Target: AWSBudgetServiceGateway.<Op>``); errors are ``{"__type", "Message"}`` with
HTTP 400, which the Budgets API reference gives for every Budgets error (even
InternalErrorException and ThrottlingException). Budgets is global: the signing Region does not
matter, state is per account.

Not served (aipctl sets a fixed limit and filters on whole tag and dimension values; each is
refused with InvalidParameterException rather than answered by untested code):
PlannedBudgetLimits, AutoAdjustData, BillingViewArn, CostCategories / ProductAttributes
expressions and the CostFilters ``CostCategory`` key, key-less Tags expressions, and the
STARTS_WITH / ENDS_WITH / CONTAINS match options.

What is modelled, with sources
------------------------------
- Model constraints (AccountId ``\\d{12}``, BudgetName 1-100 and its pattern, Spend Amount
  ``([0-9]*\\.)?[0-9]+``, enums, Threshold 0-15e12, Subscribers 1-11, NotificationsWithSubscribers
  <= 10, Metrics <= 1, MaxResults ranges, Expression Values >= 1) are checked on the server too,
  because botocore and the Rust SDK check only required members and types.
- Filters: either ``FilterExpression`` + ``Metrics`` or ``CostFilters`` + ``CostTypes``, "not both
  or a different combination" (CreateBudget / UpdateBudget documentation in the model):
  FilterExpression with CostFilters or CostTypes, or Metrics with CostFilters or CostTypes, is
  InvalidParameterException. FilterExpression *without* Metrics is accepted, as AWS accepts it,
  but such a budget is broken on AWS ("Selected metrics cannot be null", terraform-provider-aws
  issue 46866): its ActualSpend stays "0" here. Which form AWS prefers is confirmed, not guessed:
  the same CreateBudget / UpdateBudget documentation says "We recommend using FilterExpression and
  Metrics", and the model marks ``Budget.CostFilters`` and ``Budget.CostTypes`` deprecated since
  2025-04-18 ("CostFilters lack support for newer dimensions and filtering options"); aipctl writes
  FilterExpression + Metrics, and serves CostFilters only to read and rewrite older budgets.
- Tag spelling. In ``CostFilters`` a tag is ``TagKeyValue: ["user:<Key>$<Value>"]`` (AWS CLI
  example ``awscli/examples/budgets/create-budget.rst``; terraform-provider-aws issue 40987 citing
  the "budgets-create-filters" user guide page); ``aws:<key>$<value>`` for AWS-generated tags. A
  value without the ``user:`` prefix is accepted but matches nothing (AWS shows $0 for it,
  terraform-provider-aws issue 39850). In ``FilterExpression`` the tag is a Cost Explorer
  Expression: ``{"Tags": {"Key": "<Key>", "Values": [...]}}`` with the bare key (the Expression
  shape Cost Explorer and Cost Anomaly Detection share; a custom anomaly monitor with
  ``{"Tags": {"Key": "CostCenter", ...}}`` in terraform-provider-aws's acceptance tests). A tag only
  counts while its key is an active cost allocation tag and from its activation date on, as in
  Cost Explorer.
- FilterExpression is returned by DescribeBudget(s) only with ``ShowFilterExpression: true`` (the
  model; cloud-custodian PR 11116); Metrics always. CostFilters budgets get CostTypes defaults
  filled in (AWS CLI describe-budget example).
- Limits: 10 notifications per budget (API reference, Notification: "A budget can have up to ten
  notifications"; the model's NotificationWithSubscribersList max 10; note that the
  CreateBudget parameter text still says "five"), 1 SNS + 10 EMAIL subscribers per notification
  (NotificationWithSubscribers: "one SNS subscriber and up to 10 email subscribers, for a total of
  11"), 20,000 budgets per account (user guide, "Managing your costs with AWS Budgets"). Going over
  a notification or subscriber limit is CreationLimitExceededException ("You've exceeded the
  notification or subscriber limit.", the model), over the budget count
  ServiceQuotaExceededException.
- Amounts as AWS prints them: BudgetLimit.Amount is the amount as a Java ``Double.toString``
  ("100" -> "100.0", "432.10" -> "432.1", terraform-provider-aws budget acceptance tests);
  CalculatedSpend amounts are the exact decimal expansion of a double
  ("604.4560000000000172803993336856365203857421875", AWS CLI describe-budget example).
- CalculatedSpend: ActualSpend = the budget's metric (Metrics[0], else UnblendedCost /
  BlendedCost / AmortizedCost by CostTypes) summed over the budget account's line items dated in
  the current budget period (by ``awsemu.clock``), after the filter; CostTypes ``Include*: false``
  drop the matching RECORD_TYPEs (Credit, Refund, Tax, Support, ...). ForecastedSpend = the
  month-to-date run rate extrapolated to the period end: actual / days elapsed (today included) x
  days in the period; the model's own example (50 USD spent by the 20th -> 75 USD forecast) is
  this rule. Amounts are computed for DescribeBudget(s) at read time.
- Notifications keep the order they were created in; a notification is identified by
  NotificationType, ComparisonOperator, Threshold and ThresholdType (missing = PERCENTAGE).
  Deleting a notification deletes its subscribers; deleting the last subscriber deletes the
  notification (API reference).

Guessed AWS behaviour (not confirmed against a live account)
-------------------------------------------------------------
The messages of all errors; InvalidParameterException (the model has no ValidationException)
for model-constraint failures; the bare-key tag spelling in FilterExpression (so
``"Key": "user:Department"`` there matches nothing); that a FilterExpression budget without
Metrics shows "0"; AccessDeniedException when AccountId is not the caller's account;
DescribeBudgets sorted by name and an empty list (not NotFoundException) for an account without
budgets; ThresholdType left out of DescribeNotificationsForBudget when it is PERCENTAGE (older
observation quoted in terraform-provider-aws's budget resource); NotificationState computed from
the current spend; ForecastedSpend left out for DAILY budgets and while the filter has no line
item dated before the current period (Cost Explorer gives no forecast with less than a billing
cycle of data); the forecast method itself; CostTypes -> RECORD_TYPE mapping; UpdateBudget keeping
the old TimePeriod when NewBudget has none; email/SNS address checks; MatchOptions accepted in
FilterExpression (EQUALS, ABSENT, CASE_SENSITIVE, CASE_INSENSITIVE); ActualSpend "0" for RI/Savings
Plans budget types; pagination default page sizes of
the notification/subscriber listings (100).

moto internals patched: ``moto.budgets.responses.BudgetsResponse`` (handler methods replaced and
added).
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import json
import math
import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from . import clock, costexplorer

DEFAULT_ACCOUNT = costexplorer.DEFAULT_ACCOUNT
END_OF_TIME = 3706473600.0  # 2087-06-15T00:00:00Z, AWS's default end (Budget.TimePeriod docs)
MAX_BUDGETS = 20_000
MAX_NOTIFICATIONS = 10
MAX_EMAIL_SUBSCRIBERS = 10
MAX_SNS_SUBSCRIBERS = 1
BUDGETS_PAGE_DEFAULT = 100
LIST_PAGE_DEFAULT = 100

TIME_UNITS = ["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY", "CUSTOM"]
BUDGET_TYPES = [
    "USAGE", "COST", "RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION", "SAVINGS_PLANS_COVERAGE",
]
NOTIFICATION_TYPES = ["ACTUAL", "FORECASTED"]
COMPARISON_OPERATORS = ["GREATER_THAN", "LESS_THAN", "EQUAL_TO"]
THRESHOLD_TYPES = ["PERCENTAGE", "ABSOLUTE_VALUE"]
NOTIFICATION_STATES = ["OK", "ALARM"]
SUBSCRIPTION_TYPES = ["SNS", "EMAIL"]
METRICS = [
    "BlendedCost", "UnblendedCost", "AmortizedCost", "NetUnblendedCost", "NetAmortizedCost",
    "UsageQuantity", "NormalizedUsageAmount", "Hours",
]
DIMENSIONS = [
    "AZ", "INSTANCE_TYPE", "LINKED_ACCOUNT", "LINKED_ACCOUNT_NAME", "OPERATION", "PURCHASE_TYPE", "REGION",
    "SERVICE", "SERVICE_CODE", "USAGE_TYPE", "USAGE_TYPE_GROUP", "RECORD_TYPE", "OPERATING_SYSTEM", "TENANCY",
    "SCOPE", "PLATFORM", "SUBSCRIPTION_ID", "LEGAL_ENTITY_NAME", "INVOICING_ENTITY", "DEPLOYMENT_OPTION",
    "DATABASE_ENGINE", "CACHE_ENGINE", "INSTANCE_TYPE_FAMILY", "BILLING_ENTITY", "RESERVATION_ID", "RESOURCE_ID",
    "RIGHTSIZING_TYPE", "SAVINGS_PLANS_TYPE", "SAVINGS_PLAN_ARN", "PAYMENT_OPTION", "RESERVATION_MODIFIED",
    "TAG_KEY", "COST_CATEGORY_NAME",
]
MATCH_OPTIONS = [
    "EQUALS", "ABSENT", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "GREATER_THAN_OR_EQUAL", "CASE_SENSITIVE",
    "CASE_INSENSITIVE",
]
# aipctl matches whole values; STARTS_WITH, ENDS_WITH and CONTAINS are not served.
_FILTER_MATCH_OPTIONS = {"EQUALS", "ABSENT", "CASE_SENSITIVE", "CASE_INSENSITIVE"}
_EXPR_OPS = ("Or", "And", "Not", "Dimensions", "Tags", "CostCategories", "ProductAttributes")
_ROOTS_MSG = "Only one root operator is allowed for each expression: And, Or, Not, Dimensions, Tags, CostCategories"
COST_TYPE_KEYS = [
    "IncludeTax", "IncludeSubscription", "UseBlended", "IncludeRefund", "IncludeCredit", "IncludeUpfront",
    "IncludeRecurring", "IncludeOtherSubscription", "IncludeSupport", "IncludeDiscount", "UseAmortized",
]
_COST_TYPE_DEFAULTS = {k: not k.startswith("Use") for k in COST_TYPE_KEYS}
# CostTypes Include* flag -> Cost Explorer RECORD_TYPE values it stands for (guess).
_COST_TYPE_RECORDS = {
    "IncludeCredit": {"Credit"},
    "IncludeRefund": {"Refund"},
    "IncludeTax": {"Tax"},
    "IncludeSupport": {"Support"},
    "IncludeUpfront": {"Upfront", "SavingsPlanUpfrontFee"},
    "IncludeRecurring": {"Recurring", "RIFee", "SavingsPlanRecurringFee"},
    "IncludeDiscount": {"Discount", "BundledDiscount", "EdpDiscount", "PrivateRateDiscount"},
    "IncludeSubscription": {"Subscription"},
    "IncludeOtherSubscription": {"OtherSubscription"},
}
# Legacy CostFilters keys -> Cost Explorer dimensions (TagKeyValue is special; CostCategory is not served).
_COST_FILTER_DIMENSIONS = {
    "AZ": "AZ", "BillingEntity": "BILLING_ENTITY", "InstanceType": "INSTANCE_TYPE",
    "InstanceTypeFamily": "INSTANCE_TYPE_FAMILY", "InvoicingEntity": "INVOICING_ENTITY",
    "LegalEntityName": "LEGAL_ENTITY_NAME", "LinkedAccount": "LINKED_ACCOUNT", "Operation": "OPERATION",
    "Platform": "PLATFORM", "PurchaseType": "PURCHASE_TYPE", "RecordType": "RECORD_TYPE", "Region": "REGION",
    "Service": "SERVICE", "Tenancy": "TENANCY", "UsageType": "USAGE_TYPE", "UsageTypeGroup": "USAGE_TYPE_GROUP",
}
_NAME_RX = re.compile(r"^(?![^:\\]*/action/|(?i:.*<script>.*</script>.*))[^:\\]+$", re.DOTALL)
_NAME_PATTERN = "^(?![^:\\\\]*/action/|(?i).*<script>.*</script>.*)[^:\\\\]+$"
_AMOUNT_RX = re.compile(r"([0-9]*\.)?[0-9]+")
_ACCOUNT_RX = re.compile(r"\d{12}")
_EMAIL_RX = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_SNS_RX = re.compile(r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$")

LOCK = threading.RLock()


# --------------------------------------------------------------------------- errors


class BudgetsError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def _invalid(message: str) -> BudgetsError:
    return BudgetsError("InvalidParameterException", message)


def _constraint(value: Any, path: str, constraint: str) -> BudgetsError:
    shown = "null" if value is None else f"'{value}'"
    return _invalid(f"1 validation error detected: Value {shown} at '{path}' failed to satisfy constraint: "
                    f"{constraint}")


def _require(value: Any, path: str) -> Any:
    if value is None:
        raise _constraint(None, path, "Member must not be null")
    return value


def _string(value: Any, path: str, min_len: int = 0, max_len: int | None = None) -> str:
    _require(value, path)
    if not isinstance(value, str):
        raise _invalid(f"Invalid type for '{path}': expected a string")
    if len(value) < min_len:
        raise _constraint(value, path, f"Member must have length greater than or equal to {min_len}")
    if max_len is not None and len(value) > max_len:
        raise _constraint(value, path, f"Member must have length less than or equal to {max_len}")
    return value


def _enum(value: Any, allowed: list[str], path: str) -> str:
    _require(value, path)
    if value not in allowed:
        raise _constraint(value, path, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
    return value


def _bool(value: Any, path: str) -> bool | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _invalid(f"Invalid type for '{path}': expected a boolean")
    return value


def _number(value: Any, path: str) -> float:
    _require(value, path)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _invalid(f"Invalid type for '{path}': expected a number")
    return float(value)


# --------------------------------------------------------------------------- number formats


def java_double(x: float) -> str:
    """``Double.toString`` as Java prints it ("100.0", "432.1", "1.0E7")."""
    if x == 0:
        return "-0.0" if math.copysign(1.0, x) < 0 else "0.0"
    a = abs(x)
    if 1e-3 <= a < 1e7:
        text = repr(x)
        return text if "." in text else text + ".0"
    sign, digits, exp = Decimal(repr(x)).normalize().as_tuple()
    mantissa = "".join(map(str, digits))
    point_exp = len(digits) - 1 + exp
    text = mantissa[0] + "." + (mantissa[1:] or "0")
    return ("-" if sign else "") + f"{text}E{point_exp}"


def big_decimal(x: float) -> str:
    """``new BigDecimal(double).toString()``: the double's exact decimal value."""
    return str(Decimal(x))


# --------------------------------------------------------------------------- state


class _Notification:
    __slots__ = ("spec", "subscribers")

    def __init__(self, spec: dict[str, Any], subscribers: list[dict[str, str]]) -> None:
        self.spec = spec
        self.subscribers = subscribers


class _Budget:
    def __init__(self, spec: dict[str, Any], tags: list[dict[str, str]]) -> None:
        self.spec = spec
        self.notifications: list[_Notification] = []
        self.tags = tags


_ACCOUNTS: dict[str, dict[str, _Budget]] = {}


def reset() -> None:
    with LOCK:
        _ACCOUNTS.clear()


def _budgets(account_id: str) -> dict[str, _Budget]:
    return _ACCOUNTS.setdefault(account_id, {})


# --------------------------------------------------------------------------- validation


def _account_id(req: dict[str, Any], caller: str) -> str:
    value = _string(req.get("AccountId"), "accountId")
    if len(value) != 12:
        bound = "greater than or equal to 12" if len(value) < 12 else "less than or equal to 12"
        raise _constraint(value, "accountId", f"Member must have length {bound}")
    if not _ACCOUNT_RX.fullmatch(value):
        raise _constraint(value, "accountId", "Member must satisfy regular expression pattern: \\d{12}")
    if value != caller:
        raise BudgetsError(
            "AccessDeniedException",
            f"User: arn:aws:iam::{caller}:root is not authorized to access the budgets of account {value}",
        )
    return value


def _budget_name(value: Any, path: str) -> str:
    name = _string(value, path, 1, 100)
    if not _NAME_RX.match(name):
        raise _constraint(name, path, f"Member must satisfy regular expression pattern: {_NAME_PATTERN}")
    return name


def _spend(value: Any, path: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _invalid(f"Invalid type for '{path}': expected a structure")
    amount = _string(value.get("Amount"), f"{path}.amount", 1)
    if not _AMOUNT_RX.fullmatch(amount):
        raise _constraint(amount, f"{path}.amount",
                          "Member must satisfy regular expression pattern: ([0-9]*\\.)?[0-9]+")
    unit = _string(value.get("Unit"), f"{path}.unit", 1)
    return {"Amount": amount, "Unit": unit}


def _timestamp(value: Any, path: str) -> float | None:
    if value is None:
        return None
    return _number(value, path)


def _notification(value: Any, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _invalid(f"Invalid type for '{path}': expected a structure")
    spec: dict[str, Any] = {
        "NotificationType": _enum(value.get("NotificationType"), NOTIFICATION_TYPES, f"{path}.notificationType"),
        "ComparisonOperator": _enum(value.get("ComparisonOperator"), COMPARISON_OPERATORS,
                                    f"{path}.comparisonOperator"),
    }
    threshold = _number(value.get("Threshold"), f"{path}.threshold")
    if threshold < 0:
        raise _constraint(threshold, f"{path}.threshold", "Member must have value greater than or equal to 0")
    if threshold > 15_000_000_000_000:
        raise _constraint(threshold, f"{path}.threshold", "Member must have value less than or equal to 15000000000000")
    spec["Threshold"] = threshold
    spec["ThresholdType"] = (
        _enum(value["ThresholdType"], THRESHOLD_TYPES, f"{path}.thresholdType")
        if value.get("ThresholdType") is not None
        else "PERCENTAGE"
    )
    if value.get("NotificationState") is not None:
        _enum(value["NotificationState"], NOTIFICATION_STATES, f"{path}.notificationState")
    return spec


def _same_notification(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a[k] == b[k] for k in ("NotificationType", "ComparisonOperator", "Threshold", "ThresholdType"))


def _subscriber(value: Any, path: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise _invalid(f"Invalid type for '{path}': expected a structure")
    kind = _enum(value.get("SubscriptionType"), SUBSCRIPTION_TYPES, f"{path}.subscriptionType")
    address = _string(value.get("Address"), f"{path}.address", 1)
    if any(c in address for c in "\r\n"):
        raise _invalid("The subscriber address can't contain line breaks.")
    if kind == "EMAIL" and not _EMAIL_RX.match(address):
        raise _invalid(f"Invalid email address: {address}")
    if kind == "SNS" and not _SNS_RX.match(address):
        raise _invalid(f"Invalid SNS topic ARN: {address}")
    return {"SubscriptionType": kind, "Address": address}


def _check_subscriber_limits(subscribers: list[dict[str, str]]) -> None:
    seen: set[tuple[str, str]] = set()
    for s in subscribers:
        key = (s["SubscriptionType"], s["Address"])
        if key in seen:
            raise BudgetsError("DuplicateRecordException",
                               f"Error creating subscriber: {s['Address']} - the subscriber already exists.")
        seen.add(key)
    sns = sum(1 for s in subscribers if s["SubscriptionType"] == "SNS")
    email = len(subscribers) - sns
    if sns > MAX_SNS_SUBSCRIBERS:
        raise BudgetsError("CreationLimitExceededException",
                           f"A notification can have at most {MAX_SNS_SUBSCRIBERS} SNS subscriber.")
    if email > MAX_EMAIL_SUBSCRIBERS:
        raise BudgetsError("CreationLimitExceededException",
                           f"A notification can have at most {MAX_EMAIL_SUBSCRIBERS} email subscribers.")


def _subscribers(value: Any, path: str) -> list[dict[str, str]]:
    _require(value, path)
    if not isinstance(value, list):
        raise _invalid(f"Invalid type for '{path}': expected a list")
    if len(value) < 1:
        raise _constraint("[]", path, "Member must have length greater than or equal to 1")
    if len(value) > 11:
        raise _constraint("[...]", path, "Member must have length less than or equal to 11")
    subs = [_subscriber(s, f"{path}.{i + 1}.member") for i, s in enumerate(value)]
    _check_subscriber_limits(subs)
    return subs


# --------------------------------------------------------------------------- filters

Predicate = Callable[[costexplorer.LineItem, Callable[[costexplorer.LineItem, str], "str | None"]], bool]


def _values(raw: Any, path: str, required: bool) -> list[str]:
    if raw is None:
        if required:
            raise _constraint(None, path, "Member must not be null")
        return []
    if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
        raise _invalid(f"Invalid type for '{path}': expected a list of strings")
    if len(raw) < 1:
        raise _constraint("[]", path, "Member must have length greater than or equal to 1")
    for v in raw:
        if len(v) > 1024:
            raise _constraint(v, path, "Member must have length less than or equal to 1024")
    return raw


def _options(raw: Any, path: str) -> set[str]:
    if raw is None:
        return set()
    if not isinstance(raw, list):
        raise _invalid(f"Invalid type for '{path}': expected a list")
    for i, opt in enumerate(raw):
        _enum(opt, MATCH_OPTIONS, f"{path}.{i + 1}.member")
        if opt not in _FILTER_MATCH_OPTIONS:
            raise _invalid(f"MatchOption {opt} is not supported in a budget filter.")
    return set(raw)


def _matcher(values: list[str], opts: set[str]) -> Callable[[str], bool]:
    fold = "CASE_INSENSITIVE" in opts
    exact = {v.lower() for v in values} if fold else set(values)
    return lambda got: (got.lower() if fold else got) in exact


def _dimension_value(item: costexplorer.LineItem, key: str) -> str:
    return item.dimension(key)


def compile_expression(expr: Any, path: str = "budget.filterExpression") -> Predicate:
    """A Budgets ``Expression`` -> predicate(item, tag)."""
    if not isinstance(expr, dict):
        raise _invalid(f"Invalid type for '{path}': expected a structure")
    present = [op for op in _EXPR_OPS if expr.get(op) is not None]
    if len(present) > 1:
        raise _invalid(f"Expression has more than one roots. {_ROOTS_MSG}")
    if not present:
        raise _invalid(f"Expression has zero or more than one roots. {_ROOTS_MSG}")
    op = present[0]
    value = expr[op]
    if op in ("And", "Or"):
        if not isinstance(value, list) or len(value) < 2:
            raise _invalid(f"{op} expression must have at least 2 operands")
        subs = [compile_expression(e, f"{path}.{op.lower()}.{i + 1}.member") for i, e in enumerate(value)]
        if op == "And":
            return lambda item, tag: all(f(item, tag) for f in subs)
        return lambda item, tag: any(f(item, tag) for f in subs)
    if op == "Not":
        sub = compile_expression(value, f"{path}.not")
        return lambda item, tag: not sub(item, tag)
    if not isinstance(value, dict):
        raise _invalid(f"Invalid type for '{path}.{op[0].lower() + op[1:]}': expected a structure")
    if op == "Dimensions":
        p = f"{path}.dimensions"
        key = _enum(value.get("Key"), DIMENSIONS, f"{p}.key")
        values = _values(value.get("Values"), f"{p}.values", required=True)
        opts = _options(value.get("MatchOptions"), f"{p}.matchOptions")
        match = _matcher(values, opts)
        absent = "ABSENT" in opts
        return lambda item, tag: (absent and not _dimension_value(item, key)) or (
            not absent and match(_dimension_value(item, key))
        )
    if op == "Tags":
        p = f"{path}.tags"
        key = value.get("Key")
        if key is not None:
            _string(key, f"{p}.key", 0, 1024)
        values = _values(value.get("Values"), f"{p}.values", required=False)
        opts = _options(value.get("MatchOptions"), f"{p}.matchOptions")
        if not key:  # AWS's key-less form ("no tags at all") is not served
            raise _invalid("Tags filters in the aipctl Budgets emulator need a Key")
        absent = "ABSENT" in opts or not values
        match = _matcher(values, opts) if values else (lambda got: False)

        def tag_match(item: costexplorer.LineItem, tag: Callable[..., Any]) -> bool:
            got = tag(item, key)
            if got is None:
                return absent or "" in values
            return match(got)

        return tag_match
    # aipctl filters budgets on dimensions and tags only.
    raise _invalid(f"{op} filters are not supported by the aipctl Budgets emulator")


def compile_cost_filters(filters: Any, path: str = "budget.costFilters") -> Predicate:
    """The legacy ``CostFilters`` map -> predicate(item, tag): AND across keys, OR within a key."""
    if not isinstance(filters, dict):
        raise _invalid(f"Invalid type for '{path}': expected a map")
    parts: list[Predicate] = []
    for key, raw in filters.items():
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise _invalid(f"Invalid type for '{path}.{key}': expected a list of strings")
        if not raw:
            raise _invalid(f"Cost filter {key} must have at least one value")
        if key == "TagKeyValue":
            wanted: list[tuple[str, str]] = []
            for v in raw:
                if "$" not in v:
                    raise _invalid(f"Invalid TagKeyValue {v}: expected <prefix>:<key>$<value>, e.g. "
                                   "user:Department$Search")
                full_key, _, tag_value = v.partition("$")
                if full_key.startswith("user:"):
                    wanted.append((full_key[len("user:"):], tag_value))
                elif full_key.startswith("aws:"):
                    wanted.append((full_key, tag_value))
                # Without a "user:"/"aws:" prefix AWS accepts the value but matches nothing.
            parts.append(
                lambda item, tag, wanted=wanted: any(
                    (tag(item, k) or "") == val for k, val in wanted
                )
            )
        elif key in _COST_FILTER_DIMENSIONS:
            dim = _COST_FILTER_DIMENSIONS[key]
            values = set(raw)
            parts.append(lambda item, tag, dim=dim, values=values: _dimension_value(item, dim) in values)
        else:
            raise _invalid(
                f"Unsupported cost filter key: {key}. Supported keys: "
                + ", ".join(sorted(list(_COST_FILTER_DIMENSIONS) + ["TagKeyValue"]))
            )
    return lambda item, tag: all(p(item, tag) for p in parts)


# --------------------------------------------------------------------------- budget spec


def _budget_spec(raw: Any, path: str, old: dict[str, Any] | None = None) -> dict[str, Any]:
    """Validate a Budget structure; returns the stored form."""
    if not isinstance(raw, dict):
        raise _constraint(None if raw is None else raw, path, "Member must not be null")
    spec: dict[str, Any] = {"BudgetName": _budget_name(raw.get("BudgetName"), f"{path}.budgetName")}
    spec["TimeUnit"] = _enum(raw.get("TimeUnit"), TIME_UNITS, f"{path}.timeUnit")
    spec["BudgetType"] = _enum(raw.get("BudgetType"), BUDGET_TYPES, f"{path}.budgetType")
    btype = spec["BudgetType"]

    # aipctl sets a fixed BudgetLimit: per-period limits, auto-adjusting budgets
    # and billing views are not served.
    for member in ("PlannedBudgetLimits", "AutoAdjustData", "BillingViewArn"):
        if raw.get(member) is not None:
            raise _invalid(f"{member} is not supported by the aipctl Budgets emulator")
    limit = raw.get("BudgetLimit")
    if limit is not None:
        spec["BudgetLimit"] = _spend(limit, f"{path}.budgetLimit")
    elif btype in ("COST", "USAGE"):
        raise _invalid(
            "Unable to create/update budget - please provide one of the followings: "
            "Budget Limit/ Planned Budget Limit/ Auto Adjust Data"
        )
    else:
        spec["BudgetLimit"] = {"Amount": "100", "Unit": "PERCENTAGE"}

    cost_filters = raw.get("CostFilters")
    cost_types = raw.get("CostTypes")
    expression = raw.get("FilterExpression")
    metrics = raw.get("Metrics")
    if expression is not None and (cost_filters is not None or cost_types is not None):
        raise _invalid(
            "FilterExpression can't be used with CostFilters or CostTypes: use either FilterExpression and "
            "Metrics, or CostFilters and CostTypes"
        )
    if metrics is not None and (cost_filters is not None or cost_types is not None):
        raise _invalid(
            "Metrics can't be used with CostFilters or CostTypes: use either FilterExpression and Metrics, "
            "or CostFilters and CostTypes"
        )
    if cost_filters is not None:
        compile_cost_filters(cost_filters, f"{path}.costFilters")
        spec["CostFilters"] = {k: list(v) for k, v in cost_filters.items()}
    if cost_types is not None:
        if not isinstance(cost_types, dict):
            raise _invalid(f"Invalid type for '{path}.costTypes': expected a structure")
        for k, v in cost_types.items():
            if k not in COST_TYPE_KEYS:
                raise _invalid(f"Unknown CostTypes member {k}")
            _bool(v, f"{path}.costTypes.{k[0].lower() + k[1:]}")
        spec["CostTypes"] = {k: v for k, v in cost_types.items() if v is not None}
    if expression is not None:
        compile_expression(expression, f"{path}.filterExpression")
        spec["FilterExpression"] = expression
    if metrics is not None:
        if not isinstance(metrics, list):
            raise _invalid(f"Invalid type for '{path}.metrics': expected a list")
        if len(metrics) > 1:
            raise _constraint("[...]", f"{path}.metrics", "Member must have length less than or equal to 1")
        for i, m in enumerate(metrics):
            _enum(m, METRICS, f"{path}.metrics.{i + 1}.member")
        spec["Metrics"] = list(metrics)

    tp = raw.get("TimePeriod")
    start = end = None
    if tp is not None:
        if not isinstance(tp, dict):
            raise _invalid(f"Invalid type for '{path}.timePeriod': expected a structure")
        start = _timestamp(tp.get("Start"), f"{path}.timePeriod.start")
        end = _timestamp(tp.get("End"), f"{path}.timePeriod.end")
    elif old is not None:
        start, end = old["TimePeriod"]["Start"], old["TimePeriod"]["End"]
    if start is None:
        start = _period_bounds(spec["TimeUnit"], clock.today())[0]
        start = float(calendar.timegm(start.timetuple()))
    if end is None:
        end = END_OF_TIME
    if spec["TimeUnit"] == "CUSTOM" and tp is None and old is None:
        raise _invalid("TimePeriod is required for a budget with TimeUnit CUSTOM")
    if start >= end:
        raise _invalid("The budget's start date must come before its end date.")
    if end > END_OF_TIME:
        raise _invalid("The budget's end date must come before 06/15/87 00:00 UTC.")
    spec["TimePeriod"] = {"Start": start, "End": end}
    return spec


# --------------------------------------------------------------------------- CalculatedSpend


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def _period_bounds(time_unit: str, today: date) -> tuple[date, date]:
    """(first, last) day of the budget period that contains ``today`` (CUSTOM: the month, a default)."""
    if time_unit == "DAILY":
        return today, today
    if time_unit == "QUARTERLY":
        first = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return first, _add_months(first, 3) - timedelta(days=1)
    if time_unit == "ANNUALLY":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    first = today.replace(day=1)
    return first, _add_months(first, 1) - timedelta(days=1)


def _day(ts: float) -> date:
    return datetime.fromtimestamp(ts, tz=UTC).date()


def _spend_metric(spec: dict[str, Any]) -> str:
    if spec.get("Metrics"):
        m = spec["Metrics"][0]
        return {"Hours": "UsageQuantity"}.get(m, m)
    if spec["BudgetType"] == "USAGE":
        return "UsageQuantity"
    ct = {**_COST_TYPE_DEFAULTS, **spec.get("CostTypes", {})}
    if ct["UseAmortized"]:
        return "AmortizedCost"
    if ct["UseBlended"]:
        return "BlendedCost"
    return "UnblendedCost"


def _spend_filter(spec: dict[str, Any]) -> Predicate | None:
    parts: list[Predicate] = []
    if "FilterExpression" in spec:
        parts.append(compile_expression(spec["FilterExpression"]))
    if "CostFilters" in spec:
        parts.append(compile_cost_filters(spec["CostFilters"]))
    if "FilterExpression" not in spec and "Metrics" not in spec:
        ct = {**_COST_TYPE_DEFAULTS, **spec.get("CostTypes", {})}
        excluded: set[str] = set()
        for flag, records in _COST_TYPE_RECORDS.items():
            if not ct[flag]:
                excluded |= records
        if excluded:
            parts.append(lambda item, tag, excluded=excluded: item.record_type not in excluded)
    if not parts:
        return None
    return lambda item, tag: all(p(item, tag) for p in parts)


def calculated_spend(account_id: str, spec: dict[str, Any]) -> tuple[dict[str, Any], Decimal, Decimal | None]:
    """(CalculatedSpend JSON, actual, forecast or None) for the current period."""
    today = clock.today()
    first, last = _period_bounds(spec["TimeUnit"], today)
    start, end = _day(spec["TimePeriod"]["Start"]), _day(spec["TimePeriod"]["End"] - 1e-6)
    if spec["TimeUnit"] == "CUSTOM":
        first, last = start, end
    unit = spec["BudgetLimit"]["Unit"]
    zero = {"ActualSpend": {"Amount": "0", "Unit": unit}}
    broken = "FilterExpression" in spec and not spec.get("Metrics")
    if spec["BudgetType"] not in ("COST", "USAGE") or broken or start > today or end < first:
        return zero, Decimal(0), None
    first_counted = max(first, start)
    last_counted = min(last, end, today)
    predicate = _spend_filter(spec)
    metric = _spend_metric(spec)
    actual, _ = costexplorer.matching_cost(account_id, first_counted, last_counted, predicate, metric)
    out: dict[str, Any] = {"ActualSpend": {"Amount": big_decimal(float(actual)), "Unit": unit}}
    forecast: Decimal | None = None
    if spec["TimeUnit"] != "DAILY":
        _, history = costexplorer.matching_cost(account_id, date(1, 1, 1), first - timedelta(days=1), predicate, metric)
        if history:
            elapsed = (today - first).days + 1
            days = (last - first).days + 1
            forecast = actual / Decimal(elapsed) * Decimal(days)
            out["ForecastedSpend"] = {"Amount": big_decimal(float(forecast)), "Unit": unit}
    return out, actual, forecast


def _state(notification: dict[str, Any], limit: dict[str, str], actual: Decimal, forecast: Decimal | None) -> str:
    value = actual if notification["NotificationType"] == "ACTUAL" else forecast
    if value is None:
        return "OK"
    threshold = Decimal(repr(notification["Threshold"]))
    if notification["ThresholdType"] == "PERCENTAGE":
        threshold = threshold * Decimal(limit["Amount"]) / 100
    op = notification["ComparisonOperator"]
    hit = value > threshold if op == "GREATER_THAN" else value < threshold if op == "LESS_THAN" else value == threshold
    return "ALARM" if hit else "OK"


# --------------------------------------------------------------------------- output


def _budget_json(account_id: str, budget: _Budget, show_expression: bool) -> dict[str, Any]:
    spec = budget.spec
    calc, _, _ = calculated_spend(account_id, spec)
    out: dict[str, Any] = {"BudgetName": spec["BudgetName"]}
    limit = spec["BudgetLimit"]
    out["BudgetLimit"] = {"Amount": java_double(float(limit["Amount"])), "Unit": limit["Unit"]}
    if "CostFilters" in spec:
        out["CostFilters"] = spec["CostFilters"]
    if spec["BudgetType"] == "COST" and "FilterExpression" not in spec and "Metrics" not in spec:
        out["CostTypes"] = {**_COST_TYPE_DEFAULTS, **spec.get("CostTypes", {})}
    out["TimeUnit"] = spec["TimeUnit"]
    out["TimePeriod"] = dict(spec["TimePeriod"])
    out["CalculatedSpend"] = calc
    out["BudgetType"] = spec["BudgetType"]
    out["LastUpdatedTime"] = spec["LastUpdatedTime"]
    if show_expression and "FilterExpression" in spec:
        out["FilterExpression"] = spec["FilterExpression"]
    if "Metrics" in spec:
        out["Metrics"] = spec["Metrics"]
    return out


def _notification_json(
    spec: dict[str, Any], n: _Notification, actual: Decimal, forecast: Decimal | None
) -> dict[str, Any]:
    limit = spec["BudgetLimit"]
    out: dict[str, Any] = {
        "NotificationType": n.spec["NotificationType"],
        "ComparisonOperator": n.spec["ComparisonOperator"],
        "Threshold": n.spec["Threshold"],
    }
    if n.spec["ThresholdType"] != "PERCENTAGE":
        out["ThresholdType"] = n.spec["ThresholdType"]
    out["NotificationState"] = _state(n.spec, limit, actual, forecast)
    return out


# --------------------------------------------------------------------------- pagination


def _fingerprint(req: dict[str, Any]) -> str:
    body = {k: v for k, v in req.items() if k not in ("NextToken", "MaxResults")}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]


def _page(req: dict[str, Any], items: list[Any], default: int, maximum: int) -> tuple[list[Any], str | None]:
    max_results = req.get("MaxResults")
    if max_results is None:
        max_results = default
    elif isinstance(max_results, bool) or not isinstance(max_results, int):
        raise _invalid("Invalid type for 'maxResults': expected an integer")
    elif max_results < 1:
        raise _constraint(max_results, "maxResults", "Member must have value greater than or equal to 1")
    elif max_results > maximum:
        raise _constraint(max_results, "maxResults", f"Member must have value less than or equal to {maximum}")
    fp = _fingerprint(req)
    offset = 0
    token = req.get("NextToken")
    if token:
        try:
            data = json.loads(base64.urlsafe_b64decode(str(token).encode()))
            offset = int(data["o"])
            if data["h"] != fp or offset < 0 or offset > len(items):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise BudgetsError("InvalidNextTokenException", "The pagination token is invalid.") from None
    page = items[offset : offset + max_results]
    nxt = None
    if offset + max_results < len(items):
        nxt = base64.urlsafe_b64encode(json.dumps({"o": offset + max_results, "h": fp}).encode()).decode()
    return page, nxt


# --------------------------------------------------------------------------- operations


def _find(account_id: str, name: str, verb: str) -> _Budget:
    budget = _budgets(account_id).get(name)
    if budget is None:
        raise BudgetsError("NotFoundException", f"Unable to {verb}: {name} - the budget doesn't exist.")
    return budget


def _find_notification(budget: _Budget, spec: dict[str, Any], verb: str) -> _Notification:
    for n in budget.notifications:
        if _same_notification(n.spec, spec):
            return n
    raise BudgetsError("NotFoundException", f"Unable to {verb} - the notification doesn't exist.")


def _now_epoch() -> float:
    return float(int(clock.epoch()))


def create_budget(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    spec = _budget_spec(_require(req.get("Budget"), "budget"), "budget")
    raw_notifications = req.get("NotificationsWithSubscribers") or []
    if not isinstance(raw_notifications, list):
        raise _invalid("Invalid type for 'notificationsWithSubscribers': expected a list")
    if len(raw_notifications) > MAX_NOTIFICATIONS:
        raise BudgetsError("CreationLimitExceededException",
                           f"A budget can have at most {MAX_NOTIFICATIONS} notifications.")
    notifications: list[_Notification] = []
    for i, nws in enumerate(raw_notifications):
        path = f"notificationsWithSubscribers.{i + 1}.member"
        if not isinstance(nws, dict):
            raise _invalid(f"Invalid type for '{path}': expected a structure")
        n = _notification(_require(nws.get("Notification"), f"{path}.notification"), f"{path}.notification")
        subs = _subscribers(nws.get("Subscribers"), f"{path}.subscribers")
        if any(_same_notification(x.spec, n) for x in notifications):
            raise BudgetsError("DuplicateRecordException",
                               "Error creating notification - the notification already exists.")
        notifications.append(_Notification(n, subs))
    tags = req.get("ResourceTags") or []
    if not isinstance(tags, list) or len(tags) > 200:
        raise _constraint("[...]", "resourceTags", "Member must have length less than or equal to 200")
    for i, t in enumerate(tags):
        p = f"resourceTags.{i + 1}.member"
        if not isinstance(t, dict):
            raise _invalid(f"Invalid type for '{p}': expected a structure")
        _string(t.get("Key"), f"{p}.key", 1, 128)
        _string(t.get("Value"), f"{p}.value", 0, 256)
    with LOCK:
        budgets = _budgets(account_id)
        name = spec["BudgetName"]
        if name in budgets:
            raise BudgetsError("DuplicateRecordException",
                               f"Error creating budget: {name} - the budget already exists.")
        if len(budgets) >= MAX_BUDGETS:
            raise BudgetsError("ServiceQuotaExceededException",
                               f"You've reached the limit of {MAX_BUDGETS} budgets for this account.")
        spec["LastUpdatedTime"] = _now_epoch()
        budget = _Budget(spec, [dict(t) for t in tags])
        budget.notifications = notifications
        budgets[name] = budget
    return {}


def update_budget(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    raw = _require(req.get("NewBudget"), "newBudget")
    if not isinstance(raw, dict):
        raise _invalid("Invalid type for 'newBudget': expected a structure")
    name = _budget_name(raw.get("BudgetName"), "newBudget.budgetName")
    with LOCK:
        budget = _find(account_id, name, "update budget")
        spec = _budget_spec(raw, "newBudget", old=budget.spec)
        spec["LastUpdatedTime"] = _now_epoch()
        budget.spec = spec
    return {}


def delete_budget(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    name = _budget_name(req.get("BudgetName"), "budgetName")
    with LOCK:
        budgets = _budgets(account_id)
        if name not in budgets:
            raise BudgetsError(
                "NotFoundException",
                f"Unable to delete budget: {name} - the budget doesn't exist. Try creating it first. "
            )
        del budgets[name]
    return {}


def describe_budget(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    name = _budget_name(req.get("BudgetName"), "budgetName")
    show = bool(_bool(req.get("ShowFilterExpression"), "showFilterExpression"))
    with LOCK:
        budget = _find(account_id, name, "get budget")
        return {"Budget": _budget_json(account_id, budget, show)}


def describe_budgets(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    show = bool(_bool(req.get("ShowFilterExpression"), "showFilterExpression"))
    if req.get("NextToken") is not None:
        _string(req["NextToken"], "nextToken")
    with LOCK:
        budgets = [b for _, b in sorted(_budgets(account_id).items())]
        page, token = _page(req, budgets, BUDGETS_PAGE_DEFAULT, 1000)
        out: dict[str, Any] = {"Budgets": [_budget_json(account_id, b, show) for b in page]}
    if token:
        out["NextToken"] = token
    return out


def create_notification(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    name = _budget_name(req.get("BudgetName"), "budgetName")
    spec = _notification(_require(req.get("Notification"), "notification"), "notification")
    subs = _subscribers(req.get("Subscribers"), "subscribers")
    with LOCK:
        budget = _budgets(account_id).get(name)
        if budget is None:
            raise BudgetsError("NotFoundException", "Unable to create notification - the budget doesn't exist.")
        if any(_same_notification(n.spec, spec) for n in budget.notifications):
            raise BudgetsError("DuplicateRecordException",
                               "Error creating notification - the notification already exists.")
        if len(budget.notifications) >= MAX_NOTIFICATIONS:
            raise BudgetsError("CreationLimitExceededException",
                               f"A budget can have at most {MAX_NOTIFICATIONS} notifications.")
        budget.notifications.append(_Notification(spec, subs))
    return {}


def delete_notification(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    name = _budget_name(req.get("BudgetName"), "budgetName")
    spec = _notification(_require(req.get("Notification"), "notification"), "notification")
    with LOCK:
        budget = _budgets(account_id).get(name)
        if budget is None:
            raise BudgetsError("NotFoundException", "Unable to delete notification - the budget doesn't exist.")
        n = _find_notification(budget, spec, "delete notification")
        budget.notifications.remove(n)
    return {}


def describe_notifications_for_budget(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    name = _budget_name(req.get("BudgetName"), "budgetName")
    with LOCK:
        budget = _budgets(account_id).get(name)
        if budget is None:
            raise BudgetsError("NotFoundException", f"Unable to get notifications: {name} - the budget doesn't exist.")
        page, token = _page(req, list(budget.notifications), LIST_PAGE_DEFAULT, 100)
        _, actual, forecast = calculated_spend(account_id, budget.spec)
        out: dict[str, Any] = {"Notifications": [_notification_json(budget.spec, n, actual, forecast) for n in page]}
    if token:
        out["NextToken"] = token
    return out


def create_subscriber(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    name = _budget_name(req.get("BudgetName"), "budgetName")
    spec = _notification(_require(req.get("Notification"), "notification"), "notification")
    sub = _subscriber(_require(req.get("Subscriber"), "subscriber"), "subscriber")
    with LOCK:
        budget = _budgets(account_id).get(name)
        if budget is None:
            raise BudgetsError("NotFoundException", "Unable to create subscriber - the budget doesn't exist.")
        n = _find_notification(budget, spec, "create subscriber")
        _check_subscriber_limits(n.subscribers + [sub])
        n.subscribers.append(sub)
    return {}


def delete_subscriber(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    name = _budget_name(req.get("BudgetName"), "budgetName")
    spec = _notification(_require(req.get("Notification"), "notification"), "notification")
    sub = _subscriber(_require(req.get("Subscriber"), "subscriber"), "subscriber")
    with LOCK:
        budget = _budgets(account_id).get(name)
        if budget is None:
            raise BudgetsError("NotFoundException", "Unable to delete subscriber - the budget doesn't exist.")
        n = _find_notification(budget, spec, "delete subscriber")
        if sub not in n.subscribers:
            raise BudgetsError("NotFoundException", "Unable to delete subscriber - the subscriber doesn't exist.")
        n.subscribers.remove(sub)
        if not n.subscribers:
            budget.notifications.remove(n)
    return {}


def describe_subscribers_for_notification(caller: str, req: dict[str, Any]) -> dict[str, Any]:
    account_id = _account_id(req, caller)
    name = _budget_name(req.get("BudgetName"), "budgetName")
    spec = _notification(_require(req.get("Notification"), "notification"), "notification")
    with LOCK:
        budget = _budgets(account_id).get(name)
        if budget is None:
            raise BudgetsError("NotFoundException", "Unable to get subscribers - the budget doesn't exist.")
        n = _find_notification(budget, spec, "get subscribers")
        page, token = _page(req, list(n.subscribers), LIST_PAGE_DEFAULT, 100)
        out: dict[str, Any] = {"Subscribers": [dict(s) for s in page]}
    if token:
        out["NextToken"] = token
    return out


OPERATIONS = (
    create_budget,
    update_budget,
    delete_budget,
    describe_budget,
    describe_budgets,
    create_notification,
    delete_notification,
    describe_notifications_for_budget,
    create_subscriber,
    delete_subscriber,
    describe_subscribers_for_notification,
)


# --------------------------------------------------------------------------- moto graft


def _error(exc: BudgetsError) -> tuple[str, dict[str, Any]]:
    body = json.dumps({"__type": exc.code, "Message": exc.message})
    return body, {"status": exc.status, "Content-Type": "application/x-amz-json-1.1", "x-amzn-ErrorType": exc.code}


def _handler(impl: Callable[[str, dict[str, Any]], dict[str, Any]]) -> Callable[[Any], Any]:
    def method(self: Any) -> Any:
        try:
            req = json.loads(self.body or "{}")
        except ValueError:
            return _error(BudgetsError("SerializationException", "Request body is not valid JSON"))
        if not isinstance(req, dict):
            return _error(BudgetsError("SerializationException", "Request body must be a JSON object"))
        try:
            body = json.dumps(impl(self.current_account, req))
        except BudgetsError as exc:
            return _error(exc)
        return body, {"status": 200, "Content-Type": "application/x-amz-json-1.1"}

    method.__name__ = impl.__name__
    return method


def install() -> None:
    from moto.budgets.responses import BudgetsResponse

    for impl in OPERATIONS:
        setattr(BudgetsResponse, impl.__name__, _handler(impl))
