#!/bin/bash
# Lost events are counted and reported, never hidden: with a one-page ring
# buffer and a burst of hits, tsdt trace reports losses on stderr and in
# JSON, and events + lost = hits. With room for every event, none is lost.
. "$(dirname "$0")/../trace/lib.sh"

N=200000
"$TSDT" trace -b 4096 -o /dev/null -c "$FX --burst $N" 'tt:seq' 2> "$TMP/err"
check "small buffer: exit 0" [ $? = 0 ]
read -r ev lost < <(sed -nE 's/^tsdt trace: ([0-9]+) events, ([0-9]+) lost.*/\1 \2/p' "$TMP/err")
check "small buffer: summary line" [ -n "${ev:-}" ]
check "small buffer: events lost ($lost of $N)" [ "${lost:-0}" -gt 0 ]
check "small buffer: events + lost = $N hits (${ev:-?} + ${lost:-?})" [ $((ev + lost)) = $N ]
check "small buffer: warning on stderr" grep -q "WARNING: .* events lost" "$TMP/err"

M=30000
"$TSDT" trace --json -b 4096 -o "$TMP/j" -c "$FX --burst $M" 'tt:seq' 2> /dev/null
python3 - "$TMP/j" $M <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
n = int(sys.argv[2])
s = recs[-1]
ev = sum(r["type"] == "event" for r in recs)
lost_recs = sum(r["lost"] for r in recs if r["type"] == "lost")
ok = (s["type"] == "summary" and s["lost"] > 0 and s["events"] == ev
      and ev + s["lost"] == n == s["hits"]["tt:seq"] and lost_recs == s["lost"])
print(("ok" if ok else "FAIL") + ": json: summary lost=%d events=%d hits=%d, lost records sum %d"
      % (s.get("lost", -1), ev, s["hits"].get("tt:seq", -1), lost_recs))
# every delivered event carries its own sequence number once
seqs = [r["args"][0]["value"] for r in recs if r["type"] == "event"]
ok2 = len(set(seqs)) == len(seqs) and all(0 <= v < n for v in seqs)
print(("ok" if ok2 else "FAIL") + ": json: delivered events distinct and in range")
sys.exit(not (ok and ok2))
PY
check "json lost accounting" [ $? = 0 ]

# room for every event (64 MiB): none lost, every sequence number once
K=100000
"$TSDT" trace -q -b 64M -o "$TMP/all" -c "$FX --burst $K" 'tt:seq' 2> "$TMP/err2"
check "big buffer: exit 0" [ $? = 0 ]
check "big buffer: no loss reported" sh -c "! grep -q lost '$TMP/err2'"
check "big buffer: $K events, each sequence number once" \
	[ "$(sed -nE 's/.* tt:seq i=([0-9]+)$/\1/p' "$TMP/all" | sort -un | wc -l)" = $K ]
finish
