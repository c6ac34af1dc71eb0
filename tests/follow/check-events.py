#!/usr/bin/env python3
# Checks tsdt trace --json --proc-events output of tests/follow/family:
# every probe event is attributed to the process whose own getpid() and
# getppid() it carries (fields pid/ppid vs arguments pid/ppid); prints the
# count of events per probe name and of process events per type, one
# "NAME COUNT" per line, sorted, for the shell test to compare.
#   check-events.py FILE
import collections
import json
import sys

counts = collections.Counter()
bad = 0
for n, line in enumerate(open(sys.argv[1]), 1):
    rec = json.loads(line)
    t = rec.get("type")
    if t == "event":
        counts[rec["probe"]] += 1
        args = {a["name"]: a.get("value") for a in rec["args"]}
        if "pid" in args and args["pid"] != rec["pid"]:
            print(f"line {n}: pid {rec['pid']} but the process says {args['pid']}",
                  file=sys.stderr)
            bad += 1
        if "ppid" in args and args["ppid"] != rec.get("ppid"):
            print(f"line {n}: ppid {rec.get('ppid')} but the process says {args['ppid']}",
                  file=sys.stderr)
            bad += 1
    elif t in ("fork", "exec", "exit", "load"):
        counts["proc:" + t] += 1
        if t == "exec" and rec.get("held"):
            counts["held:exec"] += 1
        if t == "load" and rec.get("held"):
            counts["held:load"] += 1
    elif t == "summary":
        counts["summary:lost"] = rec["lost"]
        counts["summary:records_lost"] = rec.get("processes", {}).get("records_lost", 0)
counts["misattributed"] = bad
for k in sorted(counts):
    print(k, counts[k])
