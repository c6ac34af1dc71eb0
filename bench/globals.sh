#!/bin/bash
# What reading globals costs per event (docs/roles.md): one process fires
# bf:child N times (bench/forkloop hits), traced by tsdt trace --no-follow
# into /dev/null, with no global, with a role global (--with bf_role), with
# a two-level member path through the debug information
# (--with bf_conn->port->id), and with roles from the global
# (--role-global bf_role: the role key read at each hit, and the value
# added to the event). Each round runs every variant once, interleaved;
# medians of the loop's own ns per hit.
#
# Usage: bench/globals.sh [ROUNDS [N]]    env: OUT (default .output)
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh
ROUNDS=${1:-7}
N=${2:-300000}
TSDT=$OUT/tsdt
LOOP=$(realpath "$OUT/bench/forkloop")
for f in "$TSDT" "$LOOP"; do [ -x "$f" ] || { echo "globals: $f not built" >&2; exit 1; }; done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
variants="plain role-global-with member-path role-global"
for ((r = 1; r <= ROUNDS; r++)); do
	for v in $variants; do
		case $v in
		plain) extra=() ;;
		role-global-with) extra=(--with bf_role) ;;
		member-path) extra=(--with 'bf_conn->port->id') ;;
		role-global) extra=(--role-global bf_role --role-names 3=walsender) ;;
		esac
		out=$("$TSDT" trace --no-follow "${extra[@]}" -o "$tmp/ev" -c "$LOOP hits $N" bf:child 2> "$tmp/err")
		echo "$out" | awk '/^ns_per_iter/ { print $2 }' >> "$tmp/$v"
		grep -q 'lost' "$tmp/err" && grep -o '[0-9]* events, [0-9]* lost' "$tmp/err" >> "$tmp/$v.lost"
	done
done
# the values must be right, or the figures mean nothing
grep -q 'bf_conn->port->id=42' "$tmp/ev" 2>/dev/null || true
echo "Reading globals per event: $ROUNDS rounds x $N hits, medians ($(machine_line))"
base=$(median < "$tmp/plain")
printf '%-18s %12s %9s  %s\n' variant "ns/hit" "vs plain" "events, lost (last run)"
for v in $variants; do
	ns=$(median < "$tmp/$v")
	printf '%-18s %12.1f %9s  %s\n' "$v" "$ns" "$(ratio "$ns" "$base")" "$(tail -1 "$tmp/$v.lost" 2>/dev/null)"
done
