"""AWS Budgets (awsemu/budgets.py) through a real boto3 client."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "123456789012"
NOW = "2026-11-20T12:00:00Z"  # the 20th of a 30-day month
TODAY = date(2026, 11, 20)
SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"


@pytest.fixture
def b(emu):
    emu.control("POST", "/_emu/clock", {"now": NOW})
    return emu.client("budgets", retries=0)


def code_of(exc_info) -> tuple[str, int]:
    err = exc_info.value.response
    return err["Error"]["Code"], err["ResponseMetadata"]["HTTPStatusCode"]


def notification(kind: str = "ACTUAL", threshold: float = 80, op: str = "GREATER_THAN",
                 ttype: str | None = "PERCENTAGE") -> dict:
    n = {"NotificationType": kind, "ComparisonOperator": op, "Threshold": threshold}
    if ttype:
        n["ThresholdType"] = ttype
    return n


def email(addr: str) -> dict:
    return {"SubscriptionType": "EMAIL", "Address": addr}


def budget(name: str = "aipctl-prod-Search", amount: str = "100", **extra) -> dict:
    return {"BudgetName": name, "BudgetLimit": {"Amount": amount, "Unit": "USD"}, "TimeUnit": "MONTHLY",
            "BudgetType": "COST", **extra}


def bedrock_services(emu) -> list[str]:
    names = set()
    for model in (SONNET_US, NOVA_PRO):
        names.add(emu.control("GET", f"/_emu/prices?model_id={model}&region=us-east-1")["service_name"])
    return sorted(names)


def search_filter(services: list[str], key: str = "Department", value: str = "Search") -> dict:
    return {"And": [{"Tags": {"Key": key, "Values": [value], "MatchOptions": ["EQUALS"]}},
                    {"Dimensions": {"Key": "SERVICE", "Values": services}}]}


def make_aip(emu, name: str, tags: dict, source: str = SONNET_US) -> str:
    bedrock = emu.client("bedrock")
    arn = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{source}"
    created = bedrock.create_inference_profile(
        inferenceProfileName=name, modelSource={"copyFrom": arn},
        tags=[{"key": k, "value": v} for k, v in tags.items()])
    return created["inferenceProfileArn"]


def usage(emu, model_id: str, days: list[date], input_tokens: int = 100_000, output_tokens: int = 20_000) -> Decimal:
    records = [{"region": "us-east-1", "model_id": model_id, "date": d.isoformat(), "invocations": 10,
                "input_tokens": input_tokens + i, "output_tokens": output_tokens, "cache_read_tokens": 0,
                "cache_write_tokens": 0} for i, d in enumerate(days)]
    return Decimal(emu.control("POST", "/_emu/usage", {"records": records})["cost_usd"])


def month_days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@pytest.fixture
def billing(emu):
    """Search and Support AIPs with usage last month and this month, plus noise the filter must drop."""
    emu.control("POST", "/_emu/clock", {"now": NOW})
    search = make_aip(emu, "search-chat", {"Department": "Search"})
    support = make_aip(emu, "support-bot", {"Department": "Support"}, source="us.amazon.nova-pro-v1:0")
    emu.control("POST", "/_emu/cost-allocation-tags",
                {"tags": [{"key": "Department", "status": "Active", "activated_at": "2026-09-01"}]})
    usage(emu, search, month_days(date(2026, 10, 25), date(2026, 10, 31)))
    this_month = usage(emu, search, month_days(date(2026, 11, 1), TODAY), input_tokens=250_000)
    usage(emu, support, month_days(date(2026, 11, 1), TODAY))
    usage(emu, SONNET_US, [TODAY - timedelta(days=1)])  # untagged
    emu.control("POST", "/_emu/cost-line-items", {"line_items": [
        {"date": "2026-11-05", "service": "Amazon Simple Storage Service", "cost": "7.25",
         "tags": {"Department": "Search"}},
        {"date": "2026-10-31", "service": "Amazon Bedrock", "cost": "-3", "record_type": "Credit",
         "tags": {"Department": "Search"}},
    ]})
    return {"search_this_month": this_month, "services": bedrock_services(emu)}


def exact(amount: Decimal) -> str:
    """How Budgets prints a spend: the exact decimal value of the double."""
    return str(Decimal(float(amount)))


# --------------------------------------------------------------------------- create / read back


def test_create_with_notifications_and_subscribers_and_read_back(b, emu):
    services = bedrock_services(emu)
    notifications = [
        {"Notification": notification("ACTUAL", t),
         "Subscribers": [email("finops@example.com"), email("lead@example.com")]}
        for t in (50, 80, 100)
    ] + [{"Notification": notification("FORECASTED", 100), "Subscribers": [email("finops@example.com")]}]
    b.create_budget(AccountId=ACCOUNT,
                    Budget=budget(FilterExpression=search_filter(services), Metrics=["UnblendedCost"]),
                    NotificationsWithSubscribers=notifications,
                    ResourceTags=[{"Key": "aipctl:spec", "Value": "prod"}])

    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")["Budget"]
    assert got["BudgetName"] == "aipctl-prod-Search"
    assert got["BudgetLimit"] == {"Amount": "100.0", "Unit": "USD"}
    assert got["TimeUnit"] == "MONTHLY" and got["BudgetType"] == "COST"
    assert got["Metrics"] == ["UnblendedCost"]
    assert "FilterExpression" not in got and "CostFilters" not in got and "CostTypes" not in got
    assert got["TimePeriod"]["Start"] == datetime(2026, 11, 1, tzinfo=UTC)
    assert got["TimePeriod"]["End"] == datetime(2087, 6, 15, tzinfo=UTC)
    assert got["CalculatedSpend"] == {"ActualSpend": {"Amount": "0", "Unit": "USD"}}
    assert got["LastUpdatedTime"] == datetime(2026, 11, 20, 12, tzinfo=UTC)

    shown = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", ShowFilterExpression=True)["Budget"]
    assert shown["FilterExpression"] == search_filter(services)

    notes = b.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")["Notifications"]
    assert [(n["NotificationType"], n["Threshold"]) for n in notes] == [
        ("ACTUAL", 50.0), ("ACTUAL", 80.0), ("ACTUAL", 100.0), ("FORECASTED", 100.0)]
    # PERCENTAGE thresholds come back without ThresholdType; callers must read "missing" as PERCENTAGE.
    assert all("ThresholdType" not in n for n in notes)
    assert {n["NotificationState"] for n in notes} == {"OK"}

    subs = b.describe_subscribers_for_notification(
        AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=notification("ACTUAL", 80))["Subscribers"]
    assert subs == [email("finops@example.com"), email("lead@example.com")]
    # A notification given without ThresholdType is the PERCENTAGE one.
    subs = b.describe_subscribers_for_notification(
        AccountId=ACCOUNT, BudgetName="aipctl-prod-Search",
        Notification=notification("FORECASTED", 100, ttype=None))["Subscribers"]
    assert subs == [email("finops@example.com")]


def test_legacy_cost_filters_budget_reads_back_with_cost_types(b):
    b.create_budget(AccountId=ACCOUNT, Budget=budget(
        "legacy", CostFilters={"TagKeyValue": ["user:Department$Search"], "Service": ["Amazon Bedrock"]},
        CostTypes={"IncludeCredit": False}))
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="legacy", ShowFilterExpression=True)["Budget"]
    assert got["CostFilters"] == {"TagKeyValue": ["user:Department$Search"], "Service": ["Amazon Bedrock"]}
    assert got["CostTypes"]["IncludeCredit"] is False
    assert got["CostTypes"]["IncludeTax"] is True and got["CostTypes"]["UseBlended"] is False
    assert "FilterExpression" not in got and "Metrics" not in got


@pytest.mark.parametrize("given, shown", [("100", "100.0"), ("432.10", "432.1"), ("456.78", "456.78"),
                                          ("0.5", "0.5"), ("10000000", "1.0E7"), (".25", "0.25")])
def test_budget_limit_amount_comes_back_as_aws_prints_it(b, given, shown):
    b.create_budget(AccountId=ACCOUNT, Budget=budget("amount", given))
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="amount")["Budget"]
    assert got["BudgetLimit"]["Amount"] == shown


# --------------------------------------------------------------------------- CalculatedSpend


def test_calculated_spend_equals_the_seeded_billing_for_the_tag_value(b, billing):
    services = billing["services"]
    expected = billing["search_this_month"]
    b.create_budget(AccountId=ACCOUNT,
                    Budget=budget(FilterExpression=search_filter(services), Metrics=["UnblendedCost"]))
    spend = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")["Budget"]["CalculatedSpend"]
    assert spend["ActualSpend"] == {"Amount": exact(expected), "Unit": "USD"}
    assert abs(Decimal(spend["ActualSpend"]["Amount"]) - expected) < Decimal("1e-9")
    # Month-to-date run rate: 20 days elapsed (the 20th included) of 30.
    assert spend["ForecastedSpend"] == {"Amount": exact(expected / 20 * 30), "Unit": "USD"}


def test_cost_filters_spelling_user_prefix_matches_and_bare_key_matches_nothing(b, billing):
    services = billing["services"]
    b.create_budget(AccountId=ACCOUNT, Budget=budget(
        "legacy-user", CostFilters={"TagKeyValue": ["user:Department$Search"], "Service": services}))
    b.create_budget(AccountId=ACCOUNT, Budget=budget(
        "legacy-bare", CostFilters={"TagKeyValue": ["Department$Search"], "Service": services}))
    b.create_budget(AccountId=ACCOUNT, Budget=budget(
        "expr-user-prefix", FilterExpression=search_filter(services, key="user:Department"), Metrics=["UnblendedCost"]))
    spends = {x["BudgetName"]: x["CalculatedSpend"]["ActualSpend"]["Amount"]
              for x in b.describe_budgets(AccountId=ACCOUNT)["Budgets"]}
    assert spends == {"legacy-user": exact(billing["search_this_month"]), "legacy-bare": "0", "expr-user-prefix": "0"}


def test_spend_drops_other_services_untagged_usage_and_inactive_tags(b, emu, billing):
    services = billing["services"]
    # Tag only: the S3 line item tagged Search counts too.
    b.create_budget(AccountId=ACCOUNT, Budget=budget(
        "tag-only", FilterExpression={"Tags": {"Key": "Department", "Values": ["Search"]}}, Metrics=["UnblendedCost"]))
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="tag-only")["Budget"]["CalculatedSpend"]
    assert got["ActualSpend"]["Amount"] == exact(billing["search_this_month"] + Decimal("7.25"))
    # Deactivate the cost allocation tag: nothing is tagged any more.
    emu.control("POST", "/_emu/cost-allocation-tags", {"tags": [{"key": "Department", "status": "Inactive"}]})
    b.create_budget(AccountId=ACCOUNT,
                    Budget=budget(FilterExpression=search_filter(services), Metrics=["UnblendedCost"]))
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")["Budget"]["CalculatedSpend"]
    assert got == {"ActualSpend": {"Amount": "0", "Unit": "USD"}}


def test_filter_expression_without_metrics_is_accepted_but_shows_no_spend(b, billing):
    b.create_budget(AccountId=ACCOUNT, Budget=budget(FilterExpression=search_filter(billing["services"])))
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")["Budget"]
    assert got["CalculatedSpend"] == {"ActualSpend": {"Amount": "0", "Unit": "USD"}}


def test_no_forecast_without_history_and_notification_state_follows_spend(b, emu):
    emu.control("POST", "/_emu/cost-allocation-tags",
                {"tags": [{"key": "Department", "status": "Active", "activated_at": "2026-09-01"}]})
    aip = make_aip(emu, "new-team", {"Department": "Legal"})
    spent = usage(emu, aip, [date(2026, 11, 19)])
    limit = str((spent / 2).quantize(Decimal("0.01")))
    b.create_budget(
        AccountId=ACCOUNT,
        Budget=budget("legal", limit, FilterExpression={"Tags": {"Key": "Department", "Values": ["Legal"]}},
                      Metrics=["UnblendedCost"]),
        NotificationsWithSubscribers=[
            {"Notification": notification("ACTUAL", 100), "Subscribers": [email("a@example.com")]},
            {"Notification": notification("ACTUAL", 1000), "Subscribers": [email("a@example.com")]},
            {"Notification": notification("FORECASTED", 100), "Subscribers": [email("a@example.com")]},
        ])
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="legal")["Budget"]["CalculatedSpend"]
    assert got == {"ActualSpend": {"Amount": exact(spent), "Unit": "USD"}}  # no billing cycle of history
    states = [n["NotificationState"] for n in
              b.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="legal")["Notifications"]]
    assert states == ["ALARM", "OK", "OK"]


# --------------------------------------------------------------------------- update


def test_update_budget_replaces_the_definition_and_keeps_notifications(b, billing):
    services = billing["services"]
    b.create_budget(AccountId=ACCOUNT,
                    Budget=budget(FilterExpression=search_filter(services), Metrics=["UnblendedCost"]),
                    NotificationsWithSubscribers=[{"Notification": notification(),
                                                   "Subscribers": [email("a@example.com")]}])
    b.update_budget(AccountId=ACCOUNT, NewBudget=budget(amount="250.50", FilterExpression=search_filter(services),
                                                        Metrics=["UnblendedCost"]))
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", ShowFilterExpression=True)["Budget"]
    assert got["BudgetLimit"] == {"Amount": "250.5", "Unit": "USD"}
    assert got["FilterExpression"] == search_filter(services)
    assert got["CalculatedSpend"]["ActualSpend"]["Amount"] == exact(billing["search_this_month"])
    assert len(b.describe_notifications_for_budget(AccountId=ACCOUNT,
                                                   BudgetName="aipctl-prod-Search")["Notifications"]) == 1
    # NewBudget is the whole budget: leaving the filter out drops it.
    b.update_budget(AccountId=ACCOUNT, NewBudget=budget(amount="300", Metrics=["UnblendedCost"]))
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", ShowFilterExpression=True)["Budget"]
    assert "FilterExpression" not in got
    assert Decimal(got["CalculatedSpend"]["ActualSpend"]["Amount"]) > billing["search_this_month"]


def test_update_of_a_missing_budget_is_not_found(b):
    with pytest.raises(ClientError) as e:
        b.update_budget(AccountId=ACCOUNT, NewBudget=budget("ghost"))
    assert code_of(e) == ("NotFoundException", 400)


# --------------------------------------------------------------------------- filter rules


@pytest.mark.parametrize("extra", [
    {"FilterExpression": {"Tags": {"Key": "Department", "Values": ["Search"]}},
     "CostFilters": {"Service": ["Amazon Bedrock"]}},
    {"FilterExpression": {"Tags": {"Key": "Department", "Values": ["Search"]}}, "CostTypes": {"IncludeTax": True}},
    {"Metrics": ["UnblendedCost"], "CostFilters": {"Service": ["Amazon Bedrock"]}},
    {"Metrics": ["UnblendedCost", "BlendedCost"]},
    {"Metrics": ["Dollars"]},
    {"CostFilters": {"Department": ["Search"]}},
    {"CostFilters": {"TagKeyValue": ["user:Department"]}},
    {"CostFilters": {"Service": []}},
    {"FilterExpression": {"Tags": {"Key": "Department", "Values": ["Search"]},
                          "Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"]}}},
    {"FilterExpression": {}},
    {"FilterExpression": {"And": [{"Tags": {"Key": "Department", "Values": ["Search"]}}]}},
    {"FilterExpression": {"Dimensions": {"Key": "TAG", "Values": ["Department"]}}},
    {"FilterExpression": {"Dimensions": {"Key": "SERVICE", "Values": ["Amazon Bedrock"],
                                         "MatchOptions": ["GREATER_THAN_OR_EQUAL"]}}},
    {"FilterExpression": {"Tags": {"Values": ["Search"]}}},
    {"FilterExpression": {"Tags": {}}},
    {"FilterExpression": {"CostCategories": {"Key": "Team", "Values": ["x"]}}},
    {"FilterExpression": {"Tags": {"Key": "Department", "Values": ["Se"], "MatchOptions": ["STARTS_WITH"]}}},
    {"FilterExpression": {"Tags": {"Key": "Department", "Values": ["v" * 1025]}}},
    {"CostFilters": {"CostCategory": ["Team$x"]}},
    {"PlannedBudgetLimits": {"1790812800": {"Amount": "10", "Unit": "USD"}}},
    {"AutoAdjustData": {"AutoAdjustType": "HISTORICAL"}},
    {"BillingViewArn": "arn:aws:billing::123456789012:billingview/primary"},
    {"TimeUnit": "CUSTOM"},
    {"TimePeriod": {"Start": datetime(2026, 11, 1), "End": datetime(2090, 1, 1)}},
], ids=["expr+costfilters", "expr+costtypes", "metrics+costfilters", "two-metrics", "bad-metric",
        "unknown-costfilter-key", "tagkeyvalue-without-value", "empty-costfilter", "two-roots", "no-root",
        "and-one-operand", "bad-dimension", "bad-matchoption", "tag-values-without-key", "tags-without-key",
        "cost-categories", "starts-with", "tag-value-too-long",
        "costfilter-cost-category", "planned-limits", "auto-adjust", "billing-view",
        "custom-without-period", "end-past-2087"])
def test_filter_combinations_and_shapes_aws_rejects(b, extra):
    with pytest.raises(ClientError) as e:
        b.create_budget(AccountId=ACCOUNT, Budget=budget(**extra))
    assert code_of(e) == ("InvalidParameterException", 400)


@pytest.mark.parametrize("extra", [
    {"FilterExpression": {"Tags": {"Key": "Department", "Values": []}}},
    {"FilterExpression": {"Dimensions": {"Key": "SERVICE"}}},
], ids=["tag-values-empty", "dimension-values-missing"])
def test_shapes_botocore_would_refuse_are_refused_by_the_server_too(emu, extra):
    import boto3
    from botocore.config import Config

    raw = boto3.client("budgets", region_name="us-east-1", endpoint_url=emu.url, aws_access_key_id="AKIDTEST",
                       aws_secret_access_key="secret",
                       config=Config(parameter_validation=False, retries={"max_attempts": 1}))
    with pytest.raises(ClientError) as e:
        raw.create_budget(AccountId=ACCOUNT, Budget=budget(**extra))
    assert code_of(e) == ("InvalidParameterException", 400)


# --------------------------------------------------------------------------- limits


def test_ten_notifications_per_budget(b):
    eleven = [{"Notification": notification(threshold=t), "Subscribers": [email("a@example.com")]}
              for t in range(10, 120, 10)]
    with pytest.raises(ClientError) as e:
        b.create_budget(AccountId=ACCOUNT, Budget=budget(), NotificationsWithSubscribers=eleven)
    assert code_of(e) == ("CreationLimitExceededException", 400)
    b.create_budget(AccountId=ACCOUNT, Budget=budget(), NotificationsWithSubscribers=eleven[:10])
    with pytest.raises(ClientError) as e:
        b.create_notification(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search",
                              Notification=notification(threshold=110),
                              Subscribers=[email("a@example.com")])
    assert code_of(e) == ("CreationLimitExceededException", 400)
    with pytest.raises(ClientError) as e:
        b.create_notification(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search",
                              Notification=notification(threshold=10),
                              Subscribers=[email("a@example.com")])
    assert code_of(e) == ("DuplicateRecordException", 400)


def test_one_sns_and_ten_email_subscribers_per_notification(b):
    sns = {"SubscriptionType": "SNS", "Address": f"arn:aws:sns:us-east-1:{ACCOUNT}:budget-alerts"}
    emails = [email(f"user{i}@example.com") for i in range(10)]
    b.create_budget(AccountId=ACCOUNT, Budget=budget(),
                    NotificationsWithSubscribers=[{"Notification": notification(), "Subscribers": emails + [sns]}])
    n = notification()
    for extra in (email("user10@example.com"),
                  {"SubscriptionType": "SNS", "Address": f"arn:aws:sns:us-east-1:{ACCOUNT}:other"}):
        with pytest.raises(ClientError) as e:
            b.create_subscriber(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=n, Subscriber=extra)
        assert code_of(e) == ("CreationLimitExceededException", 400)
    with pytest.raises(ClientError) as e:
        b.create_subscriber(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=n, Subscriber=emails[0])
    assert code_of(e) == ("DuplicateRecordException", 400)
    with pytest.raises(ClientError) as e:  # 11 email subscribers in one list
        b.create_notification(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search",
                              Notification=notification(threshold=90),
                              Subscribers=emails + [email("user10@example.com")])
    assert code_of(e) == ("CreationLimitExceededException", 400)


def test_subscriber_and_notification_deletion_rules(b):
    n = notification()
    b.create_budget(AccountId=ACCOUNT, Budget=budget(), NotificationsWithSubscribers=[
        {"Notification": n, "Subscribers": [email("a@example.com"), email("b@example.com")]},
        {"Notification": notification(threshold=100), "Subscribers": [email("a@example.com")]}])
    b.delete_subscriber(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=n,
                        Subscriber=email("a@example.com"))
    assert b.describe_subscribers_for_notification(
        AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=n)["Subscribers"] == [email("b@example.com")]
    # Deleting the last subscriber deletes the notification.
    b.delete_subscriber(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=n,
                        Subscriber=email("b@example.com"))
    notes = b.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")["Notifications"]
    assert [x["Threshold"] for x in notes] == [100.0]
    with pytest.raises(ClientError) as e:
        b.describe_subscribers_for_notification(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=n)
    assert code_of(e) == ("NotFoundException", 400)
    b.delete_notification(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=notification(threshold=100))
    assert b.describe_notifications_for_budget(AccountId=ACCOUNT,
                                               BudgetName="aipctl-prod-Search")["Notifications"] == []
    with pytest.raises(ClientError) as e:
        b.delete_notification(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search",
                              Notification=notification(threshold=100))
    assert code_of(e) == ("NotFoundException", 400)


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("kwargs", [
    {"AccountId": "12345678901a", "Budget": budget()},
    {"AccountId": ACCOUNT, "Budget": budget("team:search")},
    {"AccountId": ACCOUNT, "Budget": budget("x" * 101)},
    {"AccountId": ACCOUNT, "Budget": budget("a/action/b")},
    {"AccountId": ACCOUNT, "Budget": budget(amount="12.5.3")},
    {"AccountId": ACCOUNT, "Budget": budget(amount="-5")},
    {"AccountId": ACCOUNT, "Budget": {**budget(), "TimeUnit": "WEEKLY"}},
    {"AccountId": ACCOUNT, "Budget": {**budget(), "BudgetType": "SPEND"}},
    {"AccountId": ACCOUNT, "Budget": {k: v for k, v in budget().items() if k != "BudgetLimit"}},
    {"AccountId": ACCOUNT, "Budget": budget(TimePeriod={"Start": datetime(2026, 12, 1), "End": datetime(2026, 11, 1)})},
    {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": notification(threshold=2e13), "Subscribers": [email("a@example.com")]}]},
    {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": {**notification(), "ComparisonOperator": "GREATER_OR_EQUAL"},
         "Subscribers": [email("a@example.com")]}]},
    {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": notification(), "Subscribers": [email("not-an-address")]}]},
    {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": notification(), "Subscribers": [{"SubscriptionType": "SNS", "Address": "a@example.com"}]}]},
], ids=["account-pattern", "name-colon", "name-too-long", "name-action", "amount-pattern", "amount-negative",
        "time-unit", "budget-type", "no-limit", "period-reversed", "threshold-max", "operator", "email", "sns-arn"])
def test_model_constraints_are_checked_by_the_server(b, kwargs):
    with pytest.raises(ClientError) as e:
        b.create_budget(**kwargs)
    assert code_of(e) == ("InvalidParameterException", 400)


def test_another_accounts_budgets_are_denied(b):
    with pytest.raises(ClientError) as e:
        b.describe_budgets(AccountId="210987654321")
    assert code_of(e) == ("AccessDeniedException", 400)


# --------------------------------------------------------------------------- pagination / errors


def test_describe_budgets_paginates_in_name_order(b):
    names = [f"aipctl-prod-Dept{i}" for i in (5, 1, 4, 0, 6, 2, 3)]
    for name in names:
        b.create_budget(AccountId=ACCOUNT, Budget=budget(name))
    first = b.describe_budgets(AccountId=ACCOUNT, MaxResults=3)
    assert [x["BudgetName"] for x in first["Budgets"]] == sorted(names)[:3]
    second = b.describe_budgets(AccountId=ACCOUNT, MaxResults=3, NextToken=first["NextToken"])
    third = b.describe_budgets(AccountId=ACCOUNT, MaxResults=3, NextToken=second["NextToken"])
    assert [x["BudgetName"] for x in second["Budgets"] + third["Budgets"]] == sorted(names)[3:]
    assert "NextToken" not in third
    pages = list(b.get_paginator("describe_budgets").paginate(AccountId=ACCOUNT, PaginationConfig={"PageSize": 2}))
    assert len(pages) == 4 and sum(len(p["Budgets"]) for p in pages) == 7
    assert "NextToken" not in b.describe_budgets(AccountId=ACCOUNT)
    with pytest.raises(ClientError) as e:
        b.describe_budgets(AccountId=ACCOUNT, NextToken="garbage")
    assert code_of(e) == ("InvalidNextTokenException", 400)
    with pytest.raises(ClientError) as e:
        b.describe_budgets(AccountId=ACCOUNT, MaxResults=1001)
    assert code_of(e) == ("InvalidParameterException", 400)


def test_empty_account_lists_no_budgets(b):
    assert b.describe_budgets(AccountId=ACCOUNT)["Budgets"] == []


def test_not_found_and_duplicate_errors(b):
    for call in (
        lambda: b.describe_budget(AccountId=ACCOUNT, BudgetName="ghost"),
        lambda: b.delete_budget(AccountId=ACCOUNT, BudgetName="ghost"),
        lambda: b.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="ghost"),
        lambda: b.create_notification(AccountId=ACCOUNT, BudgetName="ghost", Notification=notification(),
                                      Subscribers=[email("a@example.com")]),
    ):
        with pytest.raises(ClientError) as e:
            call()
        assert code_of(e) == ("NotFoundException", 400)
    b.create_budget(AccountId=ACCOUNT, Budget=budget())
    with pytest.raises(ClientError) as e:
        b.create_budget(AccountId=ACCOUNT, Budget=budget())
    assert code_of(e) == ("DuplicateRecordException", 400)
    assert "already exists" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        b.create_subscriber(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=notification(),
                            Subscriber=email("a@example.com"))
    assert code_of(e) == ("NotFoundException", 400)
    b.delete_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")
    assert b.describe_budgets(AccountId=ACCOUNT)["Budgets"] == []


def test_request_log_and_fault_rules_see_budgets(b, emu):
    emu.control("DELETE", "/_emu/requests")
    emu.control("POST", "/_emu/faults", {"rules": [
        {"service": "budgets", "operation": "CreateBudget", "error": "ThrottlingException", "count": 1}]})
    with pytest.raises(ClientError) as e:
        b.create_budget(AccountId=ACCOUNT, Budget=budget())
    assert code_of(e) == ("ThrottlingException", 400)
    b.create_budget(AccountId=ACCOUNT, Budget=budget())
    b.describe_budgets(AccountId=ACCOUNT)
    log = [(r["service"], r["operation"], r["status"]) for r in emu.requests()]
    assert log == [("budgets", "CreateBudget", 400), ("budgets", "CreateBudget", 200),
                   ("budgets", "DescribeBudgets", 200)]


# --------------------------------------------------------------------------- periods, metrics, other budget types


@pytest.mark.parametrize("unit,start,actual_days", [
    ("DAILY", date(2026, 11, 20), 1),
    ("QUARTERLY", date(2026, 10, 1), 51),
    ("ANNUALLY", date(2026, 1, 1), 51),
])
def test_time_units_count_their_period(b, emu, unit, start, actual_days):
    emu.control("POST", "/_emu/cost-line-items", {"line_items": [
        {"date": d.isoformat(), "service": "Amazon Bedrock", "cost": "1"}
        for d in month_days(date(2026, 10, 1), TODAY)]})
    b.create_budget(AccountId=ACCOUNT, Budget={**budget(), "TimeUnit": unit})
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")["Budget"]
    assert got["TimePeriod"]["Start"] == datetime(start.year, start.month, start.day, tzinfo=UTC)
    assert Decimal(got["CalculatedSpend"]["ActualSpend"]["Amount"]) == actual_days
    if unit == "DAILY":
        assert "ForecastedSpend" not in got["CalculatedSpend"]


@pytest.mark.parametrize("extra,metric_amount", [
    ({"CostTypes": {"UseAmortized": True}}, "3"),
    ({"CostTypes": {"UseBlended": True}}, "2"),
    ({"BudgetType": "USAGE", "BudgetLimit": {"Amount": "10", "Unit": "Units"}}, "5"),
])
def test_cost_types_and_usage_budgets_pick_their_metric(b, emu, extra, metric_amount):
    emu.control("POST", "/_emu/cost-line-items", {"line_items": [
        {"date": "2026-11-10", "service": "Amazon Bedrock", "cost": "1", "usage_quantity": "5", "unit": "Units",
         "metrics": {"AmortizedCost": "3", "BlendedCost": "2"}}]})
    b.create_budget(AccountId=ACCOUNT, Budget={**budget(), **extra})
    got = b.describe_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search")["Budget"]
    assert Decimal(got["CalculatedSpend"]["ActualSpend"]["Amount"]) == Decimal(metric_amount)


def test_custom_period_ri_budget_and_filter_forms(b, emu):
    emu.control("POST", "/_emu/cost-line-items", {"line_items": [
        {"date": "2026-11-10", "service": "Amazon Bedrock", "cost": "4", "region": "us-east-1"},
        {"date": "2026-11-11", "service": "Amazon Bedrock", "cost": "6", "region": "eu-west-1"},
        {"date": "2026-11-11", "service": "Amazon Bedrock", "cost": "1", "tags": {"aws:createdBy": "x"}}]})
    emu.control("POST", "/_emu/cost-allocation-tags", {"tags": [{"key": "aws:createdBy", "status": "Active",
                                                                 "activated_at": "2026-01-01"}]})
    custom = {**budget("custom"), "TimeUnit": "CUSTOM",
              "TimePeriod": {"Start": datetime(2026, 11, 11, tzinfo=UTC),
                             "End": datetime(2026, 11, 30, tzinfo=UTC)}}
    b.create_budget(AccountId=ACCOUNT, Budget=custom)
    spend = b.describe_budget(AccountId=ACCOUNT, BudgetName="custom")["Budget"]["CalculatedSpend"]
    assert Decimal(spend["ActualSpend"]["Amount"]) == 7  # from its own start
    # Or / Not / CASE_INSENSITIVE in a FilterExpression, aws: tags in CostFilters
    b.create_budget(AccountId=ACCOUNT, Budget=budget("expr", Metrics=["UnblendedCost"], FilterExpression={"Or": [
        {"Not": {"Dimensions": {"Key": "REGION", "Values": ["US-EAST-1"], "MatchOptions": ["CASE_INSENSITIVE"]}}},
        {"Dimensions": {"Key": "REGION", "Values": ["nowhere"]}}]}))
    assert b.describe_budget(AccountId=ACCOUNT, BudgetName="expr")["Budget"]["CalculatedSpend"]["ActualSpend"][
        "Amount"] == "7"
    b.create_budget(AccountId=ACCOUNT, Budget=budget("aws-tag", CostFilters={"TagKeyValue": ["aws:createdBy$x"]}))
    assert b.describe_budget(AccountId=ACCOUNT, BudgetName="aws-tag")["Budget"]["CalculatedSpend"]["ActualSpend"][
        "Amount"] == "1"
    # an RI budget has a 100 % limit and no spend here
    b.create_budget(AccountId=ACCOUNT,
                    Budget={"BudgetName": "ri", "TimeUnit": "MONTHLY", "BudgetType": "RI_UTILIZATION"})
    ri = b.describe_budget(AccountId=ACCOUNT, BudgetName="ri")["Budget"]
    assert ri["BudgetLimit"] == {"Amount": "100.0", "Unit": "PERCENTAGE"}
    assert ri["CalculatedSpend"]["ActualSpend"] == {"Amount": "0", "Unit": "PERCENTAGE"}


def test_notifications_and_subscribers_one_at_a_time(b):
    b.create_budget(AccountId=ACCOUNT, Budget=budget())
    absolute = notification(threshold=50, ttype="ABSOLUTE_VALUE")
    b.create_notification(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=absolute,
                          Subscribers=[email("a@example.com")])
    b.create_subscriber(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=absolute,
                        Subscriber=email("b@example.com"))
    notes = b.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", MaxResults=1)
    assert notes["Notifications"][0]["ThresholdType"] == "ABSOLUTE_VALUE" and "NextToken" not in notes
    subs = b.describe_subscribers_for_notification(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search",
                                                   Notification=absolute, MaxResults=1)
    assert subs["Subscribers"] == [email("a@example.com")] and "NextToken" in subs
    with pytest.raises(ClientError) as e:
        b.create_budget(AccountId=ACCOUNT, Budget=budget("dup"), NotificationsWithSubscribers=[
            {"Notification": absolute, "Subscribers": [email("a@example.com")]}] * 2)
    assert code_of(e) == ("DuplicateRecordException", 400)
    with pytest.raises(ClientError) as e:
        b.delete_subscriber(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", Notification=absolute,
                            Subscriber=email("nobody@example.com"))
    assert code_of(e) == ("NotFoundException", 400)
    for call, kwargs in [
        (b.delete_notification, dict(Notification=absolute)),
        (b.create_subscriber, dict(Notification=absolute, Subscriber=email("c@example.com"))),
        (b.delete_subscriber, dict(Notification=absolute, Subscriber=email("a@example.com"))),
        (b.describe_subscribers_for_notification, dict(Notification=absolute)),
    ]:
        with pytest.raises(ClientError) as e:
            call(AccountId=ACCOUNT, BudgetName="ghost", **kwargs)
        assert code_of(e) == ("NotFoundException", 400)


def raw_budgets(emu, op: str, body) -> tuple[int, dict]:
    """An awsJson 1.1 request as no SDK would send it (wrong types included)."""
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(
        emu.url + "/", method="POST", data=body if isinstance(body, bytes) else json.dumps(body).encode(),
        headers={"X-Amz-Target": f"AWSBudgetServiceGateway.{op}", "Content-Type": "application/x-amz-json-1.1",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/budgets/aws4_request, "
                                  "SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


_N = {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": 80}
_S = {"SubscriptionType": "EMAIL", "Address": "a@example.com"}


@pytest.mark.parametrize("op,body,code", [
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": 5}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": {**budget(), "BudgetName": 5}}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": {**budget(), "BudgetName": ""}}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": "1234", "Budget": budget()}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": {**budget(), "BudgetLimit": "100"}}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(CostTypes="all")}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(CostTypes={"IncludeEverything": True})},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(CostTypes={"IncludeTax": "yes"})},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(Metrics="UnblendedCost")}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(TimePeriod="2026")}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(CostFilters=["Service"])}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(CostFilters={"Service": "Amazon Bedrock"})},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(FilterExpression=[])}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(FilterExpression={"Tags": "Department"})},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(FilterExpression={"Tags": {"Key": "D", "Values": "x"}})},
     "InvalidParameterException"),
    ("CreateBudget",
     {"AccountId": ACCOUNT, "Budget": budget(FilterExpression={"Tags": {"Key": "D", "MatchOptions": "ABSENT"}})},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": "x"},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [5]},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": 5, "Subscribers": [_S]}]}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": {**_N, "Threshold": "80"}, "Subscribers": [_S]}]}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": {**_N, "Threshold": -1}, "Subscribers": [_S]}]}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": {**_N, "NotificationState": "PANIC"}, "Subscribers": [_S]}]}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": _N, "Subscribers": _S}]}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": _N, "Subscribers": []}]}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": _N, "Subscribers": [_S] * 12}]}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": _N, "Subscribers": [5]}]}, "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "NotificationsWithSubscribers": [
        {"Notification": _N, "Subscribers": [{**_S, "Address": "a@example.com\nb@example.com"}]}]},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "ResourceTags": [{"Key": "k", "Value": "v"}] * 201},
     "InvalidParameterException"),
    ("CreateBudget", {"AccountId": ACCOUNT, "Budget": budget(), "ResourceTags": ["k"]}, "InvalidParameterException"),
    ("UpdateBudget", {"AccountId": ACCOUNT, "NewBudget": 5}, "InvalidParameterException"),
    ("DescribeBudgets", {"AccountId": ACCOUNT, "MaxResults": "10"}, "InvalidParameterException"),
    ("DescribeBudgets", {"AccountId": ACCOUNT, "MaxResults": 0}, "InvalidParameterException"),
    ("DescribeBudgets", {"AccountId": ACCOUNT, "NextToken": "bm90LWpzb24"}, "InvalidNextTokenException"),
    ("DescribeBudgets", [], "SerializationException"),
    ("DescribeBudgets", b"{not json", "SerializationException"),
])
def test_wrongly_typed_requests_are_refused(emu, op, body, code):
    status, doc = raw_budgets(emu, op, body)
    assert (status, doc["__type"]) == (400, code), doc


def test_java_double_prints_zero_with_its_sign():
    from awsemu.budgets import java_double

    assert (java_double(0.0), java_double(-0.0)) == ("0.0", "-0.0")


def test_the_budget_count_limit(monkeypatch):
    """In process (20,000 budgets over HTTP would be slow): the limit's answer."""
    from awsemu import budgets

    monkeypatch.setattr(budgets, "MAX_BUDGETS", 1)
    monkeypatch.setattr(budgets, "_ACCOUNTS", {})
    budgets.create_budget(ACCOUNT, {"AccountId": ACCOUNT, "Budget": budget("one")})
    with pytest.raises(budgets.BudgetsError) as e:
        budgets.create_budget(ACCOUNT, {"AccountId": ACCOUNT, "Budget": budget("two")})
    assert e.value.code == "ServiceQuotaExceededException"


def test_budget_paging_tokens_and_open_ended_periods(b, emu):
    b.create_budget(AccountId=ACCOUNT, Budget=budget("a", TimePeriod={"Start": datetime(2026, 11, 1, tzinfo=UTC)}))
    b.create_budget(AccountId=ACCOUNT, Budget=budget("b"))
    assert b.describe_budget(AccountId=ACCOUNT, BudgetName="a")["Budget"]["TimePeriod"]["End"] == datetime(
        2087, 6, 15, tzinfo=UTC)
    first = b.describe_budgets(AccountId=ACCOUNT, MaxResults=1)
    b.delete_budget(AccountId=ACCOUNT, BudgetName="b")
    b.delete_budget(AccountId=ACCOUNT, BudgetName="a")
    with pytest.raises(ClientError) as e:  # the token points past what is left
        b.describe_budgets(AccountId=ACCOUNT, MaxResults=1, NextToken=first["NextToken"])
    assert code_of(e) == ("InvalidNextTokenException", 400)
    b.create_budget(AccountId=ACCOUNT, Budget=budget(), NotificationsWithSubscribers=[
        {"Notification": notification(threshold=t), "Subscribers": [email("a@example.com")]} for t in (50, 80)])
    notes = b.describe_notifications_for_budget(AccountId=ACCOUNT, BudgetName="aipctl-prod-Search", MaxResults=1)
    assert len(notes["Notifications"]) == 1 and notes["NextToken"]
    status, doc = raw_budgets(emu, "CreateBudget", {"AccountId": ACCOUNT})
    assert (status, doc["__type"]) == (400, "InvalidParameterException")
