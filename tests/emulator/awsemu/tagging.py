"""Resource Groups Tagging API ``GetResources`` over the Bedrock add-on's profiles.

aipctl reads the tags of its application inference profiles in bulk with
``tag:GetResources`` (``ResourceTypeFilters=["bedrock:application-inference-profile"]``,
up to 100 per page, server-side ``TagFilters``) instead of one
``ListTagsForResource`` per profile. moto 5.2.5's own GetResources knows no
Bedrock resources (the profiles live in ``awsemu/bedrock.py``), so this module
replaces ``ResourceGroupsTaggingAPIResponse.get_resources``. It answers from
the profiles of the caller's account and the Region the request is signed for,
with their tags as they are now, *plus* the resources of moto's own taggable
backends (``moto.core.resource_tagging``), merged into one ordered, paginated
list. No other Tagging API operation is changed (moto still answers them).

Wire: awsJson 1.1, ``POST /``, ``X-Amz-Target:
ResourceGroupsTaggingAPI_20170126.GetResources``, signing name ``tagging`` —
what boto3 (botocore 1.44 prefers ``json`` to the model's first protocol,
``smithy-rpc-v2-cbor``) and aws-sdk-resourcegroupstagging 1.119 send. The
CBOR protocol is not served. Answers are ``application/x-amz-json-1.1``;
errors are ``{"__type": code, "Message": text}`` with status 400 (500 for
``InternalServiceException``), the shape of a real answer quoted in [5].

Sources
-------
[1] botocore ``resourcegroupstaggingapi 2017-01-26`` service model: shapes,
    lengths, the errors of GetResources (InvalidParameterException,
    ThrottledException, InternalServiceException, PaginationTokenExpiredException)
    and the member documentation quoted below.
[2] API reference, GetResources:
    https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html
    ("Returns all the tagged or previously tagged resources that are located
    in the specified Amazon Web Services Region for the account";
    "GetResources does not return untagged resources").
[3] boto/boto3#2513 (AWS reproduced it) and aws/aws-sdk-go#4121: the last
    page's ``PaginationToken`` is the empty string, never null, although [2]
    says null.
[4] aws/copilot-cli#444 and aws/aws-toolkit-jetbrains#1597: a denied call is
    ``AccessDeniedException`` "User: <arn> is not authorized to perform:
    tag:GetResources" with HTTP 400.
[5] aws/aws-cli#8109 (= aws/aws-sdk#589): a real error answer,
    ``{"__type":"InvalidParameterException","Message":"<arn> is not a valid
    AmazonResourceName (ARN)"}``, Content-Type application/x-amz-json-1.1, for
    an ARN without a resource type; cloud-custodian/cloud-custodian#10415: the
    same message for an ARN with an empty account field.
[6] aws/aws-sdk#302: AWS's explanation of "previously tagged" (an internal
    tag index; services onboarded to it don't show deleted resources); aws/aws-cli#4173
    and aws/aws-sdk#676: deleted resources still returned for a while (EC2,
    Route 53, ELB); boto/boto3#2983: a volume created without tags is not
    returned until it gets a tag.
[7] cloud-custodian/cloud-custodian#5912: ``ThrottledException`` "Rate exceeded".

Semantics
---------
- **Which profiles.** APPLICATION profiles of the caller's account in the
  signed Region that have a tag now or had one before ([1], [2], [6]): a
  profile created without tags and never tagged is not listed; one whose tags
  were all removed is listed with ``"Tags": []`` when no TagFilters are given
  ([1]: "Resources that were previously tagged, but do not currently have
  tags, are shown with an empty tag set"). SYSTEM_DEFINED profiles are
  AWS-owned and never listed. Deleted profiles are not listed ([6]) unless
  the stale-index knob says so.
- **ResourceTypeFilters** ``service[:resourceType]`` ([1]): a profile matches
  ``bedrock:application-inference-profile`` and ``bedrock``; moto's resources
  match their own type or service. Each entry 0–256 characters, at most 100
  entries ([1]'s text; the model has no list bound). Unknown types match
  nothing (*guess*: public client code expects an "Unsupported service=…"
  error for some services, which we don't model).
- **TagFilters** ([1]): at most 50 filters, each with a ``Key`` (1–128) and up
  to 20 ``Values`` (0–256 each). Filters are ANDed; the values of one filter
  are ORed; a filter without values (absent or ``[]``) matches any value of
  the key, including ``""``; a value ``""`` matches only a tag whose value is
  the empty string ([1]: "The value can be empty or null"). Keys and values
  are case-sensitive. A filter without ``Key`` → InvalidParameterException.
  Two filters on one key must both hold (*guess*).
- **ResourcesPerPage** 1–100 ([1]); the default is 100 (*guess*: [1] gives no
  default). **TagsPerPage** 100–500 ([1]): a page holds whole resources only,
  at most TagsPerPage tags counting an untagged resource as one ([1]'s
  rule); both limits apply when both are given (*guess*). Pages are never
  short otherwise (AWS may return fewer than asked, [1]).
- **Order and PaginationToken.** Resources are ordered by ARN (*guess*: AWS
  documents no order). The token is opaque, bound to the account, Region,
  TagFilters, ResourceTypeFilters and compliance flags (page sizes may
  change between pages) and names the last ARN returned, so a listing never
  repeats a resource and only misses ones created behind the cursor. The
  last page carries ``"PaginationToken": ""`` ([3]). A request token ``""``
  means "first page" (*guess*, it is what many callers send). A token that
  is not ours or belongs to another request → InvalidParameterException
  (*guess*); a token older than 15 minutes on the emulator clock →
  PaginationTokenExpiredException ([1]: "valid for a maximum of 15 minutes").
- **ResourceARNList** 1–100 ARNs of 1–1011 characters ([1]); together with
  non-empty TagFilters or ResourceTypeFilters, ResourcesPerPage, TagsPerPage
  or a non-empty PaginationToken → InvalidParameterException ([1] lists each
  exclusion; treating ``[]``/``""`` as absent is a *guess*). ARNs that don't
  exist, belong to another account or Region, or aren't indexed yet are left
  out without error ([1]); each resource once, in request order, one page,
  ``PaginationToken: ""`` (*guesses*). An ARN that isn't
  ``arn:partition:service:region:account:resource`` with a 12-digit account
  (S3 exempt), or a Bedrock/EC2 ARN without ``type/id``, →
  InvalidParameterException "<arn> is not a valid AmazonResourceName (ARN)"
  ([5]; where AWS draws the line is a *guess*); an ARN of another partition →
  InvalidParameterException ([1]'s error text).
- **IncludeComplianceDetails / ExcludeCompliantResources**: booleans;
  Exclude without Include → InvalidParameterException ([1]). There is no tag
  policy here, so with Include every mapping carries ``ComplianceDetails``
  ``{NoncompliantKeys: [], KeysWithNoncompliantValues: [], ComplianceStatus:
  true}`` and Exclude leaves nothing (*guess*).
- **Validation messages** use the Coral form ("1 validation error detected:
  Value … at 'tagFilters' failed to satisfy constraint: …") under the code
  InvalidParameterException, and wrong JSON types give
  ``SerializationException`` (*guesses*: the model has no ValidationException
  and AWS's wording for these cases is not public).
- **Denied / throttled / failing calls** come from fault rules (service
  ``tagging``): ``AccessDeniedException`` defaults to 400 ([4]; not in the
  model), ``ThrottledException`` to 400 ([7]; the status is a *guess*),
  ``InternalServiceException`` to 500 (a fault in [1]).
- **Tag changes** are visible at once (*guess*: nothing public shows tag
  changes lagging).

Eventual consistency (control routes)
-------------------------------------
``POST /_emu/tagging`` replaces the index settings (absent keys take their
defaults), ``GET`` shows them, ``DELETE`` and ``POST /_emu/reset`` clear them::

    {"lag_seconds": 30,          # a profile enters the index 30 s (emulator
                                 #   clock) after its creation; default 0
     "missing": [ARN, ...],      # never indexed while listed here
     "deleted_lag_seconds": 60}  # a deleted profile that had tags stays
                                 #   listed (its last tags) 60 s; default 0

With the clock fixed (``POST /_emu/clock``) a lagging profile stays missing
until the clock is moved: deterministic tests of aipctl's fallback. Backdated
profiles (``created_at``) are indexed as soon as their age passes the lag.

moto internals used: ``ResourceGroupsTaggingAPIResponse.get_resources``
(replaced; reads ``self.body``, ``self.current_account``, ``self.region``),
``ResourceGroupsTaggingAPIResponse.parse_parameters`` (wrapped: skipped for
GetResources, so malformed bodies get a SerializationException, not moto's
HTML 500),
``moto.core.resource_tagging.iter_taggable_backends`` /
``match_resource_type`` and ``TaggedResource`` (``arn``, ``tags``,
``resource_type``, ``extra["include_untagged"]``).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import json
import re
import threading
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

from . import bedrock, clock

SERVICE = "tagging"
PROFILE_TYPE = "bedrock:application-inference-profile"
DEFAULT_PER_PAGE = 100
PER_PAGE = (1, 100)
TAGS_PER_PAGE = (100, 500)
MAX_TAG_FILTERS = 50
MAX_FILTER_VALUES = 20
MAX_TYPE_FILTERS = 100
MAX_ARNS = 100
TOKEN_TTL_SECONDS = 15 * 60
CONTENT_TYPE = "application/x-amz-json-1.1"

ERROR_STATUS = {
    "InvalidParameterException": 400,
    "PaginationTokenExpiredException": 400,
    "ThrottledException": 400,
    "SerializationException": 400,
    "InternalServiceException": 500,
}

# Model constraints ([1]); patterns are "[\s\S]*", i.e. none.
TAG_KEY = dict(min=1, max=128, pattern=r"[\s\S]*")
TAG_VALUE = dict(min=0, max=256, pattern=r"[\s\S]*")
TYPE_FILTER = dict(min=0, max=256, pattern=r"[\s\S]*")
ARN = dict(min=1, max=1011, pattern=r"[\s\S]*")
TOKEN = dict(min=0, max=2048, pattern=r"[\s\S]*")

_ARN_SHAPE = re.compile(r"arn:([^:]+):([^:]+):([^:]*):([^:]*):(.+)", re.S)
# Services whose ARNs always read ``type/id`` (EC2 per [5]; Bedrock per its model).
_TYPED_RESOURCE_SERVICES = {"bedrock", "ec2"}

_LOCK = threading.Lock()
_settings: dict[str, Any] = {}


def _defaults() -> dict[str, Any]:
    return {"lag_seconds": 0, "missing": [], "deleted_lag_seconds": 0}


def reset() -> None:
    with _LOCK:
        _settings.clear()
        _settings.update(_defaults())


reset()


class TaggingError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = ERROR_STATUS.get(code, 400)


def _invalid(message: str) -> TaggingError:
    return TaggingError("InvalidParameterException", message)


# ---------------------------------------------------------------- control routes


def _route_set(body: Any, query: dict) -> tuple[int, Any]:
    if not isinstance(body, dict):
        raise ValueError('body must be {"lag_seconds"?, "missing"?, "deleted_lag_seconds"?}')
    unknown = set(body) - set(_defaults())
    if unknown:
        raise ValueError(f"unknown keys: {sorted(unknown)}")
    new = _defaults()
    for key in ("lag_seconds", "deleted_lag_seconds"):
        value = body.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(f"{key} must be a number >= 0")
        new[key] = value
    missing = body.get("missing", [])
    if not isinstance(missing, list) or not all(isinstance(a, str) for a in missing):
        raise ValueError("missing must be a list of ARNs")
    new["missing"] = list(dict.fromkeys(missing))
    with _LOCK:
        _settings.clear()
        _settings.update(new)
        return 200, _snapshot()


def _snapshot() -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in _settings.items()}


def _route_get(body: Any, query: dict) -> tuple[int, Any]:
    with _LOCK:
        return 200, _snapshot()


def _route_delete(body: Any, query: dict) -> tuple[int, Any]:
    reset()
    return 200, {"cleared": True}


ROUTES = {
    ("POST", "/_emu/tagging"): _route_set,
    ("GET", "/_emu/tagging"): _route_get,
    ("DELETE", "/_emu/tagging"): _route_delete,
}


# ---------------------------------------------------------------- the index


def _type_matches(resource_type: str, filters: list[str]) -> bool:
    if not filters:
        return True
    service = resource_type.split(":", 1)[0]
    return any(f == resource_type or f == service for f in filters)


def _profiles(account: str, region: str) -> Iterator[tuple[str, dict[str, str]]]:
    """(ARN, tags) of the profiles the index holds now."""
    with _LOCK:
        lag = float(_settings["lag_seconds"])
        deleted_lag = float(_settings["deleted_lag_seconds"])
        missing = set(_settings["missing"])
    now = clock.epoch()

    def indexed_by(prof: Any, instant: float) -> bool:
        return lag <= 0 or instant >= prof.created_at.timestamp() + lag

    for prof, tags in bedrock.application_profiles(account, region):
        if (tags or prof.tagged) and prof.arn not in missing and indexed_by(prof, now):
            yield prof.arn, tags
    if deleted_lag > 0:
        for prof, tags, deleted_at in bedrock.deleted_profiles(account, region):
            indexed = indexed_by(prof, deleted_at)
            if indexed and prof.arn not in missing and now < deleted_at + deleted_lag:
                yield prof.arn, tags


def _moto_resources(
    account: str, region: str, type_filters: list[str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """(ARN, tags) from moto's own taggable backends, as moto's GetResources would list them."""
    from moto.core.resource_tagging import iter_taggable_backends, match_resource_type

    for backend in iter_taggable_backends(account, region):
        for res in backend.iter_tagged_resources():
            if not res.tags and not res.extra.get("include_untagged"):
                continue
            if match_resource_type(res.resource_type, type_filters):
                yield res.arn, dict(res.tags)


def _wants_moto(type_filters: list[str]) -> bool:
    return not type_filters or any(f.split(":", 1)[0] != "bedrock" for f in type_filters)


def _index(
    account: str,
    region: str,
    type_filters: list[str],
    moto: list[tuple[str, dict[str, str]]] | None = None,
) -> dict[str, dict[str, str]]:
    """ARN -> tags of everything listed; ``moto``: ``_moto_resources`` if already read."""
    found: dict[str, dict[str, str]] = {}
    if _type_matches(PROFILE_TYPE, type_filters):
        found.update(_profiles(account, region))
    if _wants_moto(type_filters):
        if moto is None:
            moto = list(_moto_resources(account, region, type_filters))
        for arn, tags in moto:
            found.setdefault(arn, tags)
    return found


def _paged(
    candidates: Iterable[tuple[str, dict[str, str]]], req: _Request
) -> tuple[list[tuple[str, dict[str, str]]], bool]:
    """The page of ``candidates`` (ARN order, after the cursor) that match the
    TagFilters: at most ResourcesPerPage, at most TagsPerPage tags (an untagged
    resource counts one); and whether a match was left for the next page."""
    limit = req.per_page or DEFAULT_PER_PAGE
    page: list[tuple[str, dict[str, str]]] = []
    tag_count = 0
    for arn, tags in candidates:
        if not _tags_match(tags, req.tag_filters):
            continue
        weight = max(1, len(tags))
        if len(page) >= limit:
            return page, True
        if req.tags_per_page is not None and page and tag_count + weight > req.tags_per_page:
            return page, True
        page.append((arn, tags))
        tag_count += weight
    return page, False


def _profile_page(
    account: str, region: str, req: _Request, after: str | None
) -> tuple[list[tuple[str, dict[str, str]]], bool]:
    """``_paged`` over the live profiles alone, without building the index:
    the profiles come in ARN order from bedrock's cache, the cursor is found by
    bisection, and only the page's tags are copied. The same selection as
    ``_profiles`` (whose docstring and tests define it)."""
    with _LOCK:
        lag = float(_settings["lag_seconds"])
        missing = set(_settings["missing"])
    now = clock.epoch()
    with bedrock.LOCK:
        arns, profiles, store = bedrock.application_profiles_by_arn(account, region)
        start = bisect.bisect_right(arns, after) if after is not None else 0

        def candidates() -> Iterator[tuple[str, dict[str, str]]]:
            for i in range(start, len(profiles)):
                prof = profiles[i]
                tags = store.get(prof.arn) or {}
                if (
                    (tags or prof.tagged)
                    and prof.arn not in missing
                    and (lag <= 0 or now >= prof.created_at.timestamp() + lag)
                ):
                    yield prof.arn, tags

        page, more = _paged(candidates(), req)
        return [(arn, dict(tags)) for arn, tags in page], more


def _profiles_among(account: str, region: str, arns: list[str]) -> dict[str, dict[str, str]]:
    """The live application profiles among ``arns`` that the index shows, with
    a copy of their tags: ``_index`` restricted to ``arns`` without building
    it (the same selection as ``_profile_page``), for a ResourceARNList of
    profile ARNs."""
    with _LOCK:
        lag = float(_settings["lag_seconds"])
        missing = set(_settings["missing"])
    now = clock.epoch()
    found: dict[str, dict[str, str]] = {}
    with bedrock.LOCK:
        ordered, profiles, store = bedrock.application_profiles_by_arn(account, region)
        for arn in arns:
            i = bisect.bisect_left(ordered, arn)
            if i == len(ordered) or ordered[i] != arn:
                continue
            prof = profiles[i]
            tags = store.get(arn) or {}
            if (
                (tags or prof.tagged)
                and arn not in missing
                and (lag <= 0 or now >= prof.created_at.timestamp() + lag)
            ):
                found[arn] = dict(tags)
    return found


def _tags_match(tags: dict[str, str], filters: list[tuple[str, list[str]]]) -> bool:
    for key, values in filters:
        if key not in tags:
            return False
        if values and tags[key] not in values:
            return False
    return True


# ---------------------------------------------------------------- validation


def _member(body: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) and kind is not bool:
        value_ok = False
    else:
        value_ok = isinstance(value, kind)
    if not value_ok:
        raise TaggingError("SerializationException", f"Unexpected value type for {name}.")
    return value


class _Request:
    """A validated GetResources request."""

    def __init__(self, body: dict[str, Any]) -> None:
        v = bedrock._Violations()
        self.token = _member(body, "PaginationToken", str)
        tag_filters = _member(body, "TagFilters", list)
        self.per_page = _member(body, "ResourcesPerPage", int)
        self.tags_per_page = _member(body, "TagsPerPage", int)
        type_filters = _member(body, "ResourceTypeFilters", list)
        self.include_compliance = bool(_member(body, "IncludeComplianceDetails", bool))
        self.exclude_compliant = bool(_member(body, "ExcludeCompliantResources", bool))
        arns = _member(body, "ResourceARNList", list)

        if self.token is not None:
            v.string("paginationToken", self.token, TOKEN)
        self.tag_filters: list[tuple[str, list[str]]] = []
        if tag_filters is not None:
            if len(tag_filters) > MAX_TAG_FILTERS:
                v.add(
                    "tagFilters", f"[{len(tag_filters)} items]",
                    f"Member must have length less than or equal to {MAX_TAG_FILTERS}",
                )
            for i, f in enumerate(tag_filters, start=1):
                if not isinstance(f, dict):
                    raise TaggingError("SerializationException", "Unexpected value type for TagFilters member.")
                key, values = f.get("Key"), f.get("Values")
                if values is not None and not isinstance(values, list):
                    raise TaggingError("SerializationException", "Unexpected value type for Values.")
                ok = v.string(f"tagFilters.{i}.member.key", key, TAG_KEY)
                values = values or []
                if len(values) > MAX_FILTER_VALUES:
                    v.add(
                        f"tagFilters.{i}.member.values", f"[{len(values)} items]",
                        f"Member must have length less than or equal to {MAX_FILTER_VALUES}",
                    )
                for j, value in enumerate(values, start=1):
                    v.string(f"tagFilters.{i}.member.values.{j}.member", value, TAG_VALUE)
                if key is None:
                    raise _invalid("A TagFilter must contain a Key.")
                if ok:
                    self.tag_filters.append((key, [x for x in values if isinstance(x, str)]))
        self.type_filters: list[str] = []
        if type_filters is not None:
            if len(type_filters) > MAX_TYPE_FILTERS:
                v.add(
                    "resourceTypeFilters", f"[{len(type_filters)} items]",
                    f"Member must have length less than or equal to {MAX_TYPE_FILTERS}",
                )
            for i, t in enumerate(type_filters, start=1):
                if v.string(f"resourceTypeFilters.{i}.member", t, TYPE_FILTER, required=True):
                    self.type_filters.append(t)
        self.arns: list[str] | None = None
        if arns is not None:
            if not arns:
                v.add("resourceARNList", "[]", "Member must have length greater than or equal to 1")
            elif len(arns) > MAX_ARNS:
                v.add(
                    "resourceARNList", f"[{len(arns)} items]",
                    f"Member must have length less than or equal to {MAX_ARNS}",
                )
            for i, arn in enumerate(arns, start=1):
                v.string(f"resourceARNList.{i}.member", arn, ARN, required=True)
            self.arns = list(arns)
        if v.items:
            n = len(v.items)
            raise _invalid(f"{n} validation error{'s' if n > 1 else ''} detected: " + "; ".join(v.items))

        if self.arns is not None:
            for name, given in (
                ("TagFilters", bool(tag_filters)),
                ("ResourceTypeFilters", bool(type_filters)),
                ("ResourcesPerPage", self.per_page is not None),
                ("TagsPerPage", self.tags_per_page is not None),
                ("PaginationToken", bool(self.token)),
            ):
                if given:
                    raise _invalid(f"You can't specify both ResourceARNList and {name} in the same request.")
        if self.per_page is not None and not PER_PAGE[0] <= self.per_page <= PER_PAGE[1]:
            raise _invalid(
                f"ResourcesPerPage must be between {PER_PAGE[0]} and {PER_PAGE[1]}, but was {self.per_page}."
            )
        if self.tags_per_page is not None and not TAGS_PER_PAGE[0] <= self.tags_per_page <= TAGS_PER_PAGE[1]:
            raise _invalid(
                f"TagsPerPage must be between {TAGS_PER_PAGE[0]} and {TAGS_PER_PAGE[1]}, "
                f"but was {self.tags_per_page}."
            )
        if self.exclude_compliant and not self.include_compliance:
            raise _invalid(
                "ExcludeCompliantResources can only be used when IncludeComplianceDetails is set to true."
            )

    def fingerprint(self, account: str, region: str) -> str:
        doc = [
            account,
            region,
            [[k, sorted(vals)] for k, vals in self.tag_filters],
            sorted(self.type_filters),
            self.include_compliance,
            self.exclude_compliant,
        ]
        return hashlib.sha256(json.dumps(doc).encode()).hexdigest()[:24]


def _check_arn(arn: str, partition: str) -> None:
    m = _ARN_SHAPE.fullmatch(arn)
    bad = _invalid(f"{arn} is not a valid AmazonResourceName (ARN)")
    if m is None:
        raise bad
    arn_partition, service, _region, account, resource = m.groups()
    if service != "s3" and not re.fullmatch(r"\d{12}", account):
        raise bad
    if service in _TYPED_RESOURCE_SERVICES and "/" not in resource:
        raise bad
    if arn_partition != partition:
        raise _invalid(
            f"The partition of {arn} ({arn_partition}) doesn't match the partition where you "
            f"invoked the operation ({partition})."
        )


# ---------------------------------------------------------------- pagination tokens


def _encode_token(fingerprint: str, after: str) -> str:
    raw = json.dumps({"f": fingerprint, "a": after, "t": round(clock.epoch(), 3)}, separators=(",", ":")).encode()
    crc = zlib.crc32(raw) & 0xFFFFFFFF
    return base64.urlsafe_b64encode(raw + crc.to_bytes(4, "big")).decode().rstrip("=")


def _decode_token(token: str, fingerprint: str) -> str:
    bad = _invalid("The specified PaginationToken is not valid for this request.")
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        raw, crc = blob[:-4], int.from_bytes(blob[-4:], "big")
        if len(blob) < 5 or zlib.crc32(raw) & 0xFFFFFFFF != crc:
            raise bad
        data = json.loads(raw)
    except (ValueError, TypeError):
        raise bad from None
    if (not isinstance(data, dict) or data.get("f") != fingerprint or not isinstance(data.get("a"), str)
            or not isinstance(data.get("t"), (int, float))):
        raise bad
    issued = data["t"]
    if clock.epoch() - issued > TOKEN_TTL_SECONDS:
        raise TaggingError(
            "PaginationTokenExpiredException",
            "The PaginationToken has expired. A PaginationToken is valid for a maximum of 15 minutes.",
        )
    return data["a"]


# ---------------------------------------------------------------- the operation


def _mapping(arn: str, tags: dict[str, str], compliance: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"ResourceARN": arn, "Tags": [{"Key": k, "Value": val} for k, val in tags.items()]}
    if compliance:
        out["ComplianceDetails"] = {
            "NoncompliantKeys": [],
            "KeysWithNoncompliantValues": [],
            "ComplianceStatus": True,
        }
    return out


def get_resources(account: str, region: str, body: dict[str, Any]) -> dict[str, Any]:
    """GetResources for (account, Region); raises TaggingError."""
    req = _Request(body)
    if req.arns is not None:
        from moto.utilities.utils import get_partition

        partition = get_partition(region)
        for arn in req.arns:
            _check_arn(arn, partition)
        with _LOCK:
            stale = float(_settings["deleted_lag_seconds"]) > 0
        if not stale and all(":application-inference-profile/" in arn for arn in req.arns):
            index = _profiles_among(account, region, req.arns)
        else:
            index = _index(account, region, [])
        page = [arn for arn in dict.fromkeys(req.arns) if arn in index]
        if req.exclude_compliant:
            page = []
        return {
            "PaginationToken": "",
            "ResourceTagMappingList": [_mapping(a, index[a], req.include_compliance) for a in page],
        }

    fingerprint = req.fingerprint(account, region)
    after = _decode_token(req.token, fingerprint) if req.token else None
    page: list[tuple[str, dict[str, str]]] = []
    more = False
    if req.exclude_compliant:
        pass  # no tag policy: every resource is compliant
    else:
        moto = list(_moto_resources(account, region, req.type_filters)) if _wants_moto(req.type_filters) else []
        with _LOCK:
            stale = float(_settings["deleted_lag_seconds"]) > 0
        if _type_matches(PROFILE_TYPE, req.type_filters) and not moto and not stale:
            page, more = _profile_page(account, region, req, after)
        else:
            index = _index(account, region, req.type_filters, moto)
            page, more = _paged(((a, index[a]) for a in sorted(index) if after is None or a > after), req)
    return {
        "PaginationToken": _encode_token(fingerprint, page[-1][0]) if more else "",
        "ResourceTagMappingList": [_mapping(a, tags, req.include_compliance) for a, tags in page],
    }


def _handler(self: Any) -> tuple[str, dict[str, Any]]:
    """``ResourceGroupsTaggingAPIResponse.get_resources`` replacement."""
    try:
        raw = self.body or "{}"  # moto decodes the body to str
        try:
            body = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise TaggingError("SerializationException", "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise TaggingError("SerializationException", "The request body must be a JSON object.")
        out = get_resources(self.current_account, self.region, body)
    except TaggingError as err:
        return json.dumps({"__type": err.code, "Message": err.message}), {
            "status": err.status,
            "Content-Type": CONTENT_TYPE,
        }
    return json.dumps(out), {"status": 200, "Content-Type": CONTENT_TYPE}


_handler.__name__ = "get_resources"


def install() -> None:
    """Replace moto's GetResources."""
    from moto.resourcegroupstaggingapi.responses import ResourceGroupsTaggingAPIResponse

    original_parse = ResourceGroupsTaggingAPIResponse.parse_parameters

    def parse_parameters(self: Any, request: Any) -> None:
        # moto parses every body against the model first and answers HTML 500
        # on bad JSON or wrong types; GetResources parses its own body.
        if self._get_action() == "GetResources":
            self.params = {}
            return
        original_parse(self, request)

    ResourceGroupsTaggingAPIResponse.parse_parameters = parse_parameters  # type: ignore[method-assign]
    ResourceGroupsTaggingAPIResponse.get_resources = _handler  # type: ignore[method-assign,assignment]
