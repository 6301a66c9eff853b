#!/usr/bin/env python3
"""Writes assets/o200k_base.bin from OpenAI's o200k_base.tiktoken (base64 token, space, rank).

The binary form is every token's bytes in rank order, each preceded by its length in one byte
(ranks are 0..N with no gaps; the longest token is 128 bytes). src/config/o200k.rs reads it.
Usage: python3 scripts/o200k_asset.py PATH/TO/o200k_base.tiktoken
(tiktoken-rs ships the file under assets/; a unit test checks every rank against tiktoken-rs.)
"""
import base64
import sys

out = bytearray()
for expected, line in enumerate(open(sys.argv[1], encoding="ascii")):
    token, rank = line.split()
    assert int(rank) == expected, f"rank {rank} out of order"
    raw = base64.b64decode(token)
    assert 0 < len(raw) < 256
    out.append(len(raw))
    out += raw
open("assets/o200k_base.bin", "wb").write(out)
print(f"{expected + 1} tokens, {len(out)} bytes")
