#!/usr/bin/env python3
"""Cents at scale: N generated requests (default 1,000,000) recorded with `tokens record --jsonl`,
whose `tokens summary` total is compared with the exact sum, computed here in rational arithmetic
from the built-in price table (src/pricing/builtin.json) and rounded to the cent once.

The requests are small ones on cheap models (1 to 60 input tokens, 1 to 30 output, 0 to 400 cache
reads), where a request costs a few micro-dollars or less: rounding each request to a unit and
then summing is what moves a displayed cent, so this is where a ledger's unit shows.

Usage: ledger_cents.py BIN [BIN ...] [--rows N]
Each binary gets its own store in a temp folder; the same lines go to each. Prints, per binary,
its total, the exact total, the difference in dollars, and whether the cents agree. Exits 1 when
the last binary's cents differ from the exact sum's.
"""
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

here = os.path.dirname(os.path.abspath(__file__))
table = json.load(open(os.path.join(here, "..", "src", "pricing", "builtin.json")))

MODELS = [
    ("openai", "gpt-5-nano"),
    ("google", "gemini-2.5-flash-lite"),
    ("anthropic", "claude-3-haiku"),
    ("deepseek", "deepseek-chat"),
    ("mistral", "mistral-small-latest"),
    ("anthropic", "claude-haiku-4-5"),
]


def per_token(model_id):
    """Dollars per token for input, output and cache reads (cache reads default to input)."""
    m = next(m for m in table["models"] if m["id"] == model_id)
    assert not m.get("long_context"), "pick models without a long-context tier"
    inp = Fraction(m["input"]) / 1_000_000
    read = Fraction(m["cache_read"]) / 1_000_000 if m.get("cache_read") else inp
    return inp, Fraction(m["output"]) / 1_000_000, read


def main():
    args = sys.argv[1:]
    rows = 1_000_000
    if "--rows" in args:
        i = args.index("--rows")
        rows = int(args[i + 1])
        del args[i : i + 2]
    bins = [os.path.realpath(b) for b in args]
    if not bins:
        sys.exit(__doc__)
    rates = {m: per_token(m) for _, m in MODELS}
    random.seed(20261201)
    now = int(time.time())
    exact = Fraction(0)
    work = tempfile.mkdtemp(prefix="aimcp-cents-")
    lines = os.path.join(work, "requests.jsonl")
    with open(lines, "w") as f:
        for n in range(rows):
            provider, model = MODELS[n % len(MODELS)]
            i, o, r = random.randint(1, 60), random.randint(1, 30), random.randint(0, 400)
            ri, ro, rr = rates[model]
            exact += i * ri + o * ro + r * rr
            at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now - 3600 - n % 86400))
            f.write(
                json.dumps(
                    {"provider": provider, "model": model, "input": i, "output": o,
                     "cache_read": r, "at": at}
                )
                + "\n"
            )
    exact_cents = Decimal(exact.numerator) / Decimal(exact.denominator)
    cents = lambda d: d.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    print(f"{rows:,} requests; exact total ${exact_cents:.9f} -> ${cents(exact_cents)}")
    ok = True
    for b in bins:
        db = os.path.join(work, f"{len(os.listdir(work))}.db")
        env = dict(os.environ, HOME=work)
        t = time.perf_counter()
        subprocess.run([b, "--db", db, "-q", "tokens", "record", "--jsonl", lines], check=True, env=env)
        took = time.perf_counter() - t
        out = subprocess.run(
            [b, "--db", db, "--json", "tokens", "summary", "--since", "1970-01-01"],
            check=True, capture_output=True, env=env,
        ).stdout
        total = json.loads(out, parse_float=Decimal)["totals"]["cost_usd"]
        total = Decimal(str(total))
        ok = cents(total) == cents(exact_cents)
        print(
            f"{b}: ${total} (${cents(total)}), off by ${total - exact_cents:+.9f}, "
            f"cents {'agree' if ok else 'DIFFER'}; recorded in {took:.1f} s"
        )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
