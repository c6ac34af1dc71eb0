#!/usr/bin/env python3
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
"""Check a trace written by libtsdt's "perfetto" writer (Chrome JSON Trace
Event format) against the format's rules, as Perfetto's JSON importer reads
them, and against what tsdt promises (docs/perfetto.md):

  - one JSON object with a "traceEvents" list; every event has "ph", "pid",
    "tid"; every event but metadata a numeric "ts" >= 0 (microseconds)
  - metadata ("M"): process_name / thread_name with args.name
  - instants ("i"): a name, "s" of t, p or g
  - complete slices ("X"): "dur" >= 0
  - async slices ("b"/"e"): each (cat, name, id) once begun, once ended,
    on one pid, the end not before the begin
  - v2 flows: each "bind_id" on exactly two slices ("X"), one with
    "flow_out" and one with "flow_in", the in not before the out
  - every span whose end is on another thread has exactly one flow, from
    its begin's track (pid, tid, time) to its end's, with its key

Prints "events N", "spans N", "flows N", "cross-process flows N" and, with
--normalize FILE, writes the trace with pids, tids, ids and times replaced
by their order of appearance (a golden file's form). Exit 1 with the first
rule broken.
"""
import json
import sys


def fail(msg):
    print("check-perfetto: " + msg)
    sys.exit(1)


def main():
    args = sys.argv[1:]
    norm = None
    if len(args) >= 3 and args[0] == "--normalize":
        norm = args[1]
        args = args[2:]
    if len(args) != 1:
        print("usage: check-perfetto.py [--normalize OUT] TRACE.json")
        sys.exit(2)
    try:
        with open(args[0]) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        fail("%s: not a JSON document: %s" % (args[0], e))
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        fail("no traceEvents list")
    evs = doc["traceEvents"]
    asyncs = {}
    binds = {}
    for n, e in enumerate(evs):
        where = "event %d (%s)" % (n, json.dumps(e)[:120])
        if not isinstance(e, dict):
            fail(where + ": not an object")
        ph = e.get("ph")
        for k in ("pid", "tid"):
            if not isinstance(e.get(k), int):
                fail(where + ": no integer " + k)
        if ph == "M":
            if e.get("name") not in ("process_name", "thread_name") or \
               not isinstance(e.get("args", {}).get("name"), str):
                fail(where + ": metadata without a process or thread name")
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or ts < 0:
            fail(where + ": no ts >= 0")
        if not isinstance(e.get("name"), str):
            fail(where + ": no name")
        if ph == "i":
            if e.get("s") not in ("t", "p", "g"):
                fail(where + ": instant scope not t, p or g")
        elif ph == "X":
            if not isinstance(e.get("dur"), (int, float)) or e["dur"] < 0:
                fail(where + ": complete slice without dur >= 0")
            if "bind_id" in e:
                binds.setdefault(e["bind_id"], []).append(e)
        elif ph in ("b", "e"):
            key = (e.get("cat"), e["name"], e.get("id"))
            if key[2] is None:
                fail(where + ": async event without id")
            a = asyncs.setdefault(key, {})
            if ph in a:
                fail(where + ": async %s twice for %s" % (ph, key))
            a[ph] = e
        else:
            fail(where + ": unexpected ph %r" % ph)
    for key, a in asyncs.items():
        if "b" not in a or "e" not in a:
            fail("async slice %s not both begun and ended" % (key,))
        if a["b"]["pid"] != a["e"]["pid"]:
            fail("async slice %s begins and ends on two processes" % (key,))
        if a["e"]["ts"] < a["b"]["ts"]:
            fail("async slice %s ends before it begins" % (key,))
    cross = 0
    flows_of = {}
    for bid, sl in binds.items():
        outs = [s for s in sl if s.get("flow_out") is True]
        ins = [s for s in sl if s.get("flow_in") is True]
        if len(sl) != 2 or len(outs) != 1 or len(ins) != 1:
            fail("bind_id %s: %d slices, %d flow_out, %d flow_in (want 2, 1, 1)"
                 % (bid, len(sl), len(outs), len(ins)))
        o, i = outs[0], ins[0]
        if i["ts"] < o["ts"]:
            fail("bind_id %s: the flow goes back in time" % bid)
        if o["pid"] != i["pid"]:
            cross += 1
        k = (o["name"], o.get("args", {}).get("key"), o.get("args", {}).get("begin_ns"))
        flows_of.setdefault(k, []).append((o, i))
    spans = 0
    for key, a in asyncs.items():
        if key[0] != "span":
            continue
        spans += 1
        b = a["b"]
        ar = b.get("args", {})
        if "end_pid" not in ar:
            fail("span %s: no end_pid in its args" % (key,))
        if ar["end_pid"] == b["pid"] and ar.get("end_tid") == b["tid"]:
            continue
        fl = flows_of.get((b["name"], ar.get("key"), ar.get("begin_ns")), [])
        if len(fl) != 1:
            fail("span %s (key %s): %d flows, want exactly 1" % (key, ar.get("key"), len(fl)))
        o, i = fl[0]
        if (o["pid"], o["tid"], o["ts"]) != (b["pid"], b["tid"], b["ts"]):
            fail("span %s: its flow does not start on its begin's track" % (key,))
        if (i["pid"], i["tid"]) != (ar["end_pid"], ar["end_tid"]) or i["ts"] != a["e"]["ts"]:
            fail("span %s: its flow does not end on its end's track" % (key,))
    print("events %d" % len(evs))
    print("spans %d" % spans)
    print("flows %d" % len(binds))
    print("cross-process flows %d" % cross)
    if norm:
        ids = {}

        def rn(kind, v):
            return "%s%d" % (kind, ids.setdefault((kind, v), len([k for k in ids if k[0] == kind])))
        out = []
        for e in evs:
            e = dict(e)
            pid = e["pid"]
            e["pid"] = rn("P", pid)
            e["tid"] = "P" + e["pid"][1:] if e["tid"] == pid else rn("T", e["tid"])
            for k in ("ts", "dur"):
                if k in e:
                    e[k] = "T" if k == "ts" else e[k]
            if "id" in e:
                e["id"] = rn("A", e["id"])
            if "bind_id" in e:
                e["bind_id"] = rn("F", e["bind_id"])
            a = dict(e.get("args", {}))
            for k in list(a):
                if k.endswith("_ns"):
                    a[k] = "N"
                elif k in ("end_pid", "child"):
                    a[k] = rn("P", a[k])
                elif k == "end_tid":
                    a[k] = "TID"
                elif k == "name" and e["ph"] == "M":
                    a[k] = a[k].rsplit(" ", 1)[0] + " #"
                elif k == "path":
                    a[k] = a[k].rsplit("/", 1)[-1]
            if a:
                e["args"] = a
            out.append(json.dumps(e, sort_keys=True))
        with open(norm, "w") as f:
            f.write("\n".join(sorted(out)) + "\n")


main()
