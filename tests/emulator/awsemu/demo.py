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

The demo account is also the **management account of an organization** (unless
``{"organization": false}``), built with ``awsemu.organizations.build`` after the
account's own data, which stays exactly as above (same RNG draws, same figures):
``o-aipctldemo``, root ``r-demo``, OUs ``Workloads`` (``ou-demo-workloads``) with
``Production`` (``ou-demo-production``) and ``Research`` (``ou-demo-research``), and
``Suspended`` (``ou-demo-suspended``). Members (see ``MEMBERS``), each ACTIVE one with
``OrganizationAccountAccessRole`` trusting the management account (as AWS creates it
for accounts created through Organizations; the management account has none):

- ``234567890123`` search-prod (Workloads/Production): 5 Search profiles in 3 Regions,
  one named ``search-answers-sonnet`` like the management account's (same name, two
  profiles, two accounts);
- ``345678901234`` data-science (Workloads/Research): 5 DataScience profiles, one idle
  (``ds-pilot-nova-lite``), one without ``Department`` (``ds-scratch-haiku``);
- ``567890123456`` shared-services (Workloads): no Bedrock, S3 and EC2 spend only;
- ``456789012345`` legacy-sandbox (Suspended): SUSPENDED 55 days ago, 2 profiles whose
  usage stopped then; its past spend stays on the payer's bill; AssumeRole into it is
  refused.

Members' usage (90 days, own RNG per account) goes to their own CloudWatch and to line
items the payer sees by ``LINKED_ACCOUNT``; tag keys are the same (``Department``,
``CostCenter``, ``Owner``, ``aipctl:protect``), activated on the payer's bill.

``seed_bench(profiles, regions, days, departments)`` (``POST /_emu/seed {"scenario":
"bench", ...}``) builds a large, regular account for benchmarks: ``profiles`` AIPs
spread round-robin over ``regions`` and ``departments``, each with one usage record
per day for ``days`` days, ``Department`` active since before the first day.

``seed_bench_org(accounts, regions, profiles_per_region, days, departments)``
(``POST /_emu/seed/bench-org {...}`` or ``POST /_emu/seed {"scenario": "bench-org",
...}``) builds an organization of ``accounts`` such bench accounts (IDs
``200000000001``..., OUs ``Bench/Team1..5``) under a management account without
profiles: 10 accounts x 4 Regions x 100 profiles x 3 days in about 3 s.
"""

from __future__ import annotations

import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from . import costexplorer, usage

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
    P("search-answers-sonnet", "us-east-1", "Search", f"us.{SONNET}", 118, 4200, 2400, 450, 0.72, stream=True,
      protect=True),
    P("search-rerank-haiku", "us-east-1", "Search", f"us.{HAIKU}", 110, 9000, 900, 60, 0.35),
    P("support-chat-sonnet", "us-east-1", "Support", f"global.{SONNET}", 115, 6000, 3000, 600, 0.65, stream=True,
      protect=True),
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
    P("datascience-research-sonnet", "us-west-2", "DataScience", f"us.{SONNET}", 108, 700, 5000, 1500, 0.60,
      stream=True),
    P("finance-forecast-nova-micro", "us-west-2", "Finance", f"us.{NOVA_MICRO}", 95, 800, 1500, 200, 0.10,
      idle_since=50),
    P("marketing-campaign-haiku", "us-west-2", "Marketing", f"us.{HAIKU}", 120, 0, 0, 0, 0.0, never_used=True),
    P("hackathon-llama", "us-west-2", None, f"us.{LLAMA}", 40, 90, 1000, 400, 0.0, tags={}),
    P("platform-canary-haiku", "us-west-2", "Platform", f"us.{HAIKU}", 5, 40, 800, 100, 0.20),
    # eu-west-1 (7)
    P("support-eu-chat-sonnet", "eu-west-1", "Support", f"eu.{SONNET}", 113, 3500, 2800, 500, 0.68, stream=True,
      protect=True),
    P("legal-eu-contracts-sonnet", "eu-west-1", "Legal", f"eu.{SONNET}", 98, 200, 12000, 1500, 0.78),
    P("marketing-eu-localize-nova-pro", "eu-west-1", "Marketing", f"eu.{NOVA_PRO}", 92, 900, 1500, 1400, 0.12),
    P("search-eu-rerank-haiku", "eu-west-1", "Search", f"eu.{HAIKU}", 87, 5000, 900, 60, 0.33),
    P("finance-eu-invoices-mistral", "eu-west-1", "Finance", f"fm:{MISTRAL}", 76, 400, 3000, 400, 0.0),
    P("datascience-eu-pilot-nova-lite", "eu-west-1", "DataScience", f"eu.{NOVA_LITE}", 101, 600, 1200, 250, 0.20,
      idle_since=48),
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


def _profile_records(
    account_id: str, plist: list[P], rng: random.Random, today: date, summary: dict[str, Any],
) -> list[dict[str, Any]]:
    """Create ``plist`` in ``account_id`` and return their daily usage records (fills ``summary``)."""
    from . import bedrock

    first_day = today - timedelta(days=USAGE_DAYS)
    records: list[dict[str, Any]] = []
    for i, p in enumerate(plist):
        created_at = datetime.combine(today - timedelta(days=p.created), datetime.min.time(), tzinfo=UTC)
        created_at += timedelta(hours=8 + i % 9, minutes=(i * 17) % 60)  # every profile is 2+ days old
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
    return records


def _new_summary(scenario: str, account_id: str, departments: list[str]) -> dict[str, Any]:
    return {
        "scenario": scenario, "account_id": account_id, "profiles": 0, "by_region": {},
        "departments": departments, "idle": [], "recent": [], "protected": [],
        "untagged": [], "profile_ids": {},
    }


def seed_demo(account_id: str = DEFAULT_ACCOUNT, organization: bool = True) -> dict[str, Any]:
    """Seed the demo account (see the module docstring), and its organization. Returns a summary."""
    from .catalog import base_model_id

    started = time.monotonic()
    rng = random.Random(DEMO_SEED)
    today = costexplorer.today()
    first_day = today - timedelta(days=USAGE_DAYS)
    if organization:
        _check_org_free(account_id)
    summary = _new_summary("demo", account_id, sorted(DEPARTMENTS))
    records = _profile_records(account_id, PROFILES, rng, today, summary)
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
    if organization:
        summary["organization"] = seed_demo_organization(account_id)
        summary["organization"]["accounts"][0].update(
            profiles=summary["profiles"], by_region=summary["by_region"], usage=seeded)
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


# --------------------------------------------------------------------------- demo organization

ORG_ID = "o-aipctldemo"
ROOT_ID = "r-demo"
MANAGEMENT_NAME = "acme-management"
SEARCH_PROD = "234567890123"
DATA_SCIENCE = "345678901234"
LEGACY_SANDBOX = "456789012345"
SHARED_SERVICES = "567890123456"
ACCESS_ROLE = "OrganizationAccountAccessRole"
SANDBOX_CLOSED_DAYS_AGO = 55

ORG_OUS = [
    {"name": "Workloads", "id": "ou-demo-workloads"},
    {"name": "Production", "parent": "Workloads", "id": "ou-demo-production"},
    {"name": "Research", "parent": "Workloads", "id": "ou-demo-research"},
    {"name": "Suspended", "id": "ou-demo-suspended"},
]


class Member:
    """One member account of the demo organization."""

    def __init__(self, account_id: str, name: str, ou: str, joined_days: int, profiles: list[P],
                 status: str = "ACTIVE") -> None:
        self.id, self.name, self.ou, self.joined_days = account_id, name, ou, joined_days
        self.profiles, self.status = profiles, status


MEMBERS: list[Member] = [
    # search-prod reuses the management account's profile name search-answers-sonnet on purpose:
    # the same name in two accounts is two profiles, and a multi-account report must keep them apart.
    Member(SEARCH_PROD, "search-prod", "Workloads/Production", 700, [
        P("search-answers-sonnet", "us-east-1", "Search", f"us.{SONNET}", 112, 6000, 2600, 480, 0.75,
          stream=True, protect=True),
        P("search-prod-rerank-haiku", "us-east-1", "Search", f"us.{HAIKU}", 104, 14000, 900, 50, 0.40),
        P("search-prod-suggest-nova-micro", "us-east-1", "Search", f"us.{NOVA_MICRO}", 96, 20000, 300, 40, 0.0),
        P("search-prod-answers-dr-sonnet", "us-west-2", "Search", f"us.{SONNET}", 90, 200, 2600, 480, 0.70,
          stream=True),
        P("search-prod-eu-answers-sonnet", "eu-west-1", "Search", f"eu.{SONNET}", 60, 1800, 2400, 450, 0.70,
          stream=True),
    ]),
    Member(DATA_SCIENCE, "data-science", "Workloads/Research", 400, [
        P("ds-research-opus", "us-east-1", "DataScience", f"us.{OPUS}", 100, 120, 8000, 2000, 0.50),
        P("ds-scratch-haiku", "us-east-1", None, f"us.{HAIKU}", 20, 80, 1500, 300, 0.10,
          tags={"Owner": "li.wei@example.com"}),
        P("ds-notebooks-sonnet", "us-west-2", "DataScience", f"us.{SONNET}", 85, 900, 4000, 1200, 0.55, stream=True),
        P("ds-eval-llama", "us-west-2", "DataScience", f"us.{LLAMA}", 70, 1500, 1500, 400, 0.0),
        P("ds-pilot-nova-lite", "eu-west-1", "DataScience", f"eu.{NOVA_LITE}", 110, 500, 1000, 200, 0.20,
          idle_since=50),
    ]),
    Member(SHARED_SERVICES, "shared-services", "Workloads", 650, []),
    # Closed 55 days ago: its Bedrock spend stops then, and stays on the payer's bill.
    Member(LEGACY_SANDBOX, "legacy-sandbox", "Suspended", 500, [
        P("sandbox-chat-sonnet", "us-east-1", "Platform", f"us.{SONNET}", 118, 300, 2000, 500, 0.30,
          idle_since=SANDBOX_CLOSED_DAYS_AGO + 1),
        P("sandbox-summarize-haiku", "us-east-1", "Platform", f"us.{HAIKU}", 117, 500, 1200, 200, 0.20,
          idle_since=SANDBOX_CLOSED_DAYS_AGO + 1),
    ], status="SUSPENDED"),
]


def _check_org_free(account_id: str) -> None:
    from . import organizations

    if account_id in {m.id for m in MEMBERS}:
        raise ValueError(f"account {account_id} is a member of the demo organization; seed another account")
    for acct in [account_id] + [m.id for m in MEMBERS]:
        if organizations.org_id_of(acct) is not None:
            raise FileExistsError(f"account {acct} is already in an organization")


def demo_organization_spec(account_id: str = DEFAULT_ACCOUNT) -> dict[str, Any]:
    """The ``awsemu.organizations.build`` spec of the demo organization."""
    today = costexplorer.today()

    def joined(days: int) -> str:
        return datetime.combine(today - timedelta(days=days), datetime.min.time(), tzinfo=UTC).isoformat()

    return {
        "management": {"id": account_id, "name": MANAGEMENT_NAME, "email": "aws-management@acme.example",
                       "joined_at": joined(800)},
        "organization_id": ORG_ID,
        "root_id": ROOT_ID,
        "ous": ORG_OUS,
        "accounts": [
            {"id": m.id, "name": m.name, "email": f"aws-{m.name}@acme.example", "ou": m.ou,
             "status": m.status, "joined_at": joined(m.joined_days)}
            for m in MEMBERS
        ],
    }


def seed_demo_organization(account_id: str = DEFAULT_ACCOUNT) -> dict[str, Any]:
    """Make ``account_id`` the management account of the demo organization and seed its members.

    Each ACTIVE member with profiles gets them, 90 days of usage (CloudWatch in the
    member, line items the payer sees by LINKED_ACCOUNT) like the management account;
    shared-services has only S3 / EC2 spend; legacy-sandbox is SUSPENDED with
    usage that stopped when it was closed. Cost allocation tags are the payer's.
    """
    from . import organizations

    today = costexplorer.today()
    first_day = today - timedelta(days=USAGE_DAYS)
    organizations.build(demo_organization_spec(account_id))
    accounts = [{"id": account_id, "name": MANAGEMENT_NAME, "ou": "Root", "status": "ACTIVE",
                 "management": True, "role": None}]
    for m in MEMBERS:
        rng = random.Random(DEMO_SEED + int(m.id) % 100_000)
        summary = _new_summary("demo-member", m.id, sorted({p.dept for p in m.profiles if p.dept}))
        records = _profile_records(m.id, m.profiles, rng, today, summary)
        seeded = usage.seed(m.id, records) if records else {"datapoints": 0, "line_items": 0, "cost_usd": "0"}
        if m.id == SHARED_SERVICES:
            _shared_services_spend(m.id, rng, first_day, today)
        accounts.append({
            "id": m.id, "name": m.name, "ou": m.ou, "status": m.status, "management": False,
            "role": ACCESS_ROLE, "profiles": summary["profiles"], "by_region": summary["by_region"],
            "profile_ids": summary["profile_ids"], "idle": summary["idle"], "untagged": summary["untagged"],
            "usage": seeded,
        })
    return {
        "organization_id": ORG_ID, "root_id": ROOT_ID, "management_account_id": account_id,
        "organizational_units": {ou["id"]: ou["name"] for ou in ORG_OUS}, "accounts": accounts,
    }


def _shared_services_spend(account_id: str, rng: random.Random, first_day: date, today: date) -> None:
    items = []
    day = first_day
    while day < today:
        items.append(costexplorer.LineItem(
            day, "Amazon Simple Storage Service", _cents(rng, 1.10, 1.60), linked_account=account_id,
            region="us-east-1", usage_type="TimedStorage-ByteHrs", operation="StandardStorage",
            usage_quantity=costexplorer.Decimal("131.2"), unit="GB-Mo",
            tags={"Department": "Platform", "CostCenter": DEPARTMENTS["Platform"][0]},
        ))
        items.append(costexplorer.LineItem(
            day, "Amazon Elastic Compute Cloud - Compute", _cents(rng, 4.50, 5.20), linked_account=account_id,
            region="us-east-1", usage_type="BoxUsage:m7g.large", operation="RunInstances",
            usage_quantity=costexplorer.Decimal("48"), unit="Hrs",
            tags={"Department": "Platform", "CostCenter": DEPARTMENTS["Platform"][0]},
        ))
        day += timedelta(days=1)
    costexplorer.add_line_items(account_id, items)


# --------------------------------------------------------------------------- bench


_BENCH_MODELS = [SONNET, HAIKU, NOVA_PRO, NOVA_LITE, NOVA_MICRO]


def _bench_sources(region: str) -> list[tuple[str, str]]:
    """(copyFrom ARN suffix kind, id) candidates in a region: system profiles first."""
    from . import catalog

    found = []
    # Every catalog Region has a geographic system profile of a bench model (test_demo checks it).
    for sp in catalog.system_profiles(region):
        if sp["modelId"] in _BENCH_MODELS and sp["geography"] != "global":
            found.append(("sp", sp["inferenceProfileId"]))
    return found


def _bench_checks(regions: list[str], profiles: int, days: int, departments: int) -> None:
    from . import catalog

    for r in regions:
        if r not in catalog.REGIONS:
            raise ValueError(f"region {r!r} is not served by the emulator")
    if not 1 <= profiles <= 1000 * len(regions):
        raise ValueError("profiles must be between 1 and 1000 per region")
    if not 1 <= days <= 400 or not 1 <= departments <= 1000:
        raise ValueError("days must be 1..400 and departments 1..1000")


def _bench_records(
    account_id: str, profiles: int, regions: list[str], days: int, departments: int, rng: random.Random,
) -> list[dict[str, Any]]:
    """Create ``profiles`` AIPs round-robin over ``regions`` in ``account_id``; one usage record per profile-day."""
    from . import bedrock, catalog

    today = costexplorer.today()
    created_at = datetime.combine(today - timedelta(days=days + 1), datetime.min.time(), tzinfo=UTC)
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
    return records


def seed_bench(
    account_id: str = DEFAULT_ACCOUNT, profiles: int = 1000, regions: list[str] | None = None,
    days: int = 30, departments: int = 40,
) -> dict[str, Any]:
    started = time.monotonic()
    regions = regions or list(BENCH_REGIONS)
    _bench_checks(regions, profiles, days, departments)
    today = costexplorer.today()
    records = _bench_records(account_id, profiles, regions, days, departments, random.Random(DEMO_SEED + profiles))
    seeded = usage.seed(account_id, records)
    costexplorer.set_tag_status(account_id, "Department", "Active", today - timedelta(days=days + 5))
    return {
        "scenario": "bench", "account_id": account_id, "profiles": profiles, "regions": regions,
        "days": days, "departments": departments, "usage": seeded,
        "seconds": round(time.monotonic() - started, 3),
    }


BENCH_REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1")
BENCH_ORG_ID = "o-aipctlbench"
BENCH_ROOT_ID = "r-bnch"
BENCH_OUS = 5


def bench_member_id(n: int) -> str:
    """The ID of bench organization member ``n`` (1-based): 200000000001, 200000000002, ..."""
    return f"{200_000_000_000 + n:012d}"


def seed_bench_org(
    account_id: str = DEFAULT_ACCOUNT, accounts: int = 10, regions: list[str] | None = None,
    profiles_per_region: int = 100, days: int = 3, departments: int = 40,
) -> dict[str, Any]:
    """An organization for benchmarks: ``account_id`` manages ``accounts`` members, each like a bench account.

    Members ``bench-001``... (IDs from ``bench_member_id``) sit round-robin in OUs
    ``Bench/Team1..5`` and each get ``profiles_per_region`` AIPs in every Region of
    ``regions`` with one usage record per profile and day for ``days`` days
    (CloudWatch in the member, line items on the payer's bill by LINKED_ACCOUNT).
    The management account has no profiles; ``Department`` is active on its bill.
    """
    from . import organizations

    started = time.monotonic()
    regions = regions or list(BENCH_REGIONS)
    if not 1 <= accounts <= 200:
        raise ValueError("accounts must be 1..200")
    profiles = profiles_per_region * len(regions)
    _bench_checks(regions, profiles, days, departments)
    for acct in [account_id] + [bench_member_id(n) for n in range(1, accounts + 1)]:
        if organizations.org_id_of(acct) is not None:
            raise FileExistsError(f"account {acct} is already in an organization")
    today = costexplorer.today()
    teams = min(BENCH_OUS, accounts)
    members = [(bench_member_id(n), f"bench-{n:03d}", f"Bench/Team{(n - 1) % teams + 1}")
               for n in range(1, accounts + 1)]
    if account_id in {m[0] for m in members}:
        raise ValueError(f"account {account_id} would be its own member")
    organizations.build({
        "management": {"id": account_id, "name": "bench-management", "email": "aws-bench@acme.example"},
        "organization_id": BENCH_ORG_ID, "root_id": BENCH_ROOT_ID,
        "ous": [{"name": "Bench"}] + [{"name": f"Team{k}", "parent": "Bench"} for k in range(1, teams + 1)],
        "accounts": [{"id": i, "name": name, "ou": ou} for i, name, ou in members],
    })
    total = {"datapoints": 0, "line_items": 0, "cost_usd": costexplorer.Decimal(0)}
    for k, (member, _, _) in enumerate(members):
        records = _bench_records(member, profiles, regions, days, departments, random.Random(DEMO_SEED + k))
        seeded = usage.seed(member, records)
        total["datapoints"] += seeded["datapoints"]
        total["line_items"] += seeded["line_items"]
        total["cost_usd"] += costexplorer.Decimal(seeded["cost_usd"])
    costexplorer.set_tag_status(account_id, "Department", "Active", today - timedelta(days=days + 5))
    total["cost_usd"] = costexplorer.fmt_amount(total["cost_usd"])
    return {
        "scenario": "bench-org", "account_id": account_id, "organization_id": BENCH_ORG_ID,
        "accounts": [{"id": i, "name": name, "ou": ou} for i, name, ou in members],
        "regions": regions, "profiles_per_region": profiles_per_region, "profiles": profiles * accounts,
        "days": days, "departments": departments, "usage": total,
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
            return 200, seed_demo(account_id, organization=bool(body.get("organization", True)))
        if scenario == "bench":
            return 200, seed_bench(
                account_id,
                profiles=int(body.get("profiles", 1000)),
                regions=body.get("regions"),
                days=int(body.get("days", 30)),
                departments=int(body.get("departments", 40)),
            )
        if scenario == "bench-org":
            return 200, seed_bench_org(
                account_id,
                accounts=int(body.get("accounts", 10)),
                regions=body.get("regions"),
                profiles_per_region=int(body.get("profiles_per_region", 100)),
                days=int(body.get("days", 3)),
                departments=int(body.get("departments", 40)),
            )
    except (bedrock.BedrockError, FileExistsError) as exc:
        text = f"{exc.code}: {exc.message}" if isinstance(exc, bedrock.BedrockError) else str(exc)
        return 409, {"error": f"{text} (seed once per reset: POST /_emu/reset first)"}
    return 400, {"error": 'scenario must be "demo", "bench" or "bench-org"'}


def _route_seed_bench_org(body: Any, query: dict[str, str]) -> tuple[int, Any]:
    return _route_seed({**(body if isinstance(body, dict) else {}), "scenario": "bench-org"}, query)


ROUTES = {
    ("POST", "/_emu/seed"): _route_seed,
    ("POST", "/_emu/seed/bench-org"): _route_seed_bench_org,
}
