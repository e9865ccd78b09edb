"""Resource Groups Tagging API GetResources (awsemu/tagging.py).

Real boto3 ``resourcegroupstaggingapi`` clients (awsJson 1.1, signing name
``tagging``), so every answer parses against botocore's ``2017-01-26`` model.
Profiles are created through the Bedrock API or ``POST /_emu/profiles``;
other accounts are reached with moto's ``x-moto-account-id`` header.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT

OTHER = "210987654321"
PROFILE_TYPE = "bedrock:application-inference-profile"
NOVA_PRO = "amazon.nova-pro-v1:0"
NOW = "2026-06-01T12:00:00Z"


def fm(region: str, model: str = NOVA_PRO) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def _client(emu, service: str, region: str, account: str | None, validate: bool, retries: int):
    client = boto3.client(
        service,
        region_name=region,
        endpoint_url=emu.url,
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": retries, "mode": "standard"}, parameter_validation=validate),
    )
    if account is not None:
        client.meta.events.register(
            "before-sign.*.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", account)
        )
    return client


def tagging(emu, region: str = "us-east-1", account: str | None = None, validate: bool = True, retries: int = 0):
    """A Tagging API client; ``validate=False`` reaches server checks botocore would pre-empt."""
    return _client(emu, "resourcegroupstaggingapi", region, account, validate, retries)


def bedrock(emu, region: str = "us-east-1", account: str | None = None):
    return _client(emu, "bedrock", region, account, True, 0)


def seed(emu, specs: list[dict], account: str = ACCOUNT) -> list[str]:
    """Create profiles without AWS calls; each spec {"name", "region"?, "tags"?, "created_at"?}."""
    profiles = [
        {"region": s.get("region", "us-east-1"), "name": s["name"], "source": NOVA_PRO, **{
            k: s[k] for k in ("tags", "created_at") if k in s
        }}
        for s in specs
    ]
    out = emu.control("POST", "/_emu/profiles", {"account_id": account, "profiles": profiles})
    return [p["arn"] for p in out["profiles"]]


def listing(client, **params) -> dict[str, dict[str, str]]:
    """One page (asserted to be the last): {ARN: tags}."""
    out = client.get_resources(**params)
    assert out["PaginationToken"] == ""
    return {m["ResourceARN"]: {t["Key"]: t["Value"] for t in m["Tags"]} for m in out["ResourceTagMappingList"]}


def error_of(excinfo) -> tuple[int, str, str]:
    err = excinfo.value.response
    return err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Code"], err["Error"]["Message"]


def fix_clock(emu, instant: datetime) -> None:
    emu.control("POST", "/_emu/clock", {"now": instant.strftime("%Y-%m-%dT%H:%M:%SZ")})


# ------------------------------------------------------------------ scope


def test_only_tagged_profiles_of_the_signed_region_and_account(emu):
    a_east, _a_east_untagged, a_west = seed(emu, [
        {"name": "a-east", "tags": {"Department": "Search"}},
        {"name": "a-east-untagged"},
        {"name": "a-west", "region": "us-west-2", "tags": {"Department": "Support"}},
    ])
    (b_east,) = seed(emu, [{"name": "b-east", "tags": {"Department": "Legal"}}], account=OTHER)
    seed(emu, [{"name": "b-west-untagged", "region": "us-west-2"}], account=OTHER)

    assert listing(tagging(emu), ResourceTypeFilters=[PROFILE_TYPE]) == {a_east: {"Department": "Search"}}
    assert listing(tagging(emu, "us-west-2"), ResourceTypeFilters=[PROFILE_TYPE]) == {
        a_west: {"Department": "Support"}
    }
    assert listing(tagging(emu, account=OTHER), ResourceTypeFilters=[PROFILE_TYPE]) == {b_east: {"Department": "Legal"}}
    assert listing(tagging(emu, "us-west-2", account=OTHER), ResourceTypeFilters=[PROFILE_TYPE]) == {}
    assert listing(tagging(emu, "eu-west-1")) == {}
    # The service-wide filter and no filter see the same profiles; other types see none.
    client = tagging(emu)
    assert listing(client, ResourceTypeFilters=["bedrock"]) == {a_east: {"Department": "Search"}}
    assert listing(client) == {a_east: {"Department": "Search"}}
    assert listing(client, ResourceTypeFilters=["bedrock:inference-profile"]) == {}
    assert listing(client, ResourceTypeFilters=["ec2:instance", "s3"]) == {}
    # System-defined profiles are never listed.
    assert all("application-inference-profile/" in arn for arn in listing(client, ResourceTypeFilters=["bedrock"]))


def test_tag_changes_are_seen_at_once_and_previously_tagged_profiles_stay(emu):
    client, br = tagging(emu), bedrock(emu)
    arn = br.create_inference_profile(inferenceProfileName="late", modelSource={"copyFrom": fm("us-east-1")})[
        "inferenceProfileArn"
    ]
    assert listing(client, ResourceTypeFilters=[PROFILE_TYPE]) == {}, "created without tags: not listed"
    br.tag_resource(resourceARN=arn, tags=[{"key": "Department", "value": "Search"}])
    assert listing(client, ResourceTypeFilters=[PROFILE_TYPE]) == {arn: {"Department": "Search"}}
    br.tag_resource(resourceARN=arn, tags=[{"key": "Department", "value": "Support"}])
    assert listing(client, TagFilters=[{"Key": "Department", "Values": ["Support"]}]) == {
        arn: {"Department": "Support"}
    }
    assert listing(client, TagFilters=[{"Key": "Department", "Values": ["Search"]}]) == {}
    br.untag_resource(resourceARN=arn, tagKeys=["Department"])
    # "previously tagged, but do not currently have tags, are shown with an empty tag set"
    out = client.get_resources(ResourceTypeFilters=[PROFILE_TYPE])
    assert out["ResourceTagMappingList"] == [{"ResourceARN": arn, "Tags": []}]
    assert listing(client, TagFilters=[{"Key": "Department"}]) == {}


def test_deleted_profiles_leave_the_index(emu):
    client, br = tagging(emu), bedrock(emu)
    (arn,) = seed(emu, [{"name": "gone", "tags": {"Department": "Search"}}])
    br.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert listing(client) == {}
    assert listing(client, ResourceARNList=[arn]) == {}


# ------------------------------------------------------------------ tag filters


@pytest.fixture
def four(emu):
    arns = seed(emu, [
        {"name": "p1", "tags": {"Department": "Search", "Env": "prod"}},
        {"name": "p2", "tags": {"Department": "Support", "Env": "dev"}},
        {"name": "p3", "tags": {"Department": "", "Owner": "x"}},
        {"name": "p4", "tags": {"Owner": "y"}},
    ])
    return dict(zip(["p1", "p2", "p3", "p4"], arns, strict=True))


@pytest.mark.parametrize(
    "filters, expected",
    [
        ([{"Key": "Department", "Values": ["Search"]}], {"p1"}),
        ([{"Key": "Department", "Values": ["Search", "Support"]}], {"p1", "p2"}),  # values ORed
        ([{"Key": "Department"}], {"p1", "p2", "p3"}),  # any value, the empty one too
        ([{"Key": "Department", "Values": []}], {"p1", "p2", "p3"}),
        ([{"Key": "Department", "Values": [""]}], {"p3"}),  # only the empty value
        ([{"Key": "Department", "Values": ["Search", "Support"]}, {"Key": "Env", "Values": ["dev"]}], {"p2"}),
        ([{"Key": "Department"}, {"Key": "Owner"}], {"p3"}),  # filters ANDed
        ([{"Key": "Department", "Values": ["Search"]}, {"Key": "Department", "Values": ["Support"]}], set()),
        ([{"Key": "department"}], set()),  # keys are case-sensitive
        ([{"Key": "Department", "Values": ["search"]}], set()),  # values too
        ([{"Key": "Nope"}], set()),
        ([], {"p1", "p2", "p3", "p4"}),
    ],
)
def test_tag_filters(emu, four, filters, expected):
    got = listing(tagging(emu), ResourceTypeFilters=[PROFILE_TYPE], TagFilters=filters)
    assert set(got) == {four[name] for name in expected}


def test_a_mapping_carries_all_tags_of_a_matching_profile(emu, four):
    got = listing(tagging(emu), TagFilters=[{"Key": "Env", "Values": ["prod"]}])
    assert got == {four["p1"]: {"Department": "Search", "Env": "prod"}}


# ------------------------------------------------------------------ pagination


@pytest.fixture
def many(emu):
    arns = seed(emu, [
        {"name": f"bulk-{i:03d}", "tags": {"Department": f"D{i % 7}", "Index": str(i)}} for i in range(250)
    ] + [{"name": f"bare-{i}"} for i in range(5)])
    return arns[:250]


def pages(client, **params) -> list[list[str]]:
    out, token = [], None
    while True:
        resp = client.get_resources(**params, **({"PaginationToken": token} if token else {}))
        out.append([m["ResourceARN"] for m in resp["ResourceTagMappingList"]])
        token = resp["PaginationToken"]
        if token == "":
            return out
        assert len(out) < 50, "no end in sight"


def test_250_profiles_in_pages_of_100(emu, many):
    client = tagging(emu)
    got = pages(client, ResourceTypeFilters=[PROFILE_TYPE], ResourcesPerPage=100)
    assert [len(p) for p in got] == [100, 100, 50]
    flat = [a for p in got for a in p]
    assert len(flat) == len(set(flat)) == 250 and set(flat) == set(many)
    assert flat == sorted(flat), "ordered by ARN"
    # The default page size is 100 too, and botocore's paginator agrees.
    assert [len(p) for p in pages(client, ResourceTypeFilters=[PROFILE_TYPE])] == [100, 100, 50]
    paginated = client.get_paginator("get_resources").paginate(
        ResourceTypeFilters=[PROFILE_TYPE], PaginationConfig={"PageSize": 100}
    )
    assert [m["ResourceARN"] for page in paginated for m in page["ResourceTagMappingList"]] == flat


def test_pages_with_tag_filters_and_small_pages(emu, many):
    client = tagging(emu)
    got = pages(client, TagFilters=[{"Key": "Department", "Values": ["D0", "D3"]}], ResourcesPerPage=7)
    flat = [a for p in got for a in p]
    expected = {arn for i, arn in enumerate(many) if i % 7 in (0, 3)}
    assert len(flat) == len(set(flat)) and set(flat) == expected
    assert all(len(p) == 7 for p in got[:-1]) and 1 <= len(got[-1]) <= 7


def test_profiles_created_deleted_and_tagged_between_pages(emu, many):
    """The cursor names the last ARN: later pages see what changed behind
    and ahead of it (the ARN-ordered profile list is cached between pages)."""
    client, br = tagging(emu), bedrock(emu)
    first = client.get_resources(ResourceTypeFilters=[PROFILE_TYPE], ResourcesPerPage=100)
    cursor = first["ResourceTagMappingList"][-1]["ResourceARN"]
    ahead = sorted(a for a in many if a > cursor)
    br.delete_inference_profile(inferenceProfileIdentifier=ahead[0])
    br.untag_resource(resourceARN=ahead[1], tagKeys=["Index"])
    new = seed(emu, [{"name": f"late-{i}", "tags": {"Department": "Late"}} for i in range(20)])
    flat, token = [], first["PaginationToken"]
    while token:
        resp = client.get_resources(ResourceTypeFilters=[PROFILE_TYPE], ResourcesPerPage=100, PaginationToken=token)
        flat += [m["ResourceARN"] for m in resp["ResourceTagMappingList"]]
        token = resp["PaginationToken"]
    assert flat == sorted(set(ahead[1:]) | {a for a in new if a > cursor})
    got = client.get_resources(ResourceARNList=[ahead[1]])["ResourceTagMappingList"]
    assert got[0]["Tags"] == [{"Key": "Department", "Value": f"D{many.index(ahead[1]) % 7}"}]
    tf = listing(client, TagFilters=[{"Key": "Department", "Values": ["Late"]}], ResourcesPerPage=100)
    assert set(tf) == set(new)


def test_a_page_size_may_change_between_pages(emu, many):
    client = tagging(emu)
    first = client.get_resources(ResourcesPerPage=10)
    second = client.get_resources(ResourcesPerPage=100, PaginationToken=first["PaginationToken"])
    arns = [m["ResourceARN"] for m in first["ResourceTagMappingList"] + second["ResourceTagMappingList"]]
    assert len(arns) == len(set(arns)) == 110


def test_an_empty_request_token_means_the_first_page(emu, many):
    client = tagging(emu)
    assert client.get_resources(PaginationToken="", ResourcesPerPage=5)["ResourceTagMappingList"] == (
        client.get_resources(ResourcesPerPage=5)["ResourceTagMappingList"]
    )


def test_tokens_are_bound_to_the_request(emu, many):
    client = tagging(emu)
    token = client.get_resources(ResourcesPerPage=10, TagFilters=[{"Key": "Department"}])["PaginationToken"]
    assert token
    for other in (
        dict(TagFilters=[{"Key": "Index"}]),
        dict(ResourceTypeFilters=[PROFILE_TYPE]),
        dict(),
    ):
        with pytest.raises(ClientError) as excinfo:
            client.get_resources(PaginationToken=token, **other)
        assert error_of(excinfo)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as excinfo:
        tagging(emu, "us-west-2").get_resources(PaginationToken=token, TagFilters=[{"Key": "Department"}])
    assert error_of(excinfo)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as excinfo:
        tagging(emu, account=OTHER).get_resources(PaginationToken=token, TagFilters=[{"Key": "Department"}])
    assert error_of(excinfo)[:2] == (400, "InvalidParameterException")
    for garbage in ("x", "eyJmIjoiIn0", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        with pytest.raises(ClientError) as excinfo:
            client.get_resources(PaginationToken=garbage, TagFilters=[{"Key": "Department"}])
        assert error_of(excinfo)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as excinfo:
        tagging(emu, validate=False).get_resources(PaginationToken="x" * 2049)
    assert error_of(excinfo)[:2] == (400, "InvalidParameterException")


def test_tokens_expire_after_15_minutes(emu, many):
    start = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    fix_clock(emu, start)
    client = tagging(emu)
    token = client.get_resources(ResourcesPerPage=100)["PaginationToken"]
    fix_clock(emu, start + timedelta(minutes=15))
    assert len(client.get_resources(PaginationToken=token)["ResourceTagMappingList"]) == 100
    fix_clock(emu, start + timedelta(minutes=15, seconds=1))
    with pytest.raises(ClientError) as excinfo:
        client.get_resources(PaginationToken=token)
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "PaginationTokenExpiredException")
    assert "15 minutes" in message


def test_resources_per_page_bounds(emu, many):
    client = tagging(emu)
    for bad in (0, -1, 101, 1000):
        with pytest.raises(ClientError) as excinfo:
            client.get_resources(ResourcesPerPage=bad)
        status, code, message = error_of(excinfo)
        assert (status, code) == (400, "InvalidParameterException") and "ResourcesPerPage" in message
    assert len(client.get_resources(ResourcesPerPage=1)["ResourceTagMappingList"]) == 1
    assert len(client.get_resources(ResourcesPerPage=100)["ResourceTagMappingList"]) == 100


def test_tags_per_page_bounds_and_whole_resources(emu):
    arns = seed(emu, [{"name": f"ten-{i:02d}", "tags": {f"k{j}": "v" for j in range(10)}} for i in range(22)])
    client = tagging(emu)
    for bad in (0, 99, 501):
        with pytest.raises(ClientError) as excinfo:
            client.get_resources(TagsPerPage=bad)
        status, code, message = error_of(excinfo)
        assert (status, code) == (400, "InvalidParameterException") and "TagsPerPage" in message
    # The documented example: 22 resources with 10 tags each, TagsPerPage 100 -> 10, 10, 2.
    got = pages(client, TagsPerPage=100)
    assert [len(p) for p in got] == [10, 10, 2]
    assert sorted(a for p in got for a in p) == sorted(arns)
    # Both limits apply.
    assert [len(p) for p in pages(client, TagsPerPage=500, ResourcesPerPage=8)] == [8, 8, 6]


# ------------------------------------------------------------------ ResourceARNList


def test_resource_arn_list(emu):
    tagged, untagged, west = seed(emu, [
        {"name": "t", "tags": {"Department": "Search"}},
        {"name": "u"},
        {"name": "w", "region": "us-west-2", "tags": {"Department": "Support"}},
    ])
    ghost = tagged[:-12] + "000000000000"
    client = tagging(emu)
    out = client.get_resources(ResourceARNList=[ghost, untagged, west, tagged, tagged])
    assert out["PaginationToken"] == ""
    assert out["ResourceTagMappingList"] == [
        {"ResourceARN": tagged, "Tags": [{"Key": "Department", "Value": "Search"}]}
    ]
    other_account = tagged.replace(f":{ACCOUNT}:", f":{OTHER}:")
    assert listing(client, ResourceARNList=[other_account]) == {}
    assert listing(tagging(emu, "us-west-2"), ResourceARNList=[west, tagged]) == {west: {"Department": "Support"}}


@pytest.mark.parametrize(
    "extra",
    [
        {"TagFilters": [{"Key": "Department"}]},
        {"ResourceTypeFilters": [PROFILE_TYPE]},
        {"ResourcesPerPage": 10},
        {"TagsPerPage": 100},
        {"PaginationToken": "abc"},
    ],
)
def test_resource_arn_list_excludes_filters_and_pagination(emu, extra):
    (arn,) = seed(emu, [{"name": "t", "tags": {"Department": "Search"}}])
    with pytest.raises(ClientError) as excinfo:
        tagging(emu).get_resources(ResourceARNList=[arn], **extra)
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "InvalidParameterException")
    assert "ResourceARNList" in message and next(iter(extra)) in message


def test_resource_arn_list_limits_and_arn_checks(emu):
    (arn,) = seed(emu, [{"name": "t", "tags": {"Department": "Search"}}])
    raw = tagging(emu, validate=False)
    for arns in ([], [arn] * 101, [""]):
        with pytest.raises(ClientError) as excinfo:
            raw.get_resources(ResourceARNList=arns)
        assert error_of(excinfo)[:2] == (400, "InvalidParameterException")
    assert len(tagging(emu).get_resources(ResourceARNList=[arn] * 100)["ResourceTagMappingList"]) == 1
    for bad in (
        "not-an-arn",
        "arn:aws:ec2:us-east-1:123456789012:i-0825a83d29e870145",  # no resource type (aws/aws-cli#8109)
        "arn:aws:firehose:us-east-1::deliverystream/x",  # no account
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:x1y2z3",  # Bedrock ARNs read type/id
    ):
        with pytest.raises(ClientError) as excinfo:
            raw.get_resources(ResourceARNList=[bad])
        assert error_of(excinfo) == (400, "InvalidParameterException", f"{bad} is not a valid AmazonResourceName (ARN)")
    with pytest.raises(ClientError) as excinfo:
        raw.get_resources(ResourceARNList=[arn.replace("arn:aws:", "arn:aws-cn:")])
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "InvalidParameterException") and "partition" in message
    assert listing(raw, ResourceARNList=["arn:aws:s3:::some-bucket"]) == {}


# ------------------------------------------------------------------ validation


def test_tag_filter_limits(emu):
    raw = tagging(emu, validate=False)
    cases = [
        [{"Key": f"k{i}"} for i in range(51)],
        [{"Key": "k", "Values": [str(i) for i in range(21)]}],
        [{"Key": ""}],
        [{"Key": "k" * 129}],
        [{"Key": "k", "Values": ["v" * 257]}],
        [{"Values": ["x"]}],
    ]
    for filters in cases:
        with pytest.raises(ClientError) as excinfo:
            raw.get_resources(TagFilters=filters)
        assert error_of(excinfo)[:2] == (400, "InvalidParameterException"), filters
    with pytest.raises(ClientError) as excinfo:
        raw.get_resources(TagFilters=[{"Key": f"k{i}"} for i in range(51)])
    assert error_of(excinfo)[2] == (
        "1 validation error detected: Value '[51 items]' at 'tagFilters' failed to satisfy constraint: "
        "Member must have length less than or equal to 50"
    )
    ok = [{"Key": f"k{i}", "Values": [str(j) for j in range(20)]} for i in range(50)]
    assert listing(tagging(emu), TagFilters=ok) == {}
    assert listing(tagging(emu), TagFilters=[{"Key": "k" * 128, "Values": ["v" * 256, ""]}]) == {}


def test_resource_type_filter_limits(emu):
    raw = tagging(emu, validate=False)
    for filters in ([f"svc{i}" for i in range(101)], ["x" * 257]):
        with pytest.raises(ClientError) as excinfo:
            raw.get_resources(ResourceTypeFilters=filters)
        assert error_of(excinfo)[:2] == (400, "InvalidParameterException")
    assert listing(raw, ResourceTypeFilters=[f"svc{i}" for i in range(100)]) == {}


def test_compliance_flags(emu):
    (arn,) = seed(emu, [{"name": "t", "tags": {"Department": "Search"}}])
    client = tagging(emu)
    with pytest.raises(ClientError) as excinfo:
        client.get_resources(ExcludeCompliantResources=True)
    assert error_of(excinfo)[:2] == (400, "InvalidParameterException")
    with pytest.raises(ClientError) as excinfo:
        client.get_resources(ExcludeCompliantResources=True, IncludeComplianceDetails=False)
    assert error_of(excinfo)[:2] == (400, "InvalidParameterException")
    out = client.get_resources(IncludeComplianceDetails=True)
    assert out["ResourceTagMappingList"] == [{
        "ResourceARN": arn,
        "Tags": [{"Key": "Department", "Value": "Search"}],
        "ComplianceDetails": {"NoncompliantKeys": [], "KeysWithNoncompliantValues": [], "ComplianceStatus": True},
    }]
    assert listing(client, IncludeComplianceDetails=True, ExcludeCompliantResources=True) == {}
    assert listing(client, IncludeComplianceDetails=False) == {arn: {"Department": "Search"}}


def test_wire_format(emu):
    (arn,) = seed(emu, [{"name": "t", "tags": {"Department": "Search"}}])

    def post(body: bytes) -> tuple[int, dict, dict]:
        req = urllib.request.Request(emu.url + "/", data=body, method="POST")
        req.add_header("Content-Type", "application/x-amz-json-1.1")
        req.add_header("X-Amz-Target", "ResourceGroupsTaggingAPI_20170126.GetResources")
        req.add_header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260601/us-east-1/tagging/aws4_request, "
            "SignedHeaders=host, Signature=0",
        )
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:
                return resp.status, dict(resp.headers), json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), json.loads(exc.read())

    status, headers, body = post(b"{}")
    assert status == 200 and headers["Content-Type"] == "application/x-amz-json-1.1"
    assert body == {"PaginationToken": "", "ResourceTagMappingList": [
        {"ResourceARN": arn, "Tags": [{"Key": "Department", "Value": "Search"}]}
    ]}
    status, headers, body = post(json.dumps({"ResourcesPerPage": 0}).encode())
    assert status == 400 and headers["Content-Type"] == "application/x-amz-json-1.1"
    assert body["__type"] == "InvalidParameterException" and "Message" in body
    status, _, body = post(b"{not json")
    assert (status, body["__type"]) == (400, "SerializationException")
    status, _, body = post(json.dumps({"ResourcesPerPage": "ten"}).encode())
    assert (status, body["__type"]) == (400, "SerializationException")


# ------------------------------------------------------------------ eventual consistency knobs


def test_lag_knob_with_a_fixed_clock(emu):
    start = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    fix_clock(emu, start)
    assert emu.control("GET", "/_emu/tagging") == {"lag_seconds": 0, "missing": [], "deleted_lag_seconds": 0}
    assert emu.control("POST", "/_emu/tagging", {"lag_seconds": 60}) == {
        "lag_seconds": 60, "missing": [], "deleted_lag_seconds": 0
    }
    client, br = tagging(emu), bedrock(emu)
    fresh = br.create_inference_profile(
        inferenceProfileName="fresh", modelSource={"copyFrom": fm("us-east-1")},
        tags=[{"key": "Department", "value": "Search"}],
    )["inferenceProfileArn"]
    (old,) = seed(emu, [{"name": "old", "tags": {"Department": "Support"},
                         "created_at": (start - timedelta(minutes=2)).isoformat()}])
    assert set(listing(client)) == {old}, "the new profile is not indexed yet"
    assert listing(client, ResourceARNList=[fresh]) == {}
    assert br.get_inference_profile(inferenceProfileIdentifier=fresh)["inferenceProfileArn"] == fresh
    fix_clock(emu, start + timedelta(seconds=59))
    assert set(listing(client)) == {old}
    fix_clock(emu, start + timedelta(seconds=60))
    assert set(listing(client)) == {old, fresh}
    emu.control("POST", "/_emu/reset")
    assert emu.control("GET", "/_emu/tagging") == {"lag_seconds": 0, "missing": [], "deleted_lag_seconds": 0}


def test_missing_knob_hides_chosen_profiles(emu):
    hidden, shown = seed(emu, [
        {"name": "hidden", "tags": {"Department": "Search"}},
        {"name": "shown", "tags": {"Department": "Search"}},
    ])
    assert emu.control("POST", "/_emu/tagging", {"missing": [hidden]})["missing"] == [hidden]
    client = tagging(emu)
    assert set(listing(client)) == {shown}
    assert listing(client, ResourceARNList=[hidden, shown]) == {shown: {"Department": "Search"}}
    assert emu.control("DELETE", "/_emu/tagging") == {"cleared": True}
    assert set(listing(client)) == {hidden, shown}


def test_deleted_lag_knob_keeps_a_deleted_profile_listed(emu):
    start = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    fix_clock(emu, start)
    emu.control("POST", "/_emu/tagging", {"deleted_lag_seconds": 300})
    tagged, bare = seed(emu, [{"name": "tagged", "tags": {"Department": "Search"}}, {"name": "bare"}])
    br, client = bedrock(emu), tagging(emu)
    for arn in (tagged, bare):
        br.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert listing(client) == {tagged: {"Department": "Search"}}, "stale entry with its last tags"
    assert listing(client, TagFilters=[{"Key": "Department", "Values": ["Search"]}]) == {
        tagged: {"Department": "Search"}
    }
    with pytest.raises(ClientError) as excinfo:
        br.get_inference_profile(inferenceProfileIdentifier=tagged)
    assert error_of(excinfo)[:2] == (404, "ResourceNotFoundException")
    fix_clock(emu, start + timedelta(seconds=300))
    assert listing(client) == {}


def test_control_route_rejects_bad_settings(emu):
    for body in ({"lag_seconds": -1}, {"lag_seconds": "5"}, {"missing": "arn"}, {"lag": 5}, [1]):
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            emu.control("POST", "/_emu/tagging", body)
        assert excinfo.value.code == 400


# ------------------------------------------------------------------ faults and the request log


def test_denied_fault_and_request_log(emu):
    seed(emu, [{"name": "t", "region": "us-west-2", "tags": {"Department": "Search"}}])
    emu.control("DELETE", "/_emu/requests")
    emu.control("POST", "/_emu/faults", {"rules": [{
        "service": "tagging", "operation": "GetResources", "error": "AccessDeniedException", "count": 1,
        "message": f"User: arn:aws:iam::{ACCOUNT}:user/ci is not authorized to perform: tag:GetResources",
    }]})
    client = tagging(emu, "us-west-2")
    with pytest.raises(ClientError) as excinfo:
        client.get_resources(ResourceTypeFilters=[PROFILE_TYPE])
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "AccessDeniedException")
    assert message.endswith("is not authorized to perform: tag:GetResources")
    assert len(client.get_resources(ResourceTypeFilters=[PROFILE_TYPE])["ResourceTagMappingList"]) == 1
    rule = emu.control("GET", "/_emu/faults")["rules"][0]
    assert (rule["service"], rule["seen"], rule["fired"]) == ("tagging", 2, 1)
    entries = emu.control("GET", "/_emu/requests?service=tagging")["requests"]
    assert [(e["service"], e["operation"], e["region"], e["status"]) for e in entries] == [
        ("tagging", "GetResources", "us-west-2", 400),
        ("tagging", "GetResources", "us-west-2", 200),
    ]


@pytest.mark.parametrize(
    "code, status", [("ThrottledException", 400), ("InternalServiceException", 500)]
)
def test_modelled_faults_default_statuses(emu, code, status):
    emu.control("POST", "/_emu/faults", {"rules": [{"service": "resourcegroupstaggingapi", "error": code}]})
    with pytest.raises(ClientError) as excinfo:
        tagging(emu).get_resources()
    assert error_of(excinfo)[:2] == (status, code)
    assert emu.control("GET", "/_emu/faults")["rules"][0]["service"] == "tagging"


def test_validation_errors_are_logged_too(emu):
    emu.control("DELETE", "/_emu/requests")
    with pytest.raises(ClientError):
        tagging(emu, "eu-west-1").get_resources(ResourcesPerPage=0)
    (entry,) = emu.requests()
    assert (entry["service"], entry["operation"], entry["region"], entry["status"]) == (
        "tagging", "GetResources", "eu-west-1", 400
    )


# ------------------------------------------------------------------ moto's own resources


def test_moto_resources_are_merged_in(emu):
    (profile,) = seed(emu, [{"name": "t", "tags": {"Department": "Search"}}])
    sqs = _client(emu, "sqs", "us-east-1", None, True, 0)
    url = sqs.create_queue(QueueName="jobs", tags={"Department": "Search"})["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    client = tagging(emu)
    assert set(listing(client, TagFilters=[{"Key": "Department", "Values": ["Search"]}])) == {profile, queue_arn}
    assert set(listing(client, ResourceTypeFilters=["sqs"])) == {queue_arn}
    assert set(listing(client, ResourceTypeFilters=[PROFILE_TYPE])) == {profile}
    assert set(listing(client, ResourceTypeFilters=["sqs", "bedrock"])) == {profile, queue_arn}
    assert set(listing(client, ResourceARNList=[queue_arn, profile])) == {profile, queue_arn}
    assert "Department" in client.get_tag_keys()["TagKeys"], "moto still answers the other operations"


def raw_tagging(emu, body: bytes) -> tuple[int, dict]:
    req = urllib.request.Request(
        emu.url + "/", method="POST", data=body,
        headers={"X-Amz-Target": "ResourceGroupsTaggingAPI_20170126.GetResources",
                 "Content-Type": "application/x-amz-json-1.1",
                 "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/us-east-1/tagging/aws4_request, "
                                  "SignedHeaders=host, Signature=0"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.mark.parametrize("body", [
    b"[]",
    b'{"ResourcesPerPage": true}',
    b'{"TagFilters": ["Department"]}',
    b'{"TagFilters": [{"Key": "Department", "Values": "Search"}]}',
])
def test_wrongly_typed_requests_are_serialization_errors(emu, body):
    status, doc = raw_tagging(emu, body)
    assert (status, doc["__type"]) == (400, "SerializationException"), doc


def test_untagged_moto_resources_are_not_listed(emu):
    sqs = emu.client("sqs")
    tagged = sqs.create_queue(QueueName="tagged", tags={"Department": "Search"})["QueueUrl"]
    sqs.create_queue(QueueName="untagged")
    arns = list(listing(tagging(emu)))
    assert len(arns) == 1 and arns[0].endswith(":tagged") and tagged


def test_excluding_compliant_resources_of_an_arn_list_leaves_none(emu):
    (arn,) = seed(emu, [{"name": "p", "tags": {"Department": "Search"}}])
    out = tagging(emu).get_resources(ResourceARNList=[arn], IncludeComplianceDetails=True,
                                     ExcludeCompliantResources=True)
    assert out["ResourceTagMappingList"] == []
