"""On-demand Amazon Bedrock token prices used to price seeded usage.

Source: the public Amazon Bedrock pricing page (https://aws.amazon.com/bedrock/pricing/),
on-demand text-model prices for US East (N. Virginia) as best known in November 2026,
written down by hand (no price list API is reachable from the test world). Prices are in
**USD per 1,000 tokens** for four token kinds: ``input`` (uncached input tokens),
``output``, ``cache_read`` (input tokens read from the prompt cache) and
``cache_write`` (input tokens written to the prompt cache).

Simplifications, on purpose (documented so nobody reads them as AWS facts):

- One price per model family for every Region. AWS charges a few percent more in some
  Regions; the emulator does not model that. Global cross-Region inference of
  Marketplace models is billed at the Global price (:func:`global_price_per_1k`), as AWS
  prices it about 10 % below geographic and in-Region inference
  (https://docs.aws.amazon.com/bedrock/latest/userguide/global-cross-region-inference.html).
- Long-context (> 200K input tokens) surcharges, batch and provisioned throughput are
  not modelled.
- Anthropic's 5-minute cache-write price is used (1.25 x input); the 1-hour TTL price
  is not modelled. Amazon Nova models charge nothing for cache writes.
- A family whose cache prices are ``None`` does not support prompt caching on Bedrock:
  seeding cache tokens for it is refused (a 400 from ``POST /_emu/usage``).

Arithmetic is exact (:class:`decimal.Decimal`). The cost of one line item is
``tokens * price_per_1k / 1000`` rounded to 10 decimal places, ROUND_HALF_UP (Cost
Explorer amounts carry at most 10 decimals); tests that price usage independently must
apply the same rule, which ``GET /_emu/prices`` states in its ``rounding`` field.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

SOURCE = "https://aws.amazon.com/bedrock/pricing/ (on-demand, us-east-1, as known 2026-11)"
UNIT = "USD per 1000 tokens"
ROUNDING = "per line item: tokens * price / 1000, rounded to 10 decimal places, ROUND_HALF_UP"
TOKEN_KINDS = ("input", "output", "cache_read", "cache_write")
_QUANTUM = Decimal("0.0000000001")
_THOUSAND = Decimal(1000)
# Regional (geographic / in-Region) price = 1.1 x the Global price: the ratio AWS's
# Marketplace rate cards show between "Million … Regional" and "Million … Global".
GLOBAL_RATIO = Decimal("1.1")


def _d(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


# (family, model-id regex searched in the foundation-model id, display name used as the
#  Cost Explorer product attribute ``model``, input, output, cache_read, cache_write)
# First match wins, so more specific patterns come first.
_TABLE: list[tuple[str, str, str, str, str, str | None, str | None]] = [
    # Anthropic (billed through AWS Marketplace: "<Model> (Amazon Bedrock Edition)")
    ("claude-opus-4.5", r"claude-opus-4-5", "Claude Opus 4.5", "0.005", "0.025", "0.0005", "0.00625"),
    ("claude-opus-4.1", r"claude-opus-4-1", "Claude Opus 4.1", "0.015", "0.075", "0.0015", "0.01875"),
    ("claude-opus-4", r"claude-opus-4", "Claude Opus 4", "0.015", "0.075", "0.0015", "0.01875"),
    ("claude-sonnet-4.5", r"claude-sonnet-4-5", "Claude Sonnet 4.5", "0.003", "0.015", "0.0003", "0.00375"),
    ("claude-sonnet-4", r"claude-sonnet-4", "Claude Sonnet 4", "0.003", "0.015", "0.0003", "0.00375"),
    ("claude-haiku-4.5", r"claude-haiku-4-5", "Claude Haiku 4.5", "0.001", "0.005", "0.0001", "0.00125"),
    ("claude-3.7-sonnet", r"claude-3-7-sonnet", "Claude 3.7 Sonnet", "0.003", "0.015", "0.0003", "0.00375"),
    ("claude-3.5-sonnet", r"claude-3-5-sonnet", "Claude 3.5 Sonnet", "0.003", "0.015", "0.0003", "0.00375"),
    ("claude-3.5-haiku", r"claude-3-5-haiku", "Claude 3.5 Haiku", "0.0008", "0.004", "0.00008", "0.001"),
    ("claude-3-opus", r"claude-3-opus", "Claude 3 Opus", "0.015", "0.075", None, None),
    ("claude-3-sonnet", r"claude-3-sonnet", "Claude 3 Sonnet", "0.003", "0.015", None, None),
    ("claude-3-haiku", r"claude-3-haiku", "Claude 3 Haiku", "0.00025", "0.00125", None, None),
    # Amazon Nova (first party: "Amazon Bedrock"); cache writes are free, reads -75 %
    ("nova-premier", r"nova-premier", "Nova Premier", "0.0025", "0.0125", "0.000625", "0"),
    ("nova-2-lite", r"nova-2-lite", "Nova 2 Lite", "0.0003", "0.0025", "0.000075", "0"),
    ("nova-pro", r"nova-pro", "Nova Pro", "0.0008", "0.0032", "0.0002", "0"),
    ("nova-lite", r"nova-lite", "Nova Lite", "0.00006", "0.00024", "0.000015", "0"),
    ("nova-micro", r"nova-micro", "Nova Micro", "0.000035", "0.00014", "0.00000875", "0"),
    ("titan-embed-text-v2", r"titan-embed-text-v2", "Titan Text Embeddings V2", "0.00002", "0", None, None),
    ("titan-text-premier", r"titan-text-premier", "Titan Text Premier", "0.0005", "0.0015", None, None),
    ("titan-text-express", r"titan-text-express", "Titan Text G1 - Express", "0.0002", "0.0006", None, None),
    ("titan-text-lite", r"titan-text-lite", "Titan Text G1 - Lite", "0.00015", "0.0002", None, None),
    # Meta Llama
    ("llama4-maverick", r"llama4-maverick", "Llama 4 Maverick 17B", "0.00024", "0.00097", None, None),
    ("llama4-scout", r"llama4-scout", "Llama 4 Scout 17B", "0.00017", "0.00066", None, None),
    ("llama3.3-70b", r"llama3-3-70b", "Llama 3.3 70B Instruct", "0.00072", "0.00072", None, None),
    ("llama3.2-90b", r"llama3-2-90b", "Llama 3.2 90B Instruct", "0.00072", "0.00072", None, None),
    ("llama3.2-11b", r"llama3-2-11b", "Llama 3.2 11B Instruct", "0.00016", "0.00016", None, None),
    ("llama3.2-3b", r"llama3-2-3b", "Llama 3.2 3B Instruct", "0.00015", "0.00015", None, None),
    ("llama3.2-1b", r"llama3-2-1b", "Llama 3.2 1B Instruct", "0.0001", "0.0001", None, None),
    ("llama3.1-405b", r"llama3-1-405b", "Llama 3.1 405B Instruct", "0.0024", "0.0024", None, None),
    ("llama3.1-70b", r"llama3-1-70b", "Llama 3.1 70B Instruct", "0.00072", "0.00072", None, None),
    ("llama3.1-8b", r"llama3-1-8b", "Llama 3.1 8B Instruct", "0.00022", "0.00022", None, None),
    # Mistral AI
    ("pixtral-large", r"pixtral-large", "Pixtral Large", "0.002", "0.006", None, None),
    ("mistral-large", r"mistral-large", "Mistral Large", "0.004", "0.012", None, None),
    ("mistral-small", r"mistral-small", "Mistral Small", "0.001", "0.003", None, None),
    ("mixtral-8x7b", r"mixtral-8x7b", "Mixtral 8x7B Instruct", "0.00045", "0.0007", None, None),
    ("mistral-7b", r"mistral-7b", "Mistral 7B Instruct", "0.00015", "0.0002", None, None),
    # Cohere, AI21, DeepSeek, OpenAI open-weight
    ("command-r-plus", r"command-r-plus", "Command R+", "0.003", "0.015", None, None),
    ("command-r", r"command-r", "Command R", "0.0005", "0.0015", None, None),
    ("cohere-embed", r"cohere\.embed-", "Embed", "0.0001", "0", None, None),
    ("jamba-1.5-large", r"jamba-1-5-large", "Jamba 1.5 Large", "0.002", "0.008", None, None),
    ("jamba-1.5-mini", r"jamba-1-5-mini", "Jamba 1.5 Mini", "0.0002", "0.0004", None, None),
    ("deepseek-r1", r"deepseek\.r1", "DeepSeek-R1", "0.00135", "0.0054", None, None),
    ("deepseek-v3", r"deepseek\.v3", "DeepSeek-V3.1", "0.00058", "0.00168", None, None),
    ("gpt-oss-120b", r"gpt-oss-120b", "gpt-oss-120b", "0.00015", "0.0006", None, None),
    ("gpt-oss-20b", r"gpt-oss-20b", "gpt-oss-20b", "0.00007", "0.0003", None, None),
]

_COMPILED = [(fam, re.compile(pat), name) for fam, pat, name, *_ in _TABLE]
FAMILIES: dict[str, dict[str, Any]] = {
    fam: {
        "pattern": pat,
        "model_name": name,
        "input": Decimal(i),
        "output": Decimal(o),
        "cache_read": _d(cr),
        "cache_write": _d(cw),
    }
    for fam, pat, name, i, o, cr, cw in _TABLE
}


class UnknownModelPrice(KeyError):
    """No family in the table matches a model id."""


def foundation_model_id(model: str) -> str:
    """``arn:aws:bedrock:r::foundation-model/anthropic.x`` -> ``anthropic.x``; ids pass through."""
    return model.rsplit("foundation-model/", 1)[-1] if "foundation-model/" in model else model


def family_of(model_id: str) -> str:
    """The price family of a foundation-model id or ARN (first matching pattern)."""
    mid = foundation_model_id(model_id)
    for fam, rx, _name in _COMPILED:
        if rx.search(mid):
            return fam
    raise UnknownModelPrice(f"no price known for model {mid!r}; add its family to awsemu/pricing.py")


def prices_for(model_id: str) -> dict[str, Any]:
    """``{"family", "model_name", "input", "output", "cache_read", "cache_write"}`` (Decimals or None)."""
    fam = family_of(model_id)
    entry = FAMILIES[fam]
    return {"family": fam, **{k: entry[k] for k in ("model_name", *TOKEN_KINDS)}}


def token_cost(tokens: int | Decimal, price_per_1k: Decimal) -> Decimal:
    """Exact line-item cost: tokens x price / 1000, rounded to 10 places (ROUND_HALF_UP)."""
    return (Decimal(tokens) * price_per_1k / _THOUSAND).quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def global_per_million(per_million: Decimal) -> Decimal:
    """The Global price per 1M tokens of a Regional one: ÷ 1.1, to 10 places (half up)."""
    return (per_million / GLOBAL_RATIO).quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def global_price_per_1k(price_per_1k: Decimal) -> Decimal:
    """The Global price per 1,000 tokens, exactly the price list's per-1M Global price / 1000."""
    return global_per_million(price_per_1k * _THOUSAND) / _THOUSAND


def _s(value: Decimal | None) -> str | None:
    return None if value is None else format(value, "f")


def table_json() -> dict[str, Any]:
    """The table as served by ``GET /_emu/prices`` (decimal strings, never floats)."""
    return {
        "source": SOURCE,
        "unit": UNIT,
        "rounding": ROUNDING,
        "families": {
            fam: {
                "pattern": e["pattern"],
                "model_name": e["model_name"],
                **{k: _s(e[k]) for k in TOKEN_KINDS},
            }
            for fam, e in FAMILIES.items()
        },
    }
