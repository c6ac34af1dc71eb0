#!/bin/bash
# Spans (docs/spans.md): a client and a server process (tests/span/reqsrv.c)
# exchange requests, each with an id; tsdt span matches the client's
# req:send(id) to the server's req:done(worker, id) in the kernel, by the
# id (its first argument in one probe, its second in the other). Checked
# against the processes' own CLOCK_MONOTONIC readings, never against a
# number written here: every request one span, none unmatched, each
# latency within 50 us of what the two processes measured; a server killed
# halfway leaves exactly its in-flight requests unmatched; a pre-fork
# server's histograms per role count exactly; 100,000+ spans a second
# between two processes are all counted.
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
RS=$OUT/tests/span/reqsrv
[ -x "$RS" ] || die "$RS not built (make)"
N=10000

# jq-free JSON reading: field PATH of the last "spans" line of FILE
final() {
	$PYTHON -c 'import json,sys
d=[json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")][-1]
s=d["spans"][0]
exec("print(" + sys.argv[2] + ")")' "$@"
}

# 1. 10,000 requests, 8 in flight at most
mkdir -p "$TMP/p"
"$TSDT" span --json -c "$RS pair $N 8 $TMP/p" -b req:send -e req:done -k id \
	--perfetto "$TMP/p/trace.json" > "$TMP/p.json" 2> "$TMP/p.err" ||
	fail "tsdt span exited $?: $(tail -3 "$TMP/p.err")"
check "every request is one span: $N begun, $N ended ($(final "$TMP/p.json" 's["begins"], s["ends"]'))" \
	[ "$(final "$TMP/p.json" 's["begins"], s["ends"]')" = "$N $N" ]
check "none unmatched: open, ends without a begin, replaced, not kept all 0" \
	[ "$(final "$TMP/p.json" 's["open"], s["orphan_ends"], s["replaced"], s["full"], s["timed_out"]')" = "0 0 0 0 0" ]
check "the histogram counts them all: $N (in the kernel)" \
	[ "$(final "$TMP/p.json" 'sum(g["total"] for g in s["groups"])')" = "$N" ]
# each span's latency (its record in the trace file) against the client's
# and the server's own clocks, id by id
# each process read its clock just before and just after its probe: the
# time from one probe to the other is within [server before - client
# after, server after - client before]; how far outside that each span's
# latency is, is the disagreement
cmp_out=$($PYTHON - "$TMP/p" <<'EOF'
import json, sys
d = sys.argv[1]
def times(f):
    return {int(a[0]): (int(a[1]), int(a[2])) for a in (l.split() for l in open(f))}
c = times(d + "/client.txt")
s = times(d + "/server.txt")
spans = {}
for e in json.load(open(d + "/trace.json"))["traceEvents"]:
    if e.get("ph") == "b" and e.get("cat") == "span":
        a = e["args"]
        spans.setdefault(a["key"], []).append(a["end_ns"] - a["begin_ns"])
worst = 0
bad = [k for k in c if len(spans.get(k, [])) != 1]
for k in c:
    if len(spans.get(k, [])) == 1 and k in s:
        lo, hi = s[k][0] - c[k][1], s[k][1] - c[k][0]
        v = spans[k][0]
        worst = max(worst, lo - v if v < lo else v - hi if v > hi else 0)
print(len(c), len(s), len(spans), len(bad), worst)
EOF
)
read -r nc ns nsp nbad worst <<< "$cmp_out"
check "the trace has one span per request id ($nsp spans for $nc ids, $nbad without exactly one)" \
	[ "$nc" = "$N" -a "$ns" = "$N" -a "$nsp" = "$N" -a "$nbad" = 0 ]
check "each span's latency agrees with the processes' own clocks within 50 us (worst $((worst / 1000)) us)" \
	[ -n "$worst" -a "$worst" -le 50000 ]
check "the text output too: final table with the counts" \
	sh -c "'$TSDT' span -c '$RS pair 200 4 $TMP/p' -b req:send -e req:done -k id 2>&1 | grep -q '^span req:send..req:done: 200 begun, 200 ended, 0 open'"

# 2. the server kills itself after its 5,000th request: the requests the
# client had sent by then are in flight, exactly those are unmatched
K=$((N / 2))
mkdir -p "$TMP/k"
"$TSDT" span --json -c "$RS pair $N 8 $TMP/k $K" -b req:send -e req:done -k id \
	> "$TMP/k.json" 2> "$TMP/k.err"
begun=$(awk '/^begun/ { print $2 }' "$TMP/k/client.done")
check "server killed halfway: $K spans ended, $((begun - K)) in flight left open (client fired $begun): $(final "$TMP/k.json" 's["ends"], s["open"]')" \
	[ -n "$begun" -a "$begun" -gt "$K" -a "$(final "$TMP/k.json" 's["ends"], s["open"]')" = "$K $((begun - K))" ]
check "the open spans' keys are those of the requests in flight" \
	[ "$(final "$TMP/k.json" 'all(1000 + '$K' <= k < 1000 + '"$begun"' for k in s["open_keys"]) and len(s["open_keys"]) == min(8, '"$((begun - K))"')')" = True ]
# with a timeout they are reported as timed out instead, with their keys
"$TSDT" span --json --timeout 1ms -c "$RS pair $N 8 $TMP/k $K" -b req:send -e req:done -k id \
	> "$TMP/kt.json" 2> "$TMP/kt.err"
begun=$(awk '/^begun/ { print $2 }' "$TMP/k/client.done")
check "--timeout: the $((begun - K)) in flight reported as timed out, none open ($(final "$TMP/kt.json" 's["timed_out"], s["open"]'))" \
	[ "$(final "$TMP/kt.json" 's["timed_out"], s["open"]')" = "$((begun - K)) 0" ]
check "--timeout: with some of their keys" \
	[ "$(final "$TMP/kt.json" 'len(s["timed_out_keys"]) > 0 and all(1000 + '$K' <= k < 1000 + '"$begun"' for k in s["timed_out_keys"])')" = True ]

# 3. a pre-fork server with roles: 2 readers and 2 writers of 100 each,
# the supervisor 3; each process says what it did
mkdir -p "$TMP/f"
"$TSDT" span --json --by role -c "$RS prefork 4 100 $TMP/f" -b req:start -e req:finish -k id \
	> "$TMP/f.json" 2> "$TMP/f.err"
want=$(cat "$TMP"/f/prefork.* | awk '{ n[$1] += $2 } END { for (r in n) print r, n[r] }' | sort)
got=$(final "$TMP/f.json" '"\n".join(sorted("%s %d" % (g["group"], g["total"]) for g in s["groups"]))')
check "histograms per role count exactly what each process did ($(echo $got))" \
	[ -n "$want" -a "$got" = "$want" ]

# a stage: req:slept(id) after the sleep, in do_piece(): every span passes
# it, and the sleep is most of the span
"$TSDT" span --json -c "$RS prefork 4 100 $TMP/f" -b req:start -s req:slept -e req:finish -k id \
	> "$TMP/st.json" 2> "$TMP/st.err"
check "a stage: passed by all 403 spans, begin to it most of the time ($(final "$TMP/st.json" 's["groups"][0]["stages"][0]["count"], round(s["groups"][0]["stages"][0]["share"], 3)'))" \
	[ "$(final "$TMP/st.json" 's["groups"][0]["stages"][0]["count"] == s["groups"][0]["total"] == 403 and s["groups"][0]["stages"][0]["share"] > 0.5')" = True ]
check "the text table says each stage's share" \
	sh -c "'$TSDT' span -c '$RS prefork 1 5 $TMP/f' -b req:start -s req:slept -e req:finish -k id 2>&1 | grep -q 'stages: req:slept [0-9.]*% (mean [0-9.]*[mu]*s), to the end [0-9.]*%'"

# 4. 500,000 spans from one process to another as fast as they go
mkdir -p "$TMP/r"
"$TSDT" span --json -c "$RS rate 500000 $TMP/r" -b req:send -e req:done -k id \
	> "$TMP/r.json" 2> "$TMP/r.err"
rate=$(awk '{ print $4 }' "$TMP/r/rate.txt")
check "at $rate spans/s across two processes (>= 100000), the histogram's count is exact: $(final "$TMP/r.json" 'sum(g["total"] for g in s["groups"])')" \
	[ "${rate:-0}" -ge 100000 -a "$(final "$TMP/r.json" 'sum(g["total"] for g in s["groups"]), s["open"], s["orphan_ends"], s["full"]')" = "500000 0 0 0" ]

# 5. function entry/return and syscall entry/exit are spans too: each
# piece of work is one call of do_piece(), one 50 us sleep in it
"$TSDT" span --json --by role -c "$RS prefork 4 100 $TMP/f" \
	-b "$RS:fn:do_piece" -e "$RS:fn-return:do_piece" > "$TMP/fn.json" 2> "$TMP/fn.err"
got=$(final "$TMP/fn.json" '"\n".join(sorted("%s %d" % (g["group"], g["total"]) for g in s["groups"]))')
check "fn:do_piece..fn-return:do_piece (key tid): per role exactly the calls made ($(echo $got))" \
	[ "$got" = "$want" ]
check "each call took at least its 50 us sleep (min $(final "$TMP/fn.json" 'min(g["min_ns"] for g in s["groups"])') ns)" \
	[ "$(final "$TMP/fn.json" 'min(g["min_ns"] for g in s["groups"]) >= 50000')" = True ]
"$TSDT" span --json --by role -S clock_nanosleep -c "$RS prefork 4 100 $TMP/f" > "$TMP/sc.json" 2> "$TMP/sc.err"
got=$(final "$TMP/sc.json" '"\n".join(sorted("%s %d" % (g["group"], g["total"]) for g in s["groups"]))')
check "--syscalls clock_nanosleep --by role: exactly one per piece of work ($(echo $got))" \
	[ "$got" = "$want" ]
mkdir -p "$TMP/f2"
"$TSDT" span --json -S clock_nanosleep,getpid -c "$RS prefork 4 100 $TMP/f2" > "$TMP/sc2.json" 2> "$TMP/sc2.err"
# each process calls getpid() once per piece (req:finish's argument) and
# once for its file's name
sleeps=$(cat "$TMP"/f2/prefork.* | awk '{ n += $2 } END { print n }')
getpids=$(cat "$TMP"/f2/prefork.* | awk '{ n += $2 + 1 } END { print n }')
check "--syscalls by syscall: clock_nanosleep and getpid, by name ($(final "$TMP/sc2.json" 'sorted((g["group"], g["total"]) for g in s["groups"])'))" \
	[ "$(final "$TMP/sc2.json" 'sorted((g["group"], g["total"]) for g in s["groups"])')" = "[('clock_nanosleep', $sleeps), ('getpid', $getpids)]" ]
"$TSDT" span -S no_such_call -c "$RS prefork 1 1 $TMP/f" > "$TMP/sc3.out" 2>&1
check "--syscalls with an unknown name: named" grep -q "no system call 'no_such_call'" "$TMP/sc3.out"

# 6. errors name what is wrong
"$TSDT" span -c "$RS pair 1 1 $TMP/p" -b req:send -e req:done -k nosuch > "$TMP/e.out" 2>&1
check "a key no probe has: named, per probe, and an error (exit $?)" \
	grep -q "req:send has no argument 'nosuch' (its key)" "$TMP/e.out"
o=$("$TSDT" span -c "$RS pair 1 1 $TMP/p" -b req:send 2>&1)
check "no --end: a usage error" sh -c "echo '$o' | grep -q -- '--begin and --end are required'"
finish
