"""Control routes that set up state for tests without going through the AWS
API, so the request log stays empty of set-up calls.

``POST /_emu/profiles`` ``{"account_id"?, "profiles": [{"region", "name",
"source" (a foundation-model or system-profile ARN, or an ID resolved in the
region), "tags"?: {k: v}, "description"?, "created_at"?: RFC 3339, "models"?:
[ARN, …]}]}`` creates application profiles through
``awsemu.bedrock.create_profile`` and answers ``{"profiles": [{"arn", "id",
"name", "region"}]}``. ``models`` replaces the ``models[]`` the source gave,
for answers the API cannot be made to produce (e.g. an empty list).

``POST /_emu/quotas`` ``{"application_profiles": N}`` raises (or lowers) the
per-region quota of application profiles, as a quota increase on AWS would;
``POST /_emu/reset`` puts back the default.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from awsemu import bedrock

DEFAULT_ACCOUNT = "123456789012"


def _source_arn(account: str, region: str, source: str) -> str:
    if source.startswith("arn:"):
        return source
    prefix = source.split(".", 1)[0]
    if source.count(".") >= 2 and prefix in {"us", "eu", "apac", "jp", "au", "ca", "global", "us-gov", "in"}:
        return f"arn:aws:bedrock:{region}:{account}:inference-profile/{source}"
    return f"arn:aws:bedrock:{region}::foundation-model/{source}"


def _create_profiles(body: Any, query: dict) -> tuple[int, Any]:
    account = (body or {}).get("account_id", DEFAULT_ACCOUNT)
    out = []
    for spec in body["profiles"]:
        region = spec["region"]
        created_at = spec.get("created_at")
        prof = bedrock.create_profile(
            account,
            region,
            spec["name"],
            _source_arn(account, region, spec["source"]),
            spec.get("tags") or {},
            description=spec.get("description"),
            created_at=datetime.fromisoformat(created_at.replace("Z", "+00:00")) if created_at else None,
        )
        if "models" in spec:
            prof.models = [str(m) for m in spec["models"]]
        out.append({"arn": prof.arn, "id": prof.id, "name": prof.name, "region": region})
    return 200, {"profiles": out}


_DEFAULT_QUOTA = bedrock.APP_PROFILE_QUOTA


def _set_quotas(body: Any, query: dict) -> tuple[int, Any]:
    n = int(body["application_profiles"])
    if n < 1:
        raise ValueError("application_profiles must be at least 1")
    bedrock.APP_PROFILE_QUOTA = n
    return 200, {"application_profiles": n}


def reset() -> None:
    bedrock.APP_PROFILE_QUOTA = _DEFAULT_QUOTA


ROUTES = {
    ("POST", "/_emu/profiles"): _create_profiles,
    ("POST", "/_emu/quotas"): _set_quotas,
}
