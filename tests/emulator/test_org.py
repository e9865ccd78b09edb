"""An AWS Organization read as one account: Organizations, AssumeRole, per-account state, payer billing.

Real boto3 clients over HTTP. The management account is the default one (any
unknown access key maps to 123456789012, as in moto); members are reached the
way aipctl reaches them: STS AssumeRole, then clients built from the returned
temporary credentials.
"""

from __future__ import annotations

import json
import urllib.error
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

MGMT = "123456789012"
PROD = "210000000001"
DATA = "210000000002"
INVITED = "210000000003"
GONE = "210000000004"
ROLE = "OrganizationAccountAccessRole"
CALLER_ARN = f"arn:aws:sts::{MGMT}:user/moto"  # what GetCallerIdentity says for an unknown key

SPEC = {
    "management": {"id": MGMT, "name": "acme-management", "email": "aws@acme.example"},
    "organization_id": "o-testorg001",
    "root_id": "r-test",
    "ous": [
        {"name": "Workloads", "id": "ou-test-workloads"},
        {"name": "Prod", "parent": "Workloads", "id": "ou-test-prod0001"},
        {"name": "Research", "parent": "Workloads", "id": "ou-test-research"},
        {"name": "Suspended", "id": "ou-test-suspended"},
    ],
    "accounts": [
        {"id": PROD, "name": "search-prod", "ou": "Workloads/Prod"},
        {"id": DATA, "name": "data-science", "ou": "Workloads/Research"},
        {"id": INVITED, "name": "partner-invited", "ou": "Workloads", "joined_method": "INVITED"},
        {"id": GONE, "name": "legacy-sandbox", "ou": "Suspended", "status": "SUSPENDED"},
    ],
}


def today() -> date:
    return datetime.now(UTC).date()


def error_of(call) -> tuple[str, str, int, dict]:
    with pytest.raises(ClientError) as info:
        call()
    err = info.value.response
    # Modeled error members (Reason) sit at the top of the response, the rest under Error.
    return (err["Error"]["Code"], err["Error"]["Message"], err["ResponseMetadata"]["HTTPStatusCode"],
            {**err["Error"], **{k: v for k, v in err.items() if k not in ("Error", "ResponseMetadata")}})


def client(emu, service: str, creds: dict | None = None, region: str = "us-east-1", validate: bool = True):
    kwargs = {"aws_access_key_id": "AKIDTEST", "aws_secret_access_key": "secret"}
    if creds:
        kwargs = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
                  "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, region_name=region, endpoint_url=emu.url,
                        config=Config(retries={"max_attempts": 1}, parameter_validation=validate), **kwargs)


def assume(emu, account: str, role: str = ROLE, creds: dict | None = None, **kwargs) -> dict:
    sts = client(emu, "sts", creds)
    return sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="aipctl",
                           **kwargs)["Credentials"]


@pytest.fixture
def org(emu):
    emu.control("POST", "/_emu/organizations", SPEC)
    return emu


# --------------------------------------------------------------------------- Organizations


def test_list_accounts_shape_status_and_state(org):
    orgs = client(org, "organizations")
    accounts = orgs.list_accounts()["Accounts"]
    assert [a["Id"] for a in accounts] == [MGMT, PROD, DATA, INVITED, GONE]
    by_id = {a["Id"]: a for a in accounts}
    assert by_id[MGMT]["Name"] == "acme-management" and by_id[MGMT]["Email"] == "aws@acme.example"
    assert by_id[GONE]["Status"] == "SUSPENDED" and by_id[GONE]["State"] == "SUSPENDED"
    assert by_id[PROD]["Status"] == "ACTIVE" and by_id[PROD]["State"] == "ACTIVE"
    assert by_id[INVITED]["JoinedMethod"] == "INVITED" and by_id[PROD]["JoinedMethod"] == "CREATED"
    assert by_id[PROD]["Arn"] == f"arn:aws:organizations::{MGMT}:account/o-testorg001/{PROD}"
    assert by_id[PROD]["Paths"] == [f"o-testorg001/r-test/ou-test-workloads/ou-test-prod0001/{PROD}/"]
    assert isinstance(by_id[PROD]["JoinedTimestamp"], datetime)
    active = [a["Id"] for a in accounts if a["State"] == "ACTIVE"]
    assert active == [MGMT, PROD, DATA, INVITED]


def test_describe_organization_and_roots(org):
    orgs = client(org, "organizations")
    o = orgs.describe_organization()["Organization"]
    assert (o["Id"], o["MasterAccountId"], o["FeatureSet"]) == ("o-testorg001", MGMT, "ALL")
    roots = orgs.list_roots()["Roots"]
    assert [(r["Id"], r["Name"]) for r in roots] == [("r-test", "Root")]
    assert "NextToken" not in orgs.list_roots()


def test_pagination_max_results_and_tokens(org):
    orgs = client(org, "organizations")
    pages, token = [], None
    while True:
        kwargs = {"MaxResults": 2} | ({"NextToken": token} if token else {})
        page = orgs.list_accounts(**kwargs)
        pages.append([a["Id"] for a in page["Accounts"]])
        token = page.get("NextToken")
        if not token:
            break
    assert pages == [[MGMT, PROD], [DATA, INVITED], [GONE]]
    assert [a["Id"] for p in orgs.get_paginator("list_accounts").paginate() for a in p["Accounts"]] == \
        [MGMT, PROD, DATA, INVITED, GONE]
    raw = client(org, "organizations", validate=False)
    code, msg, status, err = error_of(lambda: raw.list_accounts(MaxResults=21))
    assert (code, status, err.get("Reason")) == ("InvalidInputException", 400, "MAX_VALUE_EXCEEDED")
    code, _, _, err = error_of(lambda: raw.list_accounts(MaxResults=0))
    assert (code, err.get("Reason")) == ("InvalidInputException", "MIN_VALUE_EXCEEDED")
    code, _, _, err = error_of(lambda: orgs.list_accounts(NextToken="garbage"))
    assert (code, err.get("Reason")) == ("InvalidInputException", "INVALID_NEXT_TOKEN")
    # A token is bound to its operation and parent.
    t = orgs.list_accounts_for_parent(ParentId="r-test", MaxResults=1)
    assert "NextToken" not in t  # only the management account sits in the root
    t = orgs.list_organizational_units_for_parent(ParentId="r-test", MaxResults=1)["NextToken"]
    code, _, _, _ = error_of(lambda: orgs.list_organizational_units_for_parent(ParentId="ou-test-workloads",
                                                                               NextToken=t))
    assert code == "InvalidInputException"


def test_default_page_is_20(emu):
    spec = {"management": {"id": MGMT, "name": "m"},
            "accounts": [{"id": f"3000000000{n:02d}", "name": f"a{n}"} for n in range(24)]}
    emu.control("POST", "/_emu/organizations", spec)
    page = client(emu, "organizations").list_accounts()
    assert len(page["Accounts"]) == 20 and page["NextToken"]


def ou_walk(orgs, parent: str) -> list[tuple[str, str]]:
    """(account ID, OU path) of every account under ``parent``, depth first, as aipctl walks an ou-…."""
    found = []

    def walk(pid: str, path: str) -> None:
        for p in orgs.get_paginator("list_accounts_for_parent").paginate(ParentId=pid,
                                                                         PaginationConfig={"PageSize": 1}):
            found.extend((a["Id"], path) for a in p["Accounts"])
        for p in orgs.get_paginator("list_organizational_units_for_parent").paginate(ParentId=pid):
            for ou in p["OrganizationalUnits"]:
                walk(ou["Id"], f"{path}/{ou['Name']}")

    walk(parent, "")
    return found


def test_ou_walk(org):
    orgs = client(org, "organizations")
    assert ou_walk(orgs, "ou-test-workloads") == [(INVITED, ""), (PROD, "/Prod"), (DATA, "/Research")]
    assert sorted(a for a, _ in ou_walk(orgs, "r-test")) == sorted([MGMT, PROD, DATA, INVITED, GONE])
    ous = orgs.list_organizational_units_for_parent(ParentId="ou-test-workloads")["OrganizationalUnits"]
    assert [(o["Name"], o["Path"]) for o in ous] == [
        ("Prod", "o-testorg001/r-test/ou-test-workloads/ou-test-prod0001/"),
        ("Research", "o-testorg001/r-test/ou-test-workloads/ou-test-research/"),
    ]


def test_parent_ids_malformed_and_missing(org):
    orgs = client(org, "organizations")
    code, msg, status, err = error_of(lambda: orgs.list_accounts_for_parent(ParentId="ou-nope"))
    assert (code, status, err.get("Reason")) == ("InvalidInputException", 400, "INVALID_PATTERN")
    assert msg == "You provided a value that does not match the required pattern."
    code, _, _, _ = error_of(lambda: orgs.list_organizational_units_for_parent(ParentId="123456789012"))
    assert code == "InvalidInputException"
    code, _, status, _ = error_of(lambda: orgs.list_accounts_for_parent(ParentId="ou-test-nothere1"))
    assert (code, status) == ("ParentNotFoundException", 400)
    code, _, _, _ = error_of(lambda: orgs.list_organizational_units_for_parent(ParentId="r-zzzz"))
    assert code == "ParentNotFoundException"
    code, _, _, _ = error_of(lambda: orgs.describe_account(AccountId="999999999999"))
    assert code == "AccountNotFoundException"
    assert orgs.describe_account(AccountId=DATA)["Account"]["Name"] == "data-science"


def test_member_may_describe_the_organization_but_not_list_it(org):
    member = assume(org, PROD)
    orgs = client(org, "organizations", member)
    assert orgs.describe_organization()["Organization"]["MasterAccountId"] == MGMT
    for call in (
        lambda: orgs.list_accounts(),
        lambda: orgs.list_roots(),
        lambda: orgs.list_accounts_for_parent(ParentId="r-test"),
        lambda: orgs.list_organizational_units_for_parent(ParentId="r-test"),
        lambda: orgs.describe_account(AccountId=PROD),
    ):
        code, msg, status, _ = error_of(call)
        denied = ("AccessDeniedException", "You don't have permissions to access this resource.", 400)
        assert (code, msg, status) == denied


def test_delegated_administrator_may_list(org):
    client(org, "organizations").register_delegated_administrator(
        AccountId=DATA, ServicePrincipal="guardduty.amazonaws.com")
    orgs = client(org, "organizations", assume(org, DATA))
    assert len(orgs.list_accounts()["Accounts"]) == 5


def test_account_outside_any_organization(emu):
    orgs = client(emu, "organizations")
    for call in (orgs.describe_organization, orgs.list_accounts, orgs.list_roots):
        code, msg, _, _ = error_of(call)
        assert (code, msg) == ("AWSOrganizationsNotInUseException", "Your account is not a member of an organization.")


def test_api_created_accounts_are_seen_too(emu):
    orgs = client(emu, "organizations")
    orgs.create_organization(FeatureSet="ALL")
    created = orgs.create_account(Email="new@acme.example", AccountName="fresh")["CreateAccountStatus"]
    ids = [a["Id"] for a in orgs.list_accounts()["Accounts"]]
    assert ids == [MGMT, created["AccountId"]]
    creds = assume(emu, created["AccountId"])  # moto's CreateAccount makes the access role, as AWS does
    assert client(emu, "sts", creds).get_caller_identity()["Account"] == created["AccountId"]


# --------------------------------------------------------------------------- AssumeRole


def test_assume_role_reads_the_members_own_state(org):
    creds = assume(org, PROD)
    ident = client(org, "sts", creds).get_caller_identity()
    assert ident["Account"] == PROD
    assert ident["Arn"] == f"arn:aws:sts::{PROD}:assumed-role/{ROLE}/aipctl"


def denied(call, role_arn: str, caller: str = CALLER_ARN) -> None:
    code, msg, status, err = error_of(call)
    assert (code, status, err.get("Type")) == ("AccessDenied", 403, "Sender")
    assert msg == f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"


def test_assume_role_denied_when_the_role_is_missing(org):
    # INVITED accounts have no access role (AWS creates it only for accounts it creates) ...
    denied(lambda: assume(org, INVITED), f"arn:aws:iam::{INVITED}:role/{ROLE}")
    # ... nor has the management account.
    denied(lambda: assume(org, MGMT), f"arn:aws:iam::{MGMT}:role/{ROLE}")
    # A role deleted from a member, and an account nobody knows.
    org.control("DELETE", f"/_emu/iam/roles?account_id={DATA}&role_name={ROLE}")
    denied(lambda: assume(org, DATA), f"arn:aws:iam::{DATA}:role/{ROLE}")
    denied(lambda: assume(org, "999999999999"), f"arn:aws:iam::999999999999:role/{ROLE}")
    denied(lambda: assume(org, PROD, role="AuditRole"), f"arn:aws:iam::{PROD}:role/AuditRole")


def test_assume_role_denied_into_a_suspended_account(org):
    denied(lambda: assume(org, GONE), f"arn:aws:iam::{GONE}:role/{ROLE}")


def test_assume_role_external_id(org):
    org.control("POST", "/_emu/iam/roles", {"account_id": DATA, "role_name": ROLE, "external_id": "aipctl-7f3a"})
    arn = f"arn:aws:iam::{DATA}:role/{ROLE}"
    denied(lambda: assume(org, DATA), arn)
    denied(lambda: assume(org, DATA, ExternalId="wrong-id"), arn)
    assert assume(org, DATA, ExternalId="aipctl-7f3a")["AccessKeyId"].startswith("ASIA")
    # An ExternalId the trust policy does not ask for is ignored, as on AWS.
    assert assume(org, PROD, ExternalId="anything")["AccessKeyId"]


def test_assume_role_trust_must_name_the_caller(org):
    org.control("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": ROLE, "trusted_accounts": [DATA]})
    denied(lambda: assume(org, PROD), f"arn:aws:iam::{PROD}:role/{ROLE}")
    # Role chaining: a DATA session is trusted, and its ARN is the caller in messages.
    data = assume(org, DATA)
    assert client(org, "sts", assume(org, PROD, creds=data)).get_caller_identity()["Account"] == PROD
    denied(lambda: assume(org, GONE, creds=data), f"arn:aws:iam::{GONE}:role/{ROLE}",
           caller=f"arn:aws:sts::{DATA}:assumed-role/{ROLE}/aipctl")
    # Deny wins over Allow.
    org.control("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": ROLE, "trust_policy": {
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": MGMT}, "Action": "sts:AssumeRole"},
            {"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole",
             "Condition": {"StringLike": {"sts:RoleSessionName": "aip*"}}}]}})
    denied(lambda: assume(org, PROD), f"arn:aws:iam::{PROD}:role/{ROLE}")
    assert client(org, "sts").assume_role(RoleArn=f"arn:aws:iam::{PROD}:role/{ROLE}", RoleSessionName="other")


def test_assume_role_validation(org):
    sts = client(org, "sts", validate=False)
    arn = f"arn:aws:iam::{PROD}:role/{ROLE}"
    for kwargs, fragment in [
        ({"RoleSessionName": "x"},
         "at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"),
        ({"RoleSessionName": "bad name"},
         "at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern"),
        ({"RoleSessionName": "ok", "DurationSeconds": 600}, "Member must have value greater than or equal to 900"),
        ({"RoleSessionName": "ok", "ExternalId": "x"}, "at 'externalId'"),
        ({"RoleSessionName": "ok", "DurationSeconds": 7200}, "exceeds the MaxSessionDuration set for this role"),
    ]:
        code, msg, status, _ = error_of(lambda: sts.assume_role(RoleArn=arn, **kwargs))
        assert (code, status) == ("ValidationError", 400) and fragment in msg, msg
    org.control("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": "Chain", "trusted_accounts": [DATA],
                                            "max_session_duration": 7200})
    chained = assume(org, DATA)
    code, msg, _, _ = error_of(lambda: client(org, "sts", chained).assume_role(
        RoleArn=f"arn:aws:iam::{PROD}:role/Chain", RoleSessionName="ok", DurationSeconds=3601))
    assert code == "ValidationError" and "role chaining" in msg


def test_role_routes(org):
    roles = org.control("GET", f"/_emu/iam/roles?account_id={PROD}")["roles"]
    assert [r["name"] for r in roles] == [ROLE]
    assert roles[0]["trust_policy"]["Statement"][0]["Principal"] == {"AWS": f"arn:aws:iam::{MGMT}:root"}
    assert org.control("GET", f"/_emu/iam/roles?account_id={MGMT}")["roles"] == []
    with pytest.raises(urllib.error.HTTPError) as info:
        org.control("DELETE", f"/_emu/iam/roles?account_id={MGMT}&role_name={ROLE}")
    assert info.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as info:
        org.control("POST", "/_emu/organizations", SPEC)
    assert info.value.code == 409


# --------------------------------------------------------------------------- request log


def test_request_log_names_the_account_of_each_call(org):
    org.control("DELETE", "/_emu/requests")
    client(org, "organizations").list_accounts()
    creds = assume(org, PROD)
    client(org, "bedrock", creds).list_inference_profiles(typeEquals="APPLICATION")
    client(org, "cloudwatch", creds, region="us-west-2").list_metrics(Namespace="AWS/Bedrock")
    with pytest.raises(ClientError):
        assume(org, INVITED)
    client(org, "ce").get_cost_and_usage(
        TimePeriod={"Start": (today() - timedelta(days=1)).isoformat(), "End": today().isoformat()},
        Granularity="DAILY", Metrics=["UnblendedCost"])
    entries = org.requests()
    assert [(e["service"], e["operation"], e["account"], e["status"]) for e in entries] == [
        ("organizations", "ListAccounts", MGMT, 200),
        ("sts", "AssumeRole", MGMT, 200),
        ("bedrock", "ListInferenceProfiles", PROD, 200),
        ("cloudwatch", "ListMetrics", PROD, 200),
        ("sts", "AssumeRole", MGMT, 403),
        ("ce", "GetCostAndUsage", MGMT, 200),
    ]
    assert [e["operation"] for e in org.control("GET", f"/_emu/requests?account={PROD}")["requests"]] == [
        "ListInferenceProfiles", "ListMetrics"]


# --------------------------------------------------------------------------- per-account state and the payer's bill

SONNET_US = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"


def price(emu, model_id: str, region: str, account: str) -> dict:
    return emu.control("GET", f"/_emu/prices?model_id={model_id}&region={region}&account_id={account}")


def cost_of(emu, account: str, region: str, model_id: str, tokens: dict) -> Decimal:
    """Priced independently of the emulator's billing: tokens x price / 1000 per line item, 10 places."""
    from decimal import ROUND_HALF_UP

    p = price(emu, model_id, region, account)
    total = Decimal(0)
    for kind, n in tokens.items():
        if n:
            total += (Decimal(n) * Decimal(p[kind]) / 1000).quantize(Decimal("0.0000000001"), rounding=ROUND_HALF_UP)
    return total


@pytest.fixture
def billed(org):
    """Profiles and two days of usage in the management account, two members and the suspended one."""
    t = today()
    days = [(t - timedelta(days=2)).isoformat(), (t - timedelta(days=1)).isoformat()]
    plan = {  # account -> (profile name, department, region, source, tokens per day)
        MGMT: ("platform-gateway", "Platform", "us-east-1", SONNET_US, 1000),
        PROD: ("search-answers", "Search", "us-east-1", SONNET_US, 3000),
        DATA: ("research-notebooks", "DataScience", "us-west-2", "amazon.nova-pro-v1:0", 5000),
        GONE: ("sandbox-old", "Sandbox", "us-east-1", SONNET_US, 700),
    }
    expected: dict[str, Decimal] = {}
    profiles: dict[str, dict] = {}
    for account, (name, dept, region, source, n) in plan.items():
        (prof,) = org.control("POST", "/_emu/profiles", {"account_id": account, "profiles": [
            {"region": region, "name": name, "source": source, "tags": {"Department": dept}}]})["profiles"]
        profiles[account] = prof
        tokens = {"input": n, "output": n // 10, "cache_read": 0, "cache_write": 0}
        records = [{"region": region, "model_id": prof["id"], "date": d, "invocations": 10,
                    "input_tokens": tokens["input"], "output_tokens": tokens["output"]} for d in days]
        org.control("POST", "/_emu/usage", {"account_id": account, "records": records})
        expected[account] = cost_of(org, account, region, prof["id"], tokens) * len(days)
    org.control("POST", "/_emu/cost-allocation-tags", {"tags": [
        {"key": "Department", "status": "Active", "activated_at": (t - timedelta(days=30)).isoformat()}]})
    return org, expected, profiles


def period(days: int = 3) -> dict:
    return {"Start": (today() - timedelta(days=days)).isoformat(), "End": today().isoformat()}


def by_linked_account(r: dict) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for res in r["ResultsByTime"]:
        for g in res["Groups"]:
            out[g["Keys"][0]] = out.get(g["Keys"][0], Decimal(0)) + Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
    return out


def test_members_keep_their_own_profiles_and_metrics(billed):
    emu, _, profiles = billed
    creds = assume(emu, PROD)
    names = {p["inferenceProfileName"] for p in client(emu, "bedrock", creds).list_inference_profiles(
        typeEquals="APPLICATION")["inferenceProfileSummaries"]}
    assert names == {"search-answers"}
    mine = {p["inferenceProfileName"] for p in client(emu, "bedrock").list_inference_profiles(
        typeEquals="APPLICATION")["inferenceProfileSummaries"]}
    assert mine == {"platform-gateway"}
    arn = profiles[PROD]["arn"]
    assert arn.split(":")[4] == PROD
    code, _, status, _ = error_of(lambda: client(emu, "bedrock").get_inference_profile(inferenceProfileIdentifier=arn))
    assert (code, status) == ("ResourceNotFoundException", 404)

    def invocations(cw) -> float:
        r = cw.get_metric_data(MetricDataQueries=[{"Id": "m", "MetricStat": {"Metric": {
            "Namespace": "AWS/Bedrock", "MetricName": "Invocations",
            "Dimensions": [{"Name": "ModelId", "Value": profiles[PROD]["id"]}]}, "Period": 86400, "Stat": "Sum"}}],
            StartTime=datetime.now(UTC) - timedelta(days=4), EndTime=datetime.now(UTC))
        return sum(r["MetricDataResults"][0]["Values"])

    assert invocations(client(emu, "cloudwatch", creds)) == 20
    assert invocations(client(emu, "cloudwatch")) == 0


def test_payer_sees_every_account_by_linked_account(billed):
    emu, expected, _ = billed
    ce = client(emu, "ce")
    r = ce.get_cost_and_usage(TimePeriod=period(), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                              GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    assert by_linked_account(r) == expected
    names = {a["Value"]: a["Attributes"]["description"] for a in r["DimensionValueAttributes"]}
    assert names == {MGMT: "acme-management", PROD: "search-prod", DATA: "data-science", GONE: "legacy-sandbox"}
    # Filter on LINKED_ACCOUNT.
    r = ce.get_cost_and_usage(TimePeriod=period(), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                              Filter={"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [PROD, DATA]}})
    assert sum(Decimal(x["Total"]["UnblendedCost"]["Amount"]) for x in r["ResultsByTime"]) == \
        expected[PROD] + expected[DATA]
    values = ce.get_dimension_values(TimePeriod=period(), Dimension="LINKED_ACCOUNT")["DimensionValues"]
    assert sorted((v["Value"], v["Attributes"]) for v in values) == sorted(
        (a, {"description": n}) for a, n in names.items())
    payer = ce.get_dimension_values(TimePeriod=period(), Dimension="PAYER_ACCOUNT")["DimensionValues"]
    assert [v["Value"] for v in payer] == [MGMT]


def test_tag_groups_work_across_accounts(billed):
    emu, expected, _ = billed
    r = client(emu, "ce").get_cost_and_usage(
        TimePeriod=period(), Granularity="MONTHLY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "TAG", "Key": "Department"}, {"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    got: dict[tuple, Decimal] = {}
    for res in r["ResultsByTime"]:  # a window that crosses a month has two periods
        for g in res["Groups"]:
            key = tuple(g["Keys"])
            got[key] = got.get(key, Decimal(0)) + Decimal(g["Metrics"]["UnblendedCost"]["Amount"])
    assert got == {("Department$Platform", MGMT): expected[MGMT], ("Department$Search", PROD): expected[PROD],
                   ("Department$DataScience", DATA): expected[DATA], ("Department$Sandbox", GONE): expected[GONE]}
    keys = [t["TagKey"] for t in client(emu, "ce").list_cost_allocation_tags()["CostAllocationTags"]]
    assert keys == ["Department"]


def test_member_sees_only_its_own_spend(billed):
    emu, expected, _ = billed
    ce = client(emu, "ce", assume(emu, PROD))
    r = ce.get_cost_and_usage(TimePeriod=period(), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                              GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    assert by_linked_account(r) == {PROD: expected[PROD]}
    r = ce.get_cost_and_usage(TimePeriod=period(), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                              Filter={"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [DATA]}})
    assert all(x["Total"]["UnblendedCost"]["Amount"] == "0" for x in r["ResultsByTime"])
    # The payer's tag activation governs the member's view too.
    r = ce.get_cost_and_usage(TimePeriod=period(), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                              GroupBy=[{"Type": "TAG", "Key": "Department"}])
    assert {g["Keys"][0] for res in r["ResultsByTime"] for g in res["Groups"]} == {"Department$Search"}
    for call, verb in ((ce.list_cost_allocation_tags, "list Cost Allocation Tags"),
                       (lambda: ce.update_cost_allocation_tags_status(
                           CostAllocationTagsStatus=[{"TagKey": "Department", "Status": "Inactive"}]),
                        "update Cost Allocation Tag")):
        code, msg, status, _ = error_of(call)
        assert (code, status) == ("AccessDeniedException", 400)
        assert msg == f"Failed to {verb}: Linked account doesn't have access to cost allocation tags."


def test_an_account_outside_the_organization_is_its_own_payer(billed):
    emu, _, _ = billed
    outsider = "555555555555"
    (prof,) = emu.control("POST", "/_emu/profiles", {"account_id": outsider, "profiles": [
        {"region": "us-east-1", "name": "solo", "source": SONNET_US}]})["profiles"]
    emu.control("POST", "/_emu/usage", {"account_id": outsider, "records": [
        {"region": "us-east-1", "model_id": prof["id"], "date": (today() - timedelta(days=1)).isoformat(),
         "invocations": 1, "input_tokens": 100, "output_tokens": 10}]})
    emu.control("POST", "/_emu/iam/roles", {"account_id": outsider, "role_name": "Reader", "trusted_accounts": [MGMT]})
    ce = client(emu, "ce", assume(emu, outsider, role="Reader"))
    r = ce.get_cost_and_usage(TimePeriod=period(), Granularity="MONTHLY", Metrics=["UnblendedCost"],
                              GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    assert set(by_linked_account(r)) == {outsider}
    assert ce.list_cost_allocation_tags()["CostAllocationTags"] == []  # its own (empty) tag manager
    payer = client(emu, "ce").get_cost_and_usage(
        TimePeriod=period(), Granularity="MONTHLY", Metrics=["UnblendedCost"],
        GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
    assert outsider not in by_linked_account(payer)


def test_usage_route_checks_the_account_id(org):
    with pytest.raises(urllib.error.HTTPError) as info:
        org.control("POST", "/_emu/usage", {"account_id": "12345", "records": []})
    assert info.value.code == 400


def _trust(statement_extra: dict, principal=None) -> dict:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal if principal is not None else {"AWS": f"arn:aws:iam::{MGMT}:root"},
         "Action": "sts:AssumeRole", **statement_extra}]}


@pytest.mark.parametrize("policy,allowed,refused", [
    (_trust({"Condition": {"StringNotEquals": {"sts:ExternalId": "bad-id"}}}),
     {"ExternalId": "good-id"}, {"ExternalId": "bad-id"}),
    (_trust({"Condition": {"StringEqualsIgnoreCase": {"sts:RoleSessionName": "AIPCTL"}}}),
     {"RoleSessionName": "aipctl"}, {"RoleSessionName": "other"}),
    (_trust({"Condition": {"StringNotLike": {"sts:RoleSessionName": "evil*"}}}),
     {"RoleSessionName": "aipctl"}, {"RoleSessionName": "evil-1"}),
    (_trust({"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "FALSE"}}}), {}, None),
    (_trust({"Condition": {"Null": {"sts:ExternalId": "true"}}}), {}, {"ExternalId": "given"}),
    (_trust({"Condition": {"StringEqualsIfExists": {"sts:ExternalId": "x-id"}}}), {}, {"ExternalId": "y-id"}),
    (_trust({"Condition": {"StringEquals": {"sts:ExternalId": "x-id"}}}), {"ExternalId": "x-id"}, {}),
    (_trust({"Condition": {"StringEquals": {"aws:SourceIp": "10.0.0.1"}}}), None, {}),  # unknown key: closed
    (_trust({"Condition": {"NumericEquals": {"sts:ExternalId": "12"}}}), None,
     {"ExternalId": "12"}),  # unknown operator
    (_trust({"Condition": {"StringEquals": "sts:ExternalId"}}), None, {}),  # malformed: closed
    (_trust({"Condition": ["x"]}), None, {}),
    (_trust({}, principal="*"), {}, None),
    (_trust({}, principal={"AWS": "*"}), {}, None),
    (_trust({}, principal={"AWS": MGMT}), {}, None),
    (_trust({}, principal={"Service": "ec2.amazonaws.com"}), None, {}),
    (_trust({}, principal=["x"]), None, {}),
    (_trust({"Action": "sts:TagSession"}), None, {}),
    ({"Statement": ["not a statement"]}, None, {}),
])
def test_trust_policy_conditions_and_principals(org, policy, allowed, refused):
    org.control("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": "Cond", "trust_policy": policy})
    arn = f"arn:aws:iam::{PROD}:role/Cond"
    sts = client(org, "sts")

    def call(extra):
        return sts.assume_role(RoleArn=arn, **{"RoleSessionName": "aipctl", **extra})

    if allowed is not None:
        assert call(allowed)["Credentials"]["AccessKeyId"]
    if refused is not None:
        denied(lambda: call(refused), arn)


def test_principal_conditions_name_the_caller_and_its_organization(org):
    data = assume(org, DATA)
    for key, value in [("aws:PrincipalAccount", DATA), ("aws:PrincipalArn", f"arn:aws:iam::{DATA}:role/{ROLE}"),
                       ("aws:PrincipalOrgID", "o-testorg001")]:
        org.control("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": "Cond", "trust_policy": _trust(
            {"Condition": {"StringEquals": {key: value}}}, principal={"AWS": f"arn:aws:iam::{DATA}:role/{ROLE}"})})
        assert client(org, "sts", data).assume_role(RoleArn=f"arn:aws:iam::{PROD}:role/Cond",
                                                    RoleSessionName="aipctl")["Credentials"], key


def test_assume_role_parameters_the_sdk_does_not_check(org):
    sts = client(org, "sts", validate=False)
    for kwargs, fragment in [
        ({"RoleArn": "arn:aws:iam::1:r/x", "RoleSessionName": "ok"}, "at 'roleArn' failed to satisfy constraint"),
        ({"RoleArn": f"arn:aws:iam::{PROD}:user/someone", "RoleSessionName": "ok"}, "is invalid"),
        ({"RoleArn": f"arn:aws:iam::{PROD}:role/{ROLE}", "RoleSessionName": "ok", "ExternalId": "bad id!"},
         "at 'externalId' failed to satisfy constraint: Member must satisfy regular expression pattern"),
        ({"RoleArn": f"arn:aws:iam::{PROD}:role/{ROLE}"}, "Value null at 'roleSessionName'"),
    ]:
        code, msg, status, _ = error_of(lambda: sts.assume_role(**kwargs))
        assert (code, status) == ("ValidationError", 400) and fragment in msg, msg


@pytest.mark.parametrize("method,path,body", [
    ("POST", "/_emu/iam/roles", {"account_id": PROD}),
    ("POST", "/_emu/iam/roles", {"account_id": "1", "role_name": "R"}),
    ("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": "R", "trust_policy": {"Statement": []}}),
    ("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": "R", "trust_policy": "{not json",
                                 "trusted_accounts": [MGMT]}),
    ("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": "R", "trust_policy": "%7Bnot json"}),
    ("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": "R", "max_session_duration": 60}),
    ("DELETE", "/_emu/iam/roles?account_id=" + PROD, None),
    ("GET", "/_emu/iam/roles", None),
])
def test_role_routes_refuse_malformed_requests(org, method, path, body):
    with pytest.raises(urllib.error.HTTPError) as info:
        org.control(method, path, body)
    assert info.value.code == 400


def test_a_url_encoded_trust_policy_is_read(org):
    from urllib.parse import quote

    doc = json.dumps(_trust({}))
    org.control("POST", "/_emu/iam/roles", {"account_id": PROD, "role_name": "Enc", "trust_policy": quote(doc)})
    assert assume(org, PROD, role="Enc")["AccessKeyId"]


def raw_org(emu, op: str, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(
        emu.url + "/", method="POST", data=body,
        headers={"X-Amz-Target": f"AWSOrganizationsV20161128.{op}", "Content-Type": "application/x-amz-json-1.1",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/organizations/"
                                  "aws4_request, SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize("op,body,code,reason", [
    ("ListAccounts", b"{not json", "SerializationException", None),
    ("ListAccounts", b"[]", "SerializationException", None),
    ("ListAccounts", b'{"MaxResults": "5"}', "InvalidInputException", "INVALID_ENUM"),
    ("ListAccountsForParent", b"{}", "InvalidInputException", "INPUT_REQUIRED"),
    ("DescribeAccount", b"{}", "InvalidInputException", "INPUT_REQUIRED"),
    ("DescribeAccount", b'{"AccountId": "12"}', "InvalidInputException", "INVALID_PATTERN"),
    # a token of the right form but past the end, and one for another operation
    ("ListAccounts", None, "InvalidInputException", "INVALID_NEXT_TOKEN"),
])
def test_org_requests_no_sdk_sends(org, op, body, code, reason):
    if body is None:
        import base64
        import zlib

        raw = json.dumps({"o": "ListAccounts", "p": "", "i": 999}).encode()
        token = base64.urlsafe_b64encode(raw + zlib.crc32(raw).to_bytes(4, "big")).decode()
        body = json.dumps({"NextToken": token}).encode()
    status, doc = raw_org(org, op, body)
    assert status == 400 and doc["__type"] == code, doc
    if reason:
        assert doc["Reason"] == reason


def test_org_tokens_are_bound_to_their_operation(org):
    import base64
    import zlib

    raw = json.dumps({"o": "ListRoots", "p": "", "i": 0}).encode()
    token = base64.urlsafe_b64encode(raw + zlib.crc32(raw).to_bytes(4, "big")).decode()
    status, doc = raw_org(org, "ListAccounts", json.dumps({"NextToken": token}).encode())
    assert (status, doc["Reason"]) == (400, "INVALID_NEXT_TOKEN")
    status, doc = raw_org(org, "ListAccounts", json.dumps({"NextToken": "@@@"}).encode())
    assert (status, doc["Reason"]) == (400, "INVALID_NEXT_TOKEN")
    raw = b"not json"  # a sound checksum around something that is not JSON
    token = base64.urlsafe_b64encode(raw + zlib.crc32(raw).to_bytes(4, "big")).decode()
    status, doc = raw_org(org, "ListAccounts", json.dumps({"NextToken": token}).encode())
    assert (status, doc["Reason"]) == (400, "INVALID_NEXT_TOKEN")
    raw = json.dumps({"o": "ListAccounts", "p": "", "i": -1}).encode()
    token = base64.urlsafe_b64encode(raw + zlib.crc32(raw).to_bytes(4, "big")).decode()
    status, doc = raw_org(org, "ListAccounts", json.dumps({"NextToken": token}).encode())
    assert (status, doc["Reason"]) == (400, "INVALID_NEXT_TOKEN")


def test_accounts_for_parent_page_by_max_results(emu):
    emu.control("POST", "/_emu/organizations", {**SPEC, "accounts": [{"id": PROD, "name": "at-the-root"}]})
    orgs = client(emu, "organizations")
    first = orgs.list_accounts_for_parent(ParentId="r-test", MaxResults=1)
    rest = orgs.list_accounts_for_parent(ParentId="r-test", MaxResults=1, NextToken=first["NextToken"])
    assert [a["Id"] for a in first["Accounts"] + rest["Accounts"]] == [MGMT, PROD]


@pytest.mark.parametrize("spec,status", [
    ({"management": "x"}, 400),
    ({"management": {"id": "12", "name": "m"}}, 400),
    ({**SPEC, "ous": [{"name": "Child", "parent": "Missing"}], "accounts": []}, 400),
    ({**SPEC, "accounts": [{"id": PROD, "name": "a"}, {"id": PROD, "name": "b"}]}, 400),
    ({**SPEC, "accounts": [{"id": PROD, "name": "a", "joined_method": "STOLEN"}]}, 400),
    ({**SPEC, "accounts": [{"id": PROD, "name": "a", "status": "ASLEEP"}]}, 400),
    ({**SPEC, "accounts": [{"id": PROD, "name": "a", "ou": "Nowhere"}]}, 400),
])
def test_organization_route_refuses_bad_specs(emu, spec, status):
    with pytest.raises(urllib.error.HTTPError) as info:
        emu.control("POST", "/_emu/organizations", spec)
    assert info.value.code == status


def test_an_account_cannot_join_two_organizations(emu):
    emu.control("POST", "/_emu/organizations", SPEC)
    other = {"management": {"id": "210000000099", "name": "other"},
             "accounts": [{"id": PROD, "name": "search-prod"}]}
    with pytest.raises(urllib.error.HTTPError) as info:
        emu.control("POST", "/_emu/organizations", other)
    assert info.value.code == 409
