#!/usr/bin/env python3
"""The exact cost of a folder of Claude Code logs, computed independently of aimcp: every
assistant line with usage, one request per (message id, request id) keeping the line with the most
tokens (as a request is logged several times while it streams), priced with the built-in table
(src/pricing/builtin.json) in exact rational arithmetic, summed, then rounded to the cent once.

Usage: exact_claude_total.py CLAUDE_DIR [AIMCP_BIN DB]
With AIMCP_BIN and DB, also reads `aimcp --db DB --json tokens summary --since 1970-01-01` and
says whether its total is the same to the cent (exit 1 when it is not).
"""
import json
import os
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

here = os.path.dirname(os.path.abspath(__file__))
table = json.load(open(os.path.join(here, "..", "src", "pricing", "builtin.json")))


def rates(entry):
    """Dollars per token of each kind, with the table's defaults (as src/pricing/mod.rs)."""
    per = lambda t: Fraction(t) / 1_000_000
    inp = per(entry["input"])
    w5 = per(entry["cache_write_5m"]) if entry.get("cache_write_5m") else inp
    return {
        "input": inp,
        "output": per(entry["output"]),
        "cache_read": per(entry["cache_read"]) if entry.get("cache_read") else inp,
        "cache_write_5m": w5,
        "cache_write_1h": per(entry["cache_write_1h"]) if entry.get("cache_write_1h") else w5,
    }


prices = {}
for m in table["models"]:
    if m["provider"] != "anthropic":
        continue
    tier = m.get("long_context")
    price = (rates(m), (tier["above"], rates(tier)) if tier else None)
    for name in [m["id"]] + m.get("aliases", []):
        prices.setdefault(name.lower(), price)


def price_of(model):
    m = model.lower()
    if m in prices:
        return prices[m]
    return prices.get(re.sub(r"-\d{8}$", "", m))


def tokens(usage):
    cw = usage.get("cache_creation_input_tokens") or 0
    cc = usage.get("cache_creation") or {}
    if "ephemeral_5m_input_tokens" in cc or "ephemeral_1h_input_tokens" in cc:
        h = cc.get("ephemeral_1h_input_tokens") or 0
        m = cc.get("ephemeral_5m_input_tokens") or 0
        w5, w1 = max(m, max(cw - h, 0)), h
    else:
        w5, w1 = cw, 0
    return {
        "input": usage.get("input_tokens") or 0,
        "output": usage.get("output_tokens") or 0,
        "cache_read": usage.get("cache_read_input_tokens") or 0,
        "cache_write_5m": w5,
        "cache_write_1h": w1,
    }


root = sys.argv[1]
best = {}  # key -> (total tokens, model, tokens)
unkeyed = []
for dirpath, _, names in os.walk(root):
    for name in names:
        if not name.endswith(".jsonl"):
            continue
        with open(os.path.join(dirpath, name), "rb") as f:
            for raw in f:
                if b'"assistant"' not in raw or b'"usage"' not in raw:
                    continue
                try:
                    line = json.loads(raw)
                except ValueError:
                    continue
                msg = line.get("message") or {}
                usage = msg.get("usage")
                model = msg.get("model") or ""
                if line.get("type") != "assistant" or not usage or not model or model == "<synthetic>":
                    continue
                if not line.get("timestamp"):
                    continue
                t = tokens(usage)
                mid, rid = msg.get("id"), line.get("requestId")
                key = f"{mid}:{rid}" if mid and rid else (mid or rid or line.get("uuid"))
                item = (sum(t.values()), model, t)
                if key is None:
                    unkeyed.append(item)
                elif key not in best or item[0] > best[key][0]:
                    best[key] = item

total = Fraction(0)
unpriced = 0
requests = 0
for _, model, t in list(best.values()) + unkeyed:
    requests += 1
    p = price_of(model)
    if p is None:
        unpriced += 1
        continue
    base, tier = p
    prompt = t["input"] + t["cache_read"] + t["cache_write_5m"] + t["cache_write_1h"]
    r = tier[1] if tier and prompt > tier[0] else base
    total += sum(t[k] * r[k] for k in t)

exact = Decimal(total.numerator) / Decimal(total.denominator)
cents = exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
print(f"requests: {requests:,} ({unpriced:,} unpriced)")
print(f"exact total: ${exact:.12f} -> ${cents:,}")
if len(sys.argv) >= 4:
    out = subprocess.run([sys.argv[2], "--db", sys.argv[3], "--json", "tokens", "summary", "--since",
                          "1970-01-01", "--tz", "UTC"], capture_output=True, check=True).stdout
    ours = json.loads(out, parse_float=Decimal)["totals"]
    shown = Decimal(ours["cost_usd"]).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    print(f"aimcp total:  ${Decimal(ours['cost_usd'])} -> ${shown:,} over {ours['requests']:,} requests")
    same = shown == cents and ours["requests"] == requests
    print("same to the cent" if same else "DIFFERENT")
    sys.exit(0 if same else 1)
