#!/bin/bash
# tsdt_program__attach() refuses handlers whose declared types disagree with
# the probe's, with a message naming probe, argument (index and name) and
# both types; and attaches those that agree. Both attach modes.
. "$(dirname "$0")/attach-lib.sh"

start_target

refuse() { # handler probe errno message
	local h=$1 probe=$2 errno=$3 msg=$4 mode out
	for mode in "" "-s"; do
		out=$("$A/loader" $mode -w 200 "$h" "$A/target" "$probe" 2>&1)
		if [ "$(grep -c '^attached' <<<"$out")" != 0 ]; then
			bad "$h on $probe [${mode:-multi}] attached"; continue
		fi
		expect_has "$h refused on $probe [${mode:-multi}]" "$out" \
			"refused errno=$errno" "attach: $msg"
	done
}

refuse r_width attach_test:ints EPROTOTYPE \
	"attach_test:ints arg 0 'a': handler reads int16_t, probe declares int8_t"
refuse r_sign attach_test:ints EPROTOTYPE \
	"attach_test:ints arg 1 'b': handler reads int8_t, probe declares uint8_t"
refuse r_ptrstr attach_test:misc EPROTOTYPE \
	"attach_test:misc arg 2 'fp': handler reads const char *, probe declares struct foo *"
refuse r_struct attach_test:misc EPROTOTYPE \
	"attach_test:misc arg 2 'fp': handler reads struct bar *, probe declares struct foo *"
refuse r_u64str attach_test:misc EPROTOTYPE \
	"attach_test:misc arg 5 'path': handler reads uint64_t, probe declares const char *"
refuse r_float attach_test:misc EPROTOTYPE \
	"attach_test:misc arg 3 'fl': handler reads double, probe declares float"
refuse r_more attach_test:global E2BIG \
	"attach_test:global: handler 'r_more' reads 2 arguments, probe has 1"
refuse r_wrongprobe attach_test:global EPROTOTYPE \
	"attach_test:global: handler 'r_wrongprobe' is written for probe attach_test:ints"
# an untyped probe gives sizes and signs only: int8 read as int16 is
# widening (accepted), uint8 read as int8 is a sign change (refused)
refuse r_sdt_sign sdt_test:ints EPROTOTYPE \
	"sdt_test:ints arg 1 'b': handler reads int8_t, probe declares uint8 (untyped)"
refuse r_sdt_float sdt_test:global EPROTOTYPE \
	"sdt_test:global arg 0 'counter': handler reads double, probe declares int32 (untyped)"

# a double in %xmm0: the types agree, but BPF cannot read the register
loc=$(readelf -n "$A/target" | grep -A1 'Name: xmm$' |
	sed -n 's/.*Location: \(0x[0-9a-f]*\),.*/\1/p')
refuse r_xmm sdt_test:xmm ENOTSUP \
	"sdt_test:xmm at $(printf '0x%x' $((loc))) arg 0: '8f@%xmm0' cannot be read from BPF (floating-point register)"

# and the ones that must attach
for h in "h_fewer attach_test:ints" "h_widen sdt_test:ints" \
	 "h_none attach_test:misc" "h_sdt_misc sdt_test:misc" "h_sdt_global sdt_test:global"; do
	set -- $h
	out=$("$A/loader" "$1" "$A/target" "$2" 2>&1)
	expect_has "$1 attaches to $2" "$out" "attached multi=1 sites=1" "hits=yes"
done

# a refused attach leaves nothing behind
if bpftool link list 2>/dev/null | grep -q 'name r_'; then
	bad "links of refused handlers remain"
else
	ok "no link of a refused handler remains"
fi
finish
