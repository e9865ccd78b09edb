"""Bedrock control plane: inference profiles, foundation models and tags.

Grafted onto moto 5.2.5's ``BedrockBackend``/``BedrockResponse`` (no fork).
Stock moto answers the inference-profile and foundation-model operations with
an HTML 500 ``NotImplementedError`` and only tags custom models and
customization jobs. This module adds, with AWS's status codes, error codes and
constraint checks taken from the botocore model ``bedrock 2023-04-20``:

=========================  ==============================================  ======
operation                  route                                           status
=========================  ==============================================  ======
CreateInferenceProfile     ``POST /inference-profiles``                    201
GetInferenceProfile        ``GET /inference-profiles/{id or ARN}``         200
ListInferenceProfiles      ``GET /inference-profiles?type=&maxResults=``   200
DeleteInferenceProfile     ``DELETE /inference-profiles/{id or ARN}``      200
TagResource                ``POST /tagResource``                           200
UntagResource              ``POST /untagResource``                         200
ListTagsForResource        ``POST /listTagsForResource``                   200
ListFoundationModels       ``GET /foundation-models?by…=``                 200
GetFoundationModel         ``GET /foundation-models/{id or ARN}``          200
=========================  ==============================================  ======

Behaviour (what AWS documents, plus the guesses marked *guess*):

- Validation follows the model: lengths, patterns (matched against the whole
  value), enums, required members and the ``modelSource`` union. Violations
  give ``ValidationException`` with AWS's wording, e.g. ``1 validation error
  detected: Value 'a!' at 'inferenceProfileName' failed to satisfy constraint:
  Member must satisfy regular expression pattern: ([0-9a-zA-Z][ _-]?)+``.
  ``description`` is sensitive, so its value is not echoed.
- ``copyFrom`` must be a foundation-model ARN (empty account) or a
  SYSTEM_DEFINED profile ARN (caller's account) in the caller's Region, naming
  something that exists there; otherwise ``ValidationException``. An
  application profile ARN fails the model's pattern. *Evidence-based:* a
  foundation model whose ``inferenceTypesSupported`` lacks ``ON_DEMAND``
  (INFERENCE_PROFILE-only in that Region, e.g. Claude 4.x) is accepted like
  any other, and the profile's ``models`` is that single-Region FM ARN: AWS
  creates such a profile and fails only when it is invoked ("Invocation of
  model ID … with on-demand throughput isn't supported"). Public report:
  aws-ia/terraform-aws-bedrock issue 121 (an application profile created
  with ``copyFrom`` the ``foundation-model/anthropic.claude-3-7-sonnet-…``
  ARN, a profile-only model: the apply succeeds and invocation fails
  on demand; the module's example and PR 131 then switched to the
  ``us.`` system profile as the source). aipctl refuses such a model itself
  before creating anything (it reads GetFoundationModel first).
- ``models`` of the new profile: the FM ARN, or a copy of the system
  profile's ``models`` (all destination Regions; Region-less ARN for global).
- ``clientRequestToken``: same token + same parameters → same ARN (201);
  same token + different parameters → ``ConflictException``. Tokens are per
  (account, Region); deleting a profile forgets its token (*guess*).
- A second application profile with the same name in a Region →
  ``ConflictException`` (*guess*, AWS does not document name uniqueness).
  More than 1,000 application profiles per Region →
  ``ServiceQuotaExceededException``.
- ListInferenceProfiles without ``type`` returns only SYSTEM_DEFINED profiles,
  as AWS does in practice. Order: system profiles in catalog order,
  application profiles in creation order. Default page size 100 (*guess*).
  ``nextToken`` is opaque, bound to the ``type`` filter; a token that is not
  ours → ``ValidationException``.
- Delete: APPLICATION only (a SYSTEM_DEFINED profile gives
  ``ValidationException``, *guess*); it also drops the tags.
- Tags: at most 50 per resource counting existing keys (overwrites of an
  existing key don't count twice) → ``TooManyTagsException`` with
  ``resourceName``; keys starting with ``aws:`` (any case) and duplicate keys
  in one request → ``ValidationException`` (*guess* for the wording).
  A missing resource → 404 ``ResourceNotFoundException`` (moto says 400).
  Tag/Untag on a SYSTEM_DEFINED profile → ``ValidationException`` and
  ListTagsForResource on one → no tags (*guess*).
- GetFoundationModel of an unknown model → ``ValidationException`` "The
  provided model identifier is invalid." (what Bedrock says for bad model IDs).
- Timestamps are RFC 3339 with milliseconds and ``Z``. Error bodies are
  ``{"message": …}`` (+ ``resourceName``) with header ``x-amzn-ErrorType``.

State lives on each ``BedrockBackend`` (one per account and Region) and is
created by the wrapped ``__init__``, so ``/moto-api/reset`` and
``POST /_emu/reset`` re-seed the SYSTEM_DEFINED profiles from ``catalog``.

In-process helpers for other modules (cost/usage, demo seeder)::

    find_profile(account_id, region, identifier) -> InferenceProfile | None
    profile_tags(account_id, region, arn) -> dict[str, str]
    create_profile(account_id, region, name, source_arn, tags, description=None,
                   created_at=None) -> InferenceProfile          # raises BedrockError
    all_application_profiles(account_id) -> Iterator[InferenceProfile]
    application_profiles(account_id, region) -> list[(InferenceProfile, tags)]
    application_profiles_by_arn(account_id, region) -> (ARNs, profiles, tag store)  # under LOCK
    deleted_profiles(account_id, region) -> list[(InferenceProfile, tags, deleted_epoch)]

``InferenceProfile.tagged`` records that a profile has had a tag (set on a
create or TagResource with tags, never cleared), and a deleted profile that
had tags is remembered per backend with its last tags and deletion time: the
Tagging API module (``awsemu/tagging.py``) lists previously tagged profiles
and can serve a stale index from them.

moto internals patched (see also ``awsemu/__init__.py``):

- ``BedrockBackend.__init__`` (wrapped: adds and seeds ``emu_*`` state);
- ``BedrockBackend._list_arns`` (wrapped: adds application-profile ARNs);
- ``BedrockResponse``: new methods ``create_inference_profile``,
  ``get_inference_profile``, ``list_inference_profiles``,
  ``delete_inference_profile``, ``list_foundation_models``,
  ``get_foundation_model``; replaced ``tag_resource``, ``untag_resource``,
  ``list_tags_for_resource`` (tags still stored in the backend's moto
  ``TaggingService`` ``tagger``);
- ``moto.bedrock.exceptions.ResourceNotFoundException.code`` = 404.

Handlers read ``self.body``, ``self.parsed_url``, ``self.uri_match`` (path
labels from moto's botocore-model router, URL-decoded), ``self.region`` and
``self.current_account``.
"""

from __future__ import annotations

import base64
import bisect
import json
import re
import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs

from . import catalog, clock

APP_PROFILE_QUOTA = 1000
TAG_LIMIT = 50
DEFAULT_PAGE_SIZE = 100

# One lock for all profile state: werkzeug serves each request on its own
# thread and other modules call the helpers from theirs.
_LOCK = threading.RLock()
LOCK = _LOCK  # for modules that read the shared views (application_profiles_by_arn)

# ---------------------------------------------------------------- model constraints
# (botocore/data/bedrock/2023-04-20/service-2.json; patterns are matched whole)

_ARN_PARTITIONS = "arn:aws(|-us-gov|-cn|-iso|-iso-b)"
NAME = dict(min=1, max=64, pattern=r"([0-9a-zA-Z][ _-]?)+")
DESCRIPTION = dict(min=1, max=200, pattern=r"([0-9a-zA-Z:.][ _-]?)+")
TOKEN = dict(min=1, max=256, pattern=r"[a-zA-Z0-9]([-a-zA-Z0-9]{0,254}[a-zA-Z0-9])?")
SOURCE_ARN = dict(
    min=1,
    max=2048,
    pattern=_ARN_PARTITIONS
    + r":bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|foundation-model)/[a-zA-Z0-9-:.]+",
)
IDENTIFIER = dict(
    min=1,
    max=2048,
    pattern=r"("
    + _ARN_PARTITIONS
    + r":bedrock:(|[0-9a-z-]{0,20}):(|[0-9]{12}):(inference-profile|application-inference-profile)/)?"
    r"[a-zA-Z0-9-:.]+",
)
TAG_KEY = dict(min=1, max=128, pattern=r"[a-zA-Z0-9\s._:/=+@-]*")
TAG_VALUE = dict(min=0, max=256, pattern=r"[a-zA-Z0-9\s._:/=+@-]*")
TAGGABLE_ARN = dict(
    min=20,
    max=1011,
    pattern=r".*(^[a-zA-Z0-9][a-zA-Z0-9\-]*$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:"
    r"custom-model/(imported)/[a-z0-9]{12}$)|(^arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:([0-9]{12}|)"
    r"((:(fine-tuning-job|model-customization-job|custom-model)/[a-z0-9-]{1,63}[.]{1}[a-z0-9-]{1,63}"
    r"([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2}(/[a-z0-9]{12})$)|"
    r"(:guardrail/[a-z0-9]+$)|(:automated-reasoning-policy/[a-zA-Z0-9]+(:[a-zA-Z0-9]+)?$)|"
    r"(:(inference-profile|application-inference-profile)/[a-zA-Z0-9-:.]+$)|"
    r"(:(provisioned-model|model-invocation-job|model-evaluation-job|evaluation-job|model-import-job|"
    r"imported-model|async-invoke|provisioned-model-v2|provisioned-model-reservation|prompt-router|"
    r"custom-model-deployment)/[a-z0-9]{12}$))).*",
)
FM_IDENTIFIER = dict(
    min=1,
    max=2048,
    pattern=r"(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}::foundation-model/[a-z0-9-]{1,63}[.]{1}"
    r"([a-z0-9-]{1,63}[.]){0,2}[a-z0-9-]{1,63}([:][a-z0-9-]{1,63}){0,2})|([a-z0-9-]{1,63}[.]{1}"
    r"[a-z0-9-]{1,63}([.]?[a-z0-9-]{1,63})([:][a-z0-9-]{1,63}){0,2})",
)
PROVIDER = dict(pattern=r"[A-Za-z0-9- ]{1,63}")
PAGINATION_TOKEN = dict(min=1, max=2048, pattern=r"\S*")
LIST_MAX = 200  # TagList / TagKeyList
PROFILE_TYPES = ["SYSTEM_DEFINED", "APPLICATION"]
MODALITIES = ["TEXT", "IMAGE", "EMBEDDING"]
CUSTOMIZATIONS = ["FINE_TUNING", "CONTINUED_PRE_TRAINING", "DISTILLATION"]
INFERENCE_TYPES = ["ON_DEMAND", "PROVISIONED"]

ERROR_STATUS = {
    "ValidationException": 400,
    "ConflictException": 400,
    "ServiceQuotaExceededException": 400,
    "TooManyTagsException": 400,
    "SerializationException": 400,
    "AccessDeniedException": 403,
    "ResourceNotFoundException": 404,
    "ThrottlingException": 429,
    "InternalServerException": 500,
}

_PROFILE_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


class BedrockError(Exception):
    """An AWS error answer: ``code`` (the error shape), HTTP ``status``, ``message``."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = ERROR_STATUS.get(code, 400)
        self.extra = extra


def _not_found(message: str) -> BedrockError:
    return BedrockError("ResourceNotFoundException", message)


def _invalid(message: str) -> BedrockError:
    return BedrockError("ValidationException", message)


class _Violations:
    """Collects constraint violations and renders them the way AWS does."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, value: Any, constraint: str, sensitive: bool = False) -> None:
        if value is None:
            shown = "Value null"
        elif sensitive:
            shown = "Value"
        else:
            shown = f"Value '{_render(value)}'"
        self.items.append(f"{shown} at '{path}' failed to satisfy constraint: {constraint}")

    def string(
        self,
        path: str,
        value: Any,
        spec: dict[str, Any],
        *,
        required: bool = False,
        sensitive: bool = False,
    ) -> bool:
        """Check one string member; returns True when it is present and valid."""
        if value is None:
            if required:
                self.add(path, None, "Member must not be null")
            return False
        if not isinstance(value, str):
            self.add(path, value, "Member must be a string", sensitive)
            return False
        ok = True
        if "min" in spec and len(value) < spec["min"]:
            self.add(path, value, f"Member must have length greater than or equal to {spec['min']}", sensitive)
            ok = False
        if "max" in spec and len(value) > spec["max"]:
            self.add(path, value, f"Member must have length less than or equal to {spec['max']}", sensitive)
            ok = False
        if value and not re.fullmatch(spec["pattern"], value):
            self.add(
                path, value, f"Member must satisfy regular expression pattern: {spec['pattern']}", sensitive
            )
            ok = False
        return ok

    def enum(self, path: str, value: Any, allowed: list[str]) -> bool:
        if value is None:
            return False
        if value not in allowed:
            self.add(path, value, f"Member must satisfy enum value set: [{', '.join(allowed)}]")
            return False
        return True

    def raise_if_any(self) -> None:
        if not self.items:
            return
        n = len(self.items)
        head = f"{n} validation error{'s' if n > 1 else ''} detected: "
        raise _invalid(head + "; ".join(self.items))


def _render(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"))


def _validate_tags(v: _Violations, tags: Any, path: str = "tags") -> list[tuple[str, str]]:
    """Validate a TagList; return (key, value) pairs (only when all is valid)."""
    if tags is None:
        return []
    if not isinstance(tags, list):
        v.add(path, tags, "Member must be a list")
        return []
    if len(tags) > LIST_MAX:
        v.add(path, f"[{len(tags)} items]", f"Member must have length less than or equal to {LIST_MAX}")
    pairs = []
    for i, tag in enumerate(tags, start=1):
        if not isinstance(tag, dict):
            v.add(f"{path}.{i}.member", tag, "Member must be a structure")
            continue
        key, value = tag.get("key"), tag.get("value")
        ok_k = v.string(f"{path}.{i}.member.key", key, TAG_KEY, required=True)
        ok_v = v.string(f"{path}.{i}.member.value", value, TAG_VALUE, required=True)
        if ok_k and ok_v:
            pairs.append((key, value))
    return pairs


def _check_tag_semantics(pairs: list[tuple[str, str]] | list[str]) -> None:
    """Reserved prefix and duplicate keys (after the model's checks passed)."""
    seen: set[str] = set()
    for item in pairs:
        key = item[0] if isinstance(item, tuple) else item
        if key.lower().startswith("aws:"):
            raise _invalid(
                f"Invalid tag key '{key}': tag keys starting with 'aws:' are reserved for AWS use."
            )
        if key in seen and isinstance(item, tuple):
            raise _invalid(f"Duplicate tag key '{key}' in the request.")
        seen.add(key)


# ---------------------------------------------------------------- data


def rfc3339(ts: datetime) -> str:
    """``2025-11-22T05:46:12.953Z``: RFC 3339, milliseconds, UTC."""
    ts = ts.astimezone(UTC)
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def _now() -> datetime:
    ts = clock.now()
    return ts.replace(microsecond=ts.microsecond // 1000 * 1000)


@dataclass
class InferenceProfile:
    """One inference profile (SYSTEM_DEFINED or APPLICATION).

    ``models`` is the list of foundation-model ARNs (strings);
    ``created_at``/``updated_at`` are aware UTC datetimes.
    """

    arn: str
    id: str
    name: str
    description: str | None
    type: str
    models: list[str]
    created_at: datetime
    updated_at: datetime
    region: str
    account_id: str
    seq: int
    status: str = "ACTIVE"
    source_arn: str | None = None  # what copyFrom named (AWS never returns it)
    tagged: bool = False  # has had at least one tag (the Tagging API lists such profiles)
    fingerprint: str | None = field(default=None, repr=False)

    def __setattr__(self, name: str, value: Any) -> None:
        # Any assignment (e.g. fixtures replacing ``models``) outdates the cached JSON.
        object.__setattr__(self, name, value)
        self.__dict__["_version"] = self.__dict__.get("_version", 0) + 1

    def api_json(self) -> str:
        """``json.dumps(self.to_api())``, cached: a list page of 1,000 profiles
        re-rendered every one (two strftime calls each, then the encoder) in
        most of its time. The cache holds while no attribute was assigned
        since (even one assigned while it was being built) and ``models`` (the
        one mutable member) still equals its copy."""
        version = self.__dict__.get("_version")
        cached = self.__dict__.get("_api_json")
        if cached is not None and cached[0] == version and cached[1] == self.models:
            return cached[2]
        models = list(self.models)
        text = json.dumps(self.to_api())
        self.__dict__["_api_json"] = (version, models, text)
        return text

    def to_api(self) -> dict[str, Any]:
        out: dict[str, Any] = {"inferenceProfileName": self.name}
        if self.description is not None:
            out["description"] = self.description
        out.update(
            {
                "createdAt": rfc3339(self.created_at),
                "updatedAt": rfc3339(self.updated_at),
                "inferenceProfileArn": self.arn,
                "models": [{"modelArn": m} for m in self.models],
                "inferenceProfileId": self.id,
                "status": self.status,
                "type": self.type,
            }
        )
        return out


def _profile_arn(partition: str, region: str, account: str, kind: str, ident: str) -> str:
    return f"arn:{partition}:bedrock:{region}:{account}:{kind}/{ident}"


def _seed(backend: Any) -> None:
    """Attach the emulator's state to a fresh backend and add the system profiles."""
    backend.emu_profiles = {}  # arn -> InferenceProfile (system + application)
    backend.emu_ids = {}  # profile id -> arn
    backend.emu_tokens = {}  # clientRequestToken -> (fingerprint, arn)
    backend.emu_deleted = {}  # arn -> (profile, its tags, deletion epoch); tagged profiles only
    backend.emu_seq = 0
    backend.emu_gen = 0  # bumped whenever a profile is added or dropped (see _ordered)
    for sp in catalog.system_profiles(backend.region_name):
        backend.emu_seq += 1
        arn = _profile_arn(
            backend.partition, backend.region_name, backend.account_id, "inference-profile",
            sp["inferenceProfileId"],
        )
        prof = InferenceProfile(
            arn=arn,
            id=sp["inferenceProfileId"],
            name=sp["inferenceProfileName"],
            description=sp["description"],
            type="SYSTEM_DEFINED",
            models=list(sp["models"]),
            created_at=sp["createdAt"],
            updated_at=sp["updatedAt"],
            region=backend.region_name,
            account_id=backend.account_id,
            seq=backend.emu_seq,
        )
        backend.emu_profiles[arn] = prof
        backend.emu_ids[prof.id] = arn


class _Order:
    """A backend's profiles in the two orders the list operations read.

    ``by_seq[type]``: that type's profiles by ``seq`` (ListInferenceProfiles);
    ``apps_by_arn`` / ``app_arns``: the APPLICATION profiles and their ARNs in
    ARN order (the Tagging API's GetResources). Rebuilding both on every page
    was most of a GetResources page over 1,000 profiles; the cache is keyed on
    ``emu_gen`` (bumped by every add and drop) and the number of profiles.
    """

    def __init__(self, key: tuple[int, int], profiles: Any) -> None:
        self.key = key
        self.by_seq: dict[str, list[InferenceProfile]] = {t: [] for t in PROFILE_TYPES}
        for p in sorted(profiles, key=lambda p: p.seq):
            self.by_seq.setdefault(p.type, []).append(p)
        self.apps_by_arn = sorted(self.by_seq["APPLICATION"], key=lambda p: p.arn)
        self.app_arns = [p.arn for p in self.apps_by_arn]


def _ordered(backend: Any) -> _Order:
    """The backend's ``_Order``, rebuilt when a profile was added or dropped. Caller holds _LOCK."""
    key = (backend.emu_gen, len(backend.emu_profiles))
    order = getattr(backend, "emu_order", None)
    if order is None or order.key != key:
        order = _Order(key, backend.emu_profiles.values())
        backend.emu_order = order
    return order


def _be(resp: Any) -> Any:
    """The caller's backend (``BedrockResponse.bedrock_backend``), seeded by the wrapped ``__init__``."""
    return resp.bedrock_backend


def _resolve(backend: Any, identifier: str) -> InferenceProfile | None:
    if identifier.startswith("arn:"):
        return backend.emu_profiles.get(identifier)
    arn = backend.emu_ids.get(identifier)
    return backend.emu_profiles.get(arn) if arn else None


def _new_profile_id(backend: Any) -> str:
    try:  # moto's seedable RNG (``POST /moto-api/seed``) makes IDs reproducible
        from moto.moto_api._internal import mock_random as rng
    except ImportError:  # pragma: no cover
        import random as rng  # type: ignore[no-redef]
    while True:
        ident = "".join(rng.choice(_PROFILE_ID_ALPHABET) for _ in range(12))
        if ident not in backend.emu_ids:
            return ident


def _arn_parts(arn: str) -> tuple[str, str, str, str, str]:
    """(partition, region, account, resource type, resource id) of an ARN the model's pattern accepted."""
    parts = arn.split(":", 5)
    kind, _, ident = parts[5].partition("/")
    return parts[1], parts[3], parts[4], kind, ident


def _source_models(backend: Any, source: str) -> list[str]:
    """The models[] an application profile copying ``source`` gets."""
    partition, region, account, kind, ident = _arn_parts(source)  # pattern already checked
    if region != backend.region_name:
        raise _invalid(
            f"The model source {source} is not in the Region of the request "
            f"({backend.region_name}). Specify a foundation model or a system-defined "
            f"inference profile in {backend.region_name}."
        )
    if partition != backend.partition:
        raise _invalid(f"The model source {source} is not in partition {backend.partition}.")
    if kind == "foundation-model":
        if account:
            raise _invalid(
                f"The model source {source} is invalid: foundation-model ARNs have no account ID."
            )
        if catalog.foundation_model(region, ident) is None:
            raise _invalid("The provided model identifier is invalid.")
        # INFERENCE_PROFILE-only models are accepted too: AWS creates the
        # profile and fails at invocation (see the module docstring).
        return [source]
    # kind == "inference-profile" (the pattern allows nothing else)
    if account != backend.account_id:
        raise _invalid(
            f"The model source {source} is invalid: a system-defined inference profile ARN must "
            f"name your account ({backend.account_id})."
        )
    prof = backend.emu_profiles.get(source)
    if prof is None or prof.type != "SYSTEM_DEFINED":
        raise _invalid(f"The model source {source} is not a valid inference profile in {region}.")
    return list(prof.models)


def _fingerprint(name: Any, description: Any, source: Any, tags: Any) -> str:
    norm_tags = sorted((t.get("key"), t.get("value")) for t in tags or [] if isinstance(t, dict))
    return json.dumps([name, description, source, norm_tags], sort_keys=True, default=str)


def _create(backend: Any, params: dict[str, Any], created_at: datetime | None = None) -> InferenceProfile:
    """CreateInferenceProfile against ``backend``; raises BedrockError. Caller holds _LOCK."""
    v = _Violations()
    name = params.get("inferenceProfileName")
    description = params.get("description")
    token = params.get("clientRequestToken")
    model_source = params.get("modelSource")
    tags = params.get("tags")
    v.string("inferenceProfileName", name, NAME, required=True)
    v.string("description", description, DESCRIPTION, sensitive=True)
    v.string("clientRequestToken", token, TOKEN)
    source = None
    if model_source is None:
        v.add("modelSource", None, "Member must not be null")
    elif not isinstance(model_source, dict) or len(model_source) != 1 or "copyFrom" not in model_source:
        v.add("modelSource", model_source, "Member must have exactly one union member set: [copyFrom]")
    else:
        source = model_source["copyFrom"]
        v.string("modelSource.copyFrom", source, SOURCE_ARN, required=True)
    pairs = _validate_tags(v, tags)
    v.raise_if_any()
    _check_tag_semantics(pairs)

    fingerprint = _fingerprint(name, description, source, tags)
    if token is not None and token in backend.emu_tokens:
        seen_fp, seen_arn = backend.emu_tokens[token]
        if seen_fp != fingerprint:
            raise BedrockError(
                "ConflictException",
                "The request uses the same client token as a previous, but non-identical request. "
                "Do not reuse a client token with different requests, unless the requests are "
                "identical.",
            )
        prof = backend.emu_profiles.get(seen_arn)
        if prof is not None:
            return prof

    if len(pairs) > TAG_LIMIT:
        raise BedrockError(
            "TooManyTagsException",
            f"The request has {len(pairs)} tags; a resource can have at most {TAG_LIMIT} tags.",
        )
    models = _source_models(backend, source)
    apps = [p for p in backend.emu_profiles.values() if p.type == "APPLICATION"]
    if any(p.name == name for p in apps):
        raise BedrockError(
            "ConflictException",
            f"An inference profile with the name {name} already exists in {backend.region_name}.",
        )
    if len(apps) >= APP_PROFILE_QUOTA:
        raise BedrockError(
            "ServiceQuotaExceededException",
            f"You have reached the quota of {APP_PROFILE_QUOTA} application inference profiles "
            f"in {backend.region_name}. Delete unused profiles or request a quota increase.",
        )

    ident = _new_profile_id(backend)
    ts = created_at or _now()
    backend.emu_seq += 1
    prof = InferenceProfile(
        arn=_profile_arn(
            backend.partition, backend.region_name, backend.account_id,
            "application-inference-profile", ident,
        ),
        id=ident,
        name=name,
        description=description,
        type="APPLICATION",
        models=models,
        created_at=ts,
        updated_at=ts,
        region=backend.region_name,
        account_id=backend.account_id,
        seq=backend.emu_seq,
        source_arn=source,
        fingerprint=fingerprint,
    )
    backend.emu_profiles[prof.arn] = prof
    backend.emu_ids[ident] = prof.arn
    backend.emu_gen += 1
    if pairs:
        backend.tagger.tag_resource(prof.arn, [{"Key": k, "Value": val} for k, val in pairs])
        prof.tagged = True
    if token is not None:
        backend.emu_tokens[token] = (fingerprint, prof.arn)
    return prof


# ---------------------------------------------------------------- list pagination


def _encode_token(type_filter: str, after_seq: int) -> str:
    raw = json.dumps({"t": type_filter, "s": after_seq}, separators=(",", ":")).encode()
    crc = zlib.crc32(raw) & 0xFFFFFFFF
    return base64.urlsafe_b64encode(raw + crc.to_bytes(4, "big")).decode().rstrip("=")


def _decode_token(token: str, type_filter: str) -> int:
    bad = _invalid("The nextToken is invalid. Use the nextToken from a previous response.")
    try:
        blob = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        raw, crc = blob[:-4], int.from_bytes(blob[-4:], "big")
        if zlib.crc32(raw) & 0xFFFFFFFF != crc:
            raise bad
        data = json.loads(raw)
    except (ValueError, TypeError):
        raise bad from None
    if not isinstance(data, dict) or data.get("t") != type_filter or not isinstance(data.get("s"), int):
        raise bad
    return data["s"]


# ---------------------------------------------------------------- HTTP handlers


def _json_body(resp: Any) -> dict[str, Any]:
    raw = resp.body or "{}"  # moto decodes the body to str
    try:
        body = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise BedrockError("SerializationException", "Could not parse the request body as JSON.") from None
    if not isinstance(body, dict):
        raise BedrockError("SerializationException", "The request body must be a JSON object.")
    return body


def _query(resp: Any) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(resp.parsed_url.query, keep_blank_values=True).items()}


def _label(resp: Any, name: str, prefix: str) -> str:
    """A URI label, URL-decoded (moto's router fills ``uri_match`` from the botocore model)."""
    return resp.uri_match[name]


class _Encoded(str):
    """A payload already encoded as ``json.dumps`` would encode it."""


def _answer(status: int, payload: Any) -> tuple[str, dict[str, Any]]:
    body = str(payload) if isinstance(payload, _Encoded) else json.dumps(payload)
    return body, {"status": status, "Content-Type": "application/json"}


def _error_answer(err: BedrockError) -> tuple[str, dict[str, Any]]:
    body = {"message": err.message, **err.extra}
    return json.dumps(body), {
        "status": err.status,
        "Content-Type": "application/json",
        "x-amzn-ErrorType": err.code,
    }


def _handler(fn: Callable[[Any], tuple[int, Any]]) -> Callable[[Any], tuple[str, dict[str, Any]]]:
    def method(self: Any) -> tuple[str, dict[str, Any]]:
        try:
            with _LOCK:
                status, payload = fn(self)
        except BedrockError as err:
            return _error_answer(err)
        return _answer(status, payload)

    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


@_handler
def create_inference_profile(self: Any) -> tuple[int, Any]:
    prof = _create(_be(self), _json_body(self))
    return 201, {"inferenceProfileArn": prof.arn, "status": prof.status}


def _identifier(self: Any) -> str:
    ident = _label(self, "inferenceProfileIdentifier", "/inference-profiles/")
    v = _Violations()
    v.string("inferenceProfileIdentifier", ident, IDENTIFIER, required=True)
    v.raise_if_any()
    return ident


@_handler
def get_inference_profile(self: Any) -> tuple[int, Any]:
    ident = _identifier(self)
    prof = _resolve(_be(self), ident)
    if prof is None:
        raise _not_found(f"The inference profile {ident} doesn't exist.")
    return 200, _Encoded(prof.api_json())


@_handler
def list_inference_profiles(self: Any) -> tuple[int, Any]:
    q = _query(self)
    v = _Violations()
    type_filter = q.get("type")
    v.enum("typeEquals", type_filter, PROFILE_TYPES)
    max_results = DEFAULT_PAGE_SIZE
    if "maxResults" in q:
        try:
            max_results = int(q["maxResults"])
        except ValueError:
            v.add("maxResults", q["maxResults"], "Member must be an integer")
        else:
            if max_results < 1:
                v.add("maxResults", max_results, "Member must have value greater than or equal to 1")
            elif max_results > 1000:
                v.add("maxResults", max_results, "Member must have value less than or equal to 1000")
    token = q.get("nextToken")
    if token is not None:
        v.string("nextToken", token, PAGINATION_TOKEN)
    v.raise_if_any()
    # AWS returns only SYSTEM_DEFINED profiles when no type is given.
    wanted = type_filter or "SYSTEM_DEFINED"
    after = _decode_token(token, wanted) if token is not None else 0
    by_seq = _ordered(_be(self)).by_seq[wanted]
    items = by_seq[bisect.bisect_right(by_seq, after, key=lambda p: p.seq):]
    page = items[:max_results]
    # json.dumps({"inferenceProfileSummaries": [...], "nextToken"?: ...}) from
    # each profile's cached encoding.
    body = '{"inferenceProfileSummaries": [' + ", ".join(p.api_json() for p in page) + "]"
    if len(items) > max_results:
        body += ', "nextToken": ' + json.dumps(_encode_token(wanted, page[-1].seq))
    return 200, _Encoded(body + "}")


@_handler
def delete_inference_profile(self: Any) -> tuple[int, Any]:
    ident = _identifier(self)
    backend = _be(self)
    prof = _resolve(backend, ident)
    if prof is None:
        raise _not_found(f"The inference profile {ident} doesn't exist.")
    if prof.type != "APPLICATION":
        raise _invalid(
            f"The inference profile {ident} is a system-defined inference profile and can't be "
            "deleted. You can only delete application inference profiles."
        )
    _drop(backend, prof)
    return 200, {}


def _drop(backend: Any, prof: InferenceProfile) -> None:
    if prof.tagged:  # kept for the Tagging API's stale-index knob (awsemu/tagging.py)
        tags = dict(backend.tagger.get_tag_dict_for_resource(prof.arn))
        getattr(backend, "emu_deleted", {})[prof.arn] = (prof, tags, clock.epoch())
    del backend.emu_profiles[prof.arn]
    backend.emu_ids.pop(prof.id, None)
    backend.emu_gen += 1
    backend.tagger.delete_all_tags_for_resource(prof.arn)
    for token in [t for t, (_, arn) in backend.emu_tokens.items() if arn == prof.arn]:
        del backend.emu_tokens[token]


def _tag_target(self: Any, arn: str, writing: bool) -> str:
    """Check that ``arn`` names a taggable resource of this account/Region."""
    backend = _be(self)
    prof = backend.emu_profiles.get(arn)
    if prof is not None and prof.type == "SYSTEM_DEFINED":
        if writing:
            raise _invalid(f"The resource {arn} is a system-defined inference profile and can't be tagged.")
        return "system"
    # An application profile is in _list_arns(); that list is built (all ARNs) per call.
    if prof is None and arn not in backend._list_arns():
        raise _not_found(f"The resource {arn} doesn't exist.")
    return "tagged"


@_handler
def tag_resource(self: Any) -> tuple[int, Any]:
    body = _json_body(self)
    arn, tags = body.get("resourceARN"), body.get("tags")
    v = _Violations()
    v.string("resourceARN", arn, TAGGABLE_ARN, required=True)
    if tags is None:
        v.add("tags", None, "Member must not be null")
    pairs = _validate_tags(v, tags)
    v.raise_if_any()
    _check_tag_semantics(pairs)
    _tag_target(self, arn, writing=True)
    tagger = _be(self).tagger
    existing = tagger.get_tag_dict_for_resource(arn)
    total = len(set(existing) | {k for k, _ in pairs})
    if total > TAG_LIMIT:
        raise BedrockError(
            "TooManyTagsException",
            f"The request would give the resource {total} tags; a resource can have at most "
            f"{TAG_LIMIT} tags, including existing ones.",
            resourceName=arn,
        )
    tagger.tag_resource(arn, [{"Key": k, "Value": val} for k, val in pairs])
    prof = _be(self).emu_profiles.get(arn)
    if prof is not None and pairs:
        prof.tagged = True
    return 200, {}


@_handler
def untag_resource(self: Any) -> tuple[int, Any]:
    body = _json_body(self)
    arn, keys = body.get("resourceARN"), body.get("tagKeys")
    v = _Violations()
    v.string("resourceARN", arn, TAGGABLE_ARN, required=True)
    if keys is None:
        v.add("tagKeys", None, "Member must not be null")
    elif not isinstance(keys, list):
        v.add("tagKeys", keys, "Member must be a list")
    else:
        if len(keys) > LIST_MAX:
            v.add("tagKeys", f"[{len(keys)} items]", f"Member must have length less than or equal to {LIST_MAX}")
        for i, key in enumerate(keys, start=1):
            v.string(f"tagKeys.{i}.member", key, TAG_KEY, required=True)
    v.raise_if_any()
    _check_tag_semantics(list(keys))
    _tag_target(self, arn, writing=True)
    _be(self).tagger.untag_resource_using_names(arn, list(keys))
    return 200, {}


@_handler
def list_tags_for_resource(self: Any) -> tuple[int, Any]:
    body = _json_body(self)
    arn = body.get("resourceARN")
    v = _Violations()
    v.string("resourceARN", arn, TAGGABLE_ARN, required=True)
    v.raise_if_any()
    if _tag_target(self, arn, writing=False) == "system":
        return 200, {"tags": []}
    tags = _be(self).tagger.get_tag_dict_for_resource(arn)
    return 200, {"tags": [{"key": k, "value": val} for k, val in tags.items()]}


@_handler
def list_foundation_models(self: Any) -> tuple[int, Any]:
    q = _query(self)
    v = _Violations()
    provider = q.get("byProvider")
    if provider is not None:
        v.string("byProvider", provider, PROVIDER)
    v.enum("byCustomizationType", q.get("byCustomizationType"), CUSTOMIZATIONS)
    v.enum("byOutputModality", q.get("byOutputModality"), MODALITIES)
    v.enum("byInferenceType", q.get("byInferenceType"), INFERENCE_TYPES)
    v.raise_if_any()
    models = catalog.foundation_models(self.region)
    if provider is not None:
        models = [m for m in models if m["providerName"].lower() == provider.lower()]
    if q.get("byCustomizationType"):
        models = [m for m in models if q["byCustomizationType"] in m["customizationsSupported"]]
    if q.get("byOutputModality"):
        models = [m for m in models if q["byOutputModality"] in m["outputModalities"]]
    if q.get("byInferenceType"):
        models = [m for m in models if q["byInferenceType"] in m["inferenceTypesSupported"]]
    return 200, {"modelSummaries": models}


@_handler
def get_foundation_model(self: Any) -> tuple[int, Any]:
    ident = _label(self, "modelIdentifier", "/foundation-models/")
    v = _Violations()
    v.string("modelIdentifier", ident, FM_IDENTIFIER, required=True)
    v.raise_if_any()
    model_id = ident
    if ident.startswith("arn:"):
        _, region, _, _, model_id = _arn_parts(ident)
        if region != self.region:
            raise _invalid("The provided model identifier is invalid.")
    entry = catalog.foundation_model(self.region, model_id)
    if entry is None:
        raise _invalid("The provided model identifier is invalid.")
    return 200, {"modelDetails": entry}


_HANDLERS = {
    "create_inference_profile": create_inference_profile,
    "get_inference_profile": get_inference_profile,
    "list_inference_profiles": list_inference_profiles,
    "delete_inference_profile": delete_inference_profile,
    "tag_resource": tag_resource,
    "untag_resource": untag_resource,
    "list_tags_for_resource": list_tags_for_resource,
    "list_foundation_models": list_foundation_models,
    "get_foundation_model": get_foundation_model,
}

# ---------------------------------------------------------------- install

_INSTALLED = False


def install() -> None:
    """Patch moto (idempotent)."""
    global _INSTALLED
    if _INSTALLED:
        return
    from moto.bedrock import exceptions as bexc
    from moto.bedrock.models import BedrockBackend
    from moto.bedrock.responses import BedrockResponse

    orig_init = BedrockBackend.__init__
    orig_list_arns = BedrockBackend._list_arns

    def __init__(self: Any, region_name: str, account_id: str, *args: Any, **kwargs: Any) -> None:
        orig_init(self, region_name, account_id, *args, **kwargs)
        _seed(self)

    def _list_arns(self: Any) -> list[str]:
        apps = [a for a, p in self.emu_profiles.items() if p.type == "APPLICATION"]
        return list(orig_list_arns(self)) + apps

    BedrockBackend.__init__ = __init__  # type: ignore[method-assign]
    BedrockBackend._list_arns = _list_arns  # type: ignore[method-assign]
    for name, fn in _HANDLERS.items():
        setattr(BedrockResponse, name, fn)
    bexc.ResourceNotFoundException.code = 404
    _INSTALLED = True


# ---------------------------------------------------------------- in-process helpers


def backend(account_id: str, region: str) -> Any:
    """The moto ``BedrockBackend`` of (account, Region); created (and seeded) on demand."""
    install()
    from moto.bedrock.models import bedrock_backends

    return bedrock_backends[account_id][region]


def find_profile(account_id: str, region: str, identifier: str) -> InferenceProfile | None:
    """A profile (system or application) by ID or ARN, or None."""
    with _LOCK:
        return _resolve(backend(account_id, region), identifier)


def profile_tags(account_id: str, region: str, arn: str) -> dict[str, str]:
    """The tags of a resource as ``{key: value}`` ({} when it has none or doesn't exist)."""
    with _LOCK:
        return dict(backend(account_id, region).tagger.get_tag_dict_for_resource(arn))


def create_profile(
    account_id: str,
    region: str,
    name: str,
    source_arn: str,
    tags: dict[str, str] | None = None,
    description: str | None = None,
    created_at: datetime | None = None,
) -> InferenceProfile:
    """Create an application profile exactly as CreateInferenceProfile would.

    ``created_at`` (an aware datetime) backdates it. Raises ``BedrockError`` (``.code``, ``.message``) on any error
    the API would return.
    """
    params: dict[str, Any] = {
        "inferenceProfileName": name,
        "modelSource": {"copyFrom": source_arn},
        "tags": [{"key": k, "value": v} for k, v in (tags or {}).items()],
    }
    if description is not None:
        params["description"] = description
    with _LOCK:
        return _create(backend(account_id, region), params, created_at=created_at)


def all_application_profiles(account_id: str) -> Iterator[InferenceProfile]:
    """Every APPLICATION profile of the account, over all Regions, oldest first per Region."""
    install()
    from moto.bedrock.models import bedrock_backends

    with _LOCK:
        if account_id not in bedrock_backends:
            return iter([])
        found = []
        for region in sorted(bedrock_backends[account_id].keys()):
            be = bedrock_backends[account_id][region]
            found.extend(
                sorted(
                    (p for p in getattr(be, "emu_profiles", {}).values() if p.type == "APPLICATION"),
                    key=lambda p: p.seq,
                )
            )
    return iter(found)


def _existing_backend(account_id: str, region: str) -> Any | None:
    """The backend of (account, Region) if moto has created it; never creates one."""
    install()
    from moto.bedrock.models import bedrock_backends

    if account_id not in bedrock_backends:
        return None
    per_account = bedrock_backends[account_id]
    if region not in per_account.keys():
        return None
    return per_account[region]


def application_profiles(account_id: str, region: str) -> list[tuple[InferenceProfile, dict[str, str]]]:
    """The APPLICATION profiles of one (account, Region) with their current tags, oldest first."""
    with _LOCK:
        be = _existing_backend(account_id, region)
        if be is None:
            return []
        profs = _ordered(be).by_seq["APPLICATION"]
        return [(p, dict(be.tagger.get_tag_dict_for_resource(p.arn))) for p in profs]


def application_profiles_by_arn(
    account_id: str, region: str
) -> tuple[list[str], list[InferenceProfile], dict[str, dict[str, str]]]:
    """The APPLICATION profiles of one (account, Region) in ARN order: (their ARNs,
    the profiles, the backend's live tag store ``{arn: {key: value}}``).

    Shared, not copied: read them only while holding ``LOCK`` and copy what
    outlives it (``awsemu/tagging.py`` pages through them without re-sorting).
    """
    be = _existing_backend(account_id, region)
    if be is None:
        return [], [], {}
    order = _ordered(be)
    return order.app_arns, order.apps_by_arn, be.tagger.tags


def deleted_profiles(account_id: str, region: str) -> list[tuple[InferenceProfile, dict[str, str], float]]:
    """Deleted APPLICATION profiles that had tags: (profile, tags at deletion, deletion epoch)."""
    with _LOCK:
        be = _existing_backend(account_id, region)
        if be is None:
            return []
        return [(p, dict(tags), at) for p, tags, at in getattr(be, "emu_deleted", {}).values()]
