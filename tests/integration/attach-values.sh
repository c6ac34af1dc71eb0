#!/bin/bash
# Typed BPF handlers (TSDT_HANDLER) receive the exact value of every
# argument kind: ints of each width signed and unsigned (negative values
# included), bool, enum, pointer, float, double, string, rip-relative
# globals; from <sys/tsdt.h> probes and from plain <sys/sdt.h> probes;
# through uprobe_multi and per-site uprobes, at the five-byte nop of our
# sites (optimized uprobes) and at the one-byte nop; for one process and
# for all.
. "$(dirname "$0")/attach-lib.sh"

start_target
P=$TARGET_PID
FOO=$(field foo)

INTS="v0=-5 v1=250 v2=-30000 v3=60000 v4=-2000000000 v5=4000000000 v6=-9000000000000000000 v7=$((18000000000000000000))"
run() { # mode-args handler probe expected...
	local args=$1 h=$2 probe=$3 out; shift 3
	out=$("$A/loader" $args "$h" "$A/target" "$probe" 2>&1)
	expect_has "$h on $probe [${args:-multi, all}]" "$out" "hits=yes pid=$P " "$@"
}

# -1: at the one-byte nop (the int3 path) although the site has a five-byte
# nop, which the other modes use (the optimized-uprobe path)
for mode in "" "-s" "-1"; do
	[ "$mode" = -s ] && m=0 || m=1
	[ "$mode" = -1 ] && n5=0 || n5=1
	for pid in "" "-p $P"; do
		args="$mode $pid"
		run "$args" h_ints attach_test:ints "attached multi=$m sites=1 nop5=$n5" "$INTS"
		run "$args" h_misc attach_test:misc "v0=1 v1=3 " "hex2=$FOO " \
			"hex3=0x3fc00000 " "hex4=0xc002000000000000 " \
			"str_ret=12 str='hello, tsdt'"
		run "$args" h_global attach_test:global "v0=1234567 "
		run "$args" h_sdt_ints sdt_test:ints "nop5=0" "$INTS"
		run "$args" h_sdt_misc sdt_test:misc "v0=1 v1=$((FOO)) " \
			"str_ret=12 str='hello, tsdt'"
		run "$args" h_sdt_global sdt_test:global "v0=1234567 "
		run "$args" h_fewer attach_test:ints "v0=-5 v1=0 "
		run "$args" h_widen sdt_test:ints "v0=-5 v1=250 "
		run "$args" h_none attach_test:misc "hits=yes"
		# <sys/sdt.h> double, 'f' marker, in a general register
		run "$args" h_sdt_dbl sdt_test:dbl "v0=$((0xc01b000000000000)) v1=7 "
	done
done

# the generic tracer reads the same values, formatted by type
for mode in "" "-s"; do
	out=$("$A/tracer" $mode -n 6 "$A/target" attach_test:ints attach_test:misc sdt_test:ints 2>&1)
	expect_has "tracer [${mode:-multi}]" "$out" \
		"attach_test:ints pid=$P tid=$P comm=target a0=-5 a1=250 a2=-30000 a3=60000 a4=-2000000000 a5=4000000000 a6=-9000000000000000000 a7=18000000000000000000" \
		"attach_test:misc pid=$P tid=$P comm=target a0=1 a1=3 a2=$FOO a3=1.5 a4=-2.25 a5=\"hello, tsdt\"" \
		"sdt_test:ints pid=$P tid=$P comm=target a0=-5 a1=250 a2=-30000 a3=60000 a4=-2000000000 a5=4000000000 a6=-9000000000000000000 a7=18000000000000000000" \
		"lost 0"
	# a double in %xmm0 cannot be read from BPF: marked, not invented
	out=$("$A/tracer" $mode -n 4 "$A/target" sdt_test:dbl sdt_test:xmm 2>&1)
	expect_has "tracer, doubles [${mode:-multi}]" "$out" \
		"sdt_test:dbl pid=$P tid=$P comm=target a0=-6.75 a1=7" \
		"sdt_test:xmm pid=$P tid=$P comm=target a0=<unreadable -14>" \
		"arg 0 ('8f@%xmm0'): floating-point registers cannot be read from BPF; its events will mark it unreadable"
done

# globals a typed handler reads (tsdt_attach_opts.globals, tsdt_global()):
# an int32_t and a uint32_t from the symbol tables, typed by the debug
# information, a string; a fourth that is not there (-ENOENT, -2)
set -f # 'char*' is a type here, not a glob
for mode in "" "-s" "-1"; do
	run "$mode -g ve -g vf -g vstr:char*" h_globals attach_test:global \
		"v0=-2000000000 v1=4000000000 " "v4=1234567 v5=0 v6=0 v7=0 v8=-2 " "str_ret=12 str='hello, tsdt'"
done
refuse() { # what args handler probe message
	local w=$1 args=$2 h=$3 probe=$4 msg=$5 out
	out=$("$A/loader" $args "$h" "$A/target" "$probe" 2>&1)
	expect_has "$w" "$out" "refused errno=" "$msg"
}
refuse "a global read as the wrong type: refused before attach, both types named" \
	"-g ve:char*" h_globals attach_test:global "global 've' is int, the handler reads it as char *"
refuse "a global of another width: refused" "-g vh:int32_t" h_globals attach_test:global \
	"the handler reads it as int32_t"
refuse "a global the file does not have: refused, named" "-g nosuch" h_globals attach_test:global \
	"no global 'nosuch'"
set +f

# the same through the CLI, text and JSON: the unreadable double is marked
# (until the first event, then SIGINT: no fixed wait)
trace_until() { # FILE PATTERN ARGS...
	local f=$1 re=$2; shift 2
	timeout 10 "$OUT/tsdt" trace "$@" > "$f" 2>&1 & local tp=$!
	for i in $(seq 500); do grep -q -- "$re" "$f" && break; sleep 0.01; done
	kill -INT $tp; wait $tp
}
trace_until "$TMP/x.txt" 'sdt_test:xmm ' -p "$P" "$A/target:sdt_test:xmm"
expect_has "tsdt trace, %xmm argument" "$(cat "$TMP/x.txt")" "sdt_test:xmm " "=<unreadable: -14>"
trace_until "$TMP/x.json" '"error":-14}' --json -p "$P" "$A/target:sdt_test:xmm"
expect_has "tsdt trace --json, %xmm argument" "$(cat "$TMP/x.json")" '"error":-14}'
finish
