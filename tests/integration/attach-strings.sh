#!/bin/bash
# Strings on pages the process never touched: the target maps a file afresh
# for every hit and passes the untouched mapping to attach_test:cold. A
# non-sleepable read (bpf_probe_read_user_str) fails and must say so
# (-EFAULT, never a silent ""); a sleepable handler (TSDT_HANDLER_SLEEPABLE,
# bpf_copy_from_user_str) and the generic tracer's sleepable program read it.
. "$(dirname "$0")/attach-lib.sh"

printf 'cold page string\0' >"$TMP/cold"
start_target "$TMP/cold"
P=$TARGET_PID

for mode in "" "-s"; do
	out=$("$A/loader" $mode h_cold_s "$A/target" attach_test:cold 2>&1)
	expect_has "sleepable handler reads a cold page [${mode:-multi}]" "$out" \
		"hits=yes pid=$P " "str_ret=17 str='cold page string'"
	out=$("$A/loader" $mode h_cold "$A/target" attach_test:cold 2>&1)
	expect_has "non-sleepable handler reports the failure [${mode:-multi}]" "$out" \
		"hits=yes pid=$P " "str_ret=-14 str=''"

	out=$("$A/tracer" $mode -n 3 "$A/target" attach_test:cold 2>&1)
	expect_has "tracer (sleepable) reads cold pages [${mode:-multi}]" "$out" \
		"started multi=$([ -z "$mode" ] && echo 1 || echo 0) sleepable=1" \
		"attach_test:cold pid=$P tid=$P comm=target a0=\"cold page string\"" "lost 0"
	if grep -q 'error' <<<"$out"; then bad "tracer (sleepable) failed a read"; fi
	out=$("$A/tracer" $mode -S -n 3 "$A/target" attach_test:cold 2>&1)
	expect_has "tracer (non-sleepable) reports the failure [${mode:-multi}]" "$out" \
		"sleepable=0" "attach_test:cold pid=$P tid=$P comm=target a0=<error -14>"
done
finish
