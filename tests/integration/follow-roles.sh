#!/bin/bash
# Roles (docs/roles.md): a pre-fork server (tests/follow/roles.c) whose
# processes declare roles with TSDT_ROLE(); a worker becomes a walsender
# later; a helper inherits its worker's role. Every event carries its
# process's role at that moment; --role keeps one role's; stat --by role
# counts per role in the kernel, exactly. The same program built without
# the macro gets its roles from a global (--role-global, --role-names).
. "$(dirname "$0")/../trace/lib.sh"
. tests/paths.sh
R=$OUT/tests/follow/roles
RG=$OUT/tests/follow/roles-global
for f in "$R" "$RG"; do [ -x "$f" ] || die "$f not built (make)"; done
W=4 N=50 T=7
# expected: workers W*N + W helper hits, walsender N more (worker 0), ticks T
NAMES='1=supervisor,2=worker,3=walsender'

# per_role FILE: "probe role count" lines from tsdt trace --json
per_role() {
	$PYTHON -c 'import collections,json,sys
c=collections.Counter()
for l in open(sys.argv[1]):
    e=json.loads(l)
    if e["type"]=="event" and e["probe"]!="tsdt:role": c[(e["probe"], e.get("role"))]+=1
for (p,r),n in sorted(c.items()): print(p, r, n)' "$1"
}
want="srv:req walsender $N
srv:req worker $((W * N + W))
srv:tick supervisor $T"

"$TSDT" trace -q --json -c "$R $W $N $T" 'srv:*' > "$TMP/t.json" 2> "$TMP/t.err"
check "TSDT_ROLE: every event with its process's role at the time ($(per_role "$TMP/t.json" | tr '\n' ';'))" \
	[ "$(per_role "$TMP/t.json")" = "$want" ]
check "TSDT_ROLE: the helper (no declaration) has its worker's role" \
	sh -c "grep '\"value\":1000' '$TMP/t.json' | grep -c '\"role\":\"worker\"' | grep -qx $W"
check "TSDT_ROLE: the role declarations are events (tsdt:role, attached by itself)" \
	[ "$(grep -c '"type":"event".*"probe":"tsdt:role"' "$TMP/t.json")" = $((1 + W + 1)) ]

"$TSDT" trace -q --json --role walsender -c "$R $W $N $T" 'srv:*' > "$TMP/w.json" 2> "$TMP/w.err"
check "--role walsender: its $N events only" [ "$(per_role "$TMP/w.json")" = "srv:req walsender $N" ]

stat_rows() { awk '$1 ~ /^srv:/ && NF == 3 && $3 ~ /^[0-9]+$/ && $2 !~ /^[0-9]+$/ { print $1, $2, $3 }' "$1" | sort; }
"$TSDT" stat --by role -c "$R $W $N $T" 'srv:*' > "$TMP/s.out" 2>&1
check "stat --by role: exact counts per role, in the kernel ($(stat_rows "$TMP/s.out" | tr '\n' ';'))" \
	[ "$(stat_rows "$TMP/s.out")" = "$want" ]

# without the macro: the global srv_role, named
"$TSDT" stat --by role --role-global srv_role --role-names "$NAMES" -c "$RG $W $N $T" 'srv:*' > "$TMP/g.out" 2>&1
check "--role-global: exact counts per role ($(stat_rows "$TMP/g.out" | tr '\n' ';'))" \
	[ "$(stat_rows "$TMP/g.out")" = "$want" ]
"$TSDT" trace -q --json --role-global srv_role --role-names "$NAMES" -c "$RG $W $N $T" 'srv:*' > "$TMP/gt.json" 2> "$TMP/gt.err"
check "--role-global: every event with the role the global held at the hit" \
	[ "$(per_role "$TMP/gt.json")" = "$want" ]
"$TSDT" trace -q --json --role walsender --role-global srv_role --role-names "$NAMES" -c "$RG $W $N $T" 'srv:*' > "$TMP/gw.json" 2> "$TMP/gw.err"
check "--role-global --role walsender: its $N events only" [ "$(per_role "$TMP/gw.json")" = "srv:req walsender $N" ]

# no --role-names: the names of the global's enum, from the debug information
"$TSDT" stat --by role --role-global srv_role -c "$RG $W $N $T" 'srv:*' > "$TMP/ge.out" 2>&1
check "--role-global without names: the enum's own ($(stat_rows "$TMP/ge.out" | tr '\n' ';'))" \
	[ "$(stat_rows "$TMP/ge.out")" = "$(echo "$want" | sed 's/ walsender / SRV_WALSENDER /; s/ worker / SRV_WORKER /; s/ supervisor / SRV_SUPERVISOR /' | sort)" ]

# a string global: the role is its text, typed by the command line or by
# the debug information
"$TSDT" stat --by role --role-global 'srv_role_name:const char *' -c "$RG $W $N $T" 'srv:*' > "$TMP/gs.out" 2>&1
check "--role-global NAME:const char *: the text's counts, exact ($(stat_rows "$TMP/gs.out" | tr '\n' ';'))" \
	[ "$(stat_rows "$TMP/gs.out")" = "$want" ]
"$TSDT" trace -q --json --role walsender --role-global srv_role_name -c "$RG $W $N $T" 'srv:*' > "$TMP/gsw.json" 2> "$TMP/gsw.err"
check "--role-global on a char * typed by the debug information, --role walsender: its $N events only" \
	[ "$(per_role "$TMP/gsw.json")" = "srv:req walsender $N" ]

"$TSDT" trace --role nosuch --role-global srv_role --role-names "$NAMES" -c "$RG 1 1 1" 'srv:*' > /dev/null 2> "$TMP/e1"
check "a role no value has: refused by name" grep -q "role 'nosuch' is none of the names" "$TMP/e1"
"$TSDT" trace --role-names "$NAMES" -c "$RG 1 1 1" 'srv:*' > /dev/null 2> "$TMP/e2"
check "--role-names without --role-global: usage error" grep -q 'names the values of --role-global' "$TMP/e2"

# roles from the command line (the process title, /proc/PID/cmdline): a
# pre-fork server without TSDT_ROLE whose processes retitle themselves
# ("reqsrv: reader"); a worker's role changes from its parent's to its own
RS=$OUT/tests/span/reqsrv
[ -x "$RS" ] || die "$RS not built (make)"
RE='reqsrv: ([a-z]+)'
mkdir -p "$TMP/t1"
"$TSDT" stat --by role --role-cmdline "$RE" -c "$RS title 4 20 $TMP/t1" 'req:start' > "$TMP/c.out" 2>&1
crow() { awk '$1 == "req:start" && NF == 3 && $3 ~ /^[0-9]+$/ && $2 !~ /^[0-9]+$/ { print $2, $3 }' "$1" | sort; }
want=$(cat "$TMP"/t1/prefork.* | awk '{ n[$1] += $2 } END { for (r in n) print r, n[r] }' | sort)
check "--role-cmdline: stat --by role counts exactly per title ($(crow "$TMP/c.out" | tr '\n' ';'))" \
	[ -n "$want" -a "$(crow "$TMP/c.out")" = "$want" ]
mkdir -p "$TMP/t2"
"$TSDT" trace -q --json --role reader --role-cmdline "$RE" -c "$RS title 4 20 $TMP/t2" 'req:start' > "$TMP/c.json" 2> "$TMP/c.err"
check "--role-cmdline --role reader: the readers' 40 events only, each with its role" \
	[ "$(grep '"type":"event"' "$TMP/c.json" | grep -c '"role":"reader".*"probe":"req:start"')" = 40 -a \
	  "$(grep -c '"type":"event"' "$TMP/c.json")" = 40 ]
"$TSDT" trace --role-cmdline '([' -c "$RS title 1 1 $TMP/t2" 'req:*' > /dev/null 2> "$TMP/e3"
check "--role-cmdline with a bad regular expression: named" grep -q "role_cmdline '(\[':" "$TMP/e3"
finish
