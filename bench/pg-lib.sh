# Shared by the PostgreSQL benchmarks, bench/pg-top.sh, bench/pg-top-mem.sh and
# bench/pg-top-perhit.sh (sourced after bench/lib.sh, from the top of the
# source tree; SCALE set).
PG=/usr/lib/postgresql/15/bin
TOP=${PG_TOP:-$OUT/examples/pg/pg-top}  # PG_TOP: another pg-top (an A/B of two builds)
TP=

pgb() { (cd / && runuser -u postgres -- "$PG/pgbench" -h "$PGHOST" -p "$PGPORT" "$@"); }

# pg_bench_start DIR: a throwaway cluster in DIR (shared_buffers 128MB),
# its PG* variables set, pgbench's tables at scale $SCALE; and in DIR the
# bpftrace scripts: bt (what pg-top keeps of transactions and queries:
# counts, two latency histograms, query texts) and floor (the same probes'
# hits only counted: the trap and the uprobe dispatch every tool pays)
pg_bench_start() {
	local d=$1
	[ -x "$TOP" ] || { echo "bench: $TOP not built (make)" >&2; return 1; }
	bench_tracefs
	PG_SHARED_BUFFERS=128MB scripts/pg-server.sh start "$d" > "$d/env" || return 1
	eval "$(cat "$d/env")"
	pgb -i -q -s "$SCALE" postgres > /dev/null 2>&1
	cat > "$d/bt" <<BT
usdt:$PG/postgres:postgresql:transaction__start { @start[pid] = nsecs; @xstart = count(); }
usdt:$PG/postgres:postgresql:transaction__commit /@start[pid]/ { @xact = hist(nsecs - @start[pid]); delete(@start[pid]); @commit = count(); }
usdt:$PG/postgres:postgresql:transaction__abort { @abort = count(); }
usdt:$PG/postgres:postgresql:query__start { @q[pid] = nsecs; @text[str(arg0, 64)] = count(); }
usdt:$PG/postgres:postgresql:query__done /@q[pid]/ { @query = hist(nsecs - @q[pid]); delete(@q[pid]); }
BT
	cat > "$d/floor" <<BT
usdt:$PG/postgres:postgresql:transaction__start,
usdt:$PG/postgres:postgresql:transaction__commit,
usdt:$PG/postgres:postgresql:query__start,
usdt:$PG/postgres:postgresql:query__done { @hits = count(); }
BT
}

# pg_tracer_start MODE DIR: MODE's tracer in the background (its pid in
# TP), back when it has attached. none: nothing; pg-top; pg-top-notext
# (pg-top --no-texts); bpftrace (DIR/bt);
# floor (DIR/floor); stat (tsdt stat -p, counting the same four probes).
pg_tracer_start() {
	local mode=$1 d=$2 i
	case $mode in
	pg-top|pg-top-notext) "$TOP" -p "$PG_PID" -i 1000 $([ "$mode" = pg-top-notext ] && echo --no-texts) \
			> "$d/top.out" 2> "$d/top.err" & TP=$!
		for i in $(seq 100); do grep -q 'handlers attached' "$d/top.err" 2> /dev/null && break; sleep 0.1; done ;;
	stat) "$OUT/tsdt" stat -p "$PG_PID" -i 1000 postgresql:transaction__start \
		postgresql:transaction__commit postgresql:query__start postgresql:query__done \
		> "$d/stat.out" 2> "$d/stat.err" & TP=$!
		for i in $(seq 100); do grep -q '^Counting' "$d/stat.err" 2> /dev/null && break; sleep 0.1; done ;;
	bpftrace|floor) bpftrace "$d/$([ "$mode" = floor ] && echo floor || echo bt)" > "$d/bt.out" 2>&1 & TP=$!
		for i in $(seq 150); do grep -q '^Attaching' "$d/bt.out" && break; sleep 0.1; done
		sleep 1 ;;
	esac
}

# pg_tracer_stop: the tracer started last, ended (SIGINT) and waited for
pg_tracer_stop() {
	if [ -n "$TP" ]; then kill -INT "$TP"; wait "$TP" 2>/dev/null; TP=; fi
}

# bpf_ids prog|map: the ids of the BPF programs or maps loaded now (to tell
# a tracer's own from those loaded before it)
bpf_ids() { bpftool "$1" show -j 2> /dev/null | python3 -c '
import json, sys
print(" ".join(str(x["id"]) for x in json.load(sys.stdin)))'; }
