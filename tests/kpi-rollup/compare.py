#!/usr/bin/env python3
"""compare.py - kpi-rollup's rows against sqlite3's for the same KPIs.

    compare.py ROLLUP.jsonl SQLITE.json

Counts, integer sums, rates, min, max, distinct, first and last must be
equal; sums of decimals, means, quantiles and standard deviations within
a relative 1e-9.  Prints each difference, then one summary line.
"""
import json
import sys

EXACT = {"n", "n_value", "items", "value_min", "value_max", "channels", "won", "web_won",
         "first_ch", "last_status"}
CLOSE = {"value_sum", "value_mean", "value_sd", "resp_mean", "resp_p50", "resp_p90", "resp_p25"}

ours = {}
for line in open(sys.argv[1]):
    row = json.loads(line)
    ours[(row["period"], row["intent"])] = row
theirs = {(r["period"], r["intent"]): r for r in json.load(open(sys.argv[2]))}

bad = 0
if set(ours) != set(theirs):
    print("groups differ: only ours %s, only sqlite %s" % (sorted(set(ours) - set(theirs), key=str)[:5],
                                                          sorted(set(theirs) - set(ours), key=str)[:5]))
    bad += 1
checked = 0
for key in sorted(set(ours) & set(theirs), key=str):
    a, b = ours[key], theirs[key]
    for name in sorted(EXACT | CLOSE):
        x, y = a[name], b[name]
        checked += 1
        if x is None or y is None or isinstance(x, str):
            ok = x == y
        elif name in EXACT:
            ok = x == y
        else:
            ok = abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300)
        if not ok:
            bad += 1
            if bad <= 20:
                print("%s %s: kpi-rollup %r, sqlite3 %r" % (key, name, x, y))
print("%d groups, %d values compared, %d differ" % (len(ours), checked, bad))
sys.exit(1 if bad else 0)
