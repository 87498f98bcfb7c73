#!/usr/bin/python3
"""Count the answer changes of a Zeek dns.log independently of sharesim: per (query, qtype, qclass),
the answers (a set; a negative answer by its rcode) that differ from the one before, in time
order, after dropping repeats of the previous answer in file order and the 1 ms duplicate rows
of traces/zeek.c. Prints: changes, name/types that change. usage: zeek_changes.py LOG.gz"""
import gzip
import sys

path = sys.argv[1]
fields = None
last_seen = {}
obs = {}
with gzip.open(path, "rt") as f:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]; continue
        if line.startswith("#") or not line: continue
        row = dict(zip(fields, line.split("\t")))
        if row["query"] == "-" or row["qtype"] == "-": continue
        ts = float(row["ts"])
        key = (row["uid"], row["trans_id"], row["query"].lower(), row["qtype"])
        prev = last_seen.get(key); last_seen[key] = ts
        if prev is not None and ts - prev < 0.001: continue
        if row["rcode"] == "-": continue
        rcode = int(row["rcode"])
        ans = row["answers"]
        if rcode != 0 or ans in ("-", "(empty)"):
            h = ("neg", rcode)
        else:
            h = tuple(sorted(ans.split(",")))
        obs.setdefault((row["query"].lower(), row["qtype"], row["qclass"]), []).append((ts, h))
changes = 0; changing = 0
for k, v in obs.items():
    # input order: keep observations differing from the previous one in input order, then sort
    kept = []; last = None
    for ts, h in v:
        if h != last: kept.append((ts, h)); last = h
    kept.sort(key=lambda x: x[0])
    c = sum(1 for i in range(1, len(kept)) if kept[i][1] != kept[i-1][1])
    changes += c; changing += c > 0
print(changes, changing)
