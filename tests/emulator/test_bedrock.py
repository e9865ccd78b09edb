"""Bedrock control plane of the emulator (awsemu/bedrock.py, awsemu/catalog.py).

Every call goes through real boto3 clients, so the answers parse against
botocore's ``bedrock 2023-04-20`` model. Errors are checked by HTTP status and
error code, as AWS's model defines them. Where botocore would reject a value
client-side (minimum lengths), ``raw_client`` turns its validation off to
reach the server's checks, as the Rust SDK (which checks no constraints) would.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from conftest import ACCOUNT

RFC3339_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
APP_ARN = re.compile(
    r"^arn:aws:bedrock:(?P<region>[a-z0-9-]+):(?P<acct>\d{12}):application-inference-profile/(?P<id>[a-z0-9]{12})$"
)
SONNET45 = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU45 = "anthropic.claude-haiku-4-5-20251001-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"


def fm(region: str, model: str) -> str:
    return f"arn:aws:bedrock:{region}::foundation-model/{model}"


def sysprof(region: str, profile_id: str, account: str = ACCOUNT) -> str:
    return f"arn:aws:bedrock:{region}:{account}:inference-profile/{profile_id}"


def raw_client(emu, region: str = "us-east-1"):
    """A bedrock client that skips botocore's client-side parameter validation."""
    return boto3.client(
        "bedrock",
        region_name=region,
        endpoint_url=emu.url,
        aws_access_key_id="AKIDTEST",
        aws_secret_access_key="secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=False),
    )


def error_of(excinfo) -> tuple[int, str, str]:
    err = excinfo.value.response
    return err["ResponseMetadata"]["HTTPStatusCode"], err["Error"]["Code"], err["Error"]["Message"]


def create(client, name: str, source: str, **kwargs) -> str:
    out = client.create_inference_profile(
        inferenceProfileName=name, modelSource={"copyFrom": source}, **kwargs
    )
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert out["status"] == "ACTIVE"
    return out["inferenceProfileArn"]


def raw_get(emu, path: str, region: str = "us-east-1") -> tuple[int, dict, dict]:
    """An unsigned-but-scoped GET (moto doesn't check signatures) to see the wire."""
    req = urllib.request.Request(emu.url + path)
    req.add_header(
        "Authorization",
        f"AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/{region}/bedrock/aws4_request, "
        "SignedHeaders=host, Signature=0",
    )
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read())


# ------------------------------------------------------------------ system profiles


def test_list_without_type_returns_only_system_defined(emu):
    client = emu.client("bedrock")
    create(client, "app-one", fm("us-east-1", NOVA_PRO))
    out = client.list_inference_profiles()
    types = {p["type"] for p in out["inferenceProfileSummaries"]}
    assert types == {"SYSTEM_DEFINED"}
    apps = client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert [p["inferenceProfileName"] for p in apps] == ["app-one"]
    # the same on the wire, without any SDK or CLI in between
    status, _, body = raw_get(emu, "/inference-profiles")
    assert status == 200
    assert body["inferenceProfileSummaries"]
    assert {p["type"] for p in body["inferenceProfileSummaries"]} == {"SYSTEM_DEFINED"}
    status, _, body = raw_get(emu, "/inference-profiles?type=APPLICATION")
    assert [p["inferenceProfileName"] for p in body["inferenceProfileSummaries"]] == ["app-one"]


def test_system_profiles_follow_geographies(emu):
    us = emu.client("bedrock", "us-east-1")
    by_id = {
        p["inferenceProfileId"]: p
        for p in us.list_inference_profiles(typeEquals="SYSTEM_DEFINED", maxResults=1000)[
            "inferenceProfileSummaries"
        ]
    }
    sonnet = by_id[f"us.{SONNET45}"]
    assert sonnet["inferenceProfileArn"] == sysprof("us-east-1", f"us.{SONNET45}")
    assert [m["modelArn"] for m in sonnet["models"]] == [
        fm(r, SONNET45) for r in ("us-east-1", "us-east-2", "us-west-2")
    ]
    assert sonnet["inferenceProfileName"] == "US Anthropic Claude Sonnet 4.5"
    glob = by_id[f"global.{SONNET45}"]
    assert [m["modelArn"] for m in glob["models"]] == [
        f"arn:aws:bedrock:::foundation-model/{SONNET45}",
        fm("us-east-1", SONNET45),
    ]
    assert not any(i.startswith(("eu.", "apac.", "jp.")) for i in by_id)

    eu = emu.client("bedrock", "eu-west-1")
    eu_ids = {
        p["inferenceProfileId"]: p
        for p in eu.list_inference_profiles(typeEquals="SYSTEM_DEFINED")["inferenceProfileSummaries"]
    }
    assert all(i.split(".", 1)[0] in ("eu", "global") for i in eu_ids)
    # The live EU Claude 4.5 profiles route to six Regions, more than the model's max of 5.
    assert len(eu_ids[f"eu.{SONNET45}"]["models"]) == 6

    tokyo = emu.client("bedrock", "ap-northeast-1")
    prefixes = {
        p["inferenceProfileId"].split(".", 1)[0]
        for p in tokyo.list_inference_profiles(typeEquals="SYSTEM_DEFINED")["inferenceProfileSummaries"]
    }
    assert {"jp", "apac", "global"} <= prefixes
    canada = emu.client("bedrock", "ca-central-1")
    ca_ids = [
        p["inferenceProfileId"]
        for p in canada.list_inference_profiles(typeEquals="SYSTEM_DEFINED")["inferenceProfileSummaries"]
    ]
    assert "ca.amazon.nova-lite-v1:0" in ca_ids


def test_destinations_can_depend_on_source_region(emu):
    east = emu.client("bedrock", "us-east-1").get_inference_profile(
        inferenceProfileIdentifier="us.anthropic.claude-3-haiku-20240307-v1:0"
    )
    west = emu.client("bedrock", "us-west-2").get_inference_profile(
        inferenceProfileIdentifier="us.anthropic.claude-3-haiku-20240307-v1:0"
    )
    assert len(east["models"]) == 3
    assert [m["modelArn"].split(":")[3] for m in west["models"]] == ["us-east-1", "us-west-2"]


@pytest.mark.parametrize(
    "region",
    ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "eu-west-3",
     "eu-north-1", "ap-northeast-1", "ap-southeast-2", "ca-central-1"],
)
def test_every_region_has_a_consistent_catalog(emu, region):
    client = emu.client("bedrock", region)
    models = {m["modelId"]: m for m in client.list_foundation_models()["modelSummaries"]}
    profiles = client.list_inference_profiles(typeEquals="SYSTEM_DEFINED")["inferenceProfileSummaries"]
    assert models and profiles
    for p in profiles:
        geo, model_id = p["inferenceProfileId"].split(".", 1)
        assert geo in ("us", "eu", "apac", "jp", "au", "ca", "global")
        assert model_id in models, f"{p['inferenceProfileId']} offered but {model_id} not listed"
        assert p["inferenceProfileArn"] == sysprof(region, p["inferenceProfileId"])
        assert fm(region, model_id) in [m["modelArn"] for m in p["models"]] or geo != "global"
    for m in models.values():
        assert m["modelArn"] == fm(region, m["modelId"])


def test_get_system_profile_by_id_and_arn(emu):
    client = emu.client("bedrock")
    pid = f"us.{HAIKU45}"
    by_id = client.get_inference_profile(inferenceProfileIdentifier=pid)
    by_arn = client.get_inference_profile(inferenceProfileIdentifier=sysprof("us-east-1", pid))
    for out in (by_id, by_arn):
        assert out["inferenceProfileId"] == pid
        assert out["type"] == "SYSTEM_DEFINED"
        assert out["status"] == "ACTIVE"


# ------------------------------------------------------------------ create / get


def test_create_from_foundation_model_and_get_by_id_and_arn(emu):
    client = emu.client("bedrock")
    arn = create(
        client,
        "mkt-nova",
        fm("us-east-1", NOVA_PRO),
        description="Marketing chatbot v1.2",
        tags=[{"key": "Department", "value": "Marketing"}],
    )
    m = APP_ARN.match(arn)
    assert m and m["region"] == "us-east-1" and m["acct"] == ACCOUNT
    for ident in (arn, m["id"]):
        out = client.get_inference_profile(inferenceProfileIdentifier=ident)
        assert out["inferenceProfileArn"] == arn
        assert out["inferenceProfileId"] == m["id"]
        assert out["inferenceProfileName"] == "mkt-nova"
        assert out["description"] == "Marketing chatbot v1.2"
        assert out["type"] == "APPLICATION"
        assert out["status"] == "ACTIVE"
        assert out["models"] == [{"modelArn": fm("us-east-1", NOVA_PRO)}]
        assert isinstance(out["createdAt"], datetime)
        assert out["createdAt"] == out["updatedAt"]
        assert "tags" not in out
    status, _, body = raw_get(emu, f"/inference-profiles/{m['id']}")
    assert status == 200
    assert RFC3339_MS.match(body["createdAt"]) and RFC3339_MS.match(body["updatedAt"])
    age = datetime.now(UTC) - datetime.fromisoformat(body["createdAt"].replace("Z", "+00:00"))
    assert abs(age.total_seconds()) < 60


def test_create_from_system_profile_copies_its_regions(emu):
    client = emu.client("bedrock", "us-east-2")
    arn = create(client, "eng-sonnet", sysprof("us-east-2", f"us.{SONNET45}"))
    out = client.get_inference_profile(inferenceProfileIdentifier=arn)
    assert [x["modelArn"] for x in out["models"]] == [
        fm(r, SONNET45) for r in ("us-east-1", "us-east-2", "us-west-2")
    ]
    assert arn.startswith("arn:aws:bedrock:us-east-2:")


def test_create_from_a_profile_only_foundation_model_is_accepted(emu):
    # Evidence-based (aws-ia/terraform-aws-bedrock issue 121): AWS creates an
    # application profile copying a foundation model the Region serves only
    # through inference profiles; such a profile fails later, at invocation.
    client = emu.client("bedrock")
    fms = {m["modelId"]: m for m in client.list_foundation_models()["modelSummaries"]}
    assert "ON_DEMAND" not in fms[SONNET45]["inferenceTypesSupported"]
    arn = create(client, "direct-sonnet", fm("us-east-1", SONNET45))
    got = client.get_inference_profile(inferenceProfileIdentifier=arn)
    assert got["type"] == "APPLICATION" and got["status"] == "ACTIVE"
    assert got["models"] == [{"modelArn": fm("us-east-1", SONNET45)}]


def test_create_from_global_profile_keeps_regionless_arn(emu):
    client = emu.client("bedrock", "eu-central-1")
    arn = create(client, "global-haiku", sysprof("eu-central-1", f"global.{HAIKU45}"))
    models = [x["modelArn"] for x in client.get_inference_profile(inferenceProfileIdentifier=arn)["models"]]
    assert models == [f"arn:aws:bedrock:::foundation-model/{HAIKU45}", fm("eu-central-1", HAIKU45)]


def test_create_accepts_boundary_values(emu):
    client = emu.client("bedrock")
    name = "a" * 64
    arn = create(
        client,
        name,
        fm("us-east-1", NOVA_PRO),
        description="d" * 200,
        tags=[{"key": "k" * 128, "value": "v" * 256}, {"key": "empty", "value": ""}],
        clientRequestToken="t" * 256,
    )
    assert client.get_inference_profile(inferenceProfileIdentifier=arn)["inferenceProfileName"] == name
    tags = client.list_tags_for_resource(resourceARN=arn)["tags"]
    assert {"key": "empty", "value": ""} in tags


BAD_CREATE = [
    # (label, kwargs overrides, expected message fragment)
    ("name-pattern", {"inferenceProfileName": "bad name!"}, "at 'inferenceProfileName'"),
    ("name-double-separator", {"inferenceProfileName": "a--b"}, "regular expression pattern"),
    ("name-leading-separator", {"inferenceProfileName": "-ab"}, "regular expression pattern"),
    ("name-too-long", {"inferenceProfileName": "a" * 65}, "less than or equal to 64"),
    ("name-empty", {"inferenceProfileName": ""}, "greater than or equal to 1"),
    ("name-missing", {"inferenceProfileName": None}, "Member must not be null"),
    ("description-comma", {"description": "Marketing, sales"}, "at 'description'"),
    ("description-too-long", {"description": "d" * 201}, "less than or equal to 200"),
    ("token-pattern", {"clientRequestToken": "-abc"}, "at 'clientRequestToken'"),
    ("token-too-long", {"clientRequestToken": "t" * 257}, "less than or equal to 256"),
    ("source-missing", {"modelSource": None}, "at 'modelSource'"),
    ("source-empty-union", {"modelSource": {}}, "at 'modelSource'"),
    ("source-not-an-arn", {"modelSource": {"copyFrom": "amazon.nova-pro-v1:0"}}, "modelSource.copyFrom"),
    (
        "source-application-profile",
        {"modelSource": {
            "copyFrom": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abcdefghijkl"}},
        "modelSource.copyFrom",
    ),
    ("source-other-region-fm", {"modelSource": {"copyFrom": fm("us-west-2", NOVA_PRO)}}, "Region"),
    (
        "source-other-region-profile",
        {"modelSource": {"copyFrom": sysprof("us-west-2", f"us.{SONNET45}")}},
        "Region",
    ),
    ("source-unknown-model", {"modelSource": {"copyFrom": fm("us-east-1", "acme.nothing-v1:0")}}, "model identifier"),
    (
        "source-unknown-profile",
        {"modelSource": {"copyFrom": sysprof("us-east-1", "eu.amazon.nova-pro-v1:0")}},
        "not a valid inference profile",
    ),
    (
        "source-other-account",
        {"modelSource": {"copyFrom": sysprof("us-east-1", f"us.{SONNET45}", "999999999999")}},
        "account",
    ),
    ("tag-key-pattern", {"tags": [{"key": "a*b", "value": "x"}]}, "tags.1.member.key"),
    ("tag-key-empty", {"tags": [{"key": "", "value": "x"}]}, "tags.1.member.key"),
    ("tag-value-too-long", {"tags": [{"key": "a", "value": "v" * 257}]}, "tags.1.member.value"),
    ("tag-value-pattern", {"tags": [{"key": "ok", "value": "x"}, {"key": "a", "value": "50%"}]}, "tags.2.member.value"),
    ("tag-aws-prefix", {"tags": [{"key": "aws:cost", "value": "x"}]}, "aws:"),
    ("tag-aws-prefix-upper", {"tags": [{"key": "AWS:cost", "value": "x"}]}, "aws:"),
    ("tag-duplicate-key", {"tags": [{"key": "a", "value": "1"}, {"key": "a", "value": "2"}]}, "Duplicate"),
    ("tags-over-model-max", {"tags": [{"key": f"k{i}", "value": "v"} for i in range(201)]},
     "less than or equal to 200"),
]


@pytest.mark.parametrize("label,override,fragment", BAD_CREATE, ids=[c[0] for c in BAD_CREATE])
def test_create_validation_errors(emu, label, override, fragment):
    client = raw_client(emu)
    params = {"inferenceProfileName": "good-name", "modelSource": {"copyFrom": fm("us-east-1", NOVA_PRO)}}
    params.update(override)
    params = {k: v for k, v in params.items() if v is not None}
    with pytest.raises(ClientError) as excinfo:
        client.create_inference_profile(**params)
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "ValidationException")
    assert fragment in message
    assert client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []


def test_validation_message_format_and_count(emu):
    client = raw_client(emu)
    with pytest.raises(ClientError) as excinfo:
        client.create_inference_profile(
            inferenceProfileName="x" * 70 + "!",
            description="secret, text",
            modelSource={"copyFrom": fm("us-east-1", NOVA_PRO)},
        )
    _, _, message = error_of(excinfo)
    assert message.startswith("3 validation errors detected: ")
    assert "failed to satisfy constraint: Member must have length less than or equal to 64" in message
    # description is a sensitive member: its value is never echoed
    assert "secret" not in message and "Value at 'description'" in message


def test_create_tag_limit(emu):
    client = emu.client("bedrock")
    fifty = [{"key": f"k{i}", "value": "v"} for i in range(50)]
    arn = create(client, "fifty", fm("us-east-1", NOVA_PRO), tags=fifty)
    assert len(client.list_tags_for_resource(resourceARN=arn)["tags"]) == 50
    with pytest.raises(ClientError) as excinfo:
        create(client, "fifty-one", fm("us-east-1", NOVA_PRO), tags=fifty + [{"key": "x", "value": "y"}])
    assert error_of(excinfo)[:2] == (400, "TooManyTagsException")


def test_duplicate_name_is_a_conflict_but_other_regions_are_separate(emu):
    client = emu.client("bedrock")
    create(client, "same-name", fm("us-east-1", NOVA_PRO))
    with pytest.raises(ClientError) as excinfo:
        create(client, "same-name", fm("us-east-1", "amazon.nova-lite-v1:0"))
    assert error_of(excinfo)[:2] == (400, "ConflictException")
    other = emu.client("bedrock", "us-west-2")
    create(other, "same-name", fm("us-west-2", NOVA_PRO))


def test_client_request_token_idempotency(emu):
    client = emu.client("bedrock")
    args = dict(
        inferenceProfileName="idem",
        modelSource={"copyFrom": fm("us-east-1", NOVA_PRO)},
        tags=[{"key": "team", "value": "a"}],
        clientRequestToken="token-1",
    )
    first = client.create_inference_profile(**args)
    again = client.create_inference_profile(**args)
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert again["inferenceProfileArn"] == first["inferenceProfileArn"]
    listed = client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert len(listed) == 1
    changed = dict(args, tags=[{"key": "team", "value": "b"}])
    with pytest.raises(ClientError) as excinfo:
        client.create_inference_profile(**changed)
    assert error_of(excinfo)[:2] == (400, "ConflictException")
    # without an explicit token botocore fills a fresh one: the name then conflicts
    with pytest.raises(ClientError) as excinfo:
        client.create_inference_profile(**{k: v for k, v in args.items() if k != "clientRequestToken"})
    assert error_of(excinfo)[:2] == (400, "ConflictException")


def test_get_missing_profile_is_404(emu):
    client = emu.client("bedrock")
    arn = create(client, "elsewhere", fm("us-east-1", NOVA_PRO))
    for ident in (
        "abcdefghijkl",
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abcdefghijkl",
        "us.amazon.nothing-v1:0",
    ):
        with pytest.raises(ClientError) as excinfo:
            client.get_inference_profile(inferenceProfileIdentifier=ident)
        assert error_of(excinfo)[:2] == (404, "ResourceNotFoundException")
    # a profile is only visible in its own Region
    with pytest.raises(ClientError) as excinfo:
        emu.client("bedrock", "us-west-2").get_inference_profile(inferenceProfileIdentifier=arn)
    assert error_of(excinfo)[:2] == (404, "ResourceNotFoundException")


def test_get_with_malformed_identifier_is_400(emu):
    with pytest.raises(ClientError) as excinfo:
        emu.client("bedrock").get_inference_profile(inferenceProfileIdentifier="bad id!")
    assert error_of(excinfo)[:2] == (400, "ValidationException")


def test_error_wire_format(emu):
    status, headers, body = raw_get(emu, "/inference-profiles/abcdefghijkl")
    assert status == 404
    lowered = {k.lower(): v for k, v in headers.items()}
    assert lowered["x-amzn-errortype"] == "ResourceNotFoundException"
    assert lowered["content-type"].startswith("application/json")
    assert set(body) == {"message"} and body["message"]


# ------------------------------------------------------------------ list / paginate


def test_list_application_profiles_paginates(emu):
    client = emu.client("bedrock")
    arns = [create(client, f"p{i}", fm("us-east-1", NOVA_PRO)) for i in range(7)]
    pages, token = [], None
    while True:
        kwargs = {"typeEquals": "APPLICATION", "maxResults": 2}
        if token:
            kwargs["nextToken"] = token
        out = client.list_inference_profiles(**kwargs)
        pages.append([p["inferenceProfileArn"] for p in out["inferenceProfileSummaries"]])
        token = out.get("nextToken")
        if not token:
            break
    assert [len(p) for p in pages] == [2, 2, 2, 1]
    assert [a for page in pages for a in page] == arns

    paginator = client.get_paginator("list_inference_profiles")
    got = [
        p["inferenceProfileArn"]
        for page in paginator.paginate(typeEquals="APPLICATION", PaginationConfig={"PageSize": 3})
        for p in page["inferenceProfileSummaries"]
    ]
    assert got == arns
    exact = client.list_inference_profiles(typeEquals="APPLICATION", maxResults=7)
    assert len(exact["inferenceProfileSummaries"]) == 7 and "nextToken" not in exact


def test_list_pagination_survives_deletes_between_pages(emu):
    client = emu.client("bedrock")
    arns = [create(client, f"d{i}", fm("us-east-1", NOVA_PRO)) for i in range(4)]
    first = client.list_inference_profiles(typeEquals="APPLICATION", maxResults=2)
    client.delete_inference_profile(inferenceProfileIdentifier=arns[0])
    second = client.list_inference_profiles(
        typeEquals="APPLICATION", maxResults=2, nextToken=first["nextToken"]
    )
    assert [p["inferenceProfileArn"] for p in second["inferenceProfileSummaries"]] == arns[2:]


def test_list_sees_profiles_created_and_changed_after_an_earlier_list(emu):
    """The cached order and the cached summaries follow creates, deletes and
    a ``models`` replacement (POST /_emu/profiles) between two lists."""
    client = emu.client("bedrock")
    first = create(client, "c0", fm("us-east-1", NOVA_PRO))
    before = client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert [p["inferenceProfileArn"] for p in before] == [first]
    second = create(client, "c1", fm("us-east-1", NOVA_PRO))
    client.delete_inference_profile(inferenceProfileIdentifier=first)
    (third,) = [p["arn"] for p in emu.control("POST", "/_emu/profiles", {"profiles": [
        {"region": "us-east-1", "name": "c2", "source": NOVA_PRO, "models": ["arn:x"]},
    ]})["profiles"]]
    after = client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
    assert [p["inferenceProfileArn"] for p in after] == [second, third]
    assert after[1]["models"] == [{"modelArn": "arn:x"}]
    got = client.get_inference_profile(inferenceProfileIdentifier=third)
    assert got["models"] == [{"modelArn": "arn:x"}]


def test_list_rejects_bad_arguments(emu):
    client = raw_client(emu)
    for kwargs in (
        {"maxResults": 0},
        {"maxResults": 1001},
        {"typeEquals": "CUSTOM"},
        {"typeEquals": "APPLICATION", "nextToken": "not-a-token"},
        {"typeEquals": "APPLICATION", "nextToken": ""},
    ):
        with pytest.raises(ClientError) as excinfo:
            client.list_inference_profiles(**kwargs)
        assert error_of(excinfo)[:2] == (400, "ValidationException"), kwargs
    ok = client.list_inference_profiles(typeEquals="SYSTEM_DEFINED", maxResults=1000)
    assert "nextToken" not in ok


def test_list_token_is_bound_to_its_filter(emu):
    client = emu.client("bedrock")
    for i in range(3):
        create(client, f"t{i}", fm("us-east-1", NOVA_PRO))
    token = client.list_inference_profiles(typeEquals="APPLICATION", maxResults=1)["nextToken"]
    with pytest.raises(ClientError) as excinfo:
        client.list_inference_profiles(typeEquals="SYSTEM_DEFINED", nextToken=token)
    assert error_of(excinfo)[:2] == (400, "ValidationException")
    system = client.list_inference_profiles(typeEquals="SYSTEM_DEFINED", maxResults=5)
    more = client.list_inference_profiles(maxResults=5, nextToken=system["nextToken"])
    assert {p["type"] for p in more["inferenceProfileSummaries"]} == {"SYSTEM_DEFINED"}


# ------------------------------------------------------------------ delete


def test_delete_application_profile(emu):
    client = emu.client("bedrock")
    arn = create(client, "gone", fm("us-east-1", NOVA_PRO), tags=[{"key": "a", "value": "b"}])
    other = create(client, "by-id", fm("us-east-1", NOVA_PRO))
    out = client.delete_inference_profile(inferenceProfileIdentifier=arn)
    assert out["ResponseMetadata"]["HTTPStatusCode"] == 200
    client.delete_inference_profile(inferenceProfileIdentifier=APP_ARN.match(other)["id"])
    for call in (
        lambda: client.get_inference_profile(inferenceProfileIdentifier=arn),
        lambda: client.delete_inference_profile(inferenceProfileIdentifier=arn),
        lambda: client.list_tags_for_resource(resourceARN=arn),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[:2] == (404, "ResourceNotFoundException")
    assert client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
    # the name is free again
    create(client, "gone", fm("us-east-1", NOVA_PRO))


def test_delete_system_profile_is_rejected(emu):
    client = emu.client("bedrock")
    with pytest.raises(ClientError) as excinfo:
        client.delete_inference_profile(inferenceProfileIdentifier=f"us.{SONNET45}")
    assert error_of(excinfo)[:2] == (400, "ValidationException")
    client.get_inference_profile(inferenceProfileIdentifier=f"us.{SONNET45}")


# ------------------------------------------------------------------ tags


def test_tag_untag_list(emu):
    client = emu.client("bedrock")
    arn = create(client, "tagged", fm("us-east-1", NOVA_PRO), tags=[{"key": "Department", "value": "Sales"}])
    client.tag_resource(
        resourceARN=arn,
        tags=[{"key": "Department", "value": "Marketing"}, {"key": "CostCenter", "value": "1234"}],
    )
    tags = {t["key"]: t["value"] for t in client.list_tags_for_resource(resourceARN=arn)["tags"]}
    assert tags == {"Department": "Marketing", "CostCenter": "1234"}
    client.untag_resource(resourceARN=arn, tagKeys=["CostCenter", "NotThere"])
    assert client.list_tags_for_resource(resourceARN=arn)["tags"] == [
        {"key": "Department", "value": "Marketing"}
    ]
    # keys are case-sensitive
    client.tag_resource(resourceARN=arn, tags=[{"key": "department", "value": "x"}])
    assert len(client.list_tags_for_resource(resourceARN=arn)["tags"]) == 2


def test_tag_limit_counts_existing_tags(emu):
    client = emu.client("bedrock")
    arn = create(
        client, "limits", fm("us-east-1", NOVA_PRO), tags=[{"key": f"k{i}", "value": "v"} for i in range(45)]
    )
    client.tag_resource(resourceARN=arn, tags=[{"key": f"n{i}", "value": "v"} for i in range(5)])
    # overwriting existing keys does not add to the count
    client.tag_resource(resourceARN=arn, tags=[{"key": "k0", "value": "new"}, {"key": "n4", "value": "new"}])
    with pytest.raises(ClientError) as excinfo:
        client.tag_resource(resourceARN=arn, tags=[{"key": "one-more", "value": "v"}])
    status, code, _ = error_of(excinfo)
    assert (status, code) == (400, "TooManyTagsException")
    assert excinfo.value.response["resourceName"] == arn
    assert len(client.list_tags_for_resource(resourceARN=arn)["tags"]) == 50


def test_tag_errors(emu):
    client = raw_client(emu)
    arn = create(client, "tag-errors", fm("us-east-1", NOVA_PRO))
    missing = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/zzzzzzzzzzzz"
    cases = [
        (lambda: client.tag_resource(resourceARN=missing, tags=[{"key": "a", "value": "b"}]), 404,
         "ResourceNotFoundException"),
        (lambda: client.untag_resource(resourceARN=missing, tagKeys=["a"]), 404, "ResourceNotFoundException"),
        (lambda: client.list_tags_for_resource(resourceARN=missing), 404, "ResourceNotFoundException"),
        (lambda: client.list_tags_for_resource(resourceARN="abcdefghijkl"), 400, "ValidationException"),
        (lambda: client.tag_resource(resourceARN=arn, tags=[{"key": "aws:x", "value": "b"}]), 400,
         "ValidationException"),
        (lambda: client.untag_resource(resourceARN=arn, tagKeys=["aws:x"]), 400, "ValidationException"),
        (lambda: client.tag_resource(resourceARN=arn, tags=[{"key": "a#", "value": "b"}]), 400, "ValidationException"),
        (lambda: client.tag_resource(resourceARN=arn, tags=[{"key": "a", "value": "<b>"}]), 400, "ValidationException"),
        (lambda: client.untag_resource(resourceARN=arn, tagKeys=["k" * 129]), 400, "ValidationException"),
        (
            lambda: client.tag_resource(
                resourceARN=sysprof("us-east-1", f"us.{SONNET45}"), tags=[{"key": "a", "value": "b"}]
            ),
            400,
            "ValidationException",
        ),
        (
            lambda: emu.client("bedrock", "eu-west-1").list_tags_for_resource(resourceARN=arn),
            404,
            "ResourceNotFoundException",
        ),
    ]
    for call, status, code in cases:
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error_of(excinfo)[:2] == (status, code)
    assert client.list_tags_for_resource(resourceARN=sysprof("us-east-1", f"us.{SONNET45}"))["tags"] == []


# ------------------------------------------------------------------ foundation models


def test_list_foundation_models_and_filters(emu):
    client = emu.client("bedrock")
    models = {m["modelId"]: m for m in client.list_foundation_models()["modelSummaries"]}
    assert models[SONNET45]["inferenceTypesSupported"] == ["INFERENCE_PROFILE"]
    assert models[SONNET45]["providerName"] == "Anthropic"
    assert models[SONNET45]["modelName"] == "Claude Sonnet 4.5"
    assert models[NOVA_PRO]["inferenceTypesSupported"] == ["ON_DEMAND", "INFERENCE_PROFILE"]
    for required in (HAIKU45, "anthropic.claude-opus-4-1-20250805-v1:0", "amazon.nova-lite-v1:0",
                     "amazon.nova-micro-v1:0", "meta.llama3-3-70b-instruct-v1:0"):
        assert required in models

    anthropic = client.list_foundation_models(byProvider="anthropic")["modelSummaries"]
    assert anthropic and {m["providerName"] for m in anthropic} == {"Anthropic"}
    embeddings = client.list_foundation_models(byOutputModality="EMBEDDING")["modelSummaries"]
    assert embeddings and all("EMBEDDING" in m["outputModalities"] for m in embeddings)
    on_demand = {m["modelId"] for m in client.list_foundation_models(byInferenceType="ON_DEMAND")["modelSummaries"]}
    assert NOVA_PRO in on_demand and SONNET45 not in on_demand
    tuned = client.list_foundation_models(byCustomizationType="FINE_TUNING")["modelSummaries"]
    assert all("FINE_TUNING" in m["customizationsSupported"] for m in tuned)
    both = client.list_foundation_models(byProvider="Amazon", byOutputModality="IMAGE")["modelSummaries"]
    assert [m["modelId"] for m in both] == ["amazon.titan-image-generator-v2:0"]
    eu = {m["modelId"] for m in emu.client("bedrock", "eu-west-1").list_foundation_models()["modelSummaries"]}
    assert "anthropic.claude-opus-4-1-20250805-v1:0" not in eu


def test_list_foundation_models_rejects_bad_filters(emu):
    client = raw_client(emu)
    for kwargs in ({"byInferenceType": "INFERENCE_PROFILE"}, {"byOutputModality": "AUDIO"},
                   {"byProvider": "bad/provider"}, {"byCustomizationType": "LORA"}):
        with pytest.raises(ClientError) as excinfo:
            client.list_foundation_models(**kwargs)
        assert error_of(excinfo)[:2] == (400, "ValidationException"), kwargs


def test_get_foundation_model(emu):
    client = emu.client("bedrock", "us-west-2")
    by_id = client.get_foundation_model(modelIdentifier=HAIKU45)["modelDetails"]
    by_arn = client.get_foundation_model(modelIdentifier=fm("us-west-2", HAIKU45))["modelDetails"]
    assert by_id == by_arn
    assert by_id["modelArn"] == fm("us-west-2", HAIKU45)
    assert by_id["modelLifecycle"] == {"status": "ACTIVE"}
    legacy = client.get_foundation_model(modelIdentifier="anthropic.claude-3-5-sonnet-20240620-v1:0")
    assert legacy["modelDetails"]["modelLifecycle"]["status"] == "LEGACY"
    for ident in ("acme.nothing-v1:0", fm("us-east-1", HAIKU45), f"us.{HAIKU45}", "not a model"):
        with pytest.raises(ClientError) as excinfo:
            client.get_foundation_model(modelIdentifier=ident)
        assert error_of(excinfo)[:2] == (400, "ValidationException"), ident


# ------------------------------------------------------------------ reset


def test_reset_reseeds(emu):
    client = emu.client("bedrock")
    create(client, "before-reset", fm("us-east-1", NOVA_PRO))
    emu.control("POST", "/_emu/reset")
    assert client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
    assert client.get_inference_profile(inferenceProfileIdentifier=f"us.{SONNET45}")["type"] == "SYSTEM_DEFINED"
    create(client, "before-moto-reset", fm("us-east-1", NOVA_PRO))
    urllib.request.urlopen(urllib.request.Request(emu.url + "/moto-api/reset", method="POST")).read()
    assert client.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
    assert client.list_inference_profiles()["inferenceProfileSummaries"]


def test_seeded_profiles_may_override_their_models(emu):
    seeded = emu.control(
        "POST",
        "/_emu/profiles",
        {"profiles": [
            {"region": "us-east-1", "name": "plain", "source": NOVA_PRO},
            {"region": "us-east-1", "name": "hollow", "source": NOVA_PRO, "models": []},
        ]},
    )["profiles"]
    client = emu.client("bedrock")
    plain, hollow = (client.get_inference_profile(inferenceProfileIdentifier=p["arn"]) for p in seeded)
    assert [m["modelArn"] for m in plain["models"]] == [fm("us-east-1", NOVA_PRO)]
    assert hollow["models"] == []


def test_accounts_are_separate(emu):
    client = emu.client("bedrock")
    create(client, "mine", fm("us-east-1", NOVA_PRO))
    other = emu.client("bedrock")
    other.meta.events.register(
        "before-sign.bedrock.*", lambda request, **_: request.headers.__setitem__("x-moto-account-id", "210987654321")
    )
    assert other.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"] == []
    arn = other.list_inference_profiles()["inferenceProfileSummaries"][0]["inferenceProfileArn"]
    assert ":210987654321:" in arn


# ------------------------------------------------------------------ in-process helpers


def test_in_process_helpers():
    """The helpers other modules call (cost/usage, demo seeder), run in this process."""
    from awsemu import bedrock, catalog

    acct = "444455556666"
    bedrock.install()
    old = datetime(2025, 1, 15, 12, 0, tzinfo=UTC)
    p1 = bedrock.create_profile(
        acct, "us-east-1", "seeded", f"arn:aws:bedrock:us-east-1:{acct}:inference-profile/us.{SONNET45}",
        {"Department": "Marketing"}, description="Seeded profile", created_at=old,
    )
    p2 = bedrock.create_profile(acct, "eu-west-1", "seeded-eu", fm("eu-west-1", NOVA_PRO), {})
    assert p1.created_at == old and p1.type == "APPLICATION" and len(p1.models) == 3
    assert bedrock.find_profile(acct, "us-east-1", p1.id) is p1
    assert bedrock.find_profile(acct, "us-east-1", p1.arn) is p1
    assert bedrock.find_profile(acct, "us-east-1", "nope") is None
    assert bedrock.find_profile(acct, "us-east-1", f"us.{SONNET45}").type == "SYSTEM_DEFINED"
    assert bedrock.profile_tags(acct, "us-east-1", p1.arn) == {"Department": "Marketing"}
    assert bedrock.profile_tags(acct, "eu-west-1", p2.arn) == {}
    assert {p.arn for p in bedrock.all_application_profiles(acct)} == {p1.arn, p2.arn}
    assert list(bedrock.all_application_profiles("000011112222")) == []
    assert p1.to_api()["createdAt"] == "2025-01-15T12:00:00.000Z"
    # The cached encoding follows assignments and in-place changes of models.
    assert p1.api_json() == json.dumps(p1.to_api())
    p1.models.append("arn:extra")
    assert json.loads(p1.api_json())["models"][-1] == {"modelArn": "arn:extra"}
    p1.name = "renamed"
    assert p1.api_json() == json.dumps(p1.to_api()) and json.loads(p1.api_json())["inferenceProfileName"] == "renamed"
    p1.models.pop()
    p1.name = "seeded"
    with pytest.raises(bedrock.BedrockError) as excinfo:
        bedrock.create_profile(acct, "us-east-1", "seeded", fm("us-east-1", NOVA_PRO), {})
    assert excinfo.value.code == "ConflictException"

    assert catalog.model_billing(SONNET45)["service_name"] == "Claude Sonnet 4.5 (Amazon Bedrock Edition)"
    assert catalog.model_billing(f"us.{SONNET45}")["provider"] == "Anthropic"
    assert catalog.model_billing(fm("us-east-1", NOVA_PRO))["service_name"] == "Amazon Bedrock"
    assert catalog.model_billing(f"arn:aws:bedrock:::foundation-model/{HAIKU45}")["family"] == "claude-haiku"
    with pytest.raises(KeyError):
        catalog.model_billing("acme.nothing-v1:0")


def test_quota_control_route_limits_profiles_per_region_until_reset(emu):
    # POST /_emu/quotas is what the Rust tests use to reach the quota quickly.
    assert emu.control("POST", "/_emu/quotas", {"application_profiles": 2}) == {"application_profiles": 2}
    client = emu.client("bedrock")
    create(client, "q1", fm("us-east-1", NOVA_PRO))
    # /_emu/profiles takes an ARN or an ID as the source
    emu.control("POST", "/_emu/profiles", {"profiles": [
        {"region": "us-east-1", "name": "q2", "source": sysprof("us-east-1", f"us.{SONNET45}")}]})
    with pytest.raises(ClientError) as excinfo:
        create(client, "q3", fm("us-east-1", NOVA_PRO))
    status, code, message = error_of(excinfo)
    assert (status, code) == (400, "ServiceQuotaExceededException") and "quota of 2" in message
    create(emu.client("bedrock", region="us-west-2"), "q3", fm("us-west-2", NOVA_PRO))  # per region
    with pytest.raises(urllib.error.HTTPError) as bad:
        emu.control("POST", "/_emu/quotas", {"application_profiles": 0})
    assert bad.value.code == 400
    emu.control("POST", "/_emu/reset")
    for i in range(3):
        create(client, f"q{i}", fm("us-east-1", NOVA_PRO))


def raw_post(emu, path: str, body: bytes, region: str = "us-east-1") -> tuple[int, dict]:
    req = urllib.request.Request(emu.url + path, data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    req.add_header("Authorization", f"AWS4-HMAC-SHA256 Credential=AKIDTEST/20250101/{region}/bedrock/aws4_request, "
                                    "SignedHeaders=host, Signature=0")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


_NOVA_SOURCE = {"copyFrom": fm("us-east-1", NOVA_PRO)}


@pytest.mark.parametrize("path,body,code,fragment", [
    ("/inference-profiles", b"{not json", "SerializationException", "Could not parse the request body as JSON."),
    ("/inference-profiles", b"[]", "SerializationException", "must be a JSON object"),
    ("/inference-profiles", json.dumps({"inferenceProfileName": 5, "modelSource": _NOVA_SOURCE}),
     "ValidationException", "Member must be a string"),
    ("/inference-profiles", json.dumps({"inferenceProfileName": "n", "modelSource": _NOVA_SOURCE, "tags": {"k": "v"}}),
     "ValidationException", "Member must be a list"),
    ("/inference-profiles", json.dumps({"inferenceProfileName": "n", "modelSource": _NOVA_SOURCE, "tags": ["k"]}),
     "ValidationException", "Member must be a structure"),
    ("/tagResource", json.dumps({"resourceARN": sysprof("us-east-1", f"us.{SONNET45}")}),
     "ValidationException", "Value null at 'tags'"),
    ("/untagResource", json.dumps({"resourceARN": sysprof("us-east-1", f"us.{SONNET45}")}),
     "ValidationException", "Value null at 'tagKeys'"),
    ("/untagResource", json.dumps({"resourceARN": sysprof("us-east-1", f"us.{SONNET45}"), "tagKeys": "k"}),
     "ValidationException", "Member must be a list"),
    ("/untagResource", json.dumps({"resourceARN": sysprof("us-east-1", f"us.{SONNET45}"),
                                   "tagKeys": [f"k{i}" for i in range(201)]}),
     "ValidationException", "less than or equal to 200"),
])
def test_requests_no_sdk_sends_are_refused(emu, path, body, code, fragment):
    data = body if isinstance(body, bytes) else body.encode()
    status, doc = raw_post(emu, path, data)
    assert status == 400 and doc["message"] and fragment in doc["message"], doc
    assert code in ("SerializationException", "ValidationException")


@pytest.mark.parametrize("source,fragment", [
    (f"arn:aws-cn:bedrock:us-east-1::foundation-model/{NOVA_PRO}", "is not in partition aws"),
    (f"arn:aws:bedrock:us-east-1:{ACCOUNT}:foundation-model/{NOVA_PRO}", "foundation-model ARNs have no account ID"),
])
def test_source_partition_and_account(emu, source, fragment):
    with pytest.raises(ClientError) as excinfo:
        raw_client(emu).create_inference_profile(inferenceProfileName="n", modelSource={"copyFrom": source})
    assert error_of(excinfo)[1] == "ValidationException" and fragment in error_of(excinfo)[2]


def test_list_arguments_the_sdk_would_refuse(emu):
    status, _, body = raw_get(emu, "/inference-profiles?maxResults=many")
    assert status == 400 and "Member must be an integer" in body["message"]
    status, _, body = raw_get(emu, "/inference-profiles?nextToken=%21%21%21")
    assert status == 400 and "nextToken is invalid" in body["message"]


def test_deleted_profiles_of_an_unknown_account_are_none():
    from awsemu import bedrock

    assert bedrock.deleted_profiles("999988887777", "us-east-1") == []


def test_a_single_destination_region_reads_naturally():
    from awsemu import catalog

    assert catalog._join_regions(["us-east-1"]) == "us-east-1"
    assert catalog._join_regions(["us-east-1", "us-west-2", "eu-west-1"]) == "us-east-1, us-west-2 and eu-west-1"
