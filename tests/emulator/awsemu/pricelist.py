"""AWS Price List Query API: ``pricing:GetProducts`` for the two Bedrock offers.

moto has no pricing service. Requests with ``X-Amz-Target: AWSPriceListService.<Op>``
(awsJson 1.1, signing name ``pricing``; boto3 and aws-sdk-pricing 1.x send the same
thing) are answered by this module's ``wsgi`` wrapper and never reach moto. Only
``GetProducts`` is served; the other Price List operations answer
``UnknownOperationException``.

Offers (both built from ``awsemu/pricing.py``, the table that prices billed usage, so a
price-list estimate equals what Cost Explorer bills, to the cent):

- ``AmazonBedrock``: the models ``catalog.model_billing()`` bills under "Amazon Bedrock"
  (Amazon, Meta, Mistral, DeepSeek, OpenAI). One product per model, Region and token kind
  (``productFamily`` "Amazon Bedrock")::

      regionCode, inferenceType ("Input tokens" | "Output tokens" | "Prompt cache read
      input tokens" | "Prompt cache write input tokens"), servicecode "AmazonBedrock",
      feature "On-demand Inference", provider, usagetype (= the billing usage type,
      ``usage.usage_type()``: USE1-NovaPro-input-tokens, …-output-tokens,
      …-cache-read-input-token-count, …-cache-write-input-token-count), locationType
      "AWS Region", location, model (display name), servicename "Amazon Bedrock",
      operation ""

  Unit ``1K tokens``, price per 1,000 tokens. Nova models also carry batch products
  (``…-input-tokens-batch`` / ``…-output-tokens-batch``, inferenceType "input tokens
  batch", feature "Batch Inference", half price) that billing never uses.
- ``AmazonBedrockFoundationModels``: the Marketplace-billed models ("<Model> (Amazon
  Bedrock Edition)"); ``productFamily`` "Machine Learning"; attributes regionCode,
  servicecode, usagetype, locationType, location, servicename, operation "" — no
  ``inferenceType``, ``provider`` or ``model``. Usage types ``USE1-MP:USE1_<metric>-Units``
  with metric InputTokenCount / OutputTokenCount / CacheReadInputTokenCount /
  CacheWriteInputTokenCount (the ones billing writes) plus variants billing never
  writes, priced differently so that a wrong pick shows: ``…_Global`` (models with a
  ``global.`` profile, standard ÷ 1.1, the ratio AWS publishes between Regional and
  Global), ``…_Batch`` / ``…_Global_Batch`` (input and output of Anthropic models, half
  price) and ``CacheWrite1hInputTokenCount`` (+ ``_Global``; Claude 4.5 models, 2 × the
  input price). Unit ``Units``; the price is per **1,000,000 tokens** (the description
  says "Million …"), i.e. the table price × 1000.

Billing (``awsemu/usage.py``) writes the unqualified usage types, except for traffic of a
Marketplace model through a ``global.`` profile (or an application profile copying one),
which it bills under ``…_Global`` at the Global price, as AWS prices Global cross-Region
inference (guess: that such usage bills under the ``_Global`` usage types; the lower
price itself is AWS's). ``_Batch`` and ``CacheWrite1h`` products are never billed.

A model without a price family, and a cache kind the table prices as ``None``, have no
product: a client must treat them as unpriced, never as $0 (Nova cache writes *are*
priced, at 0). Products exist for every Region of ``catalog.REGIONS`` where the model is
offered or has a system-profile source; ``_Global`` variants where it has a ``global.``
profile. Prices are equal across Regions (``pricing.py``'s simplification); usage-type
prefixes (USE1, USW2, EUC1, APN1, CAN1…) and location names follow AWS.

Every document carries ``version`` / ``publicationDate`` (the table's date, fixed) and
an OnDemand term (``offerTermCode`` JRTCKXETXF, price dimension 6YS6EN2CT7,
``effectiveDate``). SKUs are 16 characters hashed from offer, service name, Region and
usage type: stable across runs. Results are sorted by SKU (AWS promises no order).

GetProducts:

- ``ServiceCode`` required: empty → InvalidParameterException "Input Parameters are
  invalid. serviceCode cannot be null or empty" (AWS); unknown (case-sensitive) →
  NotFoundException.
- ``FormatVersion``: absent or ``aws_v1``; the answer always says ``aws_v1``.
- ``Filters`` (≤ 50, all must match; Field/Value 1–1024 characters). ``Field`` is an
  attribute name (exact case), ``ServiceCode`` or ``productFamily``. A product without
  the field never matches, whatever the type. TERM_MATCH: equal ignoring case; EQUALS:
  equal, case-sensitive; CONTAINS: case-sensitive substring; ANY_OF / NONE_OF: ``Value``
  is a comma-separated list (items trimmed), exact-case membership / non-membership.
- ``MaxResults`` 1–100, default 100. Every second page of a multi-page answer carries
  one result fewer than MaxResults, as AWS documents that a page may ("an upper limit,
  not a guaranteed count"); only the last page has no ``NextToken``.
- ``NextToken``: opaque, bound to ServiceCode + Filters + FormatVersion (MaxResults may
  change between pages). Garbage, a tampered token or one from another request →
  InvalidNextTokenException; older than ``TOKEN_TTL_SECONDS`` on the emulator clock →
  ExpiredNextTokenException.
- Errors: awsJson 1.1 ``{"__type": code, "Message": text}`` with ``x-amzn-ErrorType``;
  400, InternalErrorException 500. A body that is not a JSON object →
  SerializationException.
- Fault rules (``awsemu/faults.py``) apply with service ``pricing``, operation
  ``GetProducts``; the request log shows the same names.

Sources:

- botocore's ``pricing 2017-10-15`` model: shapes, FilterType enum and its documentation,
  Filters ≤ 50, MaxResults 1–100, the GetProducts error list.
- AWS Price List API reference, GetProducts (MaxResults is "an upper limit, not a
  guaranteed count"; pagination ends when no NextToken is returned).
- aws/aws-cli#9567: a full ``AmazonBedrock`` document (attribute set and order,
  ``productFamily`` "Amazon Bedrock", ``operation`` "", unit "1K tokens", the
  description "$0.00800 per 1K tokens for Claude2.0-input-tokens inUS East (N.
  Virginia)" — no space after "in" — term/rate codes, ``version`` / ``publicationDate``).
- grafana/cloudcost-exporter#933, #934, #1010 and its pkg/aws/bedrock tests: Marketplace
  models live under ``AmazonBedrockFoundationModels`` keyed by ``servicename``, with no
  ``inferenceType``/``provider``; per-1M prices; usage types ``…_Global``, ``…_Batch``,
  ``…_Global_Batch``, ``CacheWrite1hInputTokenCount``, ``CacheReadInputTokenCount_Global``;
  first-party inferenceType "Prompt cache read/write input tokens", "input tokens batch"
  and usage types ``…-cache-read-input-token-count``, ``…-input-tokens-batch``.
- The rate card of bedrock ``ListFoundationModelAgreementOffers`` as quoted in public
  docs (dimension ``USE1_InputTokenCount``, unit "Units", "Million Input Tokens
  Regional"), and public transcriptions of the ``AmazonBedrockFoundationModels`` offer
  file: descriptions "AWS Marketplace software usage|us-east-1|Million Input Tokens
  Regional" / "Million Response Tokens Global", Regional = 1.1 × Global, batch = ½, 1-hour
  cache write = 2 × input, ``operation`` "".
- aws/aws-sdk-js#3329: the InvalidParameterException message for an empty ServiceCode.

Guesses (not confirmed against a live account): the default page size (100); which
pages are short; TERM_MATCH ignoring case while the other types are case-sensitive;
exact-case field names; whitespace trimming in ANY_OF/NONE_OF; products without the
field failing NONE_OF; the token lifetime (``TOKEN_TTL_SECONDS``, 1 hour) and that a
token of another request is "invalid"; the error messages other than the serviceCode one
and the status 400 of NotFoundException / ThrottlingException; the unit "Units" of the
Marketplace offer (most transcriptions say "Units", some "1M tokens": parse the scale from
the description, accept both); ``productFamily`` "Machine Learning"; the descriptions
of the 1-hour, batch and Global-batch variants; which models carry batch / 1-hour
variants; the Nova batch products' inferenceType/feature wording; the fixed
``version`` / dates; SKUs (hashes, not AWS's).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import string
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from . import catalog, clock, pricing, usage

SERVICE = "pricing"  # SigV4 signing name, request-log and fault-rule service
TARGET_PREFIX = "AWSPriceListService"
JSON_CONTENT_TYPE = "application/x-amz-json-1.1"
FORMAT_VERSION = "aws_v1"

OFFER_BEDROCK = "AmazonBedrock"
OFFER_FOUNDATION_MODELS = "AmazonBedrockFoundationModels"
OFFERS = (OFFER_BEDROCK, OFFER_FOUNDATION_MODELS)

# The table in pricing.py is "as known 2026-11"; one fixed publication keeps data stable.
VERSION = "20261101000000"
PUBLICATION_DATE = "2026-11-01T00:00:00Z"
EFFECTIVE_DATE = "2026-11-01T00:00:00Z"
ON_DEMAND_TERM = "JRTCKXETXF"  # AWS's OnDemand offerTermCode
PRICE_DIMENSION = "6YS6EN2CT7"  # AWS's rate-code suffix for a single-tier price

FILTER_TYPES = ("TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF")
MAX_FILTERS = 50
MAX_RESULTS_MIN, MAX_RESULTS_MAX = 1, 100
DEFAULT_MAX_RESULTS = 100
TOKEN_TTL_SECONDS = 3600

# Region -> the Price List's ``location`` (AWS still says "EU (…)" here).
LOCATIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-1": "US West (N. California)",
    "us-west-2": "US West (Oregon)",
    "ca-central-1": "Canada (Central)",
    "eu-west-1": "EU (Ireland)",
    "eu-west-2": "EU (London)",
    "eu-west-3": "EU (Paris)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-north-1": "EU (Stockholm)",
    "eu-south-1": "EU (Milan)",
    "ap-northeast-1": "Asia Pacific (Tokyo)",
    "ap-northeast-2": "Asia Pacific (Seoul)",
    "ap-northeast-3": "Asia Pacific (Osaka)",
    "ap-southeast-1": "Asia Pacific (Singapore)",
    "ap-southeast-2": "Asia Pacific (Sydney)",
    "ap-south-1": "Asia Pacific (Mumbai)",
    "sa-east-1": "South America (Sao Paulo)",
}

# Marketplace variants: (usage-type metric, description words, price rule).
_MP_KIND_METRIC = {kind: spec[2] for kind, spec in usage.TOKEN_KINDS.items()}
_MP_KIND_WORDS = {
    "input": "Input Tokens",
    "output": "Response Tokens",
    "cache_read": "Cache Read Input Tokens",
    "cache_write": "Cache Write Input Tokens",
}
# Families whose models take 1-hour cache writes (AWS: Claude Sonnet/Haiku/Opus 4.5).
ONE_HOUR_CACHE_FAMILIES = frozenset({"claude-sonnet-4.5", "claude-haiku-4.5", "claude-opus-4.5"})
_TEN_PLACES = Decimal("1E-10")
_THOUSAND = Decimal(1000)

_SKU_ALPHABET = string.ascii_uppercase + string.digits
_TOKEN_KEY = b"aipctl emulator price list tokens"


class ApiError(Exception):
    """An error answered to the client as awsJson 1.1."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


# --------------------------------------------------------------------------- products


class Product:
    """One price-list product with its single OnDemand price."""

    __slots__ = ("offer", "sku", "family", "attributes", "unit", "price", "description", "document")

    def __init__(self, offer: str, family: str, attributes: dict[str, str], unit: str,
                 price: Decimal, description: str) -> None:
        self.offer = offer
        self.family = family
        self.attributes = attributes
        self.unit = unit
        self.price = price.quantize(_TEN_PLACES, rounding=ROUND_HALF_UP)
        self.description = description
        self.sku = _sku(offer, attributes["servicename"], attributes.get("model", ""),
                        attributes["regionCode"], attributes["usagetype"])
        self.document = json.dumps(self._doc(), separators=(",", ":"))

    def field(self, name: str) -> str | None:
        if name == "ServiceCode":
            return self.offer
        if name == "productFamily":
            return self.family
        return self.attributes.get(name)

    def _doc(self) -> dict[str, Any]:
        term = f"{self.sku}.{ON_DEMAND_TERM}"
        rate = f"{term}.{PRICE_DIMENSION}"
        return {
            "product": {"productFamily": self.family, "attributes": self.attributes, "sku": self.sku},
            "serviceCode": self.offer,
            "terms": {
                "OnDemand": {
                    term: {
                        "priceDimensions": {
                            rate: {
                                "unit": self.unit,
                                "endRange": "Inf",
                                "description": self.description,
                                "appliesTo": [],
                                "rateCode": rate,
                                "beginRange": "0",
                                "pricePerUnit": {"USD": _usd(self.price)},
                            }
                        },
                        "sku": self.sku,
                        "effectiveDate": EFFECTIVE_DATE,
                        "offerTermCode": ON_DEMAND_TERM,
                        "termAttributes": {},
                    }
                }
            },
            "version": VERSION,
            "publicationDate": PUBLICATION_DATE,
        }


def _sku(*parts: str) -> str:
    digest = int.from_bytes(hashlib.sha256("|".join(parts).encode()).digest(), "big")
    chars = []
    for _ in range(16):
        digest, rem = divmod(digest, len(_SKU_ALPHABET))
        chars.append(_SKU_ALPHABET[rem])
    return "".join(chars)


def _usd(price: Decimal) -> str:
    return format(price.quantize(_TEN_PLACES, rounding=ROUND_HALF_UP), "f")


def _short_usd(price: Decimal) -> str:
    """``0.008`` -> ``0.00800``: at least five decimals, as AWS's descriptions print them."""
    places = max(5, -price.normalize().as_tuple().exponent) if price else 5
    return format(price.quantize(Decimal(1).scaleb(-places)), "f")


def _regions(model_id: str) -> list[str]:
    """Served Regions where the model can be billed: listed there or a profile source."""
    entry = catalog.model(model_id)
    where = set(entry["regions"]) if entry else set()
    for prof in catalog.SYSTEM_PROFILES:
        if prof["model_id"] == model_id:
            where.update(prof["sources"])
    return [r for r in catalog.REGIONS if r in where]


def _global_regions(model_id: str) -> set[str]:
    return {
        r
        for prof in catalog.SYSTEM_PROFILES
        if prof["model_id"] == model_id and prof["geography"] == "global"
        for r in prof["sources"]
    }


def _first_party(model_id: str, billing: dict[str, Any], prices: dict[str, Any]) -> Iterable[Product]:
    for region in _regions(model_id):
        location = LOCATIONS[region]
        code = usage.region_code(region)
        rows: list[tuple[str, str, str, Decimal]] = []
        for kind, spec in usage.TOKEN_KINDS.items():
            if prices[kind] is not None:
                rows.append((usage.usage_type(billing, region, kind), spec[4], "On-demand Inference", prices[kind]))
        if billing["model_name"].startswith("Nova"):
            slug = usage.model_slug(billing["model_name"])
            for kind, words in (("input", "input tokens batch"), ("output", "output tokens batch")):
                suffix = usage.TOKEN_KINDS[kind][3]
                rows.append((f"{code}-{slug}-{suffix}-batch", words, "Batch Inference", prices[kind] / 2))
        for usage_type, inference_type, feature, price in rows:
            attributes = {
                "regionCode": region,
                "inferenceType": inference_type,
                "servicecode": OFFER_BEDROCK,
                "feature": feature,
                "provider": billing["provider"],
                "usagetype": usage_type,
                "locationType": "AWS Region",
                "location": location,
                "model": billing["model_name"],
                "servicename": "Amazon Bedrock",
                "operation": "",
            }
            short = usage_type.split("-", 1)[1]
            description = f"${_short_usd(price)} per 1K tokens for {short} in{location}"
            yield Product(OFFER_BEDROCK, "Amazon Bedrock", attributes, "1K tokens", price, description)


def _marketplace(model_id: str, billing: dict[str, Any], prices: dict[str, Any]) -> Iterable[Product]:
    family = prices["family"]
    global_regions = _global_regions(model_id)
    batch = billing["provider"] == "Anthropic"
    one_hour = family in ONE_HOUR_CACHE_FAMILIES and prices["cache_write"] is not None
    for region in _regions(model_id):
        code = usage.region_code(region)
        # (metric with variant suffix, description words, scope, per-1M price)
        rows: list[tuple[str, str, str, Decimal]] = []
        standard: dict[str, Decimal] = {}
        for kind in usage.TOKEN_KINDS:
            if prices[kind] is None:
                continue
            per_million = prices[kind] * _THOUSAND
            standard[kind] = per_million
            rows.append((_MP_KIND_METRIC[kind], _MP_KIND_WORDS[kind], "Regional", per_million))
        if one_hour:
            rows.append(("CacheWrite1hInputTokenCount", "1 hour Cache Write Input Tokens", "Regional",
                          standard["input"] * 2))
        if batch:
            for kind in ("input", "output"):
                rows.append((f"{_MP_KIND_METRIC[kind]}_Batch", f"Batch {_MP_KIND_WORDS[kind]}", "Regional",
                             standard[kind] / 2))
        if region in global_regions:
            for kind, per_million in standard.items():
                rows.append((f"{_MP_KIND_METRIC[kind]}_Global", _MP_KIND_WORDS[kind], "Global",
                             _global(per_million)))
            if one_hour:
                rows.append(("CacheWrite1hInputTokenCount_Global", "1 hour Cache Write Input Tokens", "Global",
                             _global(standard["input"]) * 2))
            if batch:
                for kind in ("input", "output"):
                    rows.append((f"{_MP_KIND_METRIC[kind]}_Global_Batch", f"Batch {_MP_KIND_WORDS[kind]}",
                                 "Global", _global(standard[kind]) / 2))
        for metric, words, scope, price in rows:
            usage_type = f"{code}-MP:{code}_{metric}-Units"
            attributes = {
                "regionCode": region,
                "servicecode": OFFER_FOUNDATION_MODELS,
                "usagetype": usage_type,
                "locationType": "AWS Region",
                "location": LOCATIONS[region],
                "servicename": billing["service_name"],
                "operation": "",
            }
            description = f"AWS Marketplace software usage|{region}|Million {words} {scope}"
            yield Product(OFFER_FOUNDATION_MODELS, "Machine Learning", attributes, "Units", price, description)


def _global(per_million: Decimal) -> Decimal:
    return pricing.global_per_million(per_million)


def build_products() -> dict[str, list[Product]]:
    """Every product of both offers, sorted by SKU (pure: catalog + price table)."""
    offers: dict[str, list[Product]] = {offer: [] for offer in OFFERS}
    for entry in catalog.MODELS:
        model_id = entry["model_id"]
        try:
            prices = pricing.prices_for(model_id)
        except pricing.UnknownModelPrice:
            continue  # unpriced: no product at all
        billing = catalog.model_billing(model_id)
        if billing["marketplace"]:
            offers[OFFER_FOUNDATION_MODELS].extend(_marketplace(model_id, billing, prices))
        else:
            offers[OFFER_BEDROCK].extend(_first_party(model_id, billing, prices))
    for products in offers.values():
        products.sort(key=lambda p: p.sku)  # SKUs are unique: test_pricelist checks every offer
    return offers


_LOCK = threading.Lock()
_products: dict[str, list[Product]] | None = None


def products(offer: str) -> list[Product]:
    global _products
    with _LOCK:
        if _products is None:
            _products = build_products()
        return _products[offer]


# --------------------------------------------------------------------------- GetProducts


def _coral(value: Any, member: str, constraint: str) -> str:
    return f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: {constraint}"


def _string(body: dict[str, Any], key: str) -> str | None:
    value = body.get(key)
    if value is not None and not isinstance(value, str):
        raise ApiError("SerializationException", f"{key} must be a string")
    return value


def _parse(body: Any) -> tuple[str, list[tuple[str, str, str]], str | None, int, str | None]:
    if not isinstance(body, dict):
        raise ApiError("SerializationException", "The request body must be a JSON object")
    service_code = _string(body, "ServiceCode")
    format_version = _string(body, "FormatVersion")
    next_token = _string(body, "NextToken")
    max_results = body.get("MaxResults")
    raw_filters = body.get("Filters")
    if not service_code:
        raise ApiError("InvalidParameterException", "Input Parameters are invalid. serviceCode cannot be null or empty")
    if format_version is not None:
        if not 1 <= len(format_version) <= 32:
            raise ApiError("InvalidParameterException", _coral(
                format_version, "formatVersion", "Member must have length between 1 and 32"))
        if format_version != FORMAT_VERSION:
            raise ApiError("InvalidParameterException",
                           f"Input Parameters are invalid. Unsupported formatVersion {format_version}; "
                           f"valid values are: {FORMAT_VERSION}")
    if max_results is None:
        max_results = DEFAULT_MAX_RESULTS
    elif isinstance(max_results, bool) or not isinstance(max_results, int):
        raise ApiError("SerializationException", "MaxResults must be an integer")
    elif max_results < MAX_RESULTS_MIN:
        raise ApiError("InvalidParameterException", _coral(
            max_results, "maxResults", f"Member must have value greater than or equal to {MAX_RESULTS_MIN}"))
    elif max_results > MAX_RESULTS_MAX:
        raise ApiError("InvalidParameterException", _coral(
            max_results, "maxResults", f"Member must have value less than or equal to {MAX_RESULTS_MAX}"))
    filters: list[tuple[str, str, str]] = []
    if raw_filters is not None:
        if not isinstance(raw_filters, list):
            raise ApiError("SerializationException", "Filters must be a list")
        if len(raw_filters) > MAX_FILTERS:
            raise ApiError("InvalidParameterException", _coral(
                "[…]", "filters", f"Member must have length less than or equal to {MAX_FILTERS}"))
        for n, raw in enumerate(raw_filters, 1):
            if not isinstance(raw, dict):
                raise ApiError("SerializationException", "Each filter must be a JSON object")
            parts = []
            for key, member in (("Type", "type"), ("Field", "field"), ("Value", "value")):
                value = _string(raw, key)
                where = f"filters.{n}.member.{member}"
                if value is None:
                    raise ApiError("InvalidParameterException", _coral("null", where, "Member must not be null"))
                if key == "Type" and value not in FILTER_TYPES:
                    raise ApiError("InvalidParameterException", _coral(
                        value, where, f"Member must satisfy enum value set: [{', '.join(FILTER_TYPES)}]"))
                if key != "Type" and not 1 <= len(value) <= 1024:
                    raise ApiError("InvalidParameterException", _coral(
                        value, where, "Member must have length between 1 and 1024"))
                parts.append(value)
            filters.append((parts[0], parts[1], parts[2]))
    if service_code not in OFFERS:
        raise ApiError("NotFoundException", f"Service code {service_code} not found")
    return service_code, filters, format_version, max_results, next_token


def _list_items(value: str) -> set[str]:
    return {item.strip() for item in value.split(",") if item.strip()}


def _matches(product: Product, filters: list[tuple[str, str, str]]) -> bool:
    for ftype, field, value in filters:
        have = product.field(field)
        if have is None:
            return False
        if ftype == "TERM_MATCH":
            ok = have.casefold() == value.casefold()
        elif ftype == "EQUALS":
            ok = have == value
        elif ftype == "CONTAINS":
            ok = value in have
        elif ftype == "ANY_OF":
            ok = have in _list_items(value)
        else:  # NONE_OF
            ok = have not in _list_items(value)
        if not ok:
            return False
    return True


def _binding(service_code: str, filters: list[tuple[str, str, str]], format_version: str | None) -> str:
    text = json.dumps([service_code, filters, format_version or FORMAT_VERSION], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def _mac(payload: bytes) -> bytes:
    return hmac.new(_TOKEN_KEY, payload, hashlib.sha256).digest()[:16]


def _keystream(mac: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(_TOKEN_KEY + mac + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def _xor(data: bytes, mac: bytes) -> bytes:
    return bytes(a ^ b for a, b in zip(data, _keystream(mac, len(data)), strict=True))


def encode_token(binding: str, offset: int, page: int, issued: float) -> str:
    """``<base64 MAC>:<base64 sealed payload>``, shaped like AWS's Price List tokens."""
    payload = json.dumps({"b": binding, "o": offset, "p": page, "t": round(issued, 3)},
                         separators=(",", ":")).encode()
    mac = _mac(payload)
    return f"{base64.b64encode(mac).decode()}:{base64.b64encode(_xor(payload, mac)).decode()}"


def decode_token(token: str, binding: str) -> tuple[int, int]:
    """(offset, page) of a token issued for ``binding``; raises ApiError."""
    invalid = ApiError("InvalidNextTokenException",
                       "The pagination token is invalid. Try again without a pagination token.")
    try:
        mac_part, payload_part = token.split(":", 1)
        mac = base64.b64decode(mac_part, validate=True)
        payload = _xor(base64.b64decode(payload_part, validate=True), mac)
        if not hmac.compare_digest(mac, _mac(payload)):
            raise ValueError("tampered")
        data = json.loads(payload)
        offset, page, issued = int(data["o"]), int(data["p"]), float(data["t"])
        bound = data["b"]
    except (ValueError, KeyError, TypeError):
        raise invalid from None
    if bound != binding or offset < 0 or page < 1:
        raise invalid
    if clock.epoch() - issued > TOKEN_TTL_SECONDS:
        raise ApiError("ExpiredNextTokenException",
                       "The pagination token expired. Try again without a pagination token.")
    return offset, page


def get_products(body: Any) -> dict[str, Any]:
    """The GetProducts answer for a request body; raises ApiError."""
    service_code, filters, format_version, max_results, next_token = _parse(body)
    binding = _binding(service_code, filters, format_version)
    offset, page = decode_token(next_token, binding) if next_token is not None else (0, 0)
    matched = [p for p in products(service_code) if _matches(p, filters)]
    if offset > len(matched):
        raise ApiError("InvalidNextTokenException",
                       "The pagination token is invalid. Try again without a pagination token.")
    remaining = len(matched) - offset
    size = min(max_results, remaining)
    if remaining > max_results and max_results > 1 and page % 2 == 1:
        size = max_results - 1  # a short page in the middle, as AWS allows
    answer: dict[str, Any] = {
        "FormatVersion": FORMAT_VERSION,
        "PriceList": [p.document for p in matched[offset:offset + size]],
    }
    if offset + size < len(matched):
        answer["NextToken"] = encode_token(binding, offset + size, page + 1, clock.epoch())
    return answer


# --------------------------------------------------------------------------- WSGI


def _respond(start_response: Callable, status: int, payload: dict[str, Any],
             error: str | None = None) -> list[bytes]:
    data = json.dumps(payload).encode()
    headers = [
        ("Content-Type", JSON_CONTENT_TYPE),
        ("Content-Length", str(len(data))),
        ("x-amzn-RequestId", str(uuid.uuid4())),
    ]
    if error:
        headers.append(("x-amzn-ErrorType", error))
    start_response(f"{status} {'OK' if status < 400 else 'ERROR'}", headers)
    return [data]


class _FaultContext:
    """What ``faults.error_response`` reads from a moto response object."""

    service_name = SERVICE

    def __init__(self, content_type: str) -> None:
        self.headers = {"Content-Type": content_type}


class PriceListApp:
    """Answers ``AWSPriceListService.*`` awsJson requests; passes everything else on."""

    def __init__(self, app: Callable) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        target = environ.get("HTTP_X_AMZ_TARGET") or ""
        prefix, _, operation = target.partition(".")
        if prefix != TARGET_PREFIX:
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        if environ.get("REQUEST_METHOD") != "POST":
            return _respond(start_response, 405, {"__type": "UnknownOperationException",
                                                  "Message": "awsJson requests are POSTs"}, "UnknownOperationException")
        fault = self._fault(environ, operation, raw)
        if fault is not None:
            status, headers, text = fault
            data = text.encode()
            start_response(f"{status} ERROR", [(k, v) for k, v in headers.items() if k.lower() != "content-length"]
                           + [("Content-Length", str(len(data)))])
            return [data]
        return self._answer(start_response, operation, raw)

    @staticmethod
    def _call(operation: str, raw: bytes) -> dict[str, Any]:
        if operation != "GetProducts":
            raise ApiError("UnknownOperationException",
                           f"{TARGET_PREFIX}.{operation} is not emulated (the aipctl emulator serves GetProducts only)")
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            raise ApiError("SerializationException", "The request body is not valid JSON") from None
        return get_products(body)

    def _answer(self, start_response: Callable, operation: str, raw: bytes) -> list[bytes]:
        try:
            payload = self._call(operation, raw)
        except ApiError as exc:
            return _respond(start_response, exc.status, {"__type": exc.code, "Message": exc.message}, exc.code)
        return _respond(start_response, 200, payload)

    def _fault(self, environ: dict[str, Any], operation: str, raw: bytes) -> tuple[int, dict[str, str], str] | None:
        from . import faults

        delay, rule = faults.decide(SERVICE, operation)
        if delay:
            time.sleep(delay / 1000.0)
        if rule is None:
            return None
        if rule.get("after_action"):
            try:
                self._call(operation, raw)
            except ApiError:
                pass
        return faults.error_response(_FaultContext(environ.get("CONTENT_TYPE") or JSON_CONTENT_TYPE), rule)


def wsgi(app: Callable) -> Callable:
    return PriceListApp(app)


def reset() -> None:
    """Nothing to drop: products are derived data and tokens carry their own state."""
