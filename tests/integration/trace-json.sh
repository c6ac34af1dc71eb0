#!/bin/bash
# tsdt trace --json: every line is a JSON object; start, event and summary
# records follow docs/trace-json.md; values of every kind match the
# fixture's --expect; tsdt stat --json intervals count every hit.
. "$(dirname "$0")/../trace/lib.sh"

"$FX" --expect > "$TMP/expect"
"$TSDT" trace --json -c "$FX 2 0 5" 'tt:*' 'tt_sdt:*' > "$TMP/out" 2> "$TMP/err"
check "exit status of the command (5)" [ $? = 5 ]

python3 - "$TMP/out" "$TMP/expect" <<'PY'
import json, re, sys
fails = 0
def check(desc, ok):
    global fails
    print(("ok: " if ok else "FAIL: ") + desc)
    fails += not ok
lines = open(sys.argv[1]).read().splitlines()
recs = []
for i, l in enumerate(lines):
    try:
        recs.append(json.loads(l))
    except ValueError as e:
        check("line %d is JSON: %s (%s)" % (i + 1, l[:80], e), False)
check("%d lines, all JSON objects" % len(lines), all(isinstance(r, dict) for r in recs) and len(recs) == len(lines))
check("first record is start", recs[0]["type"] == "start" and recs[0]["version"] == 1)
check("last record is summary", recs[-1]["type"] == "summary")
ev = [r for r in recs if r["type"] == "event"]
st, sm = recs[0], recs[-1]
check("start lists 5 probes", len(st["probes"]) == 5)
check("start: tt:ints types from the note", any(p["probe"] == "tt:ints" and p["types"] == "note" for p in st["probes"]))
check("start: tt_sdt:untyped untyped", any(p["probe"] == "tt_sdt:untyped" and p["types"] == "none" for p in st["probes"]))
check("start: pid is the command's", all(e["pid"] == st["pid"] for e in ev))
check("8 events", len(ev) == 8)
check("summary: events 8, lost 0", sm["events"] == 8 and sm["lost"] == 0)
check("summary: hits per probe", sm["hits"]["tt:ints"] == 2 and sm["hits"]["tt:seq"] == 0)
check("summary: exit_status 5, reason exited", sm.get("exit_status") == 5 and sm["reason"] == "exited")
check("events in time order", all(a["ts_ns"] <= b["ts_ns"] for a, b in zip(ev, ev[1:])))
check("time is RFC 3339 UTC", all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", e["time"]) for e in ev))

# expected values: NAME=VALUE tokens of --expect (strings in C syntax)
exp = {}
for l in open(sys.argv[2]):
    probe, *toks = re.findall(r'(?:[^ "<]|"(?:[^"\\]|\\.)*"|<[^>]*>)+', l.strip())
    exp[probe] = dict(t.split("=", 1) for t in toks)
def as_text(a):
    v = a.get("value")
    if "error" in a:
        return "<unreadable %s: %d>" % (a["addr"], a["error"])
    if v is None:
        return "NULL"
    if v is True or v is False:
        return "true" if v else "false"
    if a["type"] in ("const char *", "char *"):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'
    if isinstance(v, float):
        return repr(v) if a["type"] == "double" else "%.6g" % v
    return str(v)
for probe in ("tt:ints", "tt:misc", "tt_sdt:untyped"):
    es = [e for e in ev if e["probe"] == probe]
    for rnd, e in enumerate(es):
        got = {(a["name"] or "arg%d" % i): as_text(a) for i, a in enumerate(e["args"])}
        want = dict(exp[probe])
        if "arg3" in want:
            want["arg3"] = str(rnd)
        bad = {k: (want[k], got.get(k)) for k in want if want[k] != got.get(k)}
        check("%s round %d: every argument as expected %s" % (probe, rnd, bad or ""), not bad)
m = [e for e in ev if e["probe"] == "tt:misc"][0]["args"]
check("pointer is a hex string", m[5]["value"] == "0x1234abcd")
check("unreadable string has error -14 and no value", m[7]["error"] == -14 and "value" not in m[7])
check("float is a JSON number", isinstance(m[2]["value"], float) and abs(m[2]["value"] - 0.1) < 1e-7)
check("u64 max exact", [e for e in ev if e["probe"] == "tt:ints"][0]["args"][7]["value"] == 2**64 - 1)
sys.exit(fails > 0)
PY
check "python checks" [ $? = 0 ]

# tsdt stat --json: intervals and totals; -c ends with the command
"$TSDT" stat --json -i 100ms -c "$FX --burst 12345" 'tt:seq' 'tt:noargs' > "$TMP/stat" 2> "$TMP/stat.err"
check "stat -c: exit 0" [ $? = 0 ]
python3 - "$TMP/stat" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
ok = recs and all(r["type"] == "interval" for r in recs)
last = recs[-1]
ok = ok and last["total"]["tt:seq"] == 12345 and last["total"]["tt:noargs"] == 0
ok = ok and sum(r["hits"]["tt:seq"] for r in recs) == 12345
ok = ok and last["final"] is True and not any(r["final"] for r in recs[:-1])
print(("ok" if ok else "FAIL") + ": stat --json: intervals sum to 12345 hits of tt:seq")
sys.exit(not ok)
PY
check "stat json" [ $? = 0 ]
finish
