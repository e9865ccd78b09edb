"""Seeded accounts: the ``demo`` world and the ``bench`` world.

``seed_demo()`` (also ``scripts/emulator --seed demo`` and ``POST /_emu/seed
{"scenario": "demo"}``) builds one realistic account, deterministic for a given date
(seeded RNG, every date relative to today, see ``costexplorer.today()``):

- 7 departments (Search, Support, Marketing, Finance, Legal, Platform, DataScience),
  each with a ``CostCenter`` and an ``Owner``;
- 31 application inference profiles: 15 in us-east-1, 9 in us-west-2, 7 in eu-west-1,
  created through ``awsemu.bedrock.create_profile`` (backdated 2-120 days), copying
  system profiles (Claude Sonnet 4.5 / Haiku 4.5 / Opus 4.1, Nova Pro / Lite / Micro,
  Llama 3.3, global Sonnet 4.5) or foundation models (Nova Micro, Claude 3 Haiku,
  Mistral Large);
- 5 protected (``aipctl:protect=true``), 2 without ``Department`` (one with only an
  ``Owner``, one with no tags at all);
- 4 idle profiles (created > 60 days ago, no traffic in the last 45 days; one never
  used), 3 recent ones (created < 7 days ago, little traffic);
- 90 days of daily usage up to yesterday with prompt caching (cache hit ratio per
  profile between 10 % and 80 %), a weekday/weekend pattern and errors/throttles;
- untagged Bedrock spend (calls with a system-profile ID or a plain model ID);
- a little non-Bedrock spend (S3, CloudWatch) and one Bedrock credit last month;
- cost allocation tags: ``Department`` activated 100 days ago, ``CostCenter`` 4 days
  ago (so reports show activation is not retroactive), ``Owner`` and
  ``aipctl:protect`` known but inactive.

``seed_bench(profiles, regions, days, departments)`` (``POST /_emu/seed {"scenario":
"bench", ...}``) builds a large, regular account for benchmarks: ``profiles`` AIPs
spread round-robin over ``regions`` and ``departments``, each with one usage record
per day for ``days`` days, ``Department`` active since before the first day.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

from . import clock, costexplorer, usage

DEFAULT_ACCOUNT = costexplorer.DEFAULT_ACCOUNT
DEMO_SEED = 20240917
USAGE_DAYS = 90

DEPARTMENTS: dict[str, tuple[str, str]] = {
    "Search": ("CC-1010", "maria.garcia@example.com"),
    "Support": ("CC-1020", "kenji.tanaka@example.com"),
    "Marketing": ("CC-1030", "amara.okafor@example.com"),
    "Finance": ("CC-1040", "lukas.schmidt@example.com"),
    "Legal": ("CC-1050", "sofia.rossi@example.com"),
    "Platform": ("CC-1060", "dev.patel@example.com"),
    "DataScience": ("CC-1070", "li.wei@example.com"),
}

SONNET = "anthropic.claude-sonnet-4-5-20250929-v1:0"
HAIKU = "anthropic.claude-haiku-4-5-20251001-v1:0"
OPUS = "anthropic.claude-opus-4-1-20250805-v1:0"
NOVA_PRO = "amazon.nova-pro-v1:0"
NOVA_LITE = "amazon.nova-lite-v1:0"
NOVA_MICRO = "amazon.nova-micro-v1:0"
LLAMA = "meta.llama3-3-70b-instruct-v1:0"
HAIKU3 = "anthropic.claude-3-haiku-20240307-v1:0"
MISTRAL = "mistral.mistral-large-2402-v1:0"

# Base latency (ms) per model, for the latency samples.
_LATENCY = {SONNET: 2600, HAIKU: 900, OPUS: 5200, NOVA_PRO: 1400, NOVA_LITE: 650,
            NOVA_MICRO: 420, LLAMA: 1700, HAIKU3: 700, MISTRAL: 2100}


class P:
    """One demo profile: where, who, what it copies and how it is used."""

    def __init__(
        self, name: str, region: str, dept: str | None, source: str, created: int,
        inv: int, tin: int, tout: int, hit: float, *, stream: bool = False,
        protect: bool = False, idle_since: int | None = None, never_used: bool = False,
        tags: dict[str, str] | None = None,
    ) -> None:
        self.name, self.region, self.dept, self.source = name, region, dept, source
        self.created, self.inv, self.tin, self.tout, self.hit = created, inv, tin, tout, hit
        self.stream, self.protect, self.idle_since, self.never_used = stream, protect, idle_since, never_used
        self.tags = tags

    @property
    def state(self) -> str:
        if self.idle_since is not None or self.never_used:
            return "idle"
        return "recent" if self.created < 7 else "active"


# source: "<geo>.<model>" = system profile, "fm:<model>" = foundation model.
PROFILES: list[P] = [
    # us-east-1 (15)
    P("search-answers-sonnet", "us-east-1", "Search", f"us.{SONNET}", 118, 4200, 2400, 450, 0.72, stream=True, protect=True),
    P("search-rerank-haiku", "us-east-1", "Search", f"us.{HAIKU}", 110, 9000, 900, 60, 0.35),
    P("support-chat-sonnet", "us-east-1", "Support", f"global.{SONNET}", 115, 6000, 3000, 600, 0.65, stream=True, protect=True),
    P("support-triage-nova-lite", "us-east-1", "Support", f"us.{NOVA_LITE}", 100, 12000, 700, 80, 0.20),
    P("marketing-copy-sonnet", "us-east-1", "Marketing", f"us.{SONNET}", 95, 800, 1500, 900, 0.15, stream=True),
    P("marketing-assets-nova-pro", "us-east-1", "Marketing", f"us.{NOVA_PRO}", 90, 500, 1200, 300, 0.10),
    P("finance-reports-opus", "us-east-1", "Finance", f"us.{OPUS}", 105, 150, 6000, 1500, 0.55),
    P("finance-extract-haiku", "us-east-1", "Finance", f"us.{HAIKU}", 80, 2500, 2000, 200, 0.40),
    P("legal-review-sonnet", "us-east-1", "Legal", f"us.{SONNET}", 112, 300, 9000, 1200, 0.80, protect=True),
    P("platform-gateway-haiku", "us-east-1", "Platform", f"us.{HAIKU}", 119, 15000, 600, 120, 0.50, protect=True),
    P("datascience-notebooks-llama", "us-east-1", "DataScience", f"us.{LLAMA}", 75, 1200, 1800, 500, 0.0),
    P("datascience-eval-nova-micro", "us-east-1", "DataScience", f"fm:{NOVA_MICRO}", 70, 3000, 500, 100, 0.10),
    P("support-legacy-summarizer", "us-east-1", "Support", f"fm:{HAIKU3}", 117, 2000, 1500, 250, 0.0, idle_since=60),
    P("shared-sandbox-sonnet", "us-east-1", None, f"us.{SONNET}", 66, 120, 2000, 500, 0.30,
      tags={"Owner": "dev.patel@example.com"}),
    P("search-vector-qa-haiku", "us-east-1", "Search", f"us.{HAIKU}", 3, 60, 1200, 150, 0.25),
    # us-west-2 (9)
    P("search-answers-dr-sonnet", "us-west-2", "Search", f"us.{SONNET}", 100, 300, 2400, 450, 0.70, stream=True),
    P("support-voice-haiku", "us-west-2", "Support", f"us.{HAIKU}", 85, 4000, 800, 150, 0.45, stream=True),
    P("marketing-seo-nova-lite", "us-west-2", "Marketing", f"us.{NOVA_LITE}", 88, 2000, 900, 300, 0.25),
    P("platform-batch-nova-pro", "us-west-2", "Platform", f"us.{NOVA_PRO}", 62, 1500, 2500, 600, 0.30),
    P("datascience-research-sonnet", "us-west-2", "DataScience", f"us.{SONNET}", 108, 700, 5000, 1500, 0.60, stream=True),
    P("finance-forecast-nova-micro", "us-west-2", "Finance", f"us.{NOVA_MICRO}", 95, 800, 1500, 200, 0.10, idle_since=50),
    P("marketing-campaign-haiku", "us-west-2", "Marketing", f"us.{HAIKU}", 120, 0, 0, 0, 0.0, never_used=True),
    P("hackathon-llama", "us-west-2", None, f"us.{LLAMA}", 40, 90, 1000, 400, 0.0, tags={}),
    P("platform-canary-haiku", "us-west-2", "Platform", f"us.{HAIKU}", 5, 40, 800, 100, 0.20),
    # eu-west-1 (7)
    P("support-eu-chat-sonnet", "eu-west-1", "Support", f"eu.{SONNET}", 113, 3500, 2800, 500, 0.68, stream=True, protect=True),
    P("legal-eu-contracts-sonnet", "eu-west-1", "Legal", f"eu.{SONNET}", 98, 200, 12000, 1500, 0.78),
    P("marketing-eu-localize-nova-pro", "eu-west-1", "Marketing", f"eu.{NOVA_PRO}", 92, 900, 1500, 1400, 0.12),
    P("search-eu-rerank-haiku", "eu-west-1", "Search", f"eu.{HAIKU}", 87, 5000, 900, 60, 0.33),
    P("finance-eu-invoices-mistral", "eu-west-1", "Finance", f"fm:{MISTRAL}", 76, 400, 3000, 400, 0.0),
    P("datascience-eu-pilot-nova-lite", "eu-west-1", "DataScience", f"eu.{NOVA_LITE}", 101, 600, 1200, 250, 0.20, idle_since=48),
    P("legal-eu-redline-haiku", "eu-west-1", "Legal", f"eu.{HAIKU}", 2, 25, 4000, 300, 0.50),
]

# Untagged Bedrock spend: calls that name a system profile or a model directly.
UNTAGGED_CALLERS = [
    ("us-east-1", f"us.{SONNET}", 250, 1800, 400, 0.20, False),
    ("us-west-2", NOVA_LITE, 900, 600, 150, 0.0, False),
    ("eu-west-1", f"eu.{NOVA_MICRO}", 400, 500, 100, 0.0, False),
]


def _model_of(source: str) -> str:
    return source[3:] if source.startswith("fm:") else source.split(".", 1)[1]


def _source_arn(account_id: str, region: str, source: str) -> str:
    from . import catalog

    if source.startswith("fm:"):
        return catalog.fm_arn(region, source[3:])
    return f"arn:aws:bedrock:{region}:{account_id}:inference-profile/{source}"


def _tags_for(p: P) -> dict[str, str]:
    if p.tags is not None:
        tags = dict(p.tags)
    else:
        cost_center, owner = DEPARTMENTS[p.dept]  # type: ignore[index]
        tags = {"Department": p.dept, "CostCenter": cost_center, "Owner": owner}  # type: ignore[dict-item]
    if p.protect:
        tags["aipctl:protect"] = "true"
    return tags


def _day_record(
    rng: random.Random, region: str, model_id: str, model: str, day: date, inv_base: float,
    tin: int, tout: int, hit: float, stream: bool, weekend_factor: float = 0.35,
) -> dict[str, Any] | None:
    factor = weekend_factor if day.weekday() >= 5 else 1.0
    inv = int(round(inv_base * factor * rng.uniform(0.85, 1.15)))
    if inv <= 0:
        return None
    total_in = int(inv * tin * rng.uniform(0.9, 1.1))
    out = int(inv * tout * rng.uniform(0.9, 1.1))
    caching = hit > 0
    read = int(total_in * min(0.95, hit * rng.uniform(0.9, 1.1))) if caching else 0
    write = int(total_in * rng.uniform(0.03, 0.07)) if caching else 0
    base_latency = _LATENCY.get(model, 1500) * (0.6 + tout / 1000)
    record: dict[str, Any] = {
        "region": region,
        "model_id": model_id,
        "date": day.isoformat(),
        "invocations": inv,
        "input_tokens": total_in - read - write,
        "output_tokens": out,
        "cache_read_tokens": read,
        "cache_write_tokens": write,
        "client_errors": int(inv * rng.uniform(0.001, 0.006)),
        "server_errors": int(inv * rng.uniform(0.0, 0.001)),
        "throttles": int(inv * rng.uniform(0.0, 0.02)) if rng.random() < 0.3 else 0,
        "latency_ms": [round(base_latency * rng.uniform(0.7, 1.6), 1) for _ in range(5)],
    }
    if stream:
        record["ttft_ms"] = [round(rng.uniform(250, 900), 1) for _ in range(5)]
    return record


def seed_demo(account_id: str = DEFAULT_ACCOUNT) -> dict[str, Any]:
    """Seed the demo account (see the module docstring). Returns a summary."""
    from . import bedrock
    from .catalog import base_model_id

    started = time.monotonic()
    rng = random.Random(DEMO_SEED)
    today = costexplorer.today()
    now = clock.now()
    first_day = today - timedelta(days=USAGE_DAYS)
    records: list[dict[str, Any]] = []
    summary: dict[str, Any] = {
        "scenario": "demo", "account_id": account_id, "profiles": 0, "by_region": {},
        "departments": sorted(DEPARTMENTS), "idle": [], "recent": [], "protected": [],
        "untagged": [], "profile_ids": {},
    }
    for i, p in enumerate(PROFILES):
        created_at = datetime.combine(today - timedelta(days=p.created), datetime.min.time(), tzinfo=timezone.utc)
        created_at += timedelta(hours=8 + i % 9, minutes=(i * 17) % 60)
        if created_at > now:
            created_at = now - timedelta(minutes=5)
        prof = bedrock.create_profile(
            account_id, p.region, p.name, _source_arn(account_id, p.region, p.source), _tags_for(p),
            description=f"{p.dept or 'Shared'} workload on {_model_of(p.source)}", created_at=created_at,
        )
        summary["profiles"] += 1
        summary["by_region"][p.region] = summary["by_region"].get(p.region, 0) + 1
        summary["profile_ids"][p.name] = prof.id
        if p.state != "active":
            summary[p.state].append(p.name)
        if p.protect:
            summary["protected"].append(p.name)
        if not _tags_for(p).get("Department"):
            summary["untagged"].append(p.name)
        if p.never_used:
            continue
        model = _model_of(p.source)
        start = max(first_day, created_at.date())
        stop = today - timedelta(days=p.idle_since) if p.idle_since is not None else today
        weekend = 0.5 if p.dept == "DataScience" else 0.35
        day = start
        while day < stop:
            rec = _day_record(rng, p.region, prof.id, model, day, p.inv, p.tin, p.tout, p.hit, p.stream, weekend)
            if rec:
                records.append(rec)
            day += timedelta(days=1)
    for region, model_id, inv, tin, tout, hit, stream in UNTAGGED_CALLERS:
        day = first_day
        while day < today:
            rec = _day_record(rng, region, model_id, base_model_id(model_id), day, inv, tin, tout, hit, stream)
            if rec:
                records.append(rec)
            day += timedelta(days=1)
    seeded = usage.seed(account_id, records)
    _other_spend(account_id, rng, first_day, today)
    costexplorer.set_tag_status(account_id, "Department", "Active", today - timedelta(days=100))
    costexplorer.set_tag_status(account_id, "CostCenter", "Active", today - timedelta(days=4))
    summary["usage"] = seeded
    summary["usage_days"] = USAGE_DAYS
    summary["cost_allocation_tags"] = {
        "Department": (today - timedelta(days=100)).isoformat(),
        "CostCenter": (today - timedelta(days=4)).isoformat(),
    }
    summary["seconds"] = round(time.monotonic() - started, 3)
    return summary


def _other_spend(account_id: str, rng: random.Random, first_day: date, today: date) -> None:
    items = []
    day = first_day
    while day < today:
        items.append(costexplorer.LineItem(
            day, "Amazon Simple Storage Service", _cents(rng, 0.35, 0.55), linked_account=account_id,
            region="us-east-1", usage_type="TimedStorage-ByteHrs", operation="StandardStorage",
            usage_quantity=costexplorer.Decimal("41.7"), unit="GB-Mo",
            tags={"Department": "Platform", "CostCenter": DEPARTMENTS["Platform"][0]},
        ))
        items.append(costexplorer.LineItem(
            day, "AmazonCloudWatch", _cents(rng, 0.10, 0.30), linked_account=account_id,
            region="us-east-1", usage_type="CW:MetricMonitorUsage", operation="MetricStorage",
            usage_quantity=costexplorer.Decimal("12"), unit="Metrics",
        ))
        day += timedelta(days=1)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    items.append(costexplorer.LineItem(
        last_month, "Amazon Bedrock", costexplorer.Decimal("-50"), linked_account=account_id,
        region="us-east-1", usage_type="USE1-Credit", record_type="Credit",
    ))
    costexplorer.add_line_items(account_id, items)


def _cents(rng: random.Random, lo: float, hi: float) -> Any:
    return costexplorer.Decimal(int(rng.uniform(lo, hi) * 10000)) / costexplorer.Decimal(10000)


# --------------------------------------------------------------------------- bench


_BENCH_MODELS = [SONNET, HAIKU, NOVA_PRO, NOVA_LITE, NOVA_MICRO]


def _bench_sources(region: str) -> list[tuple[str, str]]:
    """(copyFrom ARN suffix kind, id) candidates in a region: system profiles first."""
    from . import catalog

    found = []
    for sp in catalog.system_profiles(region):
        if sp["modelId"] in _BENCH_MODELS and sp["geography"] != "global":
            found.append(("sp", sp["inferenceProfileId"]))
    if not found:
        for fm in catalog.foundation_models(region):
            if fm["modelId"] in _BENCH_MODELS and "ON_DEMAND" in fm["inferenceTypesSupported"]:
                found.append(("fm", fm["modelId"]))
    if not found:
        raise ValueError(f"no bench model source in {region}")
    return found


def seed_bench(
    account_id: str = DEFAULT_ACCOUNT, profiles: int = 1000, regions: list[str] | None = None,
    days: int = 30, departments: int = 40,
) -> dict[str, Any]:
    from . import bedrock, catalog

    started = time.monotonic()
    regions = regions or ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]
    for r in regions:
        if r not in catalog.REGIONS:
            raise ValueError(f"region {r!r} is not served by the emulator")
    if not 1 <= profiles <= 1000 * len(regions):
        raise ValueError("profiles must be between 1 and 1000 per region")
    if not 1 <= days <= 400 or not 1 <= departments <= 1000:
        raise ValueError("days must be 1..400 and departments 1..1000")
    rng = random.Random(DEMO_SEED + profiles)
    today = costexplorer.today()
    created_at = datetime.combine(today - timedelta(days=days + 1), datetime.min.time(), tzinfo=timezone.utc)
    sources = {r: _bench_sources(r) for r in regions}
    dept_names = [f"Dept{n:03d}" for n in range(1, departments + 1)]
    records = []
    for n in range(profiles):
        region = regions[n % len(regions)]
        kind, ident = sources[region][n % len(sources[region])]
        arn = catalog.fm_arn(region, ident) if kind == "fm" else (
            f"arn:aws:bedrock:{region}:{account_id}:inference-profile/{ident}")
        dept = dept_names[n % departments]
        prof = bedrock.create_profile(
            account_id, region, f"bench-{n:04d}", arn,
            {"Department": dept, "CostCenter": f"CC-{n % departments:04d}", "Owner": f"owner{n % 97}@example.com"},
            created_at=created_at,
        )
        model = catalog.base_model_id(ident)
        hit = 0.1 + (n % 8) * 0.1
        for d in range(days, 0, -1):
            rec = _day_record(rng, region, prof.id, model, today - timedelta(days=d), 200 + n % 50,
                              1000, 200, hit, n % 3 == 0)
            if rec:
                records.append(rec)
    seeded = usage.seed(account_id, records)
    costexplorer.set_tag_status(account_id, "Department", "Active", today - timedelta(days=days + 5))
    return {
        "scenario": "bench", "account_id": account_id, "profiles": profiles, "regions": regions,
        "days": days, "departments": departments, "usage": seeded,
        "seconds": round(time.monotonic() - started, 3),
    }


# --------------------------------------------------------------------------- route


def _route_seed(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    from . import bedrock

    body = body if isinstance(body, dict) else {}
    scenario = body.get("scenario")
    account_id = str(body.get("account_id") or DEFAULT_ACCOUNT)
    try:
        if scenario == "demo":
            return 200, seed_demo(account_id)
        if scenario == "bench":
            return 200, seed_bench(
                account_id,
                profiles=int(body.get("profiles", 1000)),
                regions=body.get("regions"),
                days=int(body.get("days", 30)),
                departments=int(body.get("departments", 40)),
            )
    except bedrock.BedrockError as exc:
        return 409, {"error": f"{exc.code}: {exc.message} (seed once per reset: POST /_emu/reset first)"}
    except usage.UsageError as exc:
        return 400, {"error": str(exc)}
    return 400, {"error": 'scenario must be "demo" or "bench"'}


ROUTES = {("POST", "/_emu/seed"): _route_seed}
