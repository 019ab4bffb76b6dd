#!/usr/bin/env python3
"""gen.py - deterministic records for the kpi-rollup tests (stdlib only).

    gen.py N SEED RECORDS.jsonl TABLE.sql

writes N records as JSON lines and the same records as SQL for sqlite3
(table r).  The records hold what the KPIs must cope with: missing and
null fields, a group key that is sometimes absent, times that do not
parse, values that are strings, negative response times.
"""
import json
import random
import sys

n, seed, jpath, spath = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
rnd = random.Random(seed)
T0 = 1704067200          # 2024-01-01T00:00:00Z
SPAN = 2 * 366 * 86400
INTENTS = ["quote", "booking", "complaint", "billing", "support", "general"]
CHANNELS = ["email", "web", "phone", "chat"]
STATUS = ["won", "lost", "open", "closed"]


def stamp(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def sql(v):
    if v is None:
        return "NULL"
    if isinstance(v, str):
        return "'" + v.replace("'", "''") + "'"
    return repr(v)


with open(jpath, "w") as jf, open(spath, "w") as sf:
    sf.write("CREATE TABLE r(received_at, responded_at, status, channel, intent, value, value_num, items);\n")
    sf.write("BEGIN;\n")
    for i in range(n):
        rec = {"id": "R%06d" % i}
        t = T0 + rnd.randrange(SPAN)
        rec["received_at"] = stamp(t) if rnd.random() > 0.01 else None
        k = rnd.random()
        if k < 0.80:
            rec["responded_at"] = stamp(t + int(rnd.expovariate(1 / 9000.0)) - (600 if k < 0.02 else 0))
        elif k < 0.88:
            rec["responded_at"] = None
        elif k < 0.95:
            pass                                   # absent
        else:
            rec["responded_at"] = "soon"           # not a time
        rec["status"] = rnd.choices(STATUS, [15, 25, 20, 40])[0]
        rec["channel"] = rnd.choice(CHANNELS)
        if rnd.random() > 0.05:
            rec["intent"] = rnd.choice(INTENTS)
        k = rnd.random()
        if k < 0.85:
            rec["value"] = round(rnd.uniform(-50, 5000), 2)
        elif k < 0.97:
            rec["value"] = None
        else:
            rec["value"] = "n/a"
        rec["items"] = rnd.randrange(21)
        if rec["received_at"] is None:
            del rec["received_at"]
        jf.write(json.dumps(rec, separators=(",", ":")) + "\n")
        v = rec.get("value")
        vnum = v if isinstance(v, float) else None
        sf.write("INSERT INTO r VALUES(%s);\n" % ",".join(sql(x) for x in [
            rec.get("received_at"), rec.get("responded_at"), rec["status"], rec["channel"],
            rec.get("intent"), v, vnum, rec["items"]]))
    sf.write("COMMIT;\n")
