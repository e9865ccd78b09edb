"""The Bedrock model catalog of the emulated world: plain data plus helpers.

This module has no moto dependency. ``awsemu.bedrock`` serves it through
ListFoundationModels/GetFoundationModel and seeds the SYSTEM_DEFINED
(cross-Region) inference profiles from it; the cost/usage modules use
``model_billing`` to know under which Cost Explorer SERVICE name a model bills.

What it models (as documented by AWS at the time of writing: the Bedrock
user guide's "Supported Regions and models for inference profiles" and the
ListFoundationModels reference):

- ``MODELS``: foundation models with provider, display name, modalities,
  streaming flag, customizations, lifecycle status, the Regions where the model
  is listed by ListFoundationModels and its ``inferenceTypesSupported`` there.
  Models that can only be invoked through a cross-Region profile (Claude 4.x,
  Claude 3.7, Nova Premier, Llama 4, DeepSeek-R1, ...) report
  ``["INFERENCE_PROFILE"]``, a value the live service returns although it is
  not in the model's ``InferenceType`` enum; Nova models report
  ``["ON_DEMAND", "INFERENCE_PROFILE"]``.
- ``GEOGRAPHIES``: the cross-Region inference prefixes (``us.``, ``eu.``,
  ``apac.``, ``jp.``, ``au.``, ``ca.``, ``global.``) with their display label.
- ``SYSTEM_PROFILES``: which geographic profiles exist per model and where they
  route. The destination list is what GetInferenceProfile returns as
  ``models[]`` (one regional foundation-model ARN each); it may depend on the
  source Region (``per_source``), as AWS documents for Claude 3 Haiku. Global
  profiles return two ARNs, the Region-less ``arn:aws:bedrock:::foundation-model/<id>``
  and the source Region's one, as observed in live ListInferenceProfiles output.
  Note that some live profiles list six destinations although the API model
  caps ``models`` at five; the emulator keeps that (the EU Claude 4.5 ones).
- ``REGIONS``: the source Regions the world serves (foundation models and
  system profiles). Other Regions answer with an empty catalog.

Helpers: ``foundation_models(region)``, ``foundation_model(region, id)``,
``system_profiles(region)``, ``fm_arn(region, model_id)``,
``model_billing(model_id)``, ``base_model_id(identifier)``.

The contents are a realistic subset, not the full live catalog; add entries
here (only here) when a test needs another model.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

REGIONS: list[str] = [
    "us-east-1",
    "us-east-2",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "eu-west-3",
    "eu-north-1",
    "ap-northeast-1",
    "ap-southeast-2",
    "ca-central-1",
]

# prefix -> display label used in system-profile names ("US Anthropic Claude ...")
GEOGRAPHIES: dict[str, str] = {
    "us": "US",
    "eu": "EU",
    "apac": "APAC",
    "jp": "JP",
    "au": "AU",
    "ca": "CA",
    "global": "Global",
}

_US = ["us-east-1", "us-east-2", "us-west-2"]
_EU6 = ["eu-north-1", "eu-west-3", "eu-south-1", "eu-south-2", "eu-west-1", "eu-central-1"]
_EU4 = ["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"]
_APAC = [
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-4",
]
_APAC5 = ["ap-northeast-1", "ap-northeast-2", "ap-south-1", "ap-southeast-1", "ap-southeast-2"]
_JP = ["ap-northeast-1", "ap-northeast-3"]
_AU = ["ap-southeast-2", "ap-southeast-4"]
_CA = ["ca-central-1", "ca-west-1"]

_ON_DEMAND = ["ON_DEMAND"]
_PROFILE_ONLY = ["INFERENCE_PROFILE"]
_BOTH = ["ON_DEMAND", "INFERENCE_PROFILE"]


def _model(
    model_id: str,
    provider: str,
    name: str,
    *,
    family: str,
    inputs: list[str],
    outputs: list[str],
    regions: list[str],
    inference: list[str],
    inference_by_region: dict[str, list[str]] | None = None,
    streaming: bool = True,
    customizations: list[str] | None = None,
    lifecycle: str = "ACTIVE",
    marketplace: bool = False,
) -> dict[str, Any]:
    return {
        "model_id": model_id,
        "provider": provider,
        "name": name,
        "family": family,
        "input_modalities": inputs,
        "output_modalities": outputs,
        "regions": regions,
        "inference_types": inference,
        "inference_types_by_region": inference_by_region or {},
        "streaming": streaming,
        "customizations": customizations or [],
        "lifecycle": lifecycle,
        # Billed through AWS Marketplace under "<name> (Amazon Bedrock Edition)"
        # rather than under the "Amazon Bedrock" service.
        "marketplace": marketplace,
    }


_ALL = list(REGIONS)

MODELS: list[dict[str, Any]] = [
    # --- Anthropic (Marketplace-billed) -------------------------------------
    _model(
        "anthropic.claude-sonnet-4-5-20250929-v1:0", "Anthropic", "Claude Sonnet 4.5",
        family="claude-sonnet", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=_ALL, inference=_PROFILE_ONLY, marketplace=True,
    ),
    _model(
        "anthropic.claude-haiku-4-5-20251001-v1:0", "Anthropic", "Claude Haiku 4.5",
        family="claude-haiku", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=_ALL, inference=_PROFILE_ONLY, marketplace=True,
    ),
    _model(
        "anthropic.claude-opus-4-1-20250805-v1:0", "Anthropic", "Claude Opus 4.1",
        family="claude-opus", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=_US, inference=_PROFILE_ONLY, marketplace=True,
    ),
    _model(
        "anthropic.claude-sonnet-4-20250514-v1:0", "Anthropic", "Claude Sonnet 4",
        family="claude-sonnet", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=[r for r in _ALL if r != "ca-central-1"], inference=_PROFILE_ONLY,
        marketplace=True,
    ),
    _model(
        "anthropic.claude-3-7-sonnet-20250219-v1:0", "Anthropic", "Claude 3.7 Sonnet",
        family="claude-sonnet", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=[r for r in _ALL if r != "ca-central-1"], inference=_PROFILE_ONLY,
        marketplace=True,
    ),
    _model(
        "anthropic.claude-3-haiku-20240307-v1:0", "Anthropic", "Claude 3 Haiku",
        family="claude-haiku", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=_ALL, inference=_BOTH,
        inference_by_region={
            "us-east-2": _PROFILE_ONLY,
            "eu-north-1": _PROFILE_ONLY,
            "ca-central-1": _ON_DEMAND,
        },
        marketplace=True,
    ),
    _model(
        "anthropic.claude-3-5-sonnet-20240620-v1:0", "Anthropic", "Claude 3.5 Sonnet",
        family="claude-sonnet", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=["us-east-1", "us-west-2", "eu-central-1", "ap-northeast-1"],
        inference=_ON_DEMAND, lifecycle="LEGACY", marketplace=True,
    ),
    # --- Amazon (first party) ------------------------------------------------
    _model(
        "amazon.nova-pro-v1:0", "Amazon", "Nova Pro", family="nova",
        inputs=["TEXT", "IMAGE", "VIDEO"], outputs=["TEXT"],
        regions=[r for r in _ALL if r != "ca-central-1"], inference=_BOTH,
        customizations=["FINE_TUNING", "DISTILLATION"],
    ),
    _model(
        "amazon.nova-lite-v1:0", "Amazon", "Nova Lite", family="nova",
        inputs=["TEXT", "IMAGE", "VIDEO"], outputs=["TEXT"],
        regions=_ALL, inference=_BOTH, customizations=["FINE_TUNING", "DISTILLATION"],
    ),
    _model(
        "amazon.nova-micro-v1:0", "Amazon", "Nova Micro", family="nova",
        inputs=["TEXT"], outputs=["TEXT"],
        regions=_ALL, inference=_BOTH, customizations=["FINE_TUNING", "DISTILLATION"],
    ),
    _model(
        "amazon.nova-premier-v1:0", "Amazon", "Nova Premier", family="nova",
        inputs=["TEXT", "IMAGE", "VIDEO"], outputs=["TEXT"],
        regions=_US, inference=_PROFILE_ONLY,
    ),
    _model(
        "amazon.titan-embed-text-v2:0", "Amazon", "Titan Text Embeddings V2",
        family="titan", inputs=["TEXT"], outputs=["EMBEDDING"],
        regions=_ALL, inference=_ON_DEMAND, streaming=False,
    ),
    _model(
        "amazon.titan-image-generator-v2:0", "Amazon", "Titan Image Generator G1 v2",
        family="titan", inputs=["TEXT", "IMAGE"], outputs=["IMAGE"],
        regions=["us-east-1", "us-west-2"], inference=["ON_DEMAND", "PROVISIONED"],
        streaming=False, customizations=["FINE_TUNING"],
    ),
    # --- Meta (billed by AWS under "Amazon Bedrock") -------------------------
    _model(
        "meta.llama3-3-70b-instruct-v1:0", "Meta", "Llama 3.3 70B Instruct",
        family="llama", inputs=["TEXT"], outputs=["TEXT"],
        regions=_US, inference=_PROFILE_ONLY,
        inference_by_region={"us-east-2": _BOTH},
    ),
    _model(
        "meta.llama3-2-1b-instruct-v1:0", "Meta", "Llama 3.2 1B Instruct",
        family="llama", inputs=["TEXT"], outputs=["TEXT"],
        regions=["us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "eu-west-3"],
        inference=_PROFILE_ONLY,
    ),
    _model(
        "meta.llama4-maverick-17b-instruct-v1:0", "Meta", "Llama 4 Maverick 17B Instruct",
        family="llama", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=_US, inference=_PROFILE_ONLY,
    ),
    # --- Mistral AI -----------------------------------------------------------
    _model(
        "mistral.mistral-large-2402-v1:0", "Mistral AI", "Mistral Large (24.02)",
        family="mistral", inputs=["TEXT"], outputs=["TEXT"],
        regions=["us-east-1", "us-west-2", "eu-west-1", "eu-west-3", "ap-southeast-2",
                 "ca-central-1"],
        inference=_ON_DEMAND,
    ),
    _model(
        "mistral.pixtral-large-2502-v1:0", "Mistral AI", "Pixtral Large (25.02)",
        family="pixtral", inputs=["TEXT", "IMAGE"], outputs=["TEXT"],
        regions=_US + ["eu-central-1", "eu-north-1", "eu-west-1", "eu-west-3"],
        inference=_PROFILE_ONLY,
    ),
    # --- Cohere (Marketplace-billed) -----------------------------------------
    _model(
        "cohere.command-r-plus-v1:0", "Cohere", "Command R+", family="cohere-command",
        inputs=["TEXT"], outputs=["TEXT"], regions=["us-east-1", "us-west-2"],
        inference=_ON_DEMAND, marketplace=True,
    ),
    _model(
        "cohere.embed-english-v3", "Cohere", "Embed English", family="cohere-embed",
        inputs=["TEXT"], outputs=["EMBEDDING"],
        regions=["us-east-1", "us-west-2", "eu-central-1", "eu-west-1", "eu-west-3",
                 "ap-northeast-1", "ap-southeast-2", "ca-central-1"],
        inference=["ON_DEMAND", "PROVISIONED"], streaming=False, marketplace=True,
    ),
    # --- Others ---------------------------------------------------------------
    _model(
        "deepseek.r1-v1:0", "DeepSeek", "DeepSeek-R1", family="deepseek",
        inputs=["TEXT"], outputs=["TEXT"], regions=_US, inference=_PROFILE_ONLY,
    ),
    _model(
        "openai.gpt-oss-120b-1:0", "OpenAI", "gpt-oss-120b", family="gpt-oss",
        inputs=["TEXT"], outputs=["TEXT"], regions=["us-east-1", "us-west-2"],
        inference=_ON_DEMAND,
    ),
    _model(
        "ai21.jamba-1-5-large-v1:0", "AI21 Labs", "Jamba 1.5 Large", family="jamba",
        inputs=["TEXT"], outputs=["TEXT"], regions=["us-east-1"], inference=_ON_DEMAND,
        marketplace=True,
    ),
    _model(
        "stability.sd3-5-large-v1:0", "Stability AI", "Stable Diffusion 3.5 Large",
        family="stable-diffusion", inputs=["TEXT", "IMAGE"], outputs=["IMAGE"],
        regions=["us-west-2"], inference=_ON_DEMAND, streaming=False, marketplace=True,
    ),
]

_MODELS_BY_ID: dict[str, dict[str, Any]] = {m["model_id"]: m for m in MODELS}


def _profile(
    geo: str,
    model_id: str,
    destinations: list[str] | None,
    created: str,
    *,
    sources: list[str] | None = None,
    per_source: dict[str, list[str]] | None = None,
    updated: str | None = None,
) -> dict[str, Any]:
    """One system profile family (one prefix + model, all source Regions).

    ``destinations`` is None for ``global``; ``sources`` defaults to the
    destinations that are in ``REGIONS`` (global: every served Region).
    """
    if sources is None:
        sources = [r for r in (destinations or REGIONS) if r in REGIONS]
    return {
        "geography": geo,
        "model_id": model_id,
        "destinations": destinations,
        "per_source": per_source or {},
        "sources": sources,
        "created": created,
        "updated": updated or created,
    }


SYSTEM_PROFILES: list[dict[str, Any]] = [
    # Claude Sonnet 4.5
    _profile("us", "anthropic.claude-sonnet-4-5-20250929-v1:0", _US, "2025-09-29"),
    _profile("eu", "anthropic.claude-sonnet-4-5-20250929-v1:0", _EU6, "2025-09-29"),
    _profile("jp", "anthropic.claude-sonnet-4-5-20250929-v1:0", _JP, "2025-10-08"),
    _profile("au", "anthropic.claude-sonnet-4-5-20250929-v1:0", _AU, "2025-10-08"),
    _profile("global", "anthropic.claude-sonnet-4-5-20250929-v1:0", None, "2025-09-29"),
    # Claude Haiku 4.5
    _profile("us", "anthropic.claude-haiku-4-5-20251001-v1:0", _US, "2025-10-15"),
    _profile("eu", "anthropic.claude-haiku-4-5-20251001-v1:0", _EU6, "2025-10-15"),
    _profile("jp", "anthropic.claude-haiku-4-5-20251001-v1:0", _JP, "2025-10-15"),
    _profile("au", "anthropic.claude-haiku-4-5-20251001-v1:0", _AU, "2025-10-15"),
    _profile("global", "anthropic.claude-haiku-4-5-20251001-v1:0", None, "2025-10-15"),
    # Claude Opus 4.1 (US only)
    _profile("us", "anthropic.claude-opus-4-1-20250805-v1:0", _US, "2025-08-05"),
    # Claude Sonnet 4
    _profile("us", "anthropic.claude-sonnet-4-20250514-v1:0", _US, "2025-05-22"),
    _profile("eu", "anthropic.claude-sonnet-4-20250514-v1:0", _EU6, "2025-05-22"),
    _profile("apac", "anthropic.claude-sonnet-4-20250514-v1:0", _APAC, "2025-05-22"),
    _profile("global", "anthropic.claude-sonnet-4-20250514-v1:0", None, "2025-09-15",
             sources=[r for r in REGIONS if r != "ca-central-1"]),
    # Claude 3.7 Sonnet
    _profile("us", "anthropic.claude-3-7-sonnet-20250219-v1:0", _US, "2025-02-24"),
    _profile("eu", "anthropic.claude-3-7-sonnet-20250219-v1:0", _EU4, "2025-02-24"),
    _profile("apac", "anthropic.claude-3-7-sonnet-20250219-v1:0", _APAC5, "2025-02-24"),
    # Claude 3 Haiku: the destinations depend on the source Region
    _profile("us", "anthropic.claude-3-haiku-20240307-v1:0", _US, "2024-08-27",
             per_source={"us-west-2": ["us-east-1", "us-west-2"]}),
    _profile("eu", "anthropic.claude-3-haiku-20240307-v1:0",
             ["eu-central-1", "eu-west-1", "eu-west-3", "eu-north-1"], "2024-08-27"),
    _profile("apac", "anthropic.claude-3-haiku-20240307-v1:0", _APAC5, "2024-08-27"),
    # Amazon Nova
    _profile("us", "amazon.nova-pro-v1:0", ["us-east-1", "us-west-2", "us-east-2"], "2024-12-03"),
    _profile("eu", "amazon.nova-pro-v1:0", _EU4, "2024-12-03"),
    _profile("apac", "amazon.nova-pro-v1:0", _APAC5, "2024-12-03"),
    _profile("us", "amazon.nova-lite-v1:0", ["us-east-1", "us-west-2", "us-east-2"], "2024-12-03"),
    _profile("eu", "amazon.nova-lite-v1:0", _EU4, "2024-12-03"),
    _profile("apac", "amazon.nova-lite-v1:0", _APAC5, "2024-12-03"),
    _profile("ca", "amazon.nova-lite-v1:0", _CA, "2025-06-10"),
    _profile("us", "amazon.nova-micro-v1:0", ["us-east-1", "us-west-2", "us-east-2"], "2024-12-03"),
    _profile("eu", "amazon.nova-micro-v1:0", _EU4, "2024-12-03"),
    _profile("apac", "amazon.nova-micro-v1:0", _APAC5, "2024-12-03"),
    _profile("ca", "amazon.nova-micro-v1:0", _CA, "2025-06-10"),
    _profile("us", "amazon.nova-premier-v1:0", _US, "2025-04-30"),
    # Meta Llama
    _profile("us", "meta.llama3-3-70b-instruct-v1:0", _US, "2024-12-19"),
    _profile("us", "meta.llama3-2-1b-instruct-v1:0", ["us-east-1", "us-west-2"], "2024-09-25"),
    _profile("eu", "meta.llama3-2-1b-instruct-v1:0", ["eu-central-1", "eu-west-1", "eu-west-3"],
             "2024-09-25"),
    _profile("us", "meta.llama4-maverick-17b-instruct-v1:0",
             ["us-east-1", "us-east-2", "us-west-1", "us-west-2"], "2025-04-29"),
    # Mistral, DeepSeek
    _profile("us", "mistral.pixtral-large-2502-v1:0", _US, "2025-04-08"),
    _profile("eu", "mistral.pixtral-large-2502-v1:0", _EU4, "2025-04-08"),
    _profile("us", "deepseek.r1-v1:0", _US, "2025-03-10"),
]


# --------------------------------------------------------------------------- helpers


def fm_arn(region: str, model_id: str, partition: str = "aws") -> str:
    """Foundation-model ARN; ``region=""`` gives the Region-less form of global profiles."""
    return f"arn:{partition}:bedrock:{region}::foundation-model/{model_id}"


def model(model_id: str) -> dict[str, Any] | None:
    """The catalog entry (internal dict) for a model ID, or None."""
    return _MODELS_BY_ID.get(model_id)


def inference_types(entry: dict[str, Any], region: str) -> list[str]:
    return list(entry["inference_types_by_region"].get(region, entry["inference_types"]))


def _summary(entry: dict[str, Any], region: str) -> dict[str, Any]:
    return {
        "modelArn": fm_arn(region, entry["model_id"]),
        "modelId": entry["model_id"],
        "modelName": entry["name"],
        "providerName": entry["provider"],
        "inputModalities": list(entry["input_modalities"]),
        "outputModalities": list(entry["output_modalities"]),
        "responseStreamingSupported": entry["streaming"],
        "customizationsSupported": list(entry["customizations"]),
        "inferenceTypesSupported": inference_types(entry, region),
        "modelLifecycle": {"status": entry["lifecycle"]},
    }


def foundation_models(region: str) -> list[dict[str, Any]]:
    """FoundationModelSummary dicts (API shape) listed in ``region``."""
    return [_summary(m, region) for m in MODELS if region in m["regions"]]


def foundation_model(region: str, model_id: str) -> dict[str, Any] | None:
    """One FoundationModelSummary dict, or None when not offered in ``region``."""
    entry = _MODELS_BY_ID.get(model_id)
    if entry is None or region not in entry["regions"]:
        return None
    return _summary(entry, region)


def _join_regions(regions: list[str]) -> str:
    if len(regions) == 1:
        return regions[0]
    return ", ".join(regions[:-1]) + " and " + regions[-1]


def _ts(day: str) -> datetime:
    return datetime.strptime(day, "%Y-%m-%d").replace(tzinfo=UTC)


def system_profiles(region: str) -> list[dict[str, Any]]:
    """SYSTEM_DEFINED profiles visible from ``region``.

    Each dict: ``inferenceProfileId``, ``inferenceProfileName``, ``description``,
    ``models`` (list of foundation-model ARN strings), ``createdAt``/``updatedAt``
    (aware datetimes), ``geography`` (the prefix) and ``modelId``. The profile
    ARN needs the caller's account, so ``awsemu.bedrock`` builds it.
    """
    out = []
    for p in SYSTEM_PROFILES:
        if region not in p["sources"]:
            continue
        entry = _MODELS_BY_ID[p["model_id"]]
        label = f"{entry['provider']} {entry['name']}"
        geo = p["geography"]
        if geo == "global":
            models = [fm_arn("", p["model_id"]), fm_arn(region, p["model_id"])]
            description = f"Routes requests to {label} globally across all supported AWS Regions."
        else:
            dests = p["per_source"].get(region, p["destinations"])
            models = [fm_arn(r, p["model_id"]) for r in dests]
            description = f"Routes requests to {label} in {_join_regions(dests)}."
        out.append(
            {
                "inferenceProfileId": f"{geo}.{p['model_id']}",
                "inferenceProfileName": f"{GEOGRAPHIES[geo]} {label}",
                "description": description,
                "models": models,
                "createdAt": _ts(p["created"]),
                "updatedAt": _ts(p["updated"]),
                "geography": geo,
                "modelId": p["model_id"],
            }
        )
    return out


def base_model_id(identifier: str) -> str:
    """Strip an ARN and a geography prefix: any FM/system-profile reference -> model ID.

    ``arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.x-v1:0`` and
    ``arn:aws:bedrock:::foundation-model/anthropic.x-v1:0`` both give
    ``anthropic.x-v1:0``.
    """
    ident = identifier
    if ident.startswith("arn:"):
        ident = ident.split(":", 5)[5].split("/", 1)[-1]
    head, _, rest = ident.partition(".")
    if rest and head in GEOGRAPHIES:
        return rest
    return ident


def model_billing(model_id: str) -> dict[str, Any]:
    """How a model's usage appears in Cost Explorer.

    Accepts a model ID, a system-profile ID (``us.…``) or any FM/system-profile
    ARN. Returns ``{"provider", "service_name", "family", "model_name",
    "marketplace"}``: Marketplace-billed third-party models (Anthropic, Cohere,
    AI21 Labs, Stability AI) bill under ``"<model name> (Amazon Bedrock
    Edition)"``; Amazon, Meta, Mistral AI, DeepSeek and OpenAI models bill
    under ``"Amazon Bedrock"``. Raises KeyError for a model not in the catalog.
    """
    entry = _MODELS_BY_ID.get(base_model_id(model_id))
    if entry is None:
        raise KeyError(f"model not in the emulator's catalog: {model_id}")
    service = (
        f"{entry['name']} (Amazon Bedrock Edition)" if entry["marketplace"] else "Amazon Bedrock"
    )
    return {
        "provider": entry["provider"],
        "service_name": service,
        "family": entry["family"],
        "model_name": entry["name"],
        "marketplace": entry["marketplace"],
    }
