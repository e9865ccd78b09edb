"""An AWS Organization read as one account: Organizations, AssumeRole, per-account state, payer billing.

Real boto3 clients over HTTP. The management account is the default one (any
unknown access key maps to 123456789012, as in moto); members are reached the
way aipctl reaches them: STS AssumeRole, then clients built from the returned
temporary credentials.
"""

from __future__ import annotations

import urllib.error
from datetime import date, datetime, timedelta, timezone
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
    return datetime.now(timezone.utc).date()


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
    return sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role}", RoleSessionName="aipctl", **kwargs)["Credentials"]


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
    code, _, _, _ = error_of(lambda: orgs.list_organizational_units_for_parent(ParentId="ou-test-workloads", NextToken=t))
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
        for p in orgs.get_paginator("list_accounts_for_parent").paginate(ParentId=pid, PaginationConfig={"PageSize": 1}):
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
        assert (code, msg, status) == ("AccessDeniedException", "You don't have permissions to access this resource.", 400)


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
        ({"RoleSessionName": "x"}, "at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"),
        ({"RoleSessionName": "bad name"}, "at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern"),
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
