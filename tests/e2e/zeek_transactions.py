#!/usr/bin/python3
"""Count the transactions of a Zeek dns.log independently of sharesim, with the same duplicate
rule as traces/zeek.c: a row repeats an earlier one when (uid, trans_id, query, qtype) was seen
less than 1 ms before. usage: zeek_transactions.py LOG[.gz] [--clients] [--resolver ADDR]"""
import gzip
import sys

path = sys.argv[1]
opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
fields = None
last_seen = {}
transactions = 0
clients = set()
with opener(path, "rt") as f:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
            continue
        if line.startswith("#") or not line:
            continue
        row = dict(zip(fields, line.split("\t")))
        if row["query"] == "-" or row["qtype"] == "-":
            continue
        ts = float(row["ts"])
        key = (row["uid"], row["trans_id"], row["query"].lower(), row["qtype"])
        prev = last_seen.get(key)
        last_seen[key] = ts
        if prev is not None and ts - prev < 0.001:
            continue
        if "--resolver" in sys.argv and row["id.resp_h"] != sys.argv[sys.argv.index("--resolver") + 1]:
            continue
        transactions += 1
        clients.add(row["id.orig_h"])
print(len(clients) if "--clients" in sys.argv else transactions)
