#!/bin/bash
# Detach is complete however the tracer ends (normal exit, SIGINT, SIGTERM,
# SIGKILL), in both attach modes, for typed handlers and for the generic
# tracer: in the still-running target the semaphores are back to 0 (read
# through /proc/PID/mem), the probe site holds its nops again (no int3, no
# call of an optimized uprobe left),
# and no BPF link or program of ours remains (bpftool), nor a uprobe event
# (tracefs).
. "$(dirname "$0")/attach-lib.sh"

start_target
P=$TARGET_PID
SEM_INTS=$(field sem_ints)
SEM_MISC=$(field sem_misc)
SEM_SDT=$(field sem_sdt_ints)

# runtime address of the attach_test:ints site: load base + note location
loc=$(readelf -n "$A/target" | grep -A2 'Provider: attach_test' |
	grep -A1 'Name: ints$' | sed -n 's/.*Location: \(0x[0-9a-f]*\),.*/\1/p')
base=0x$(grep -m1 "$(realpath "$A/target")" "/proc/$P/maps" | cut -d- -f1)
SITE=$((base + loc))
# the site's 19 bytes (<sys/tsdt.h>, x86-64): a nop, then a five-byte nop
# between `lea -0x80(%rsp),%rsp` and `lea 0x80(%rsp),%rsp`
NOPS=90488d6424800f1f440000488da42480000000
site_bytes() {
	dd if="/proc/$P/mem" bs=1 count=19 iflag=skip_bytes skip=$SITE \
		status=none | od -An -tx1 | tr -d ' \n'
}
[ "$(site_bytes)" = $NOPS ] || bad "site of attach_test:ints is not tsdt's x86-64 site before attaching ($(site_bytes))"
# attached_bytes MODE DESC: the site is patched where MODE attaches, and
# nowhere else: the five-byte nop (by default: an int3, or after the first
# hit the call of an optimized uprobe, e8), or the one-byte nop (-1: an int3)
attached_bytes() {
	local b=$(site_bytes)
	case $1 in
	-1) [[ $b = cc${NOPS:2} ]] ;;
	*) [[ ${b:0:12} = ${NOPS:0:12} && ${b:22} = ${NOPS:22} &&
	      (${b:12:2} = cc || ${b:12:2} = e8) ]] ;;
	esac && ok "$2: site patched ($b)" || bad "$2: site not patched as expected ($b)"
}

if ! mount | grep -q ' /sys/kernel/tracing '; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
fi

# ids of our programs (by name), one per line
prog_ids() {
	bpftool prog list 2>/dev/null |
		sed -nE 's/^([0-9]+): .* name (h_ints|trace_hit|trace_hit_s) .*/\1/p' | sort
}
# OURS: the ids that appeared since BEFORE (other tests of the tree may use
# trace_hit at the same time; `make check` runs tests one by one)
our_ids() { comm -13 <(echo "$BEFORE") <(prog_ids) | tr '\n' ' '; }

# wait_clean DESC SEM_ADDR...: everything of ours gone within 10 s
wait_clean() {
	local desc=$1 i a s left id; shift
	for i in $(seq 200); do
		left=
		for a in "$@"; do
			s=$(sem "$a" "$P")
			[ "$s" = 0 ] || left+=" semaphore@$a=$s"
		done
		[ "$(site_bytes)" = $NOPS ] || left+=" site-patched($(site_bytes))"
		for id in $OURS; do
			bpftool prog list 2>/dev/null | grep -q "^$id: " &&
				left+=" bpf-prog-$id"
			bpftool link list 2>/dev/null | grep -qE " prog $id( |\$)" &&
				left+=" bpf-link-of-prog-$id"
		done
		grep -qsF "$(realpath "$A/target")" /sys/kernel/tracing/uprobe_events &&
			left+=" uprobe_events"
		grep -qsF "$(realpath "$A/target")" /sys/kernel/tracing/uprobe_profile &&
			left+=" uprobe_profile"
		[ -z "$left" ] && { ok "$desc: clean"; return; }
		sleep 0.05
	done
	bad "$desc: left behind:$left"
}

# wait_attached FILE: the holder printed "attached"/"started"
wait_attached() {
	local i
	for i in $(seq 1000); do
		grep -qE '^(attached|started)' "$1" && return 0
		sleep 0.01
	done
	return 1
}

for mode in "" "-s" "-1"; do
	m=${mode:-multi}
	# normal exit (the ids are those that appear while it runs)
	BEFORE=$(prog_ids)
	f=$TMP/exit.$m
	"$A/loader" $mode -w 5000 -d 500 h_ints "$A/target" attach_test:ints >"$f" 2>&1 &
	h=$!
	wait_attached "$f" || bad "handler [$m] did not attach"
	OURS=$(our_ids)
	{ wait "$h"; } 2>/dev/null
	expect_has "handler [$m] ran" "$(cat "$f")" "hits=yes"
	[ -n "$OURS" ] || bad "handler [$m]: its program was not seen"
	wait_clean "handler [$m] normal exit" "$SEM_INTS"

	for sig in INT TERM KILL; do
		f=$TMP/hold.$m.$sig
		BEFORE=$(prog_ids)
		"$A/loader" $mode -H h_ints "$A/target" attach_test:ints >"$f" 2>&1 &
		h=$!
		PIDS+=("$h")
		if ! wait_attached "$f"; then bad "handler [$m] did not attach"; cat "$f"; continue; fi
		OURS=$(our_ids)
		s=$(sem "$SEM_INTS" "$P")
		[ "$s" = 1 ] && ok "handler [$m] attached: semaphore 1" ||
			bad "handler [$m] attached but semaphore is $s"
		attached_bytes "$mode" "handler [$m] SIG$sig"
		kill -$sig "$h"
		{ wait "$h"; } 2>/dev/null
		if [ $sig != KILL ]; then
			grep -q '^detached' "$f" || bad "handler [$m] SIG$sig: no clean detach"
		fi
		wait_clean "handler [$m] SIG$sig" "$SEM_INTS"
	done

	# the generic tracer, three probes (two binaries' worth of sites)
	for sig in INT KILL; do
		f=$TMP/tracer.$m.$sig
		BEFORE=$(prog_ids)
		"$A/tracer" $mode -C -t 60000 "$A/target" attach_test:ints \
			attach_test:misc sdt_test:ints >"$f" 2>&1 &
		h=$!
		PIDS+=("$h")
		if ! wait_attached "$f"; then bad "tracer [$m] did not start"; cat "$f"; continue; fi
		OURS=$(our_ids)
		[ -n "$OURS" ] || bad "tracer [$m]: its program was not seen"
		s="$(sem "$SEM_INTS" "$P") $(sem "$SEM_MISC" "$P") $(sem "$SEM_SDT" "$P")"
		[ "$s" = "1 1 1" ] && ok "tracer [$m] started: semaphores $s" ||
			bad "tracer [$m] started but semaphores are $s"
		kill -$sig "$h"
		{ wait "$h"; } 2>/dev/null
		if [ $sig != KILL ]; then
			grep -q '^lost 0' "$f" || bad "tracer [$m] SIG$sig: no clean exit"
		fi
		wait_clean "tracer [$m] SIG$sig" "$SEM_INTS" "$SEM_MISC" "$SEM_SDT"
	done
done
finish
